"""SNAP Higgs Twitter: retweets, mentions and replies about the Higgs boson announcement.

De Domenico, Lima, Mougel & Musolesi (2013), "The anatomy of a scientific rumor",
*Scientific Reports* 3:2980; https://snap.stanford.edu/data/higgs-twitter.html.

Examples
--------
>>> import influence_graph as ig
>>> ds = ig.datasets.higgs()                      # doctest: +SKIP
>>> ds.events.height                              # doctest: +SKIP
563069
"""

from __future__ import annotations

import os
import time
from datetime import datetime, timezone
from pathlib import Path

import polars as pl

from ..io.dataset import Dataset, make_dataset
from ..exceptions import Failure, InputValidationError
from ..io.report import IngestReport, SourceReport
from ..io.schema import ACTION_DTYPE, TIMESTAMP_DTYPE
from ._fetch import Located, locate
from ._registry import entry

__all__ = ["higgs", "read_activity", "read_follows", "KIND_TO_ACTION"]

#: Activity-file kinds and the canonical actions they map to.
KIND_TO_ACTION: dict[str, str] = {"RT": "retweet", "MT": "mention", "RE": "reply"}
_NETWORK_FILES = {
    "RT": "higgs-retweet_network.edgelist.gz",
    "MT": "higgs-mention_network.edgelist.gz",
    "RE": "higgs-reply_network.edgelist.gz",
}
_ACTIVITY = "higgs-activity_time.txt.gz"
_SOCIAL = "higgs-social_network.edgelist.gz"
#: Timestamps before Twitter existed (2006-03-21) or after tomorrow are out of range (B28).
_TS_MIN = int(datetime(2006, 3, 21, tzinfo=timezone.utc).timestamp())
_CSV = {"separator": " ", "has_header": False, "quote_char": None}

_NOTES = (
    "Higgs has no post rows: the activity file records only retweets (RT), mentions (MT) and "
    "replies (RE), so posts and posting counts are not known and none are invented.",
    "Higgs has no post_id or parent_id: an event names the other user (target_user = the "
    "retweeted, mentioned or replied-to user) but not the tweet, so cascades link users, "
    "not posts.",
    "Higgs has no topics (every tweet is about the Higgs announcement); platform = 'twitter'.",
    "event_id = 'h<line>' (1-based line of higgs-activity_time.txt.gz); timestamps are the "
    "file's Unix seconds, in UTC.",
    "Self-interactions (a user mentioning or replying to themself: 7,081 mentions and 507 "
    "replies in the published file) are kept as activity; graphs leave them out and count them.",
)


def _fail(rule: str, file: str, rows: pl.DataFrame, column: str, message: str) -> list[Failure]:
    return [
        Failure(
            rule=rule,
            file=file,
            record=int(r["line"]),
            line=int(r["line"]),
            column=column,
            value=None if r["value"] is None else str(r["value"]),
            message=message,
        )
        for r in rows.head(50).iter_rows(named=True)
    ]


def _raise_if(failures: list[Failure], counts: dict[str, int]) -> None:
    if failures:
        failures.sort(key=lambda f: (f.record or 0, f.rule))
        raise InputValidationError(failures, counts)


def _ragged_lines(path: Path, expected: int) -> None:
    """Slow path, taken only when polars found a line with too many fields: name it."""
    lines = pl.read_csv(
        path, separator="\t", has_header=False, quote_char=None, schema={"text": pl.String}
    ).with_row_index("line", offset=1)
    bad = lines.with_columns(n=pl.col("text").str.split(" ").list.len()).filter(
        pl.col("n") > expected
    )
    failures = [
        Failure(
            rule="FIELD_COUNT",
            file=str(path),
            record=int(r["line"]),
            line=int(r["line"]),
            value=r["text"],
            message=f"has {r['n']} space-separated fields, expected {expected}",
        )
        for r in bad.head(50).iter_rows(named=True)
    ]
    if not failures:  # a tab or another separator problem: report polars' own finding
        failures = [
            Failure(
                rule="FIELD_COUNT",
                file=str(path),
                message=f"has lines with more than {expected} fields",
            )
        ]
    raise InputValidationError(failures, {"FIELD_COUNT": max(bad.height, 1)})


