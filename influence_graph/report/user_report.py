"""``influence-graph report``: one command from a user's own log to an honest influence report.

:func:`run_report` takes a loaded :class:`~influence_graph.Dataset`, computes every
number through the public API (:mod:`.analysis`, :mod:`.cards`, :mod:`.sections`) and
writes a report folder **all or nothing** (:func:`~.atomic.atomic_dir`):

``index.html``
    Self-contained page: figures embedded as base64 PNG, no external request, one small
    inline script (the user search box).
``<table>.parquet`` / ``<table>.csv``
    Every table of the page (users, ingest, correlations, robustness, over time …); a
    table of more than :data:`~.sections.GZIP_ROWS` rows as ``<table>.csv.gz`` (Higgs' over-time
    table is 2.1 million rows: 362 MB as plain CSV);
    ``cards/card-<n>-*.parquet|csv`` the tables of each user card. CSVs go through
    :func:`~influence_graph.io.safe_csv.write_safe_csv` (formula cells neutralised).
``figures/*.png``
    Every figure.
``provenance.json``
    Package and model versions, seed, estimator settings, input SHA-256 sums, the
    command line. Written last: its presence marks a complete report.
"""

from __future__ import annotations

import json
import platform
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

import influence_graph as ig

from ..datasets._fetch import sha256_file
from ..io.safe_csv import write_safe_csv
from . import _html
from .analysis import Analysis, ReportOptions, analyse
from .atomic import REPORT_MARKER, atomic_dir, check_replaceable
from .cards import build_card, cards_section
from .progress import steps
from .sections import (
    GZIP_ROWS,
    SEARCH_JS,
    Section,
    absent,
    activity_section,
    data_section,
    provenance_section,
    robustness_section,
    top_section,
)
from .truth import truth_section

__all__ = ["run_report", "ReportResult", "sha256_file", "write_table", "input_sums"]


@dataclass(frozen=True)
class ReportResult:
    """What :func:`run_report` wrote.

    Attributes
    ----------
    index : Path
        The report's ``index.html``.
    sections : tuple of (str, bool)
        Each section's key and whether it is present.
    seconds : float
        Wall time of the whole report.
    """

    index: Path
    sections: tuple[tuple[str, bool], ...]
    seconds: float


def _csv_ready(df: pl.DataFrame) -> pl.DataFrame:
    """Nested columns (lists, structs) as text, which CSV cannot hold otherwise."""
    exprs = []
    for name, dtype in df.schema.items():
        if isinstance(dtype, pl.List):
            exprs.append(pl.col(name).list.eval(pl.element().cast(pl.String)).list.join(";"))
        elif isinstance(dtype, (pl.Struct, pl.Array, pl.Object)):
            exprs.append(pl.col(name).map_elements(str, return_dtype=pl.String))
    return df.with_columns(exprs) if exprs else df


def write_table(df: pl.DataFrame, folder: Path, name: str) -> None:
    """Write ``df`` as ``<name>.parquet`` (exact) and ``<name>.csv`` (formulas neutralised;
    ``<name>.csv.gz`` above :data:`~.sections.GZIP_ROWS` rows)."""
    df.write_parquet(folder / f"{name}.parquet")
    suffix = ".csv.gz" if df.height > GZIP_ROWS else ".csv"
    write_safe_csv(_csv_ready(df), folder / f"{name}{suffix}")


def input_sums(files: Mapping[str, str | Path | None], ds: Any) -> dict[str, Any]:
    """``{kind: {"path", "sha256"}}`` of the input files, or the data set's provenance.

    The sums :func:`influence_graph.load_dataset` computed while reading (its
    provenance) are reused; a file it did not read is hashed here.
    """
    known = (ds.provenance or {}).get("sha256", {})
    out: dict[str, Any] = {}
    for kind, path in files.items():
        if path is not None:
            out[kind] = {"path": str(path),
                         "sha256": known.get(str(path)) or sha256_file(path)}
    if not out and ds.provenance:
        out["dataset_provenance"] = ds.provenance
    return out


