"""The canonical tables: events, follows, users and edge probabilities.

Every reader maps its input to these schemas, explicitly: ids are opaque strings
(``"007"`` and ``"7"`` are different users), timestamps are ``Datetime("us", "UTC")``.

Examples
--------
>>> from influence_graph.io.schema import EVENT_SCHEMA, ACTIONS
>>> list(EVENT_SCHEMA)[:4]
['event_id', 'user', 'action', 'target_user']
>>> ACTIONS
('post', 'retweet', 'quote', 'reply', 'mention')
"""

from __future__ import annotations

import polars as pl

__all__ = [
    "ACTIONS",
    "ENGAGEMENTS",
    "ACTION_DTYPE",
    "TIMESTAMP_DTYPE",
    "EVENT_SCHEMA",
    "EVENT_REQUIRED",
    "FOLLOW_SCHEMA",
    "FOLLOW_REQUIRED",
    "PROBABILITY_SCHEMA",
    "USER_SCHEMA",
    "empty_events",
    "empty_follows",
]

#: The five actions, in this order everywhere.
ACTIONS: tuple[str, ...] = ("post", "retweet", "quote", "reply", "mention")
#: Actions that act on someone else's content or handle (they need ``target_user``).
ENGAGEMENTS: tuple[str, ...] = ACTIONS[1:]
ACTION_DTYPE = pl.Enum(list(ACTIONS))
TIMESTAMP_DTYPE = pl.Datetime("us", "UTC")

#: Canonical event table (docs/data.md). Column order is canonical too.
EVENT_SCHEMA: dict[str, pl.DataType] = {
    "event_id": pl.String(),
    "user": pl.String(),
    "action": ACTION_DTYPE,
    "target_user": pl.String(),
    "post_id": pl.String(),
    "parent_id": pl.String(),
    "timestamp": TIMESTAMP_DTYPE,
    "topics": pl.List(pl.String()),
    "platform": pl.String(),
}
EVENT_REQUIRED: tuple[str, ...] = ("user", "action", "timestamp")

#: Follow table: ``follower`` follows ``followee`` (content moves followee → follower).
FOLLOW_SCHEMA: dict[str, pl.DataType] = {
    "follower": pl.String(),
    "followee": pl.String(),
    "since": TIMESTAMP_DTYPE,
}
FOLLOW_REQUIRED: tuple[str, ...] = ("follower", "followee")

#: Edge probabilities: content moves ``source`` → ``target`` with probability ``p``.
PROBABILITY_SCHEMA: dict[str, pl.DataType] = {
    "source": pl.String(),
    "target": pl.String(),
    "p": pl.Float64(),
}

#: The user table always has at least this column; data sets add attributes.
USER_SCHEMA: dict[str, pl.DataType] = {"user": pl.String()}


def empty_events() -> pl.DataFrame:
    """Return an empty, well-typed event table.

    Examples
    --------
    >>> empty_events().height
    0
    """
    return pl.DataFrame(schema=EVENT_SCHEMA)


def empty_follows() -> pl.DataFrame:
    """Return an empty, well-typed follow table.

    Examples
    --------
    >>> empty_follows().columns
    ['follower', 'followee', 'since']
    """
    return pl.DataFrame(schema=FOLLOW_SCHEMA)