def _read_fields(path: Path, names: list[str]) -> tuple[pl.DataFrame, int]:
    """All-String read of a space-separated file: one row per non-blank line, with its number.

    Returns the rows and the number of blank lines left out (filtered as BLANK_LINE, as
    :func:`influence_graph.load_dataset` does).
    """
    schema = {n: pl.String for n in names}
    try:
        df = pl.read_csv(path, schema=schema, **_CSV)
    except pl.exceptions.ComputeError as exc:
        if "more fields" in str(exc):
            _ragged_lines(path, len(names))
        raise
    df = df.with_row_index("line", offset=1)
    blank = pl.all_horizontal(pl.col(names).is_null())
    n_blank = int(df.select(blank.sum()).item())
    if n_blank:
        df = df.filter(~blank)
    return df, n_blank


def read_activity(
    path: str | os.PathLike, *, now: datetime | None = None
) -> tuple[pl.DataFrame, SourceReport]:
    r"""Read and validate ``higgs-activity_time.txt.gz`` into canonical events.

    Each line is ``userA userB unix_time kind``: userA (the actor) retweeted (RT),
    mentioned (MT) or replied to (RE) userB. Validation is vectorised: four fields per
    line [FIELD_COUNT], non-empty ids [ID_MISSING], kind in RT/MT/RE [ACTION_UNKNOWN],
    integer seconds [TS_PARSE] between 2006-03-21 and ``now`` + 1 day [TS_RANGE].
    Identical duplicate lines are removed and counted [DUP_EVENT]; blank lines are
    filtered and counted [BLANK_LINE].

    Parameters
    ----------
    path : path-like
        The activity file (plain or gzip).
    now : datetime, optional
        Upper end of the plausible range (default: the current time).

    Returns
    -------
    events : polars.DataFrame
        ``event_id`` (``"h<line>"``), ``user`` (userA), ``action`` (retweet, mention,
        reply), ``target_user`` (userB), ``timestamp`` (UTC), ``platform`` ("twitter");
        ``post_id``, ``parent_id`` and ``topics`` are absent (the file has none).
    report : SourceReport
        Records read, used, deduplicated and filtered (blank lines).

    Raises
    ------
    InputValidationError
        Naming the file, the line, the column, the value and the rule of the first 50
        bad lines.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> _ = p.write_text("1 2 1341100972 RT\n2 1 1341100980 MT\n")
    >>> ev, rep = read_activity(p)
    >>> ev.select("event_id", "user", "action", "target_user").rows()
    [('h1', '1', 'retweet', '2'), ('h2', '2', 'mention', '1')]
    >>> rep.records_read, rep.used
    (2, 2)
    """
    path = Path(path)
    name = str(path)
    raw, n_blank = _read_fields(path, ["user", "target_user", "time", "kind"])
    n_read = raw.height + n_blank
    hi = int((now or datetime.now(timezone.utc)).timestamp()) + 86_400
    raw = raw.with_columns(seconds=pl.col("time").str.strip_chars().cast(pl.Int64, strict=False))
    checks = [
        (
            "FIELD_COUNT",
            "kind",
            pl.col("kind").is_null() & pl.col("time").is_null(),
            "line has fewer than 4 fields (userA userB unix_time kind)",
        ),
        (
            "ID_MISSING",
            "user",
            pl.col("user").is_null() | (pl.col("user").str.strip_chars() == ""),
            "userA (the actor) is empty",
        ),
        (
            "ID_MISSING",
            "target_user",
            pl.col("target_user").is_null() | (pl.col("target_user").str.strip_chars() == ""),
            "userB (the target) is empty",
        ),
        (
            "ACTION_UNKNOWN",
            "kind",
            pl.col("kind").is_not_null() & ~pl.col("kind").is_in(list(KIND_TO_ACTION)),
            "is not one of RT, MT, RE",
        ),
        (
            "TS_PARSE",
            "time",
            pl.col("time").is_not_null() & pl.col("seconds").is_null(),
            "is not integer Unix seconds",
        ),
        (
            "TS_RANGE",
            "time",
            pl.col("seconds").is_not_null() & ~pl.col("seconds").is_between(_TS_MIN, hi),
            "is outside 2006-03-21 .. now + 1 day (Unix seconds expected)",
        ),
    ]
    flags = raw.select(*[expr.alias(f"c{i}") for i, (_, _, expr, _) in enumerate(checks)])
    totals = flags.sum().row(0)
    if any(totals):
        failures: list[Failure] = []
        counts: dict[str, int] = {}
        for i, (rule, col, _, msg) in enumerate(checks):
            if totals[i]:
                counts[rule] = counts.get(rule, 0) + int(totals[i])
                rows = raw.filter(flags[f"c{i}"]).select("line", pl.col(col).alias("value"))
                if rule == "FIELD_COUNT":
                    rows = rows.with_columns(pl.lit(None, pl.String).alias("value"))
                failures += _fail(rule, name, rows, None if rule == "FIELD_COUNT" else col, msg)
        _raise_if(failures, counts)
    n_dup = 0
    key = pl.struct("user", "target_user", "seconds", "kind")
    if raw.select(
        key.hash(7).is_duplicated().any()
    ).item():  # cheap screen; exact check only on a hit
        first = raw.select(key.is_first_distinct()).to_series()
        n_dup = int(raw.height - first.sum())
        raw = raw.filter(first)
    events = raw.select(
        pl.format("h{}", pl.col("line")).alias("event_id"),
        pl.col("user"),
        pl.col("kind")
        .replace_strict(KIND_TO_ACTION, return_dtype=pl.String)
        .cast(ACTION_DTYPE)
        .alias("action"),
        pl.col("target_user"),
        (pl.col("seconds") * 1_000_000).cast(TIMESTAMP_DTYPE).alias("timestamp"),
        pl.lit("twitter").alias("platform"),
    )
    report = SourceReport(
        name,
        records_read=n_read,
        used=events.height,
        deduplicated=n_dup,
        filtered=n_blank,
        reasons={k: v for k, v in (("BLANK_LINE", n_blank), ("DUP_EVENT", n_dup)) if v},
        kind="events",
    )
    return events, report


