"""Observed influence: what the event log shows each user received.

Counts of retweets, quotes, replies and mentions *received*, the number of distinct
users who engaged with a user's content, engagement per post where posts are known,
and the audience reached through retweets when a follower graph exists.

Examples
--------
>>> import polars as pl
>>> from datetime import datetime, timezone
>>> from influence_graph.io.dataset import make_dataset
>>> t = datetime(2024, 3, 1, tzinfo=timezone.utc)
>>> ev = pl.DataFrame({"user": ["a", "b", "c", "c"],
...                    "action": ["post", "retweet", "retweet", "mention"],
...                    "target_user": [None, "a", "a", "b"], "timestamp": [t] * 4})
>>> obs = observed_influence(make_dataset(events=ev))
>>> obs.select("user", "retweets_received", "unique_engagers", "posts").rows()
[('a', 2, 2, 1), ('b', 0, 0, 0), ('c', 0, 0, 0)]
"""

from __future__ import annotations

import polars as pl

from .._validation import check_dataset
from ..io.dataset import Dataset

__all__ = ["observed_influence", "OBSERVED_COLUMNS", "received_counts"]

#: Columns of :func:`observed_influence`, in order (after ``user``).
OBSERVED_COLUMNS: tuple[str, ...] = (
    "retweets_received",
    "quotes_received",
    "replies_received",
    "mentions_received",
    "total_engagement",
    "unique_engagers",
    "posts",
    "engagement_per_post",
    "audience_reach",
)

_RECEIVED = {
    "retweet": "retweets_received",
    "quote": "quotes_received",
    "reply": "replies_received",
    "mention": "mentions_received",
}
#: Actions on a user's *content* (a mention names a handle, not a post).
_CONTENT_ACTIONS = ("retweet", "quote", "reply")


def _engagements(events: pl.DataFrame) -> pl.DataFrame:
    """Engagement rows aimed at someone else (self-interactions dropped)."""
    return events.filter(
        pl.col("action").cast(pl.String).is_in(list(_RECEIVED)),
        pl.col("target_user").is_not_null(),
        pl.col("target_user") != pl.col("user"),
    )


def received_counts(events: pl.DataFrame, users: pl.Series) -> pl.DataFrame:
    """Per-user counts of engagements received, one row per user of ``users``.

    Parameters
    ----------
    events : polars.DataFrame
        Canonical event table (any subset of a Dataset's events).
    users : polars.Series
        The user universe (String).

    Returns
    -------
    polars.DataFrame
        ``user``, ``retweets_received``, ``quotes_received``, ``replies_received``,
        ``mentions_received``, ``total_engagement`` (their sum) and ``unique_engagers``
        (distinct users who retweeted, quoted or replied); Int64 counts, 0 for
        users with none.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> t = datetime(2024, 3, 1, tzinfo=timezone.utc)
    >>> ev = pl.DataFrame({"user": ["b", "b", "a"], "action": ["reply", "reply", "reply"],
    ...                    "target_user": ["a", "a", "a"], "timestamp": [t] * 3})
    >>> received_counts(ev, pl.Series("user", ["a", "b"])).select(
    ...     "user", "replies_received", "unique_engagers").rows()
    [('a', 2, 1), ('b', 0, 0)]
    """
    eng = _engagements(events.with_columns(pl.col("action").cast(pl.String)))
    base = users.rename("user").cast(pl.String).to_frame()
    counts = (
        eng.group_by("target_user")
        .agg(
            *[
                (pl.col("action") == a).sum().cast(pl.Int64).alias(col)
                for a, col in _RECEIVED.items()
            ],
            pl.col("user")
            .filter(pl.col("action").is_in(list(_CONTENT_ACTIONS)))
            .n_unique()
            .cast(pl.Int64)
            .alias("unique_engagers"),
        )
        .rename({"target_user": "user"})
    )
    cols = [*_RECEIVED.values(), "unique_engagers"]
    out = base.join(counts, on="user", how="left").with_columns(pl.col(cols).fill_null(0))
    return out.with_columns(total_engagement=pl.sum_horizontal(list(_RECEIVED.values()))).select(
        "user", *_RECEIVED.values(), "total_engagement", "unique_engagers"
    )


