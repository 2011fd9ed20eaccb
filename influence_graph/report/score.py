"""``influence-graph score``: every user's metric tables, as Parquet and CSV, all or nothing.

Writes into a folder (replaced only when complete, like the report):

``activity.parquet`` / ``activity.csv``
    :func:`influence_graph.activity` (the raw counts).
``influence.parquet`` / ``influence.csv``
    :func:`influence_graph.influence` as the report runs it
    (:func:`~.analysis.influence_table`: expected spread with intervals and the defended
    score on learned probabilities; the measured probabilities when the data set has
    no events).
``provenance.json``
    Package and model versions, seed, settings, input SHA-256 sums, the command line.

CSVs have formula cells neutralised (gzip above :data:`~.sections.GZIP_ROWS` rows).
"""

from __future__ import annotations

import json
import platform
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import polars as pl

import influence_graph as ig

from .analysis import ReportOptions, influence_table
from .atomic import REPORT_MARKER, atomic_dir, check_replaceable
from .progress import steps
from .user_report import input_sums, write_table

__all__ = ["run_score"]


def run_score(
    ds: Any, out: str | Path, options: ReportOptions | None = None, *,
    files: Mapping[str, str | Path | None] | None = None, command: str = "",
    progress: bool = False,
) -> Path:
    """Score every user of ``ds`` and write the tables into ``out`` (module docstring).

    ``progress``: a line per step on stderr (a spinner on a terminal). Returns the
    folder. Raises ``BAD_PARAM`` for an ``out`` folder holding other files; errors of the
    estimators leave ``out`` as it was.
    """
    opts = options or ReportOptions()
    out = Path(out)
    check_replaceable(out.absolute())
    t0 = time.perf_counter()
    with steps(progress) as step:
        with step(f"Counting activity ({ds.n_users:,} users)"):
            act = ig.activity(ds)
        with step("Scoring influence: expected spread with intervals, defended score"):
            inf = influence_table(ds, opts)
        tables = {"activity": act, "influence": inf}
        with step("Writing the tables (all or nothing)"):
            _write(ds, out, tables, opts, files, command, t0)
    return out


def _write(ds: Any, out: Path, tables: dict[str, pl.DataFrame], opts: ReportOptions,
           files: Mapping[str, str | Path | None] | None, command: str, t0: float) -> None:
    with atomic_dir(out) as tmp:
        for name, df in tables.items():
            write_table(df, tmp, name)
        prov = {"package": "influence_graph", "version": ig.__version__,
                "model_version": ig.model_version, "seed": opts.seed,
                "settings": opts.settings(), "inputs": input_sums(
                    {k: v for k, v in (files or {}).items() if v is not None}, ds),
                "command": command, "python": platform.python_version(),
                "polars": pl.__version__, "dataset": repr(ds), "tables": sorted(tables),
                "seconds": round(time.perf_counter() - t0, 2)}
        (tmp / REPORT_MARKER).write_text(json.dumps(prov, indent=2, default=str))
