"""Row rules and cross-row rules for events, follows and users.

:func:`check_source` runs every rule on one opened source and sorts each record into
exactly one bucket: used, rejected (broke a rule), deduplicated (copy of another
record) or filtered (valid, but left out by a documented rule). Failures are kept as a
polars frame (record, column, rule, message, hint, value) so that even millions of them
cost no Python loop; only the first 50 become :class:`~influence_graph.exceptions.Failure`.

Examples
--------
>>> import polars as pl
>>> from influence_graph.io._sources import open_source
>>> follows = pl.DataFrame({"follower": ["a", "a", "b", "c"], "followee": ["b", "b", "b", None]})
>>> out = check_source(open_source(follows, "follows"))
>>> out.table.rows(), out.report.reasons
([('a', 'b')], {'ID_MISSING': 1, 'DUP_FOLLOW': 1, 'SELF_LOOP': 1})
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import polars as pl

from .._validation import bad_param
from ..exceptions import InputValidationError
from ._columns import USER_COLUMNS, ColumnPlan, plan_columns
from ._parse import Check, Parsed, ref, refine_ts_failures
from ._sources import RECORD, Source
from .report import SourceReport
from .schema import EVENT_SCHEMA

__all__ = ["Outcome", "check_source", "FAIL_SCHEMA", "LINK_ACTIONS"]

#: Columns of a failure frame.
FAIL_SCHEMA: dict[str, pl.DataType] = {
    RECORD: pl.Int64(),
    "column": pl.String(),
    "rule": pl.String(),
    "message": pl.String(),
    "hint": pl.String(),
    "value": pl.String(),
    "order": pl.Int64(),
}
#: Actions whose ``parent_id`` must name an earlier post in the data.
LINK_ACTIONS = ("retweet", "quote", "reply")
_MASK = "__mask"


@dataclass
class Outcome:
    """Result of :func:`check_source` on one source.

    Attributes
    ----------
    source : Source
    table : polars.DataFrame
        Used records, canonical columns, record order (``__record`` dropped).
    report : SourceReport
    failures : polars.DataFrame
        Every failure (:data:`FAIL_SCHEMA`), in record order, several per record possible.
    rejected : polars.DataFrame
        One row per rejected record: ``__record``, ``column``, ``rule`` (its first failure).
    raw : polars.DataFrame or None
        Source columns as strings for the failing records (for messages and rejects).
    """

    source: Source
    table: pl.DataFrame
    report: SourceReport
    failures: pl.DataFrame
    rejected: pl.DataFrame
    raw: pl.DataFrame | None = None
    plan: ColumnPlan | None = None
    notes: list[str] = field(default_factory=list)


def _empty_failures() -> pl.DataFrame:
    return pl.DataFrame(schema=FAIL_SCHEMA)


def _scan_failures(src: Source) -> tuple[pl.DataFrame, list[int]]:
    """Record-level failures found by the byte scan, and the blank records."""
    if src.scan is None:
        return _empty_failures(), []
    rows = []
    n_header = len(src.scan.header)
    for b in src.scan.bad_encoding:
        rows.append(
            (
                b.record,
                None,
                "ENCODING",
                f"is not valid UTF-8 (byte offset {b.byte_offset})",
                "re-encode the file as UTF-8",
                b.raw.decode("utf-8", errors="replace"),
                -2,
            )
        )
    bad_enc = {b.record for b in src.scan.bad_encoding}
    for b in src.scan.bad_field_counts:
        if b.record in bad_enc:
            continue
        rows.append(
            (
                b.record,
                None,
                "FIELD_COUNT",
                f"has {b.n_fields} fields, the header has {n_header}",
                "a field holding the separator must be quoted",
                b.raw.decode("utf-8", errors="replace"),
                -1,
            )
        )
    fr = pl.DataFrame(rows, schema=FAIL_SCHEMA, orient="row") if rows else _empty_failures()
    return fr, src.scan.blank_records.tolist()


def _row_checks(
    src: Source, plan: ColumnPlan, extra: list[Check], skip: list[int]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Apply the converters; return (valid typed rows, failures)."""
    checks = [c for p in plan.parsed.values() for c in p.checks] + extra
    if len(checks) > 62:  # pragma: no cover - fixed, small rule set
        raise RuntimeError("too many checks for one mask")
    lazy = src.lazy
    if skip:
        lazy = lazy.filter(
            ~pl.col(RECORD).cast(pl.Int64).is_in(pl.Series(skip, dtype=pl.Int64).implode())
        )
    mask = (
        pl.sum_horizontal(
            [
                pl.when(c.fails).then(pl.lit(1 << i, pl.UInt64)).otherwise(pl.lit(0, pl.UInt64))
                for i, c in enumerate(checks)
            ]
        )
        if checks
        else pl.lit(0, pl.UInt64)
    )
    refs = {c: ref(plan.source_of[c]) for c in plan.parsed}
    slow = {c: p for c, p in plan.parsed.items() if p.fallback is not None}
    pending = [
        pl.when(pl.col(refs[c]).is_null()).then(pl.col(plan.source_of[c])).alias("__raw" + refs[c])
        for c in slow
    ]
    try:
        df = (
            lazy.with_columns(*[p.value.alias(refs[c]) for c, p in plan.parsed.items()])
            .select(pl.col(RECORD).cast(pl.Int64), *refs.values(), mask.alias(_MASK), *pending)
            .rename({v: k for k, v in refs.items()})
            .collect()
        )
    except pl.exceptions.ComputeError as exc:
        raise InputValidationError.single(
            "CSV_PARSE",
            f"cannot be parsed as CSV ({str(exc).splitlines()[0][:200]})",
            file=src.name,
            hint="look for a quote character inside an unquoted field",
        ) from None
    if df.height + len(skip) != src.n_records:
        raise InputValidationError.single(
            "CSV_PARSE",
            f"the CSV parser read {df.height + len(skip):,} records but the byte scan counted "
            f"{src.n_records:,}",
            file=src.name,
            hint="look for a quote character inside an unquoted field",
        )
    for c, p in slow.items():
        df = _apply_fallback(df, c, plan.source_of[c], p, checks)
    bad = df.filter(pl.col(_MASK) != 0)
    valid = df.filter(pl.col(_MASK) == 0).drop(_MASK)
    if bad.height == 0:
        return valid, _empty_failures()
    parts = []
    for i, c in enumerate(checks):
        hit = bad.filter((pl.col(_MASK) & (1 << i)) != 0)
        if hit.height:
            parts.append(
                hit.select(
                    pl.col(RECORD),
                    pl.lit(plan.source_of.get(c.column, c.column), pl.String).alias("column"),
                    pl.lit(c.rule, pl.String).alias("rule"),
                    pl.lit(c.message, pl.String).alias("message"),
                    pl.lit(c.hint, pl.String).alias("hint"),
                    pl.lit(None, pl.String).alias("value"),
                    pl.lit(i, pl.Int64).alias("order"),
                )
            )
    return valid, pl.concat(parts)


