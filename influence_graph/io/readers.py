"""Read events, follows and users from files or frames into a validated :class:`Dataset`.

Nothing is inferred and nothing is lost: every CSV column is read as a string and then
parsed against the canonical schema (:mod:`influence_graph.io.schema`); every record
ends up used, rejected, deduplicated or filtered, and the :class:`IngestReport` counts
each bucket per source so that ``records_read == used + rejected + deduplicated +
filtered``. The rule codes are listed in ``docs/input-validation.md``.

Examples
--------
>>> import polars as pl
>>> from datetime import datetime, timezone
>>> t = datetime(2024, 3, 1, tzinfo=timezone.utc)
>>> ev = pl.DataFrame({"user": ["a", "b", "b"], "action": ["post", "retweet", "retweet"],
...                    "target_user": [None, "a", "a"], "post_id": ["p1", None, None],
...                    "parent_id": [None, "p1", "p1"], "timestamp": [t, t, t]})
>>> ds = load_dataset(events=ev)
>>> ds.events.height, ds.ingest.deduplicated, ds.ingest.balanced
(2, 1, True)
"""

from __future__ import annotations

import warnings
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import polars as pl

from .._validation import bad_param, check_choice
from .dataset import Dataset, make_dataset
from ..exceptions import InfluenceGraphError
from ._checks import FAIL_SCHEMA, Outcome, check_source
from ._columns import USER_COLUMNS
from ._rejects import build_error, write_rejects
from ._sources import RECORD, Source, open_source
from .report import IngestReport, SourceReport
from .schema import PROBABILITY_SCHEMA

__all__ = ["load_dataset", "load_probabilities", "validate_events", "validate_follows", "RULES"]

#: Every rule code the readers use, with the bucket a failing record goes to in
#: lenient mode ("error": raises even in lenient mode).
RULES: dict[str, str] = {
    "EMPTY_FILE": "error",
    "QUOTE_UNCLOSED": "error",
    "CSV_PARSE": "error",
    "DUP_COLUMN": "error",
    "MISSING_COLUMN": "error",
    "UNKNOWN_COLUMN": "error",
    "ID_TYPE": "error",
    "TS_TYPE": "error",
    "COLUMN_TYPE": "error",
    "P_TYPE": "error",
    "FILE_FORMAT": "error",
    "ENCODING": "rejected",
    "FIELD_COUNT": "rejected",
    "ID_MISSING": "rejected",
    "ID_TOO_LONG": "rejected",
    "ID_WHITESPACE": "rejected",
    "TOPICS_TOO_LONG": "rejected",
    "P_MISSING": "rejected",
    "P_PARSE": "rejected",
    "P_NAN": "rejected",
    "P_RANGE": "rejected",
    "ACTION_UNKNOWN": "rejected",
    "TARGET_MISSING": "rejected",
    "TS_MISSING": "rejected",
    "TS_PARSE": "rejected",
    "TS_NAIVE": "rejected",
    "TS_RANGE": "rejected",
    "USER_UNKNOWN": "rejected",
    "DUP_EVENT_CONFLICT": "rejected",
    "DUP_POST_ID": "rejected",
    "DUP_USER_CONFLICT": "rejected",
    "DUP_EVENT": "deduplicated",
    "DUP_FOLLOW": "deduplicated",
    "DUP_USER": "deduplicated",
    "DANGLING_REF": "filtered",
    "CAUSALITY": "filtered",
    "SELF_LOOP": "filtered",
    "BLANK_LINE": "filtered",
}

_EPOCH_UNITS = ("s", "ms", "us")
_NORMAL_FORMS = ("NFC", "NFD", "NFKC", "NFKD")