def read_follows(path: str | os.PathLike) -> tuple[pl.DataFrame, SourceReport]:
    r"""Read ``higgs-social_network.edgelist.gz``: a line ``A B`` means A follows B.

    Self-loop follows are filtered [SELF_LOOP] and identical duplicate lines removed
    [DUP_FOLLOW], both counted; empty ids raise [ID_MISSING], short lines [FIELD_COUNT].

    Returns
    -------
    follows : polars.DataFrame
        ``follower`` (A), ``followee`` (B); content moves followee → follower.
    report : SourceReport

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "s.txt"
    >>> _ = p.write_text("1 2\n2 1\n3 3\n1 2\n")
    >>> f, rep = read_follows(p)
    >>> f.rows(), rep.filtered, rep.deduplicated
    ([('1', '2'), ('2', '1')], 1, 1)
    """
    path = Path(path)
    name = str(path)
    raw, n_blank = _read_fields(path, ["follower", "followee"])
    n_read = raw.height + n_blank
    bad = raw.filter(
        pl.col("follower").is_null()
        | pl.col("followee").is_null()
        | (pl.col("follower") == "")
        | (pl.col("followee") == "")
    )
    if bad.height:
        short = bad.filter(pl.col("followee").is_null() & pl.col("follower").is_not_null())
        rule = "FIELD_COUNT" if short.height else "ID_MISSING"
        rows = bad.select("line", pl.lit(None, pl.String).alias("value"))
        _raise_if(
            _fail(rule, name, rows, "followee", "needs two ids: follower followee"),
            {rule: bad.height},
        )
    loops = raw["follower"] == raw["followee"]
    n_loop = int(loops.sum())
    kept = raw.filter(~loops)
    first = kept.select(pl.struct("follower", "followee").is_first_distinct()).to_series()
    n_dup = int(kept.height - first.sum())
    follows = kept.filter(first).select("follower", "followee")
    counts = (("BLANK_LINE", n_blank), ("SELF_LOOP", n_loop), ("DUP_FOLLOW", n_dup))
    reasons = {k: v for k, v in counts if v}
    report = SourceReport(
        name,
        records_read=n_read,
        used=follows.height,
        deduplicated=n_dup,
        filtered=n_loop + n_blank,
        reasons=reasons,
        kind="follows",
    )
    return follows, report


