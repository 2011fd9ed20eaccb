"""Column converters: source column → canonical value plus failure conditions.

Each converter takes the source dtype of one column and returns a :class:`Parsed`: the
expression of the canonical value and a list of :class:`Check` (rule, message and the
boolean expression that flags a failing row). Nothing is inferred: ids stay strings,
timestamps follow ISO 8601 unless a format or an epoch unit is declared.

Examples
--------
>>> import polars as pl
>>> p = parse_timestamp("timestamp", pl.String)
>>> df = pl.DataFrame({"timestamp": ["2024-03-01T12:00:00+02:00", "2024-03-01 10:00:00Z", "x"]})
>>> df.select(p.value).to_series().to_list()  # fast path: only ...T..Z
[None, None, None]
>>> df = df.with_columns(p.fallback.alias(ref("timestamp")))  # the full ISO 8601 parser
>>> [t.isoformat() for t in df[ref("timestamp")][:2]]
['2024-03-01T10:00:00+00:00', '2024-03-01T10:00:00+00:00']
>>> [c.rule for c in p.checks]
['TS_MISSING', 'TS_PARSE', 'TS_RANGE']
>>> df.select([c.fails.alias(c.rule) for c in p.checks]).row(2)
(False, True, False)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import polars as pl

from ..exceptions import Failure
from .schema import ACTION_DTYPE, ACTIONS, TIMESTAMP_DTYPE

__all__ = [
    "Check",
    "Parsed",
    "MAX_ID_LENGTH",
    "TS_MIN",
    "parse_id",
    "parse_action",
    "parse_timestamp",
    "parse_topics",
    "parse_probability",
    "MAX_TOPICS_LENGTH",
    "refine_ts_failures",
    "ref",
    "parse_text",
    "type_failure",
]

#: Longest accepted id, in UTF-8 bytes (longer ids are rejected [ID_TOO_LONG]).
MAX_ID_LENGTH = 1024
#: Longest accepted ``topics`` field, in UTF-8 bytes (its labels joined by ``;``); a
#: longer field, or one label longer than :data:`MAX_ID_LENGTH`, is rejected
#: [TOPICS_TOO_LONG].
MAX_TOPICS_LENGTH = 4096
#: Earliest accepted timestamp: Twitter's first tweet, 2006-03-21.
TS_MIN = datetime(2006, 3, 21, tzinfo=timezone.utc)

_ISO_NAIVE = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?$"
_INT_DTYPES = (pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8, pl.UInt16, pl.UInt32, pl.UInt64)
_STR_DTYPES = (pl.String, pl.Categorical, pl.Enum, pl.Null)


@dataclass(frozen=True)
class Check:
    """One rule on one column: rows where ``fails`` is true break it."""

    column: str
    rule: str
    message: str
    fails: pl.Expr
    hint: str | None = None

    def __post_init__(self) -> None:
        # a null condition (null value) never fails a rule; missing values have their own
        object.__setattr__(self, "fails", self.fails.fill_null(False))


@dataclass(frozen=True)
class Parsed:
    """Canonical value expression of a column and the checks on it.

    ``fallback``, when set, is the full converter and ``value`` a fast one that gives
    null where it cannot decide; rows where ``value`` is null are converted again with
    ``fallback`` (only those rows), and their checks re-evaluated.
    """

    value: pl.Expr
    checks: list[Check] = field(default_factory=list)
    fallback: pl.Expr | None = None


def _is(dtype: pl.DataType, kinds: tuple) -> bool:
    return any(
        dtype == k or isinstance(dtype, k) or (isinstance(k, type) and dtype.base_type() == k)
        for k in kinds
    )


def type_failure(rule: str, source: str, column: str, dtype: pl.DataType, want: str) -> Failure:
    """Failure for a typed source column whose dtype cannot hold the canonical value.

    Examples
    --------
    >>> type_failure("ID_TYPE", "e.parquet", "user", pl.Float64, "String or integer").message
    'is stored as Float64; expected String or integer'
    """
    return Failure(
        rule=rule,
        file=source,
        column=column,
        value=str(dtype),
        message=f"is stored as {dtype}; expected {want}",
        hint="store ids as strings (floats lose digits beyond 2**53)"
        if rule == "ID_TYPE"
        else None,
    )


def ref(name: str) -> str:
    """Name of the materialised canonical value of source column ``name``.

    Converters compute each value once into this column; checks then read it, so an
    expensive parse (timestamps) is never evaluated twice.
    """
    return "__v_" + name


def _blank_to_null(e: pl.Expr) -> pl.Expr:
    return pl.when(e == "").then(None).otherwise(e)


def parse_id(
    name: str,
    dtype: pl.DataType,
    *,
    required: bool,
    normalize: str | None = None,
    strip: bool = False,
) -> Parsed | None:
    """Id column: opaque string; ``None`` when the dtype is not acceptable (ID_TYPE).

    Integer dtypes are accepted and written in decimal; an empty string is missing. An
    id with leading or trailing whitespace fails ``ID_WHITESPACE`` (``"alice "`` would
    otherwise be a second user beside ``"alice"``), unless ``strip`` removes it first.

    Examples
    --------
    >>> p = parse_id("user", pl.String, required=True)
    >>> pl.DataFrame({"user": ["007", "", None]}).select(p.value).to_series().to_list()
    ['007', None, None]
    >>> df = pl.DataFrame({"user": ["alice", "alice "]})
    >>> df = df.with_columns(p.value.alias(ref("user")))
    >>> df.select([c.fails.alias(c.rule) for c in p.checks]).rows()
    [(False, False, False), (False, False, True)]
    >>> s = parse_id("user", pl.String, required=True, strip=True)
    >>> pl.DataFrame({"user": [" alice ", "  "]}).select(s.value).to_series().to_list()
    ['alice', None]
    """
    if _is(dtype, _INT_DTYPES):
        base = pl.col(name).cast(pl.String)
    elif _is(dtype, _STR_DTYPES):
        raw = pl.col(name).cast(pl.String)
        base = _blank_to_null(raw.str.strip_chars() if strip else raw)
    else:
        return None
    if normalize:
        base = base.str.normalize(normalize)  # type: ignore[arg-type]
    v = pl.col(ref(name))
    checks = []
    if required:
        checks.append(Check(name, "ID_MISSING", "is missing (an id is required)", v.is_null()))
    checks.append(
        Check(
            name,
            "ID_TOO_LONG",
            f"is longer than {MAX_ID_LENGTH} bytes",
            v.str.len_bytes() > MAX_ID_LENGTH,
        )
    )
    checks.append(
        Check(
            name,
            "ID_WHITESPACE",
            "has leading or trailing whitespace (it would be a different user than the "
            "id without it)",
            v.str.contains(r"^\s|\s$"),
            hint="fix the ids, or pass strip_ids=True (CLI: --strip-ids) to strip them",
        )
    )
    return Parsed(base, checks)


def parse_text(name: str, dtype: pl.DataType) -> Parsed | None:
    """Convert an optional free-text column (``platform``): string, empty is missing."""
    if not _is(dtype, _STR_DTYPES):
        return None
    return Parsed(_blank_to_null(pl.col(name).cast(pl.String)))


def parse_action(name: str, dtype: pl.DataType, *, target: str | None) -> Parsed | None:
    """Convert ``action``: one of post, retweet, quote, reply, mention (exact spelling).

    ``target`` is the source name of the ``target_user`` column (``None`` when the
    column is absent); engagements without one fail ``TARGET_MISSING``.
    """
    if not _is(dtype, _STR_DTYPES):
        return None
    raw = pl.col(name).cast(pl.String)
    value = raw.cast(ACTION_DTYPE, strict=False)
    v = pl.col(ref(name))
    allowed = ", ".join(ACTIONS)
    checks = [
        Check(
            name,
            "ACTION_UNKNOWN",
            f"is not an action (one of {allowed})",
            v.is_null(),
            hint="map the source's action names to the canonical ones first",
        ),
    ]
    engagement = v.is_not_null() & (v != "post")
    missing_target = engagement if target is None else engagement & pl.col(ref(target)).is_null()
    checks.append(
        Check(
            "target_user",
            "TARGET_MISSING",
            "needs a target_user (every action but post has one)",
            missing_target,
        )
    )
    return Parsed(value, checks)


def _ts_range_check(name: str, now: datetime) -> Check:
    hi = now + timedelta(days=1)
    v = pl.col(ref(name))
    return Check(
        name,
        "TS_RANGE",
        f"is outside {TS_MIN:%Y-%m-%d} .. ingest time + 1 day ({hi:%Y-%m-%d %H:%M} UTC)",
        (v < pl.lit(TS_MIN, dtype=TIMESTAMP_DTYPE)) | (v > pl.lit(hi, dtype=TIMESTAMP_DTYPE)),
        hint="epoch seconds read as milliseconds (or the reverse) land here: declare epoch_unit",
    )


def _has_tz_directive(fmt: str) -> bool:
    return any(d in fmt for d in ("%z", "%:z", "%#z", "%::z", "%Z"))


def _epoch(e: pl.Expr, unit: str) -> pl.Expr:
    return pl.from_epoch(e, time_unit=unit).dt.replace_time_zone("UTC").dt.cast_time_unit("us")  # type: ignore[arg-type]


#: Rule of a string timestamp that failed to parse: TS_NAIVE when it is an ISO 8601
#: date-time without a zone, else TS_PARSE (decided on the few failing values only).
TS_NAIVE_PATTERN = _ISO_NAIVE


def parse_timestamp(
    name: str,
    dtype: pl.DataType,
    *,
    timestamp_format: str | None = None,
    epoch_unit: str | None = None,
    now: datetime | None = None,
    required: bool = True,
) -> Parsed | None:
    """Timestamp column → ``Datetime("us", "UTC")`` with TS_* checks.

    Strings are ISO 8601 date-times with seconds and ``Z`` or an offset (``T`` or a
    blank between date and time; converted to UTC) unless ``timestamp_format``
    (strftime; without a zone directive the times are taken as UTC) or ``epoch_unit``
    (``"s"``, ``"ms"``, ``"us"``; integers) is declared. A typed ``Datetime`` with a
    time zone is converted to UTC; integers need ``epoch_unit``. Returns ``None`` for
    dtypes that cannot hold a timestamp (TS_TYPE); naive typed datetimes get a check
    that flags every non-null row (TS_NAIVE). A string that fails to parse is flagged
    ``TS_PARSE``; :func:`refine_ts_failures` turns those that are ISO date-times
    without a zone into ``TS_NAIVE``.
    """
    now = now or datetime.now(timezone.utc)
    col = pl.col(name)
    v = pl.col(ref(name))
    checks: list[Check] = []
    fallback = None
    missing = col.is_null()
    if isinstance(dtype, pl.Datetime):
        if dtype.time_zone is None:
            value = col.dt.replace_time_zone("UTC").dt.cast_time_unit("us")
            checks.append(
                Check(
                    name,
                    "TS_NAIVE",
                    "has no time zone (naive datetime column)",
                    col.is_not_null(),
                    hint="attach the zone first, e.g. .dt.replace_time_zone('UTC')",
                )
            )
        else:
            value = col.dt.convert_time_zone("UTC").dt.cast_time_unit("us")
    elif isinstance(dtype, pl.Date):
        value = col.cast(pl.Datetime("us")).dt.replace_time_zone("UTC")
        checks.append(Check(name, "TS_NAIVE", "is a date without time zone", col.is_not_null()))
    elif _is(dtype, _INT_DTYPES):
        if epoch_unit is None:
            return None
        value = _epoch(col.cast(pl.Int64), epoch_unit)
    elif _is(dtype, _STR_DTYPES):
        raw = col.cast(pl.String)
        missing = raw.is_null() | (raw == "")
        if epoch_unit is not None:
            value = _epoch(raw.str.strip_chars().cast(pl.Int64, strict=False), epoch_unit)
            what = f"is not an integer epoch in unit {epoch_unit!r}"
            hint = None
        elif timestamp_format is not None:
            if _has_tz_directive(timestamp_format):
                value = raw.str.to_datetime(
                    timestamp_format, strict=False, time_unit="us", time_zone="UTC"
                )
            else:
                value = raw.str.to_datetime(
                    timestamp_format, strict=False, time_unit="us"
                ).dt.replace_time_zone("UTC")
            what = f"does not match timestamp_format {timestamp_format!r}"
            hint = None
        else:
            # fast path for the usual "...T12:34:56Z"; anything else goes to the fallback
            fallback = raw.str.replace(" ", "T", literal=True, n=1).str.to_datetime(
                "%Y-%m-%dT%H:%M:%S%.f%#z", strict=False, time_unit="us", time_zone="UTC"
            )
            value = raw.str.to_datetime(
                "%Y-%m-%dT%H:%M:%SZ", strict=False, time_unit="us", time_zone="UTC"
            )
            what = "is not an ISO 8601 timestamp with seconds and a zone"
            hint = (
                "expected e.g. 2024-03-01T12:34:56Z; "
                "declare timestamp_format or epoch_unit otherwise"
            )
        checks.append(Check(name, "TS_PARSE", what, ~missing & v.is_null(), hint=hint))
    else:
        return None
    if required:
        checks.insert(0, Check(name, "TS_MISSING", "is missing (a timestamp is required)", missing))
    checks.append(_ts_range_check(name, now))
    return Parsed(value, checks, fallback)


def refine_ts_failures(failures: pl.DataFrame, iso_columns: set[str]) -> pl.DataFrame:
    """Relabel TS_PARSE failures of ISO columns whose value is a zone-less date-time as TS_NAIVE.

    Examples
    --------
    >>> f = pl.DataFrame({"column": ["timestamp"] * 2, "rule": ["TS_PARSE"] * 2,
    ...                   "message": ["x"] * 2, "hint": [None, None],
    ...                   "value": ["2024-03-01 12:00:00", "soon"]})
    >>> refine_ts_failures(f, {"timestamp"})["rule"].to_list()
    ['TS_NAIVE', 'TS_PARSE']
    """
    if failures.height == 0 or not iso_columns:
        return failures
    naive = (
        (pl.col("rule") == "TS_PARSE")
        & pl.col("column").is_in(list(iso_columns))
        & pl.col("value").str.contains(_ISO_NAIVE).fill_null(False)
    )
    return failures.with_columns(
        rule=pl.when(naive).then(pl.lit("TS_NAIVE")).otherwise(pl.col("rule")),
        message=pl.when(naive)
        .then(pl.lit("has no time zone (add Z or an offset such as +02:00)"))
        .otherwise(pl.col("message")),
        hint=pl.when(naive)
        .then(pl.lit("write ISO 8601 with Z, or declare timestamp_format for naive UTC times"))
        .otherwise(pl.col("hint")),
    )


def parse_topics(name: str, dtype: pl.DataType) -> Parsed | None:
    """``topics``: a ``;``-separated string (CSV) or a list of strings → List(String).

    Surrounding blanks are stripped and empty labels dropped; a missing field is null.
    A field longer than :data:`MAX_TOPICS_LENGTH` bytes, or with a label longer than
    :data:`MAX_ID_LENGTH` bytes, fails ``TOPICS_TOO_LONG`` (as an over-long id does).

    Examples
    --------
    >>> p = parse_topics("topics", pl.String)
    >>> pl.DataFrame({"topics": ["a; b;;", None]}).select(p.value).to_series().to_list()
    [['a', 'b'], None]
    >>> df = pl.DataFrame({"topics": ["a;b", "x" * 5000]})
    >>> df = df.with_columns(p.value.alias(ref("topics")))
    >>> df.select(p.checks[0].fails).to_series().to_list()
    [False, True]
    """
    col = pl.col(name)
    if isinstance(dtype, pl.List) and _is(dtype.inner, _STR_DTYPES):
        lst = col.cast(pl.List(pl.String))
    elif _is(dtype, _STR_DTYPES):
        lst = _blank_to_null(col.cast(pl.String)).str.split(";")
    else:
        return None
    value = lst.list.eval(pl.element().str.strip_chars()).list.filter(pl.element() != "")
    v = pl.col(ref(name))
    too_long = (v.list.join(";").str.len_bytes() > MAX_TOPICS_LENGTH) | (
        v.list.eval(pl.element().str.len_bytes()).list.max() > MAX_ID_LENGTH
    )
    check = Check(
        name,
        "TOPICS_TOO_LONG",
        f"is longer than {MAX_TOPICS_LENGTH} bytes or holds a label longer than "
        f"{MAX_ID_LENGTH} bytes",
        too_long,
        hint="topics is one ';'-separated field of short labels (hashtags): check the "
        "separator and the quoting of this record",
    )
    return Parsed(value, [check])


_NUMERIC_DTYPES = (*_INT_DTYPES, pl.Float32, pl.Float64)


def parse_probability(name: str, dtype: pl.DataType) -> Parsed | None:
    """``p`` of a probability table → Float64 in [0, 1] with P_* checks.

    Strings must be plain decimal numbers (``0.2``, ``1e-3``; surrounding blanks are
    ignored); ``20%`` and ``0,2`` fail ``P_PARSE`` with a hint of their own. Numeric
    dtypes are cast. ``None`` for any other dtype (P_TYPE).

    Examples
    --------
    >>> p = parse_probability("p", pl.String)
    >>> df = pl.DataFrame({"p": ["0.2", "20%", "0,2", "x", "", "1.5", "nan"]})
    >>> df = df.with_columns(p.value.alias(ref("p")))
    >>> fails = df.select([c.fails.alias(f"{c.rule}{i}") for i, c in enumerate(p.checks)])
    >>> [[c.rule for c, hit in zip(p.checks, row) if hit] for row in fails.rows()]
    [[], ['P_PARSE'], ['P_PARSE'], ['P_PARSE'], ['P_MISSING'], ['P_RANGE'], ['P_NAN']]
    """
    col = pl.col(name)
    v = pl.col(ref(name))
    checks: list[Check] = []
    if _is(dtype, _NUMERIC_DTYPES) or dtype == pl.Null:
        value = col.cast(pl.Float64)
        checks.append(Check(name, "P_MISSING", "is missing (p is required)", v.is_null()))
    elif _is(dtype, _STR_DTYPES):
        raw = col.cast(pl.String).str.strip_chars()
        missing = raw.is_null() | (raw == "")
        value = pl.when(missing).then(None).otherwise(raw).cast(pl.Float64, strict=False)
        unparsed = ~missing & v.is_null()
        percent = raw.str.contains(r"^[0-9.,]+\s*%$")
        comma = raw.str.contains(r"^[+-]?[0-9]*,[0-9]+$")
        checks += [
            Check(name, "P_MISSING", "is missing (p is required)", missing),
            Check(
                name,
                "P_PARSE",
                "is a percentage, not a probability",
                unparsed & percent,
                hint="write probabilities as numbers in [0, 1]: 20% is 0.2",
            ),
            Check(
                name,
                "P_PARSE",
                "uses a decimal comma",
                unparsed & comma,
                hint="write the decimal point: 0,2 is 0.2 (a file with decimal commas is "
                "often ';'-separated: pass separator=';', CLI: --separator ';')",
            ),
            Check(
                name,
                "P_PARSE",
                "is not a number",
                unparsed & ~percent & ~comma,
                hint="p must be a decimal number in [0, 1], e.g. 0.05",
            ),
        ]
    else:
        return None
    checks += [
        Check(name, "P_NAN", "is NaN (not a probability)", v.is_nan()),
        Check(
            name,
            "P_RANGE",
            "is not a probability in [0, 1]",
            v.is_infinite() | (v.is_not_nan() & ((v < 0) | (v > 1))),
        ),
    ]
    return Parsed(value, checks)