def _audience_reach(ds: Dataset) -> pl.DataFrame:
    """Distinct followers of the retweeters of each user's content (author excluded)."""
    assert ds.follows is not None
    pairs = (
        _engagements(ds.events.with_columns(pl.col("action").cast(pl.String)))
        .filter(pl.col("action") == "retweet")
        .select(author="target_user", retweeter="user")
        .unique()
    )
    fol = ds.follows.select(retweeter="followee", exposed="follower").unique()
    return (
        pairs.join(fol, on="retweeter", how="inner")
        .filter(pl.col("exposed") != pl.col("author"))
        .group_by("author")
        .agg(audience_reach=pl.col("exposed").n_unique().cast(pl.Int64))
        .rename({"author": "user"})
    )


def observed_influence(ds: Dataset) -> pl.DataFrame:
    """Observed influence per user: the engagements the log shows they received.

    Self-interactions (retweeting, quoting, replying to or mentioning oneself) count as
    activity elsewhere but never as something *received*. Every user of ``ds.users``
    gets one row; users with no events get zeros, and nulls only where a value is
    undefined.

    Parameters
    ----------
    ds : Dataset
        Any data set. Posts are "known" when the event table has at least one ``post``
        row; the audience is known when ``ds.follows`` is not ``None``.

    Returns
    -------
    polars.DataFrame
        One row per user, sorted by ``user``:

        - ``user`` (String)
        - ``retweets_received`` (Int64, count, higher = more): retweets of the user's
          content by other users.
        - ``quotes_received`` (Int64, count, higher = more): quote posts of it.
        - ``replies_received`` (Int64, count, higher = more): replies to the user.
        - ``mentions_received`` (Int64, count, higher = more): mentions of the user.
        - ``total_engagement`` (Int64, count, higher = more): the four counts summed.
        - ``unique_engagers`` (Int64, users, higher = more): distinct other users who
          retweeted, quoted or replied to the user (a mention is not an engagement
          with content).
        - ``posts`` (Int64, count): the user's ``post`` rows; null for every user when
          the log has no post rows at all (e.g. Higgs), since posts are then unknown.
        - ``engagement_per_post`` (Float64, engagements per post, higher = more):
          (retweets + quotes + replies received) / posts; null when posts are unknown
          or 0.
        - ``audience_reach`` (Int64, users, higher = more): distinct users exposed
          through retweets, i.e. the union of the followers of everyone who retweeted
          the user, the user excluded (follow times are not checked). Null when the
          data set has no follower graph — never 0 for "unknown".

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> from influence_graph.io.dataset import make_dataset
    >>> t = datetime(2024, 3, 1, tzinfo=timezone.utc)
    >>> ev = pl.DataFrame({"user": ["b", "c"], "action": ["retweet", "retweet"],
    ...                    "target_user": ["a", "a"], "timestamp": [t, t]})
    >>> fo = pl.DataFrame({"follower": ["x", "y", "x"], "followee": ["b", "b", "c"]})
    >>> observed_influence(make_dataset(events=ev, follows=fo)).filter(
    ...     pl.col("user") == "a").select("retweets_received", "audience_reach", "posts").row(0)
    (2, 2, None)

    Notes
    -----
    Ratio and uniqueness follow the anti-activity signals of Klout's public description
    of its score: 100 retweets of 10 posts beat 100 of 1,000 (``engagement_per_post``), and 100
    retweeters beat one retweeting 100 times (``unique_engagers``).
    """
    check_dataset("ds", ds)
    out = received_counts(ds.events, ds.user_ids)
    actions = ds.events["action"].cast(pl.String)
    posts_known = bool((actions == "post").any())
    if posts_known:
        posts = (
            ds.events.filter(pl.col("action").cast(pl.String) == "post")
            .group_by("user")
            .agg(posts=pl.len().cast(pl.Int64))
        )
        out = out.join(posts, on="user", how="left").with_columns(pl.col("posts").fill_null(0))
        content = (
            pl.col("retweets_received") + pl.col("quotes_received") + pl.col("replies_received")
        )
        out = out.with_columns(
            engagement_per_post=pl.when(pl.col("posts") > 0)
            .then(content / pl.col("posts"))
            .otherwise(None)
            .cast(pl.Float64)
        )
    else:
        out = out.with_columns(
            posts=pl.lit(None, dtype=pl.Int64), engagement_per_post=pl.lit(None, dtype=pl.Float64)
        )
    if ds.follows is not None:
        out = out.join(_audience_reach(ds), on="user", how="left").with_columns(
            pl.col("audience_reach").fill_null(0)
        )
    else:
        out = out.with_columns(audience_reach=pl.lit(None, dtype=pl.Int64))
    return out.select("user", *OBSERVED_COLUMNS).sort("user")
