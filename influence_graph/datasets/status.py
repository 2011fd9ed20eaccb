"""Where each real data file is looked for, whether it is there, and whether its SHA-256
matches the registry (``influence-graph datasets``).

Examples
--------
>>> t = status(env={})        # an empty environment: only the user cache is searched
>>> t.columns[:4]
['dataset', 'file', 'required', 'found']
>>> sorted(set(t["dataset"]))
['congress', 'higgs']
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import polars as pl

from ..exceptions import ChecksumError
from ._fetch import locate, search_places
from ._registry import DATASETS, HOW_TO_GET, files

__all__ = ["status", "STATUS_COLUMNS"]

#: Columns of :func:`status`, in order.
STATUS_COLUMNS: tuple[str, ...] = (
    "dataset", "file", "required", "found", "source", "path", "checksum", "bytes",
    "looked_in", "how_to_get",
)


def status(
    *, data_dir: str | os.PathLike | None = None, fetch: bool = False,
    env: Mapping[str, str] | None = None,
) -> pl.DataFrame:
    """One row per registered file of every real data set.

    Parameters
    ----------
    data_dir : path-like, optional
        A folder to search first (as the loaders' ``data_dir``).
    fetch : bool
        Download missing files from their publishers into the user cache (verified);
        False (default): only look.
    env : mapping, optional
        Environment to read (default ``os.environ``: ``INFLUENCE_GRAPH_DATA``,
        ``XDG_CACHE_HOME``, ``INFLUENCE_GRAPH_OFFLINE``).

    Returns
    -------
    polars.DataFrame
        :data:`STATUS_COLUMNS`: ``found`` (Boolean), ``source`` (``data_dir``, ``env``,
        ``cache``, ``download`` or null), ``path`` (null when absent), ``checksum``
        (``"ok"``, ``"no registered sum"``, ``"MISMATCH"`` or null when absent),
        ``bytes``, ``looked_in`` (every place searched, in order, ``; ``-separated) and
        ``how_to_get``.
    """
    if not isinstance(fetch, bool):
        raise TypeError(f"The 'fetch' parameter must be True or False; got {fetch!r:.60}")
    env = os.environ if env is None else env
    rows = []
    for name in DATASETS:
        for f in files(name):
            looked = "; ".join(str(p) for p in search_places(f, data_dir=data_dir, env=env))
            row = {"dataset": name, "file": f.name, "required": f.required, "found": False,
                   "source": None, "path": None, "checksum": None, "bytes": None,
                   "looked_in": looked, "how_to_get": HOW_TO_GET.get(name, f.url)}
            try:
                hit = locate(f, data_dir=data_dir, download_missing=fetch, env=env,
                             required=False)
            except ChecksumError:
                path = next(p for p in search_places(f, data_dir=data_dir, env=env)
                            if p.is_file())
                row.update(found=True, path=str(path), checksum="MISMATCH",
                           bytes=path.stat().st_size)
            else:
                if hit is not None:
                    row.update(found=True, source=hit.source, path=str(hit.path),
                               checksum="ok" if hit.verified else "no registered sum",
                               bytes=hit.path.stat().st_size)
            rows.append(row)
    schema = {"dataset": pl.String, "file": pl.String, "required": pl.Boolean,
              "found": pl.Boolean, "source": pl.String, "path": pl.String,
              "checksum": pl.String, "bytes": pl.Int64, "looked_in": pl.String,
              "how_to_get": pl.String}
    return pl.DataFrame(rows, schema=schema).select(STATUS_COLUMNS)