def _cross_check(events: pl.DataFrame, located: dict[str, Located]) -> list[SourceReport]:
    """Compare activity-derived (userA, userB) counts with the published network files."""
    reports = []
    for kind, fname in _NETWORK_FILES.items():
        path = located[kind].path
        net = pl.read_csv(
            path, schema={"user": pl.String, "target_user": pl.String, "weight": pl.Int64}, **_CSV
        )
        derived = (
            events.filter(pl.col("action") == KIND_TO_ACTION[kind])
            .group_by("user", "target_user")
            .len("derived")
        )
        joined = derived.join(net, on=["user", "target_user"], how="full", coalesce=True)
        off = joined.filter(pl.col("derived").fill_null(0) != pl.col("weight").fill_null(0))
        if off.height:
            r = off.row(0, named=True)
            raise InputValidationError.single(
                "CROSS_CHECK",
                f"{off.height:,} (userA, userB) pairs differ between the activity file and "
                f"{fname}; first: {r['user']} -> {r['target_user']} activity "
                f"{r['derived'] or 0} vs network {r['weight'] or 0}",
                file=str(path),
            )
        reports.append(
            SourceReport(
                str(path),
                records_read=net.height,
                filtered=net.height,
                reasons={"CROSS_CHECK_ONLY": net.height},
                warnings=(
                    "read only to cross-check the activity-derived counts (they agree); "
                    "events come from "
                    "the activity file",
                ),
                kind="cross-check",
            )
        )
    return reports