def _check_options(
    strict: bool,
    timestamp_format: str | None,
    epoch_unit: str | None,
    normalize_ids: str | None,
    column_map: Any,
    separator: str,
    strip_ids: bool = False,
) -> None:
    if not isinstance(strict, bool):
        raise TypeError(f"The 'strict' parameter must be a bool; got {type(strict).__name__}")
    if not isinstance(strip_ids, bool):
        raise TypeError(f"The 'strip_ids' parameter must be a bool; got {type(strip_ids).__name__}")
    if epoch_unit is not None:
        check_choice("epoch_unit", epoch_unit, _EPOCH_UNITS)
    if epoch_unit is not None and timestamp_format is not None:
        raise bad_param(
            "timestamp_format", timestamp_format, "be None when epoch_unit is given (declare one)"
        )
    if normalize_ids is not None:
        check_choice("normalize_ids", normalize_ids, _NORMAL_FORMS)
    if column_map is not None and not (
        isinstance(column_map, dict)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in column_map.items())
    ):
        raise bad_param(
            "column_map", column_map, "be a dict of source column name to canonical name"
        )
    if not isinstance(separator, str) or len(separator.encode()) != 1:
        raise bad_param("separator", separator, "be a single-byte string")


def _empty_outcome(src: Source) -> Outcome:
    empty = pl.DataFrame(schema=FAIL_SCHEMA)
    report = SourceReport(src.name, kind=src.kind, warnings=("empty source (allow_empty=True)",))
    return Outcome(src, pl.DataFrame(), report, empty, empty.select(RECORD, "column", "rule"))


def _event_table(df: pl.DataFrame) -> pl.DataFrame:
    """Derive ``event_id`` (``e{i}`` in canonical content order) when the source had none."""
    if df.width == 0:
        return df
    if "event_id" in df.columns:
        return df
    keys = [
        c
        for c in ("timestamp", "user", "action", "target_user", "post_id", "parent_id", "platform")
        if c in df.columns
    ]
    key_exprs = [pl.col(c).cast(pl.String) if c == "action" else pl.col(c) for c in keys]
    if "topics" in df.columns:
        key_exprs.append(pl.col("topics").list.join("\x1f"))
    order = df.select(pl.arg_sort_by(key_exprs, nulls_last=True, maintain_order=True)).to_series()
    df = df[order]
    return df.with_columns(event_id=pl.format("e{}", pl.int_range(pl.len())))


def _unknown_user_note(outcomes: list[Outcome], users: pl.DataFrame) -> str | None:
    known = users["user"]
    parts = []
    for o in outcomes:
        if o.source.kind == "users" or o.table.width == 0:
            continue
        for c in USER_COLUMNS:
            if c in o.table.columns:
                parts.append(o.table[c].drop_nulls().rename("user"))
    if not parts:
        return None
    ids = pl.concat(parts).unique()
    n = int((~ids.is_in(known.implode())).sum())
    if n:
        return (
            f"{n:,} users appear in events or follows but not in the user table "
            "(closed_user_set=False)"
        )
    return None


def _normalization_notes(sources: list[Source], form: str) -> tuple[list[str], dict[str, int]]:
    """Count distinct raw user ids before/after normalisation; report collisions."""
    raw: list[pl.Series] = []
    for s in sources:
        plan = getattr(s, "_plan", None)
        if plan is None:
            continue
        for c in USER_COLUMNS:
            if c in plan.source_of and (s.kind != "users" or c == "user"):
                col = plan.source_of[c]
                raw.append(
                    s.lazy.select(pl.col(col).cast(pl.String).alias("id")).unique().collect()["id"]
                )
    if not raw:
        return [], {}
    ids = pl.concat(raw).drop_nulls().unique()
    ids = ids.filter(ids != "")
    frame = pl.DataFrame({"raw": ids, "norm": ids.str.normalize(form)})  # type: ignore[arg-type]
    groups = (
        frame.group_by("norm")
        .agg(pl.col("raw").sort(), pl.len().alias("n"))
        .filter(pl.col("n") > 1)
    )
    info = {
        "n_ids_before": ids.len(),
        "n_ids_after": frame["norm"].n_unique(),
        "collisions": groups.height,
    }
    notes = []
    if groups.height:
        examples = "; ".join(
            " = ".join(ascii(r) for r in row)
            for row in groups.sort("norm")["raw"].head(5).to_list()
        )
        notes.append(
            f"normalize_ids={form!r} merged {groups.height:,} groups of distinct ids "
            f"({info['n_ids_before']:,} ids before, {info['n_ids_after']:,} after), e.g. {examples}"
        )
    return notes, info


