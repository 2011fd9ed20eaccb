"""Activity: how much each user did, and how many follow them — raw volume, not influence.

Examples
--------
>>> import polars as pl
>>> from datetime import datetime, timezone
>>> from influence_graph.io.dataset import make_dataset
>>> t = datetime(2024, 3, 1, tzinfo=timezone.utc)
>>> ev = pl.DataFrame({"user": ["a", "b"], "action": ["post", "retweet"],
...                    "target_user": [None, "a"], "timestamp": [t, t]})
>>> act = activity(make_dataset(events=ev))
>>> act.select("user", "posts", "retweets_made", "actions", "followers").rows()
[('a', 1, 0, 1, None), ('b', 0, 1, 1, None)]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from .._validation import check_dataset

if TYPE_CHECKING:  # pragma: no cover
    from ..io.dataset import Dataset

__all__ = ["activity", "ACTIVITY_COLUMNS"]

#: Count column per action, in the canonical action order.
_MADE = {
    "post": "posts",
    "retweet": "retweets_made",
    "quote": "quotes_made",
    "reply": "replies_made",
    "mention": "mentions_made",
}
#: Columns of the activity table, in order.
ACTIVITY_COLUMNS: tuple[str, ...] = (
    "user",
    *_MADE.values(),
    "actions",
    "active_days",
    "followers",
    "following",
)


def activity(ds: "Dataset") -> pl.DataFrame:
    """Per-user activity counts: what each user did and how many follow them.

    Parameters
    ----------
    ds : Dataset
        Any data set; ``ds.users`` defines the rows.

    Returns
    -------
    polars.DataFrame
        One row per user of ``ds.users``, in the same order (sorted as strings):

        - ``user`` (String): the user id.
        - ``posts`` (Int64): post events by the user.
        - ``retweets_made`` (Int64): retweets the user made (of anyone, self included).
        - ``quotes_made`` (Int64): quote events the user made.
        - ``replies_made`` (Int64): replies the user made (self-replies included: a
          thread is activity).
        - ``mentions_made`` (Int64): mention events the user made (self-mentions
          included).
        - ``actions`` (Int64): the sum of the five columns above.
        - ``active_days`` (Int64): distinct UTC calendar dates with at least one event
          by the user.
        - ``followers`` (Int64): distinct users who follow the user (self-follows
          excluded); **null** when ``ds.follows`` is None (unknown, not zero).
        - ``following`` (Int64): distinct users the user follows (self excluded);
          null when ``ds.follows`` is None.

        Users without events get zeros in the count columns.

    Notes
    -----
    Activity counts what a user *does* (the actor column ``user`` of each event);
    receiving retweets or mentions is not activity (it is observed influence, see
    :func:`influence_graph.observed_influence`). A data set without post rows (SNAP
    Higgs records only retweets, mentions and replies; see ``ds.ingest.notes``) gives
    ``posts`` = 0 for everyone. Counts are of events as loaded: duplicates were already
    removed by the reader.

    Examples
    --------
    >>> import polars as pl
    >>> from datetime import datetime, timedelta, timezone
    >>> from influence_graph.io.dataset import make_dataset
    >>> t = datetime(2024, 3, 1, 23, tzinfo=timezone.utc)
    >>> ev = pl.DataFrame({"user": ["a", "a", "b"], "action": ["post", "mention", "reply"],
    ...                    "target_user": [None, "c", "a"],
    ...                    "timestamp": [t, t + timedelta(hours=2), t]})
    >>> fo = pl.DataFrame({"follower": ["b", "c"], "followee": ["a", "a"]})
    >>> act = activity(make_dataset(events=ev, follows=fo))
    >>> act.select("user", "actions", "active_days", "followers", "following").rows()
    [('a', 2, 2, 2, 0), ('b', 1, 1, 0, 1), ('c', 0, 0, 0, 1)]
    """
    check_dataset("ds", ds)
    users = ds.users.select(pl.col("user").cast(pl.String))
    ev = ds.events
    action = pl.col("action").cast(pl.String)
    per_user = ev.group_by("user").agg(
        *[(action == a).sum().cast(pl.Int64).alias(col) for a, col in _MADE.items()],
        pl.col("timestamp")
        .dt.convert_time_zone("UTC")
        .dt.date()
        .n_unique()
        .cast(pl.Int64)
        .alias("active_days"),
    )
    out = users.join(per_user, on="user", how="left", maintain_order="left").with_columns(
        pl.col(*_MADE.values(), "active_days").fill_null(0)
    )
    out = out.with_columns(pl.sum_horizontal(*_MADE.values()).cast(pl.Int64).alias("actions"))
    if ds.follows is None:
        out = out.with_columns(
            pl.lit(None, pl.Int64).alias("followers"), pl.lit(None, pl.Int64).alias("following")
        )
    else:
        fo = (
            ds.follows.select("follower", "followee")
            .filter(pl.col("follower") != pl.col("followee"))
            .unique()
        )
        followers = fo.group_by("followee").len("followers").rename({"followee": "user"})
        following = fo.group_by("follower").len("following").rename({"follower": "user"})
        out = (
            out.join(followers, on="user", how="left", maintain_order="left")
            .join(following, on="user", how="left", maintain_order="left")
            .with_columns(pl.col("followers", "following").fill_null(0).cast(pl.Int64))
        )
    return out.select(ACTIVITY_COLUMNS)
