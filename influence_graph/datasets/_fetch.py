"""Find, download and verify the real data files.

Order of places (the first that has the file wins):

1. ``data_dir`` given by the caller: ``data_dir/<file>``, then ``data_dir/<dataset>/<file>``;
2. ``$INFLUENCE_GRAPH_DATA/<dataset>/<file>``;
3. the user cache ``$XDG_CACHE_HOME/influence_graph/<dataset>`` (default
   ``~/.cache/influence_graph/<dataset>``);
4. a download from the publisher into the user cache, when ``download=True`` and
   ``INFLUENCE_GRAPH_OFFLINE`` is not set: streamed to a temporary file in the cache
   folder, its SHA-256 verified, then atomically renamed into place.

Every file found is checked against the SHA-256 registered in
:mod:`influence_graph.datasets._registry` (``verify=True``, the default): a mismatch
raises :class:`~influence_graph.ChecksumError`. When no place has a file, a
:class:`~influence_graph.DataNotFoundError` names the file, every place looked and how
to get it.

Downloads go through :data:`OPENER` (``urllib.request.urlopen`` by default), a
module attribute so tests can replace it with a fake or a ``file://`` opener.

Examples
--------
>>> from influence_graph.datasets._fetch import search_places
>>> from influence_graph.datasets._registry import entry
>>> e = entry("congress", "congress_network_data.json")
>>> [p.name for p in search_places(e, data_dir="/tmp/x", env={}, home="/h")]
['congress_network_data.json', 'congress_network_data.json', 'congress_network_data.json']
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import urllib.request
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ..exceptions import ChecksumError, DataNotFoundError
from ._registry import HOW_TO_GET, DataFile

__all__ = [
    "Located",
    "OPENER",
    "cache_dir",
    "search_places",
    "sha256_file",
    "verify_file",
    "download",
    "locate",
]

#: Opens a URL and returns a binary file-like object; replaced in tests.
OPENER: Callable[..., IO[bytes]] = urllib.request.urlopen
_CHUNK = 1 << 20
_TIMEOUT_S = 60


@dataclass(frozen=True)
class Located:
    """A data file found on disk.

    Attributes
    ----------
    path : pathlib.Path
        Where it is.
    sha256 : str or None
        Its SHA-256 (computed; ``None`` when ``verify=False``).
    verified : bool
        Whether the sum was checked against a registered one.
    source : str
        ``"data_dir"``, ``"env"``, ``"cache"`` or ``"download"``.
    """

    path: Path
    sha256: str | None
    verified: bool
    source: str


def cache_dir(
    dataset: str, *, env: Mapping[str, str] | None = None, home: str | os.PathLike | None = None
) -> Path:
    """User cache folder of ``dataset``.

    ``$XDG_CACHE_HOME/influence_graph/<dataset>`` when ``XDG_CACHE_HOME`` is set, else
    ``~/.cache/influence_graph/<dataset>``.

    Examples
    --------
    >>> cache_dir("higgs", env={"XDG_CACHE_HOME": "/c"}).as_posix()
    '/c/influence_graph/higgs'
    >>> cache_dir("higgs", env={}, home="/h").as_posix()
    '/h/.cache/influence_graph/higgs'
    """
    env = os.environ if env is None else env
    root = env.get("XDG_CACHE_HOME")
    base = Path(root) if root else Path(home if home is not None else Path.home()) / ".cache"
    return base / "influence_graph" / dataset


def search_places(
    entry: DataFile,
    *,
    data_dir: str | os.PathLike | None = None,
    env: Mapping[str, str] | None = None,
    home: str | os.PathLike | None = None,
) -> list[Path]:
    """Candidate paths of ``entry``'s file, in search order (see module docs)."""
    env = os.environ if env is None else env
    places: list[Path] = []
    if data_dir is not None:
        d = Path(data_dir).expanduser()
        places += [d / entry.name, d / entry.dataset / entry.name]
    root = env.get("INFLUENCE_GRAPH_DATA")
    if root:
        places.append(Path(root).expanduser() / entry.dataset / entry.name)
    places.append(cache_dir(entry.dataset, env=env, home=home) / entry.name)
    return places


