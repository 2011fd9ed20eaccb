"""Numba cache location that works for an installed (read-only) package.

Import this module before any module that defines ``@njit(cache=True)`` kernels.
Numba writes its on-disk cache (``__pycache__/*.nbi``/``*.nbc``) beside the source
file. When the package directory is not writable (a site-packages install owned by
root, a read-only container image) and the user has not set ``NUMBA_CACHE_DIR``,
we point numba at ``$XDG_CACHE_HOME/influence_graph/numba`` (default
``~/.cache/influence_graph/numba``). A user-set ``NUMBA_CACHE_DIR`` always wins.

Examples
--------
>>> from influence_graph.diffusion._numba_setup import cache_dir
>>> cache_dir() is None or isinstance(cache_dir(), str)
True
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["cache_dir"]

_HERE = Path(__file__).resolve().parent


def _user_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "influence_graph" / "numba"


def _configure() -> None:
    if os.environ.get("NUMBA_CACHE_DIR"):
        return
    pycache = _HERE / "__pycache__"
    writable = os.access(pycache if pycache.exists() else _HERE, os.W_OK)
    if writable:
        return
    target = _user_cache()
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError:  # pragma: no cover - nowhere to cache; numba then compiles each run
        return
    os.environ["NUMBA_CACHE_DIR"] = str(target)
    if "numba" in sys.modules:  # numba read its config already: update it in place
        import numba

        numba.config.CACHE_DIR = str(target)


def cache_dir() -> str | None:
    """Return the cache directory numba was pointed at, or None for its default."""
    return os.environ.get("NUMBA_CACHE_DIR") or None


_configure()