def _apply_fallback(
    df: pl.DataFrame, canon: str, source: str, parsed: Parsed, checks: list[Check]
) -> pl.DataFrame:
    """Convert again, with the full converter, the rows the fast one left null."""
    pending = "__raw" + ref(source)
    raw = df[pending]
    df = df.drop(pending)
    need = raw.is_not_null()
    if not need.any():
        return df
    assert parsed.fallback is not None
    idx = need.arg_true()
    sub = pl.DataFrame({source: raw.gather(idx).cast(pl.String)})
    sub = sub.with_columns(parsed.fallback.alias(ref(source)))
    own = [(i, c) for i, c in enumerate(checks) if c.column == source]
    bits = sub.select(
        pl.sum_horizontal(
            [
                pl.when(c.fails).then(pl.lit(1 << i, pl.UInt64)).otherwise(pl.lit(0, pl.UInt64))
                for i, c in own
            ]
        ).alias("b")
    )["b"]
    keep = ((1 << 64) - 1) ^ sum(1 << i for i, _ in own)
    old = df[_MASK].gather(idx)
    return df.with_columns(
        df[canon].scatter(idx, sub[ref(source)]),
        df[_MASK].scatter(idx, (old & pl.Series([keep], dtype=pl.UInt64)) | bits),
    )


