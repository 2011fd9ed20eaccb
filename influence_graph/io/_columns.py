"""Map a source's columns to a canonical table: names, required columns, dtypes.

:func:`plan_columns` checks the header before any row is read (``DUP_COLUMN``,
``MISSING_COLUMN``, ``UNKNOWN_COLUMN``, ``ID_TYPE``, ``TS_TYPE``, ``COLUMN_TYPE``) and
returns, per canonical column, the converter (:class:`~influence_graph.io._parse.Parsed`)
that turns the source column into the canonical value with its row checks.

Examples
--------
>>> import polars as pl
>>> plan = plan_columns({"uid": pl.String, "action": pl.String, "timestamp": pl.String,
...                      "note": pl.String}, "events", "ev.csv", column_map={"uid": "user"})
>>> list(plan.parsed), plan.unknown, plan.source_of["user"]
(['user', 'action', 'timestamp'], ['note'], 'uid')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import polars as pl

from ..exceptions import Failure, InputValidationError
from ._parse import (
    Parsed,
    parse_action,
    parse_id,
    parse_probability,
    parse_text,
    parse_timestamp,
    parse_topics,
    type_failure,
)
from .schema import (
    EVENT_REQUIRED,
    EVENT_SCHEMA,
    FOLLOW_REQUIRED,
    FOLLOW_SCHEMA,
    PROBABILITY_SCHEMA,
)

__all__ = ["ColumnPlan", "plan_columns", "separator_hint", "CANONICAL", "REQUIRED", "ID_COLUMNS"]

CANONICAL: dict[str, tuple[str, ...]] = {
    "events": tuple(EVENT_SCHEMA),
    "follows": tuple(FOLLOW_SCHEMA),
    "users": ("user",),
    "probabilities": tuple(PROBABILITY_SCHEMA),
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "events": EVENT_REQUIRED,
    "follows": FOLLOW_REQUIRED,
    "users": ("user",),
    "probabilities": tuple(PROBABILITY_SCHEMA),
}
#: Columns holding ids (opaque strings).
ID_COLUMNS = (
    "event_id",
    "user",
    "target_user",
    "post_id",
    "parent_id",
    "follower",
    "followee",
    "source",
    "target",
)
#: Field separators a header may hold when the file was read with another one.
_OTHER_SEPARATORS = {";": "';'", "\t": "'\\t'", "|": "'|'", ",": "','"}


def separator_hint(header: list[str], separator: str) -> str | None:
    """A hint naming ``separator=`` when the header looks split by another separator.

    Examples
    --------
    >>> separator_hint(["user;action;timestamp"], ",")
    "the header holds ';': the file looks ';'-separated; pass separator=';' (CLI: --separator ';')"
    >>> separator_hint(["user", "action"], ",") is None
    True
    """
    for sep, shown in _OTHER_SEPARATORS.items():
        if sep != separator and any(sep in h for h in header):
            cli = "--separator tab" if sep == "\t" else f"--separator {shown}"
            return (
                f"the header holds {shown}: the file looks {shown}-separated; "
                f"pass separator={shown} (CLI: {cli})"
            )
    return None
#: Columns naming users (checked against a closed user set).
USER_COLUMNS = ("user", "target_user", "follower", "followee")


@dataclass
class ColumnPlan:
    """How each canonical column of one source is produced.

    Attributes
    ----------
    parsed : dict of str to Parsed
        Canonical column → converter, in canonical order (users: ``user`` then the
        attributes in source order).
    source_of : dict of str to str
        Canonical column → source column name.
    unknown : list of str
        Source columns that map to nothing (ignored, listed as a warning).
    warnings : list of str
    iso_ts : set of str
        Source columns of string timestamps parsed as ISO 8601.
    """

    parsed: dict[str, Parsed] = field(default_factory=dict)
    source_of: dict[str, str] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    iso_ts: set[str] = field(default_factory=set)


def plan_columns(
    schema: dict[str, pl.DataType],
    kind: str,
    source: str,
    *,
    column_map: dict[str, str] | None = None,
    strict_columns: bool = False,
    timestamp_format: str | None = None,
    epoch_unit: str | None = None,
    normalize_ids: str | None = None,
    strip_ids: bool = False,
    separator: str = ",",
    now: datetime | None = None,
) -> ColumnPlan:
    """Check a source's columns and build the converters of its canonical columns.

    Parameters
    ----------
    schema : dict of str to polars.DataType
        Source columns in order (CSV: all String).
    kind : {"events", "follows", "users", "probabilities"}
    source : str
        Name used in messages.
    column_map : dict, optional
        Source name → canonical name, e.g. ``{"uid": "user"}``.
    strict_columns : bool
        Raise ``UNKNOWN_COLUMN`` instead of warning about unknown columns.
    timestamp_format, epoch_unit, normalize_ids, strip_ids, now
        See :func:`influence_graph.load_dataset`.
    separator : str
        Separator the source was read with (named in the ``MISSING_COLUMN`` hint
        when the header looks split by another one).

    Returns
    -------
    ColumnPlan

    Raises
    ------
    InputValidationError
        ``DUP_COLUMN``, ``MISSING_COLUMN``, ``UNKNOWN_COLUMN``, ``ID_TYPE``, ``TS_TYPE``,
        ``COLUMN_TYPE`` (all header problems of the source in one error).
    """
    cmap = column_map or {}
    canonical = CANONICAL[kind]
    by_canon: dict[str, str] = {}
    failures: list[Failure] = []
    plan = ColumnPlan()
    attributes: list[str] = []
    for col in schema:
        target = cmap.get(col, col)
        if kind == "users" and target != "user":
            attributes.append(col)
            continue
        if target not in canonical:
            plan.unknown.append(col)
            continue
        if target in by_canon:
            failures.append(
                Failure(
                    rule="DUP_COLUMN",
                    file=source,
                    column=target,
                    message=f"columns {by_canon[target]!r} and {col!r} both map to {target!r}",
                    hint="drop one of them or fix column_map",
                )
            )
            continue
        by_canon[target] = col
    missing = [c for c in REQUIRED[kind] if c not in by_canon]
    if missing:
        avail = ", ".join(repr(c) for c in schema) or "none"
        failures.append(
            Failure(
                rule="MISSING_COLUMN",
                file=source,
                column=", ".join(missing),
                message=f"missing required column{'s' * (len(missing) > 1)} (available: {avail})",
                hint=separator_hint(list(schema), separator)
                or "rename the column or pass column_map={'source_name': 'canonical_name'} "
                "(CLI: --column-map source_name=canonical_name)",
            )
        )
    if plan.unknown:
        text = (
            f"{source}: unknown column{'s' if len(plan.unknown) > 1 else ''} ignored: "
            + ", ".join(repr(c) for c in plan.unknown)
        )
        if strict_columns:
            failures.append(
                Failure(
                    rule="UNKNOWN_COLUMN",
                    file=source,
                    column=", ".join(plan.unknown),
                    message=f"is not a column of the {kind} table "
                    f"(expected some of: {', '.join(canonical)})",
                    hint="drop it, map it with column_map, or pass strict_columns=False",
                )
            )
        else:
            plan.warnings.append(text)
    target_src = by_canon.get("target_user")
    for canon in canonical:
        if canon not in by_canon:
            continue
        col = by_canon[canon]
        dtype = schema[col]
        if canon in ID_COLUMNS:
            parsed = parse_id(
                col,
                dtype,
                required=canon in REQUIRED[kind] or canon == "event_id",
                normalize=normalize_ids,
                strip=strip_ids,
            )
            want, rule = "String or an integer type", "ID_TYPE"
        elif canon == "action":
            parsed = parse_action(col, dtype, target=target_src)
            want, rule = "String", "COLUMN_TYPE"
        elif canon in ("timestamp", "since"):
            parsed = parse_timestamp(
                col,
                dtype,
                timestamp_format=timestamp_format,
                epoch_unit=epoch_unit,
                now=now,
                required=canon == "timestamp",
            )
            want = "String, Datetime with a time zone, or integers with epoch_unit"
            if (
                parsed is not None
                and timestamp_format is None
                and epoch_unit is None
                and dtype == pl.String
            ):
                plan.iso_ts.add(col)
            rule = "TS_TYPE"
        elif canon == "p":
            parsed = parse_probability(col, dtype)
            want, rule = "a number (String or a numeric type)", "P_TYPE"
        elif canon == "topics":
            parsed = parse_topics(col, dtype)
            want, rule = "String (';'-separated) or List(String)", "COLUMN_TYPE"
        else:
            parsed = parse_text(col, dtype)
            want, rule = "String", "COLUMN_TYPE"
        if parsed is None:
            failures.append(type_failure(rule, source, col, dtype, want))
            continue
        plan.parsed[canon] = parsed
        plan.source_of[canon] = col
    for col in attributes:
        dtype = schema[col]
        if dtype == pl.String:
            expr = pl.when(pl.col(col) == "").then(None).otherwise(pl.col(col))
        else:
            expr = pl.col(col)
        plan.parsed[col] = Parsed(expr)
        plan.source_of[col] = col
    if failures:
        raise InputValidationError(failures)
    return plan
