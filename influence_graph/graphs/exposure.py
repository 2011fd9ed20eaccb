"""Who exposed whom: the source of each engagement, following ``parent_id``.

The graph layers, the engagement graph and the learned probabilities all take an
engagement's source from :func:`with_exposure_source`, so a log that names the
original author of a cascade as every re-sharer's ``target_user`` (a cascade-aware
export) and one that names the author of the re-shared item give the same graphs.
"""

from __future__ import annotations

import polars as pl

from .._validation import check_columns

__all__ = ["with_exposure_source"]


def with_exposure_source(events: pl.DataFrame) -> pl.DataFrame:
    """``events`` with a ``source`` column: who each event's content came from.

    A log may give every re-share generation the *original* author as ``target_user``
    while ``parent_id`` names the item actually re-shared (a cascade-aware export); the
    user who exposed the actor to the content is the author of that item. So when
    ``parent_id`` resolves to an item of the log (some event's ``post_id``), its author
    is the source; otherwise ``target_user`` is (logs without parent ids, e.g. Higgs,
    or parents outside the log). On a log whose ``target_user`` already names the
    parent's author this changes nothing.

    Examples
    --------
    >>> import polars as pl

from .._validation import check_columns
    >>> ev = pl.DataFrame({"user": ["a", "b", "c"], "action": ["post", "retweet", "retweet"],
    ...                    "target_user": [None, "a", "a"], "post_id": ["p", "r1", "r2"],
    ...                    "parent_id": [None, "p", "r1"]})
    >>> with_exposure_source(ev)["source"].to_list()  # c re-shared b's retweet
    [None, 'a', 'b']
    """
    check_columns(events, ["user", "target_user", "post_id", "parent_id"], what="events")
    if events.get_column("parent_id").null_count() == events.height:
        return events.with_columns(source=pl.col("target_user"))
    authors = (
        events.filter(pl.col("post_id").is_not_null())
        .group_by("post_id")
        .agg(pl.col("user").first().alias("_parent_author"))
        .rename({"post_id": "parent_id"})
    )
    return (
        events.join(authors, on="parent_id", how="left", maintain_order="left")
        .with_columns(source=pl.coalesce(pl.col("_parent_author"), pl.col("target_user")))
        .drop("_parent_author")
    )
