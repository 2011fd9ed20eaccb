"""All-or-nothing report folders: build beside the target, then swap it into place.

:func:`atomic_dir` yields a fresh temporary folder **next to** the target (same
filesystem, so the final moves are renames). When the block ends without error the
temporary folder becomes the target: a previous report is renamed away, the new one
renamed in, the old one deleted. On any error the temporary folder is deleted and the
target is left exactly as it was (absent, or the previous complete report).

Examples
--------
>>> import tempfile, pathlib
>>> target = pathlib.Path(tempfile.mkdtemp()) / "report"
>>> with atomic_dir(target) as tmp:
...     _ = (tmp / "index.html").write_text("v1")
...     _ = (tmp / REPORT_MARKER).write_text("{}")
>>> (target / "index.html").read_text()
'v1'
>>> try:
...     with atomic_dir(target) as tmp:
...         _ = (tmp / "index.html").write_text("v2")
...         raise RuntimeError("boom")
... except RuntimeError:
...     pass
>>> (target / "index.html").read_text(), sorted(p.name for p in target.parent.iterdir())
('v1', ['report'])
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["atomic_dir", "check_replaceable", "swap_in", "REPORT_MARKER"]

#: File whose presence marks a folder as a complete report (it is written last).
REPORT_MARKER = "provenance.json"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def check_replaceable(target: Path) -> None:
    """Raise ``BAD_PARAM`` unless ``target`` is absent, empty or a previous report.

    A folder holding other files is never deleted to make room for a report.
    """
    from .._validation import bad_param

    if not target.exists() and not target.is_symlink():
        return
    if not target.is_dir():
        raise bad_param("out", target, "be a folder (it is a file)")
    if any(target.iterdir()) and not (target / REPORT_MARKER).is_file():
        raise bad_param("out", target, "be a new folder, an empty one or a previous report "
                        "(it holds other files; pick another --out)")


def swap_in(tmp: Path, target: Path) -> None:
    """Move the finished folder ``tmp`` to ``target``, replacing a previous one.

    Renames ``target`` away, renames ``tmp`` in, then deletes the old folder; if the
    second rename fails the old folder is put back.
    """
    if not target.exists() and not target.is_symlink():
        os.rename(tmp, target)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    old.rmdir()  # reserve a unique name, then free it for the rename
    os.rename(target, old)
    try:
        os.rename(tmp, target)
    except BaseException:
        os.rename(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


@contextmanager
def atomic_dir(target: str | Path) -> Iterator[Path]:
    """Yield a temporary folder beside ``target``; on success it replaces ``target``.

    Parameters
    ----------
    target : str or Path
        The final folder. Its parent is created if needed. An existing ``target``
        must be empty or a previous report (:data:`REPORT_MARKER`); otherwise
        ``BAD_PARAM`` is raised before anything is written.

    Yields
    ------
    Path
        The temporary folder to write into.
    """
    target = Path(target).absolute()
    check_replaceable(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        os.chmod(tmp, 0o777 & ~_umask())
        yield tmp
        swap_in(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