def load_dataset(
    events: Any = None,
    follows: Any = None,
    users: Any = None,
    *,
    strict: bool = True,
    rejects: str | Path | None = None,
    timestamp_format: str | None = None,
    epoch_unit: str | None = None,
    column_map: dict[str, str] | None = None,
    strict_columns: bool = False,
    allow_empty: bool = False,
    closed_user_set: bool = False,
    normalize_ids: str | None = None,
    strip_ids: bool = False,
    separator: str = ",",
    name: str = "dataset",
    max_memory: float | None = None,
) -> Dataset:
    r"""Read, validate and assemble events, follows and users into a :class:`Dataset`.

    Each source is a path to a CSV (``.csv``, any separator), gzip CSV (``.gz``) or
    Parquet (``.parquet``/``.pq``) file, or a polars DataFrame/LazyFrame. The format
    is sniffed from the file's first bytes (a gzip file named ``.csv`` is read as gzip;
    a name and content that disagree raise ``FILE_FORMAT``). CSV columns
    are read as strings, then parsed: ids stay opaque strings (``"007" != "7"``, ids of
    2**64 round-trip byte-exact), timestamps are ISO 8601 date-times with seconds (a
    fraction optional) and ``Z`` or an offset, converted to UTC, ``topics`` is one
    ``;``-separated field. Files are scanned lazily
    (``scan_csv``/``scan_parquet``) after an independent byte-level pass that counts
    records, checks field counts and UTF-8, and maps records to physical lines.

    Parameters
    ----------
    events : path or polars.DataFrame, optional
        Canonical event table: ``user``, ``action`` (post, retweet, quote, reply,
        mention) and ``timestamp`` required; ``event_id``, ``target_user`` (required by
        every action but post), ``post_id``, ``parent_id``, ``topics``, ``platform``
        optional. ``event_id`` is derived (``e0``, ``e1``, … in content order) when the
        column is absent.
    follows : path or polars.DataFrame, optional
        ``follower``, ``followee`` (required), ``since`` (optional timestamp).
    users : path or polars.DataFrame, optional
        ``user`` plus any attributes (CSV: strings; frames and Parquet: as stored).
    strict : bool, default True
        Raise one :class:`InputValidationError` if any record breaks a rule. With
        ``strict=False`` rejected records go to the rejects file and the load goes on.
    rejects : str or Path, optional
        Lenient mode only: Parquet file for the rejected records (columns ``file``,
        ``record``, ``line``, ``column``, ``rule``, ``raw_text``). Default:
        ``rejects.parquet`` in the current directory, written only when something was
        rejected (``ds.ingest.rejects_path`` says where).
    timestamp_format : str, optional
        strftime format of string timestamps (e.g. ``"%d/%m/%Y %H:%M"``); without a zone
        directive (``%z``) the times are taken as UTC.
    epoch_unit : {"s", "ms", "us"}, optional
        Timestamps are integer epochs in this unit (UTC).
    column_map : dict, optional
        Source column name → canonical name, applied to every source.
    strict_columns : bool, default False
        Unknown columns raise ``UNKNOWN_COLUMN`` instead of a warning.
    allow_empty : bool, default False
        Accept a 0-byte file as an empty source instead of raising ``EMPTY_FILE``.
    closed_user_set : bool, default False
        Users of events and follows must appear in ``users`` (else ``USER_UNKNOWN``);
        with False they are allowed and counted in ``ds.ingest.notes``.
    normalize_ids : {"NFC", "NFD", "NFKC", "NFKD"}, optional
        Unicode-normalise every id; groups of distinct ids that merge are reported in
        ``ds.ingest.notes`` and ``ds.provenance["normalize_ids"]``. Default: ids are
        opaque and kept byte-exact.
    strip_ids : bool, default False
        Strip leading and trailing whitespace from every id before the rules run. By
        default an id with such whitespace is rejected (``ID_WHITESPACE``): ``"alice "``
        is never silently a second user beside ``"alice"``.
    separator : str, default ","
        CSV field separator (one byte). A header that holds ``;``, a tab or ``|`` when
        read with another separator gets a ``MISSING_COLUMN`` hint naming ``separator=``.
    name : str, default "dataset"
        Name of the data set.
    max_memory : float, optional
        Memory budget in bytes (default: half the available memory). A file whose
        estimated in-memory size is larger raises :class:`MemoryBudgetError` before it
        is read.

    Returns
    -------
    Dataset
        ``events`` (canonical columns, sorted by timestamp then event_id), ``follows``
        (``follower``, ``followee``, ``since``; ``None`` when not given), ``users`` (the
        universe of every user seen, sorted, with the attributes of ``users``),
        ``ingest`` (:class:`IngestReport`, one :class:`SourceReport` per source) and
        ``provenance`` (``sha256`` per file, the options, the ingest time).

    Raises
    ------
    InputValidationError
        Header or file problems (always): ``EMPTY_FILE``, ``QUOTE_UNCLOSED``, ``CSV_PARSE``,
        ``DUP_COLUMN``, ``MISSING_COLUMN``, ``UNKNOWN_COLUMN`` (``strict_columns``),
        ``ID_TYPE`` (e.g. Parquet ids stored as double), ``TS_TYPE``, ``COLUMN_TYPE``,
        ``FILE_FORMAT``, ``BAD_PARAM``, ``ENCODING`` (a UTF-16 file). Record problems
        (strict mode; lenient mode rejects the record): ``ENCODING`` (with the byte
        offset), ``FIELD_COUNT``, ``ID_MISSING``, ``ID_TOO_LONG``, ``ID_WHITESPACE``,
        ``TOPICS_TOO_LONG``, ``ACTION_UNKNOWN``, ``TARGET_MISSING``, ``TS_MISSING``,
        ``TS_PARSE``, ``TS_NAIVE``, ``TS_RANGE`` (before 2006-03-21 or after ingest time
        + 1 day), ``USER_UNKNOWN`` (``closed_user_set``), ``DUP_EVENT_CONFLICT`` (one
        event_id, different content), ``DUP_POST_ID``, ``DUP_USER_CONFLICT``. The error
        lists the first 50 failures (file, record, line, column, value, rule, hint) and
        counts all of them per rule.
    MemoryBudgetError
        A file's estimated size exceeds ``max_memory``.
    FileNotFoundError
        A path does not exist.

    Notes
    -----
    Never errors, always counted in ``ds.ingest.reasons``: identical duplicates
    (``DUP_EVENT``, ``DUP_FOLLOW`` keeping the earliest ``since``, ``DUP_USER``) are
    deduplicated; retweets, quotes and replies whose ``parent_id`` names no ``post_id``
    in the data (``DANGLING_REF``) or a post later than themselves (``CAUSALITY``),
    self-loop follows (``SELF_LOOP``) and blank lines (``BLANK_LINE``) are filtered.
    Self-interactions (a self-reply, a self-mention) stay as events; the graph builder
    leaves them out of the graphs. In lenient mode every record sharing a conflicting
    ``event_id``/``post_id``/``user`` is rejected, so the result does not depend on
    row order. ``raw_text`` in the rejects file is the record's bytes for
    ``FIELD_COUNT``/``ENCODING`` and the record re-serialised from its fields otherwise.

    Examples
    --------
    >>> import polars as pl, tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "events.csv").write_text(
    ...     "user,action,target_user,post_id,parent_id,timestamp,topics\n"
    ...     "a,post,,p1,,2024-03-01T12:00:00Z,higgs;physics\n"
    ...     "b,retweet,a,,p1,2024-03-01T14:00:00+02:00,\n"
    ...     "c,retweet,a,,p9,2024-03-01T12:30:00Z,\n")
    >>> ds = load_dataset(events=d / "events.csv")
    >>> ds.events.select("user", "action", "timestamp").rows()[1]
    ('b', 'retweet', datetime.datetime(2024, 3, 1, 12, 0, tzinfo=zoneinfo.ZoneInfo(key='UTC')))
    >>> ds.ingest.records_read, ds.ingest.used, ds.ingest.reasons
    (3, 2, {'DANGLING_REF': 1})
    >>> _ = (d / "bad.csv").write_text("user,action,timestamp\na,post,2024-03-01T12:00:00Z\n"
    ...                                 "b,like,2024-03-01T12:00:00Z\n")
    >>> load_dataset(events=d / "bad.csv")
    Traceback (most recent call last):
    ...
    influence_graph.exceptions.InputValidationError: ...bad.csv: record 2 (line 3), ...
    >>> ds = load_dataset(events=d / "bad.csv", strict=False, rejects=d / "rejects.parquet")
    >>> ds.ingest.rejected, pl.read_parquet(d / "rejects.parquet")["rule"].to_list()
    (1, ['ACTION_UNKNOWN'])
    """
    _check_options(
        strict, timestamp_format, epoch_unit, normalize_ids, column_map, separator, strip_ids
    )
    if events is None and follows is None and users is None:
        raise bad_param("events", None, "be given (or follows, or users): there is nothing to load")
    if closed_user_set and users is None:
        raise bad_param("closed_user_set", True, "be False when no users table is given")
    now = datetime.now(timezone.utc)
    opts = dict(
        column_map=column_map,
        strict_columns=strict_columns,
        timestamp_format=timestamp_format,
        epoch_unit=epoch_unit,
        normalize_ids=normalize_ids,
        strip_ids=strip_ids,
        now=now,
    )
    opened: list[Source] = []
    outcomes: dict[str, Outcome] = {}
    try:
        for kind, obj in (("users", users), ("events", events), ("follows", follows)):
            if obj is None:
                continue
            src = open_source(
                obj,
                kind,
                separator=separator,
                strict=strict,
                allow_empty=allow_empty,
                max_memory=max_memory,
            )
            opened.append(src)
            if src.n_records == 0 and not src.columns:
                outcomes[kind] = _empty_outcome(src)
                continue
            known = None
            if closed_user_set and kind != "users":
                known = (
                    outcomes["users"].table["user"]
                    if outcomes["users"].table.width
                    else pl.Series([], dtype=pl.String)
                )
            outcomes[kind] = check_source(src, known_users=known, **opts)  # type: ignore[arg-type]
            for w in outcomes[kind].plan.warnings if outcomes[kind].plan else ():
                warnings.warn(w, UserWarning, stacklevel=2)
        ordered = [outcomes[k] for k in ("events", "follows", "users") if k in outcomes]
        rejects_path = None
        if strict:
            err = build_error(ordered)
            if err is not None:
                raise err
        elif any(o.rejected.height for o in ordered):
            path = Path(rejects) if rejects is not None else Path.cwd() / "rejects.parquet"
            write_rejects(ordered, path)
            rejects_path = str(path)
        notes: list[str] = []
        provenance: dict[str, Any] = {
            "loader": "influence_graph.load_dataset",
            "sha256": {s.name: s.sha256 for s in opened if s.sha256},
            "ingested_at": now.isoformat(),
            "options": {
                "strict": strict,
                "timestamp_format": timestamp_format,
                "epoch_unit": epoch_unit,
                "column_map": column_map,
                "normalize_ids": normalize_ids,
                "strip_ids": strip_ids,
                "closed_user_set": closed_user_set,
                "separator": separator,
            },
        }
        if normalize_ids is not None:
            n_notes, info = _normalization_notes(opened, normalize_ids)
            notes += n_notes
            provenance["normalize_ids"] = {"form": normalize_ids, **info}
        ev = outcomes.get("events")
        fo = outcomes.get("follows")
        us = outcomes.get("users")
        events_df = _event_table(ev.table) if ev is not None and ev.table.width else None
        follows_df = None
        if fo is not None:
            follows_df = (
                fo.table.sort(["follower", "followee"])
                if fo.table.width
                else pl.DataFrame(schema={"follower": pl.String, "followee": pl.String})
            )
        users_df = None
        if us is not None and us.table.width:
            users_df = us.table.sort("user")
            if not closed_user_set:
                note = _unknown_user_note(ordered, users_df)
                if note:
                    notes.append(note)
        ingest = IngestReport.from_sources(
            [o.report for o in ordered],
            rejects_path=rejects_path,
            strict=strict,
            notes=tuple(notes),
        )
        if not ingest.balanced:  # pragma: no cover - an internal bug, never bad input
            raise InfluenceGraphError(f"ingest counts do not balance: {ingest}")
        return make_dataset(
            events=events_df,
            follows=follows_df,
            users=users_df,
            ingest=ingest,
            name=name,
            provenance=provenance,
        )
    finally:
        for s in opened:
            s.close()