def _flag(df: pl.DataFrame, cond: pl.Expr | pl.Series) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split ``df`` into (rows where ``cond`` is false, rows where it is true)."""
    m = cond if isinstance(cond, pl.Series) else df.select(cond.fill_null(False).alias("m"))["m"]
    if not m.any():
        return df, df.clear()
    return df.filter(~m), df.filter(m)


def _candidates(df: pl.DataFrame, key: list[str]) -> pl.Series:
    """Rows whose ``key`` hash repeats (a superset of the rows whose key repeats)."""
    h = pl.struct(key).hash() if len(key) > 1 else pl.col(key[0]).hash()
    return df.select(h.is_duplicated().alias("c"))["c"]


def _exact_duplicates(df: pl.DataFrame, cols: list[str], cand: pl.Series) -> pl.Series:
    """Flag every row that repeats an earlier row on all ``cols``, among ``cand`` rows."""
    out = pl.Series("d", np.zeros(df.height, dtype=bool))
    if not cand.any():
        return out
    idx = cand.arg_true()
    sub = df[idx].select(pl.struct(cols).is_first_distinct().alias("f"))["f"]
    return out.scatter(idx, ~sub)


def _conflicts(
    df: pl.DataFrame, key: str, rule: str, what: str, column: str, cand: pl.Series | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Reject every record sharing ``key`` (non-null) after exact deduplication."""
    if cand is None:
        cand = _candidates(df, [key])
    if not cand.any():
        return df, _empty_failures()
    idx = cand.arg_true()
    sub = df[idx]
    dup = sub[key].is_not_null() & sub[key].is_duplicated()
    mask = pl.Series("m", np.zeros(df.height, dtype=bool)).scatter(idx, dup)
    keep, hit = _flag(df, mask)
    if hit.height == 0:
        return keep, _empty_failures()
    fails = hit.with_columns(first=pl.col(RECORD).min().over(key), n=pl.len().over(key)).select(
        pl.col(RECORD),
        pl.lit(column, pl.String).alias("column"),
        pl.lit(rule, pl.String).alias("rule"),
        pl.format(
            "is the {} of {} records with different content (first: record {})",
            pl.lit(what),
            pl.col("n"),
            pl.col("first"),
        ).alias("message"),
        pl.lit("remove or renumber the conflicting copies", pl.String).alias("hint"),
        pl.col(key).cast(pl.String).alias("value"),
        pl.lit(100, pl.Int64).alias("order"),
    )
    return keep, fails


