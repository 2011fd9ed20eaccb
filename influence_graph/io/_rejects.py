"""Turn failure frames into one :class:`InputValidationError` or a rejects file.

Examples
--------
>>> import polars as pl
>>> csv_text(pl.DataFrame({"a": ["x,y", "b", None], "b": ["1", "q", "2"]}), ",")
['"x,y",1', 'b,q', ',2']
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import polars as pl

from ..exceptions import MAX_LISTED_FAILURES, Failure, InputValidationError
from ._checks import Outcome
from ._sources import RECORD

__all__ = ["REJECTS_SCHEMA", "build_error", "rejects_frame", "write_rejects", "csv_text"]

#: Columns of the rejects file written in lenient mode.
REJECTS_SCHEMA: dict[str, pl.DataType] = {
    "file": pl.String(),
    "record": pl.Int64(),
    "line": pl.Int64(),
    "column": pl.String(),
    "rule": pl.String(),
    "raw_text": pl.String(),
}


def _quote(e: pl.Expr, sep: str) -> pl.Expr:
    needs = e.str.contains_any([sep, '"', "\n", "\r"])
    return (
        pl.when(needs)
        .then(pl.concat_str(pl.lit('"'), e.str.replace_all('"', '""', literal=True), pl.lit('"')))
        .otherwise(e)
    )


def csv_text(raw: pl.DataFrame, sep: str) -> list[str]:
    """Re-serialise string rows as CSV lines (quoting where needed; null → empty)."""
    if raw.width == 0:
        return [""] * raw.height
    cols = [_quote(pl.col(c), sep).fill_null("") for c in raw.columns]
    return raw.select(pl.concat_str(cols, separator=sep).alias("t"))["t"].to_list()


def build_error(outcomes: list[Outcome]) -> InputValidationError | None:
    """One error over every failure of every source, or ``None`` when there is none.

    Lists the first :data:`~influence_graph.exceptions.MAX_LISTED_FAILURES` failures
    (sources in load order, records ascending) and counts every failure per rule.
    """
    counts: Counter[str] = Counter()
    listed: list[Failure] = []
    for out in outcomes:
        fr = out.failures
        if fr.height == 0:
            continue
        counts.update(dict(fr.group_by("rule").len().iter_rows()))
        room = MAX_LISTED_FAILURES - len(listed)
        if room <= 0:
            continue
        head = fr.head(room)
        lines = out.source.lines(head[RECORD].to_list())
        for row, line in zip(head.iter_rows(named=True), lines, strict=True):
            listed.append(
                Failure(
                    rule=row["rule"],
                    file=out.source.name,
                    record=row[RECORD],
                    line=line,
                    column=row["column"],
                    value=row["value"],
                    message=row["message"],
                    hint=row["hint"],
                )
            )
    if not listed:
        return None
    return InputValidationError(listed, dict(counts))


def rejects_frame(out: Outcome) -> pl.DataFrame:
    """One row per rejected record of ``out`` (:data:`REJECTS_SCHEMA`)."""
    rej = out.rejected
    if rej.height == 0:
        return pl.DataFrame(schema=REJECTS_SCHEMA)
    records = rej[RECORD]
    texts: dict[int, str] = {}
    # byte-exact text for records the scan rejected as a whole
    scan = out.source.scan
    if scan is not None:
        for b in list(scan.bad_encoding) + list(scan.bad_field_counts):
            if b.raw:
                texts.setdefault(b.record, b.raw.decode("utf-8", errors="replace"))
    raw = out.raw
    if raw is not None and raw.height:
        texts_raw = csv_text(raw.drop(RECORD), out.source.separator)
        rebuilt = dict(zip(raw[RECORD].to_list(), texts_raw, strict=True))
        for k, v in rebuilt.items():
            texts.setdefault(k, v)
    lines = out.source.lines(records.to_list())
    return pl.DataFrame(
        {
            "file": [out.source.name] * rej.height,
            "record": records,
            "line": lines,
            "column": rej["column"],
            "rule": rej["rule"],
            "raw_text": [texts.get(r) for r in records.to_list()],
        },
        schema=REJECTS_SCHEMA,
    )


def write_rejects(outcomes: list[Outcome], path: str | Path) -> int:
    """Write the rejected records of every source to ``path`` (Parquet); return the count."""
    frames = [rejects_frame(o) for o in outcomes]
    df = pl.concat(frames) if frames else pl.DataFrame(schema=REJECTS_SCHEMA)
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    df.write_parquet(p)
    return df.height