def sha256_file(path: str | os.PathLike) -> str:
    """SHA-256 hex digest of a file, read in 1 MiB chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


def verify_file(path: str | os.PathLike, entry: DataFile) -> str:
    """Return the file's SHA-256, raising :class:`ChecksumError` if it differs from the registry.

    A file without a registered sum (``entry.sha256 is None``) is not checked; its
    computed sum is returned so callers can record it.
    """
    digest = sha256_file(path)
    if entry.sha256 is not None and digest != entry.sha256:
        raise ChecksumError(
            f"{path}: SHA-256 {digest} differs from the registered {entry.sha256} for "
            f"{entry.dataset}/{entry.name}; the file is corrupt, truncated or a different version. "
            f"Delete it and get it again ({HOW_TO_GET.get(entry.dataset, entry.url)})."
        )
    return digest


def _offline(env: Mapping[str, str]) -> bool:
    return env.get("INFLUENCE_GRAPH_OFFLINE", "").strip().lower() not in ("", "0", "false", "no")


def download(
    entry: DataFile, dest_dir: str | os.PathLike, *, opener: Callable[..., Any] | None = None
) -> Path:
    """Download ``entry`` from its publisher into ``dest_dir``, verified and atomically renamed.

    The response is streamed to a temporary file in ``dest_dir`` (extracting
    ``entry.archive_member`` when the address serves a zip archive), its SHA-256 is
    checked, and only then is it renamed to ``dest_dir/entry.name``; on any failure the
    temporary file is removed and nothing is left at the final path.

    Raises
    ------
    ChecksumError
        When the downloaded file's sum differs from the registered one.
    OSError
        When the address cannot be read (``urllib.error.URLError`` is an ``OSError``).
    """
    opener = OPENER if opener is None else opener
    dest = Path(dest_dir)
    dest.mkdir(parents=True, exist_ok=True)
    final = dest / entry.name
    fd, tmp_name = tempfile.mkstemp(prefix=f".{entry.name}.", suffix=".part", dir=dest)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            response = opener(entry.url, timeout=_TIMEOUT_S)
            try:
                if entry.archive_member is None:
                    for chunk in iter(lambda: response.read(_CHUNK), b""):
                        out.write(chunk)
                else:
                    blob = io.BytesIO(response.read())
                    with zipfile.ZipFile(blob) as zf:
                        members = [m for m in zf.namelist() if Path(m).name == entry.archive_member]
                        if not members:
                            raise OSError(
                                f"{entry.url}: archive has no member named {entry.archive_member!r}"
                            )
                        with zf.open(members[0]) as src:
                            for chunk in iter(lambda: src.read(_CHUNK), b""):
                                out.write(chunk)
            finally:
                close = getattr(response, "close", None)
                if close is not None:
                    close()
        verify_file(tmp, entry)
        os.replace(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return final


def locate(
    entry: DataFile,
    *,
    data_dir: str | os.PathLike | None = None,
    verify: bool = True,
    download_missing: bool = True,
    opener: Callable[..., Any] | None = None,
    env: Mapping[str, str] | None = None,
    required: bool | None = None,
) -> Located | None:
    """Find ``entry``'s file (see the module docs for the order) and verify it.

    Parameters
    ----------
    entry : DataFile
        Registry entry of the file.
    data_dir : path-like, optional
        Folder the caller named; searched first.
    verify : bool, default True
        Check the SHA-256 against the registry.
    download_missing : bool, default True
        Download from the publisher into the user cache when no place has the file
        (skipped when ``INFLUENCE_GRAPH_OFFLINE`` is set).
    opener : callable, optional
        Replaces :data:`OPENER` for this call.
    env : mapping, optional
        Environment to read (default ``os.environ``).
    required : bool, optional
        Overrides ``entry.required`` (e.g. the caller asked for an optional file).

    Returns
    -------
    Located or None
        ``None`` only for an optional file (``required``, default ``entry.required``,
        false) that is absent.

    Raises
    ------
    DataNotFoundError
        A required file is nowhere: the message names the file, every place looked, the
        download attempt and how to get it.
    ChecksumError
        The file found (or downloaded) has the wrong SHA-256.
    """
    env = os.environ if env is None else env
    places = search_places(entry, data_dir=data_dir, env=env)
    sources = (
        (["data_dir", "data_dir"] if data_dir is not None else [])
        + (["env"] if env.get("INFLUENCE_GRAPH_DATA") else [])
        + ["cache"]
    )
    for path, source in zip(places, sources, strict=True):
        if path.is_file():
            digest = verify_file(path, entry) if verify else None
            return Located(path, digest, verify and entry.sha256 is not None, source)
    attempt = "download not attempted"
    if download_missing and not _offline(env):
        target = cache_dir(entry.dataset, env=env)
        try:
            path = download(entry, target, opener=opener)
        except ChecksumError:
            raise
        except (OSError, ValueError, zipfile.BadZipFile) as exc:
            attempt = f"download from {entry.url} failed: {exc}"
        else:
            return Located(
                path,
                verify_file(path, entry) if verify else None,
                verify and entry.sha256 is not None,
                "download",
            )
    elif download_missing:
        attempt = "download skipped because INFLUENCE_GRAPH_OFFLINE is set"
    if not (entry.required if required is None else required):
        return None
    looked = "\n".join(f"  - {p}" for p in places)
    raise DataNotFoundError(
        f"{entry.dataset} data file {entry.name!r} not found. Looked in:\n{looked}\n"
        f"  - {attempt}\n"
        f"To get it: {HOW_TO_GET.get(entry.dataset, entry.url)}."
    )