def _event_rules(
    df: pl.DataFrame, src: Source
) -> tuple[pl.DataFrame, pl.DataFrame, Counter, Counter, list[str]]:
    dedup: Counter[str] = Counter()
    filt: Counter[str] = Counter()
    notes: list[str] = []
    canon = [c for c in EVENT_SCHEMA if c in df.columns]
    has_ids = "event_id" in canon
    key = ["event_id"] if has_ids else [c for c in canon if c not in ("topics", "platform")]
    keys = {"key": pl.struct(key).hash() if len(key) > 1 else pl.col(key[0]).hash()}
    if "post_id" in canon:
        keys["post"] = pl.col("post_id").hash()
    flags = df.select(*[h.is_duplicated().alias(k) for k, h in keys.items()])  # one parallel pass
    cand = flags["key"]
    dups = _exact_duplicates(df, canon, cand)
    if dups.any():
        cand = cand.filter(~dups)
    post_cand = flags["post"].filter(~dups) if "post" in flags.columns else None
    df, hit = _flag(df, dups)
    dedup["DUP_EVENT"] += hit.height
    fails = []
    if has_ids:
        before = df.height
        df, f = _conflicts(
            df, "event_id", "DUP_EVENT_CONFLICT", "event_id", src_col(src, "event_id"), cand
        )
        fails.append(f)
        if post_cand is not None and df.height != before:
            post_cand = None  # rows were removed: recompute
    if "post_id" in df.columns:
        df, f = _conflicts(
            df, "post_id", "DUP_POST_ID", "post_id", src_col(src, "post_id"), post_cand
        )
        fails.append(f)
    if "parent_id" in df.columns:
        linked = pl.col("action").is_in(list(LINK_ACTIONS)) & pl.col("parent_id").is_not_null()
        if "post_id" in df.columns:
            parents = df.filter(pl.col("post_id").is_not_null()).select(
                pl.col("post_id").alias("parent_id"), pl.col("timestamp").alias("__pts")
            )
        else:
            parents = pl.DataFrame(
                schema={"parent_id": pl.String, "__pts": EVENT_SCHEMA["timestamp"]}
            )
        # post_ids are unique here (DUP_POST_ID), so the left join keeps one row per event;
        # the explicit row index makes the result independent of the join's output order
        status = (
            df.select(
                pl.int_range(pl.len(), dtype=pl.UInt32).alias("__i"),
                "parent_id",
                "timestamp",
                "action",
            )
            .join(parents, on="parent_id", how="left")
            .sort("__i")
            .select(
                pl.when(~linked)
                .then(0)
                .when(pl.col("__pts").is_null())
                .then(1)
                .when(pl.col("__pts") > pl.col("timestamp"))
                .then(2)
                .otherwise(0)
                .cast(pl.UInt8)
                .alias("s")
            )["s"]
        )
        if status.len() != df.height:  # pragma: no cover - guarded by DUP_POST_ID
            raise RuntimeError("parent lookup changed the number of events")
        bad = status != 0
        if bad.any():
            filt["DANGLING_REF"] += int((status == 1).sum())
            filt["CAUSALITY"] += int((status == 2).sum())
            df = df.filter(~bad)
    ts = df["timestamp"]
    ooo = int((ts < ts.cum_max().shift(1)).sum() or 0)
    if ooo:
        notes.append(
            f"{src.name}: {ooo:,} events are earlier than an event before them in the file; "
            "events are sorted by (timestamp, event_id)"
        )
    f = pl.concat(fails) if fails else _empty_failures()
    return df, f, dedup, filt, notes


def _follow_rules(df: pl.DataFrame) -> tuple[pl.DataFrame, Counter, Counter]:
    dedup: Counter[str] = Counter()
    filt: Counter[str] = Counter()
    df, hit = _flag(df, pl.col("follower") == pl.col("followee"))
    filt["SELF_LOOP"] += hit.height
    n = df.height
    agg = [pl.col(RECORD).min()]
    if "since" in df.columns:
        agg.append(pl.col("since").min())
    df = df.group_by(["follower", "followee"], maintain_order=True).agg(agg)
    dedup["DUP_FOLLOW"] += n - df.height
    return df, dedup, filt


def _user_rules(df: pl.DataFrame, src: Source) -> tuple[pl.DataFrame, pl.DataFrame, Counter]:
    dedup: Counter[str] = Counter()
    cols = [c for c in df.columns if c != RECORD]
    df, hit = _flag(df, _exact_duplicates(df, cols, _candidates(df, ["user"])))
    dedup["DUP_USER"] += hit.height
    df, fails = _conflicts(df, "user", "DUP_USER_CONFLICT", "user", src_col(src, "user"))
    return df, fails, dedup


def src_col(src: Source, canon: str) -> str:
    """Source column name of a canonical column (after column_map)."""
    plan = getattr(src, "_plan", None)
    return plan.source_of.get(canon, canon) if plan is not None else canon


def _raw_rows(src: Source, records: pl.Series) -> pl.DataFrame:
    cols = [pl.col(c).cast(pl.String) for c in src.columns]
    return (
        src.lazy.filter(pl.col(RECORD).cast(pl.Int64).is_in(records.cast(pl.Int64).implode()))
        .select(pl.col(RECORD).cast(pl.Int64), *cols)
        .collect()
    )