def _validate_frame(
    frame: Any, kind: str, source: str | None, strict: bool, **opts: Any
) -> tuple[pl.DataFrame, SourceReport]:
    src = open_source(frame, kind, strict=strict)
    if source:
        src.name = source
    try:
        out = check_source(src, now=datetime.now(timezone.utc), **opts)
        if strict:
            err = build_error([out])
            if err is not None:
                raise err
        return out.table, out.report
    finally:
        src.close()


def validate_events(
    frame: pl.DataFrame | pl.LazyFrame,
    source: str | None = None,
    *,
    strict: bool = True,
    timestamp_format: str | None = None,
    epoch_unit: str | None = None,
    column_map: dict[str, str] | None = None,
    normalize_ids: str | None = None,
    strip_ids: bool = False,
) -> tuple[pl.DataFrame, SourceReport]:
    """Validate an event frame that is already in memory (for data set loaders).

    Runs the same rules as :func:`load_dataset` (see there for the rule codes) on a
    polars frame with canonical column names (or ``column_map``), typed or string.

    Parameters
    ----------
    frame : polars.DataFrame or polars.LazyFrame
    source : str, optional
        Name used in messages and in the report (default ``"<events DataFrame>"``).
    strict : bool, default True
        Raise on any rejected record; with False rejected records are only counted.
    timestamp_format, epoch_unit, column_map, normalize_ids, strip_ids
        As in :func:`load_dataset`.

    Returns
    -------
    valid : polars.DataFrame
        Used records, canonical columns present in the source, in source order
        (``event_id`` is not derived here; :func:`~influence_graph.make_dataset` does).
    report : SourceReport
        Counts per bucket and per rule; ``report.balanced`` holds.

    Raises
    ------
    InputValidationError
        As :func:`load_dataset`.

    Examples
    --------
    >>> import polars as pl
    >>> from datetime import datetime, timezone
    >>> t = datetime(2024, 3, 1, tzinfo=timezone.utc)
    >>> ev = pl.DataFrame({"user": ["a", "a"], "action": ["mention", "mention"],
    ...                    "target_user": ["b", "b"], "timestamp": [t, t]})
    >>> valid, rep = validate_events(ev, "higgs-mention")
    >>> valid.height, rep.deduplicated, rep.source
    (1, 1, 'higgs-mention')
    """
    _check_options(strict, timestamp_format, epoch_unit, normalize_ids, column_map, ",", strip_ids)
    return _validate_frame(
        frame,
        "events",
        source,
        strict,
        timestamp_format=timestamp_format,
        epoch_unit=epoch_unit,
        column_map=column_map,
        normalize_ids=normalize_ids,
        strip_ids=strip_ids,
    )


