"""Topic assignment: which topics each event of a log is about.

A post's topics come from the canonical ``topics`` column (hashtags or labels), or,
when a mapping is given, from the labels the mapping knows (a keyword or hashtag →
topic; case-insensitive, the ``#`` optional; several topics per label allowed). A
label is normalised once: surrounding blanks and leading ``#`` removed, lower-cased,
so ``"#Travel"``, ``"travel"`` and ``" TRAVEL"`` are one label. A post with no
(known) label stays untopiced: it is never forced into a topic.

A retweet, quote or reply whose own topics are empty inherits the topics of the
content it acts on:

1. through ``parent_id``, when it names an item of the log (a post, retweet or quote
   with that ``post_id``), whose topics are resolved first (so a re-share of a
   re-share inherits from the original, however deep);
2. else through the target's matching post: the most recent post of ``target_user``
   at or before the event's timestamp (what a follower most plausibly acted on);
3. else it stays untopiced.

Mentions never inherit (a mention names a user, not content).

Examples
--------
>>> import polars as pl
>>> from datetime import datetime, timezone
>>> from influence_graph.io.dataset import make_dataset
>>> ts = [datetime(2024, 3, 1, h, tzinfo=timezone.utc) for h in range(4)]
>>> ds = make_dataset(events=pl.DataFrame({
...     "user": ["a", "b", "c", "d"], "action": ["post", "retweet", "retweet", "reply"],
...     "target_user": [None, "a", "b", "a"], "post_id": ["p", "r1", "r2", None],
...     "parent_id": [None, "p", "r1", None], "timestamp": ts,
...     "topics": [["#Travel"], [], None, None]}))
>>> event_topics(ds.events, None).to_list()
[['travel'], ['travel'], ['travel'], ['travel']]
>>> event_topics(ds.events, check_mapping({"travel": "trips"})).to_list()
[['trips'], ['trips'], ['trips'], ['trips']]
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from .._validation import bad_param
from ..exceptions import InputValidationError

__all__ = [
    "TopicMapping",
    "check_mapping",
    "event_topics",
    "normalise_labels",
    "no_topics_error",
    "INHERITING_ACTIONS",
]

#: Actions that inherit the topics of the content they act on when their own are empty.
INHERITING_ACTIONS: tuple[str, ...] = ("retweet", "quote", "reply")
#: A checked mapping: normalised label → the topics it stands for (sorted, distinct).
TopicMapping = dict[str, tuple[str, ...]]
#: Most passes of parent_id inheritance (cascade depth); a log deeper than this keeps
#: the remaining generations untopiced rather than looping forever on a parent cycle.
MAX_INHERIT_DEPTH = 64


def _norm(label: str) -> str:
    return label.strip().lstrip("#").strip().lower()


def check_mapping(topics: object) -> TopicMapping | None:
    """Check a ``topics=`` mapping once and normalise it: ``{label: (topic, …)}``.

    Parameters
    ----------
    topics : mapping, polars.DataFrame or None
        ``{keyword: topic}`` or ``{keyword: [topic, …]}``, or a table with String
        columns ``keyword`` and ``topic`` (one row per pair). Keywords match the
        labels of the ``topics`` column case-insensitively, with or without ``#``.

    Returns
    -------
    dict or None
        None when ``topics`` is None (the labels are the topics).

    Raises
    ------
    InputValidationError
        ``BAD_PARAM`` naming the offending entry: an empty mapping, a keyword or topic
        that is not a non-empty string (after removing ``#`` and blanks), a table
        without the two columns.

    Examples
    --------
    >>> check_mapping({"#NBA": "basketball", "Lakers": ["basketball", "la"]})
    {'nba': ('basketball',), 'lakers': ('basketball', 'la')}
    >>> check_mapping({})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    influence_graph.exceptions.InputValidationError: ...non-empty mapping keyword → topic...
    """
    if topics is None:
        return None
    if isinstance(topics, pl.DataFrame):
        if not {"keyword", "topic"} <= set(topics.columns):
            raise bad_param("topics", f"table with columns {topics.columns}",
                            "be a table with columns 'keyword' and 'topic'")
        pairs: list[tuple[object, object]] = list(
            zip(topics["keyword"].to_list(), topics["topic"].to_list(), strict=True)
        )
    elif isinstance(topics, Mapping):
        pairs = []
        for key, value in topics.items():
            values = value if isinstance(value, (list, tuple)) else [value]
            if not values:
                raise bad_param(f"topics[{key!r}]", value, "name at least one topic")
            pairs.extend((key, v) for v in values)
    else:
        raise bad_param("topics", type(topics).__name__,
                        "be a mapping keyword → topic or a table (keyword, topic)")
    if not pairs:
        raise bad_param("topics", "{}", "be a non-empty mapping keyword → topic")
    out: dict[str, set[str]] = {}
    for key, value in pairs:
        if not isinstance(key, str) or not _norm(key):
            raise bad_param("topics", repr(key), "have non-empty string keywords")
        if not isinstance(value, str) or not value.strip():
            raise bad_param(f"topics[{key!r}]", repr(value), "be a non-empty topic name")
        out.setdefault(_norm(key), set()).add(value.strip())
    return {k: tuple(sorted(v)) for k, v in out.items()}


def normalise_labels(labels: pl.Expr, mapping: TopicMapping | None) -> pl.Expr:
    """Own topics of each event from its ``topics`` labels: normalised, mapped, distinct, sorted."""
    clean = labels.list.eval(
        pl.element().str.strip_chars().str.strip_chars_start("#").str.strip_chars()
        .str.to_lowercase()
    )
    if mapping is not None:
        keys = list(mapping)
        vals = [list(mapping[k]) for k in keys]
        clean = clean.list.eval(
            pl.element().replace_strict(keys, vals, default=None,
                                        return_dtype=pl.List(pl.String))
        ).list.eval(pl.element().list.explode(keep_nulls=False, empty_as_null=False))
    return (
        clean.list.eval(pl.element().filter(pl.element().is_not_null() & (pl.element() != "")))
        .list.unique()
        .list.sort()
    )


def no_topics_error(mapping: TopicMapping | None) -> InputValidationError:
    """The one error for a log in which no event has a topic."""
    if mapping is None:
        return InputValidationError.single(
            "NO_TOPICS",
            "no event has a topic: the 'topics' column is empty or missing",
            column="topics",
            hint="fill the 'topics' column with hashtags or labels, or pass a mapping "
            "keyword → topic as topics={...}",
        )
    return InputValidationError.single(
        "NO_TOPICS",
        f"no label of the 'topics' column matches the {len(mapping)} keyword(s) of the "
        "topics= mapping",
        column="topics",
        value=", ".join(sorted(mapping)[:5]),
        hint="check the mapping's keywords against the labels in the 'topics' column",
    )


def event_topics(events: pl.DataFrame, mapping: TopicMapping | None) -> pl.Series:
    """Topics of every row of ``events`` (List[String], ``[]`` when untopiced), inheritance applied.

    ``events`` is a canonical event table (or the graphs' exposure-resolved one); the
    result is aligned with its rows. See the module docstring for the rules.
    """
    action = pl.col("action").cast(pl.String)
    ev = events.select(
        "user", "target_user", "post_id", "parent_id", "timestamp",
        act=action,
        own=normalise_labels(pl.col("topics").fill_null([]), mapping),
    ).with_row_index("_row")
    inherits = pl.col("act").is_in(list(INHERITING_ACTIONS)) & (pl.col("own").list.len() == 0)
    ev = ev.with_columns(topic=pl.col("own"), _inh=inherits)
    items = pl.col("act").is_in(["post", "retweet", "quote"]) & pl.col("post_id").is_not_null()
    # 1. through parent_id, a pass per generation until nothing changes
    for _ in range(MAX_INHERIT_DEPTH):
        known = (
            ev.filter(items, pl.col("topic").list.len() > 0)
            .group_by("post_id")
            .agg(_ptopic=pl.col("topic").first())
        )
        step = ev.join(known, left_on="parent_id", right_on="post_id", how="left")
        fill = pl.col("_inh") & (pl.col("topic").list.len() == 0) & pl.col("_ptopic").is_not_null()
        changed = step.select(fill.sum()).item()
        ev = step.with_columns(
            topic=pl.when(fill).then(pl.col("_ptopic")).otherwise(pl.col("topic"))
        ).drop("_ptopic")
        if not changed:
            break
    # 2. the target's most recent post at or before the event (only without a known parent)
    parent_known = pl.col("parent_id").is_in(ev.filter(items)["post_id"].implode()).fill_null(False)
    need = ev.filter(
        pl.col("_inh"), pl.col("topic").list.len() == 0, pl.col("target_user").is_not_null(),
        ~parent_known,
    )
    if need.height:
        posts = (
            ev.filter(pl.col("act") == "post", pl.col("topic").list.len() > 0)
            .select(pl.col("user").alias("target_user"), "timestamp", _ptopic="topic")
            .sort("timestamp")
        )
        got = (
            need.select("_row", "target_user", "timestamp")
            .sort("timestamp")
            .join_asof(posts, on="timestamp", by="target_user", strategy="backward",
                       check_sortedness=False)
            .drop_nulls("_ptopic")
            .select("_row", "_ptopic")
        )
        ev = ev.join(got, on="_row", how="left").with_columns(
            topic=pl.when(pl.col("_ptopic").is_not_null())
            .then(pl.col("_ptopic"))
            .otherwise(pl.col("topic"))
        )
    return ev.sort("_row")["topic"]