def check_source(
    src: Source,
    *,
    column_map: dict[str, str] | None = None,
    strict_columns: bool = False,
    timestamp_format: str | None = None,
    epoch_unit: str | None = None,
    normalize_ids: str | None = None,
    strip_ids: bool = False,
    known_users: pl.Series | None = None,
    now: datetime | None = None,
) -> Outcome:
    """Run every rule on ``src``; see the module docstring.

    ``known_users`` (a closed user set) adds a ``USER_UNKNOWN`` check on every user
    column. Raises only for header problems (see :func:`plan_columns`); row failures are
    returned in the outcome for the caller to raise (strict) or reject (lenient).
    """
    if src.kind not in ("events", "follows", "users", "probabilities"):
        raise bad_param("kind", src.kind, "be 'events', 'follows', 'users' or 'probabilities'")
    plan = plan_columns(
        src.schema,
        src.kind,
        src.name,
        column_map=column_map,
        strict_columns=strict_columns,
        timestamp_format=timestamp_format,
        epoch_unit=epoch_unit,
        normalize_ids=normalize_ids,
        strip_ids=strip_ids,
        separator=src.separator,
        now=now,
    )
    src._plan = plan  # type: ignore[attr-defined]
    extra: list[Check] = []
    if known_users is not None:
        for c in USER_COLUMNS:
            if c in plan.parsed and src.kind != "users":
                v = pl.col(ref(plan.source_of[c]))
                extra.append(
                    Check(
                        c,
                        "USER_UNKNOWN",
                        "is not in the user table (closed_user_set=True)",
                        v.is_not_null() & ~v.is_in(known_users.implode()),
                        hint="add the user to the user table or pass closed_user_set=False",
                    )
                )
    scan_fails, blanks = _scan_failures(src)
    skip = sorted(set(scan_fails[RECORD].to_list()) | set(blanks))
    valid, row_fails = _row_checks(src, plan, extra, skip)
    dedup: Counter[str] = Counter()
    filt: Counter[str] = Counter({"BLANK_LINE": len(blanks)}) if blanks else Counter()
    notes: list[str] = list(plan.warnings) + list(src.warnings)
    cross = _empty_failures()
    if src.kind == "events":
        valid, cross, d, f, n = _event_rules(valid, src)
        dedup += d
        filt += f
        notes += n
    elif src.kind == "follows":
        valid, d, f = _follow_rules(valid)
        dedup += d
        filt += f
    elif src.kind == "users":
        valid, cross, d = _user_rules(valid, src)
        dedup += d
    # probabilities: duplicate edges and self-loops are the diffusion rules' to judge
    failures = pl.concat([scan_fails, row_fails, cross]).sort(
        [RECORD, "order"], maintain_order=True
    )
    rejected = (
        failures.group_by(RECORD, maintain_order=True).first().select(RECORD, "column", "rule")
    )
    raw = None
    if failures.height:
        raw = _raw_rows(src, rejected[RECORD])
        failures = refine_ts_failures(_fill_values(failures, raw, plan), plan.iso_ts)
        rejected = (
            failures.group_by(RECORD, maintain_order=True).first().select(RECORD, "column", "rule")
        )
    reasons: Counter[str] = Counter(rejected["rule"].to_list())
    reasons += dedup
    reasons += filt
    used = valid.height
    report = SourceReport(
        source=src.name,
        records_read=src.n_records,
        used=used,
        rejected=rejected.height,
        deduplicated=sum(dedup.values()),
        filtered=sum(filt.values()),
        reasons={k: v for k, v in reasons.items() if v},
        warnings=tuple(notes),
        kind=src.kind,
    )
    table = valid.drop(RECORD)  # filters and ordered group-bys keep record order
    return Outcome(src, table, report, failures, rejected, raw, plan, notes)


def _fill_values(failures: pl.DataFrame, raw: pl.DataFrame, plan: ColumnPlan) -> pl.DataFrame:
    """Put the raw text of the failing column into ``value`` where it is missing."""
    long = raw.unpivot(index=RECORD, variable_name="column", value_name="__raw")
    out = failures.join(long, on=[RECORD, "column"], how="left", maintain_order="left")
    out = out.with_columns(value=pl.coalesce("value", "__raw")).drop("__raw")
    return out.sort([RECORD, "order"], maintain_order=True)