def validate_follows(
    frame: pl.DataFrame | pl.LazyFrame,
    source: str | None = None,
    *,
    strict: bool = True,
    column_map: dict[str, str] | None = None,
    strip_ids: bool = False,
) -> tuple[pl.DataFrame, SourceReport]:
    """Validate a follow frame already in memory; see :func:`validate_events`.

    Returns the used follows (``follower``, ``followee``[, ``since``]; self-loops
    filtered, duplicates merged keeping the earliest ``since``) and the report.

    Examples
    --------
    >>> import polars as pl
    >>> follows = pl.DataFrame({"follower": ["a", "b"], "followee": ["b", "b"]})
    >>> valid, rep = validate_follows(follows)
    >>> valid.rows(), rep.reasons
    ([('a', 'b')], {'SELF_LOOP': 1})
    """
    _check_options(strict, None, None, None, column_map, ",", strip_ids)
    return _validate_frame(
        frame, "follows", source, strict, column_map=column_map, strip_ids=strip_ids
    )


def load_probabilities(
    probabilities: Any,
    *,
    strict: bool = True,
    rejects: str | Path | None = None,
    column_map: dict[str, str] | None = None,
    strict_columns: bool = False,
    allow_empty: bool = False,
    normalize_ids: str | None = None,
    strip_ids: bool = False,
    separator: str = ",",
    max_memory: float | None = None,
) -> pl.DataFrame:
    r"""Read and validate an edge-probability table (``source``, ``target``, ``p``).

    The file goes through the same machinery as :func:`load_dataset`: format sniffed
    from the bytes (CSV, gzip CSV, Parquet), byte-level scan (records, lines, field
    counts, UTF-8, BOM), every CSV column read as a string, then parsed: ``source`` and
    ``target`` are opaque string ids (``"007"`` stays ``"007"``), ``p`` must be a plain
    decimal number in [0, 1].

    Parameters
    ----------
    probabilities : path or polars.DataFrame
        CSV/gzip CSV/Parquet file, or a frame, with the columns ``source``, ``target``
        and ``p`` (or ``column_map`` naming them); other columns are ignored with a
        warning (an error with ``strict_columns``).
    strict : bool, default True
        Raise one :class:`InputValidationError` if any record breaks a rule; with
        False the rejected records go to ``rejects`` and a ``UserWarning`` says how many.
    rejects : str or Path, optional
        Lenient mode: Parquet file of rejected records (default ``./rejects.parquet``).
    column_map, strict_columns, allow_empty, normalize_ids, strip_ids, separator, max_memory
        As in :func:`load_dataset`.

    Returns
    -------
    polars.DataFrame
        ``source`` (String), ``target`` (String), ``p`` (Float64), in record order
        (row ``i`` is record ``i + 1`` in strict mode). Duplicate edges and self-loops
        are judged by the diffusion functions that use the table
        (:func:`~influence_graph.expected_spread`).

    Raises
    ------
    InputValidationError
        File and header problems (``EMPTY_FILE``, ``ENCODING`` for a UTF-16 file,
        ``FILE_FORMAT``, ``QUOTE_UNCLOSED``, ``DUP_COLUMN``, ``MISSING_COLUMN`` with a
        ``separator=`` hint when the header looks ``;``-separated, ``UNKNOWN_COLUMN``,
        ``ID_TYPE``, ``P_TYPE``, ``BAD_PARAM``) and, in strict mode, record problems
        (``ENCODING``, ``FIELD_COUNT``, ``ID_MISSING``, ``ID_TOO_LONG``,
        ``ID_WHITESPACE``, ``P_MISSING``, ``P_PARSE`` — ``20%`` and the decimal comma
        ``0,2`` each with a hint —, ``P_NAN``, ``P_RANGE``).
    MemoryBudgetError
        The file's estimated size exceeds ``max_memory``.
    FileNotFoundError
        The path does not exist.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "p.csv").write_text("source,target,p\n007,7,0.25\n7,8,1\n")
    >>> load_probabilities(d / "p.csv").rows()
    [('007', '7', 0.25), ('7', '8', 1.0)]
    >>> _ = (d / "bad.csv").write_text("source;target;p\na;b;0,2\n")
    >>> load_probabilities(d / "bad.csv", separator=";")
    Traceback (most recent call last):
    ...
    influence_graph.exceptions.InputValidationError: ...'0,2' uses a decimal comma [rule=P_PARSE] ...
    """
    _check_options(strict, None, None, normalize_ids, column_map, separator, strip_ids)
    empty = pl.DataFrame(schema=PROBABILITY_SCHEMA)
    src = open_source(
        probabilities,
        "probabilities",
        separator=separator,
        strict=strict,
        allow_empty=allow_empty,
        max_memory=max_memory,
    )
    try:
        if src.n_records == 0 and not src.columns:
            return empty
        out = check_source(
            src,
            column_map=column_map,
            strict_columns=strict_columns,
            normalize_ids=normalize_ids,
            strip_ids=strip_ids,
            now=datetime.now(timezone.utc),
        )
        for w in out.plan.warnings if out.plan else ():
            warnings.warn(w, UserWarning, stacklevel=2)
        if strict:
            err = build_error([out])
            if err is not None:
                raise err
        elif out.rejected.height:
            path = Path(rejects) if rejects is not None else Path.cwd() / "rejects.parquet"
            write_rejects([out], path)
            warnings.warn(
                f"{src.name}: {out.rejected.height:,} of {src.n_records:,} records rejected "
                f"({out.report.reasons}); written to {str(path)!r}",
                UserWarning,
                stacklevel=2,
            )
        if out.table.width == 0:
            return empty
        table = out.table.select(list(PROBABILITY_SCHEMA))
        return table.cast(PROBABILITY_SCHEMA)  # type: ignore[arg-type]
    finally:
        src.close()
