"""The units of content an attack acts on: posts, or, in a log without posts, re-shared moments.

A retweet ring retweets the target's posts; a pod engages its members' posts. Many real
logs record no post at all: the Higgs Twitter log has only who retweeted, replied to or
mentioned whom, and when. There, a user's content is known only through its being
re-shared, so each **distinct moment** (timestamp) at which a retweet, quote or reply of
the user's content was logged stands for one content item. An attack on such a log
engages those items as it would posts, in the log's own format (no post ids).

Examples
--------
>>> import polars as pl
>>> from datetime import datetime, timezone
>>> from influence_graph.io.dataset import make_dataset
>>> t = [datetime(2024, 3, 1, h, tzinfo=timezone.utc) for h in (1, 2, 2, 3)]
>>> ds = make_dataset(events=pl.DataFrame({
...     "user": ["b", "c", "d", "b"], "action": ["retweet", "retweet", "reply", "mention"],
...     "target_user": ["a", "a", "a", "a"], "timestamp": t}))
>>> has_post_rows(ds)
False
>>> items = content_items(ds)
>>> items["user"].to_list(), items["post_id"].to_list()   # 2 moments of a (02:00 twice)
(['a', 'a'], [None, None])
"""

from __future__ import annotations

import polars as pl

from ..io.dataset import Dataset

__all__ = ["content_items", "has_post_rows", "ITEM_COLUMNS"]

#: Columns of :func:`content_items`.
ITEM_COLUMNS = ("user", "post_id", "us", "topics", "platform")
_RESHARES = ("retweet", "quote", "reply")


def has_post_rows(ds: Dataset) -> bool:
    """Whether the log has at least one ``post`` row with a ``post_id``."""
    ev = ds.events
    return bool(ev.filter((pl.col("action") == "post") & pl.col("post_id").is_not_null()).height)


def content_items(ds: Dataset) -> pl.DataFrame:
    """Every user's content items, sorted by (user, time, post_id).

    When the log has post rows: the ``post`` rows with a ``post_id``. Otherwise: one
    item per distinct (author, timestamp) of a retweet, quote or reply of the author
    (``target_user``), with a null ``post_id`` and the topics and platform of the
    first such event at that moment (by event id).

    Parameters
    ----------
    ds : Dataset

    Returns
    -------
    polars.DataFrame
        :data:`ITEM_COLUMNS`: ``user`` (the author), ``post_id`` (String, null in a log
        without posts), ``us`` (Int64, microseconds since the epoch, UTC), ``topics``,
        ``platform``.
    """
    ev = ds.events
    if has_post_rows(ds):
        items = ev.filter((pl.col("action") == "post") & pl.col("post_id").is_not_null())
        return (
            items.select("user", "post_id", pl.col("timestamp").dt.epoch("us").alias("us"),
                         "topics", "platform")
            .sort(["user", "us", "post_id"])
        )
    moments = (
        ev.filter(pl.col("action").cast(pl.String).is_in(_RESHARES)
                  & pl.col("target_user").is_not_null())
        .select(pl.col("target_user").alias("user"),
                pl.col("timestamp").dt.epoch("us").alias("us"), "event_id", "topics",
                "platform")
        .sort(["user", "us", "event_id"])
        .unique(["user", "us"], keep="first", maintain_order=True)
    )
    return moments.select(
        "user", pl.lit(None, dtype=pl.String).alias("post_id"), "us", "topics", "platform"
    )