def higgs(
    data_dir: str | os.PathLike | None = None,
    *,
    verify: bool = True,
    follows: bool | None = None,
    download: bool = True,
    cross_check: bool = False,
) -> Dataset:
    """Load the SNAP Higgs Twitter data set (1–7 July 2012).

    Events come from ``higgs-activity_time.txt.gz``: each line ``userA userB unix_time
    kind`` becomes one event with ``user`` = userA (the actor), ``target_user`` = userB,
    ``action`` = retweet (RT), mention (MT) or reply (RE), ``timestamp`` = the Unix
    seconds in UTC and ``event_id`` = ``"h<line>"``. The three ``*_network.edgelist.gz``
    files are located and checksum-verified too; with ``cross_check=True`` they are read
    and their (userA, userB, weight) rows must equal the counts derived from the
    activity file. The optional follower graph ``higgs-social_network.edgelist.gz``
    (a line ``A B``: A follows B) fills ``ds.follows`` when present.

    Files are looked for in ``data_dir``, then ``$INFLUENCE_GRAPH_DATA/higgs``, then the
    user cache (``$XDG_CACHE_HOME`` or ``~/.cache``)``/influence_graph/higgs``, and are
    downloaded from SNAP into the cache when absent and ``download`` is true.

    Parameters
    ----------
    data_dir : path-like, optional
        Folder holding the files (or holding ``higgs/``); searched first.
    verify : bool, default True
        Check every file's SHA-256 against the registry.
    follows : bool or None, default None
        ``None``: load the follower graph when it is found locally (it is ~100 MB, so it
        is never downloaded implicitly); ``True``: require it (download when missing);
        ``False``: ignore it (``ds.follows`` is None).
    download : bool, default True
        Download missing required files from the publisher.
    cross_check : bool, default False
        Also read the network files and compare them with the activity-derived counts
        (about 1 s more).

    Returns
    -------
    Dataset
        ``events``: 563,069 rows (retweet 354,930, mention 171,237, reply 36,902) with
        columns ``event_id``, ``user``, ``action``, ``target_user``, ``timestamp``,
        ``platform``; ``post_id``, ``parent_id``, ``topics`` are null (the data have
        none). ``follows``: ``follower``, ``followee`` or None. ``users``: every id
        seen (304,691 without the follower graph). ``probabilities``: None.
        ``ingest``: one SourceReport per file read and notes stating what the data lack.
        ``provenance``: file paths, where each was found, and SHA-256 sums.

    Raises
    ------
    DataNotFoundError
        A required file is nowhere (the message lists every place looked).
    ChecksumError
        A file's SHA-256 differs from the registered one.
    InputValidationError
        A bad line (rule codes FIELD_COUNT, ID_MISSING, ACTION_UNKNOWN, TS_PARSE, TS_RANGE),
        or ``cross_check`` found a disagreement (CROSS_CHECK).

    Notes
    -----
    Higgs has **no post rows and no parent_id**: retweets, mentions and replies name the
    other user but not the tweet. The loader says so in ``ds.ingest.notes`` and never
    invents posts. Self-mentions and self-replies stay in ``events`` (they are activity);
    :func:`influence_graph.build_graphs` leaves them out of the graphs and counts them.
    The follower graph has no registered checksum (it is not in the shared data); its
    computed SHA-256 is recorded in ``provenance`` and a warning says it was not verified.

    References
    ----------
    .. [1] M. De Domenico, A. Lima, P. Mougel, M. Musolesi, "The anatomy of a scientific
       rumor", Scientific Reports 3:2980 (2013).

    Examples
    --------
    >>> import influence_graph as ig
    >>> ds = ig.datasets.higgs()                                  # doctest: +SKIP
    >>> ds.events["action"].value_counts(sort=True).rows()        # doctest: +SKIP
    [('retweet', 354930), ('mention', 171237), ('reply', 36902)]
    """
    t0 = time.perf_counter()
    located: dict[str, Located] = {}
    act = locate(
        entry("higgs", _ACTIVITY), data_dir=data_dir, verify=verify, download_missing=download
    )
    assert act is not None
    for kind, fname in _NETWORK_FILES.items():
        loc = locate(
            entry("higgs", fname), data_dir=data_dir, verify=verify, download_missing=download
        )
        assert loc is not None
        located[kind] = loc
    social = None
    if follows is not False:
        social = locate(
            entry("higgs", _SOCIAL),
            data_dir=data_dir,
            verify=verify,
            download_missing=download and follows is True,
            required=follows is True,
        )
    events, act_report = read_activity(act.path)
    sources = [act_report]
    if cross_check:
        sources += _cross_check(events, located)
    else:
        sources += [
            SourceReport(
                str(loc.path),
                warnings=("verified by checksum only, not read (cross_check=False)",),
                kind="cross-check",
            )
            for loc in located.values()
        ]
    notes = list(_NOTES)
    follow_df = None
    if social is not None:
        follow_df, rep = read_follows(social.path)
        if not social.verified:
            rep = SourceReport(
                **{
                    **rep.__dict__,
                    "warnings": rep.warnings
                    + (
                        "no registered SHA-256 for this file: its sum is recorded in "
                        "provenance, not verified",
                    ),
                }
            )
        sources.append(rep)
        notes.append(
            "Follower graph loaded from higgs-social_network.edgelist.gz: a line 'A B' "
            "means A follows B."
        )
    else:
        notes.append(
            "No follower graph: higgs-social_network.edgelist.gz was not found (or follows=False), "
            "so ds.follows is None and follower counts are unknown (null)."
        )
    ingest = IngestReport.from_sources(sources, strict=True, notes=tuple(notes))
    files = {"activity": act, **{KIND_TO_ACTION[k]: v for k, v in located.items()}}
    if social is not None:
        files["follows"] = social
    provenance = {
        "loader": "influence_graph.datasets.higgs",
        "files": {
            k: {"path": str(v.path), "source": v.source, "sha256": v.sha256, "verified": v.verified}
            for k, v in files.items()
        },
        "settings": {
            "verify": verify,
            "follows": follows,
            "download": download,
            "cross_check": cross_check,
        },
    }
    ds = make_dataset(
        events=events, follows=follow_df, ingest=ingest, name="higgs", provenance=provenance
    )
    ds.provenance["load_seconds"] = round(time.perf_counter() - t0, 3)
    return ds