def _sections(a: Analysis, opts: ReportOptions, files: Mapping[str, str], step: Any
              ) -> list[Section]:
    """Sections 1–5 (provenance is added last, when the time is known)."""
    out = [data_section(a, files)]
    with step("Drawing the activity-vs-influence and top-user figures"):
        out.append(activity_section(a))
    truth = None
    if getattr(a.ds, "truth", None) is not None:
        with step("Checking every metric against the planted truth"):
            truth = truth_section(a, opts)
    with step("Drawing the top users"):
        out += ([truth] if truth is not None else []) + [top_section(a, opts)]
    if a.users["spread"].null_count() == a.users.height:
        out.append(absent("cards", "4. User cards", "No expected spread, so no user card."))
    else:
        cards, start = [], time.perf_counter()
        for i, u in enumerate(a.card_users, start=1):
            budget_left = time.perf_counter() - start < opts.change_seconds
            cards.append(build_card(a, u, i, opts, step, explain_change=budget_left))
        out.append(cards_section(a, cards) if cards else
                   absent("cards", "4. User cards", "No user was asked for (--top 0, no --user)."))
    out.append(robustness_section(a, opts, step))
    return out


def _write(folder: Path, sections: list[Section]) -> None:
    (folder / "figures").mkdir()
    (folder / "cards").mkdir()
    for s in sections:
        for name, df in s.tables.items():
            write_table(df, folder / "cards" if name.startswith("card-") else folder, name)
        for name, (png, _caption) in s.figures.items():
            (folder / "figures" / f"{name}.png").write_bytes(png)


def _page(title: str, sections: list[Section]) -> str:
    toc = "".join(f'<li><a href="#{s.key}">{_html.escape(s.title)}</a></li>' for s in sections)
    head = [f"<h1>{_html.escape(title)}</h1>",
            "<p>Influence here is the ability to move content: the expected number of users a "
            "post starting at a user reaches (independent cascade on probabilities learned "
            "from this log), always with its 95% interval, set beside raw activity.</p>",
            f"<nav><ol>{toc}</ol></nav>"]
    return _html.page(title, head + [s.html() for s in sections], script=SEARCH_JS)


def run_report(
    ds: Any,
    out: str | Path,
    options: ReportOptions | None = None,
    *,
    files: Mapping[str, str | Path | None] | None = None,
    command: str = "",
    progress: bool = True,
) -> ReportResult:
    """Score ``ds``, explain its top users and write the report folder ``out``, all or nothing.

    Parameters
    ----------
    ds : Dataset
        The loaded data (:func:`influence_graph.load_dataset` or ``ig.datasets.*``).
    out : str or Path
        Report folder. It is replaced only when the whole report is written; on any
        error it is left as it was (absent, or the previous complete report). An
        existing folder that is not a previous report (and not empty) is refused.
    options : ReportOptions, optional
        Seed and estimator settings (defaults: :class:`ReportOptions`).
    files : mapping, optional
        ``{"events": path, "follows": path, "users": path}`` of the input files, for
        their SHA-256 sums in provenance.json.
    command : str
        The command line, recorded in provenance.json.
    progress : bool
        Progress lines on stderr (rich on a terminal, plain otherwise).

    Returns
    -------
    ReportResult

    Raises
    ------
    InputValidationError
        ``BAD_PARAM`` for an ``out`` folder holding other files or a ``--user`` not in
        the data; errors of the estimators.
    """
    opts = options or ReportOptions()
    out = Path(out)
    check_replaceable(out.absolute())  # before any work
    t0 = time.perf_counter()
    files = {k: v for k, v in (files or {}).items() if v is not None}
    shown = {k: str(v) for k, v in files.items()}
    with steps(progress) as step:
        with step("Hashing the input files"):
            inputs = input_sums(files, ds)
        a = analyse(ds, opts, step)
        sections = _sections(a, opts, shown or {"dataset": ds.name}, step)
        with step("Writing the report (all or nothing)"), atomic_dir(out) as tmp:
            _write(tmp, sections)
            prov = {
                "package": "influence_graph",
                "version": ig.__version__,
                "model_version": ig.model_version,
                "seed": opts.seed,
                "settings": opts.settings(),
                "window": a.window,
                "inputs": inputs,
                "command": command,
                "python": platform.python_version(),
                "polars": pl.__version__,
                "dataset": repr(ds),
                "ingest": str(ds.ingest),
                "card_users": list(a.card_users),
                "sections": {s.key: s.present for s in sections},
                "seconds": round(time.perf_counter() - t0, 2),
            }
            sections.append(provenance_section(prov))
            (tmp / "index.html").write_text(_page(f"Influence report: {ds.name}", sections),
                                            encoding="utf-8")
            (tmp / REPORT_MARKER).write_text(json.dumps(prov, indent=2, default=str))
    return ReportResult(out / "index.html", tuple((s.key, s.present) for s in sections),
                        time.perf_counter() - t0)
