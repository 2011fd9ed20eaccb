"""Attacks on the event log itself: activity spam, duplicate rows, backdated events.

Each recipe ``recipe(ctx, d, size, rng, **knobs)`` adds rows to the :class:`Delta` ``d``.
A11 and A12 add rows that the normal ingest path removes (exact duplicates are
deduplicated, ``DUP_EVENT``; retweets of unknown or later posts are filtered,
``DANGLING_REF``/``CAUSALITY``): nothing here special-cases them.

Examples
--------
>>> sorted(RECIPES)
['activity_spam', 'backdated_events', 'duplicate_events']
"""

from __future__ import annotations

import numpy as np
import polars as pl

from .._validation import bad_param
from ._common import US_PER_SECOND, Context, Delta, Knob, choice, count, positive

__all__ = ["RECIPES"]


def activity_spam(
    ctx: Context, d: Delta, size: int, rng: np.random.Generator, *, hashtags: int, mentions: int
) -> None:
    """A8: the target adds ``size`` posts (uniform in the window) that nobody engages with.

    Each post is stuffed with the ``hashtags`` most frequent topics of the log (trending,
    ties by name) and carries ``mentions`` @-mention events of distinct random users (same
    time), so the attack adds ``size * (1 + mentions)`` actions in all.
    """
    tops = ctx.ds.events["topics"].explode().drop_nulls()
    trending: list[str] | None = None
    if hashtags and tops.len():
        vc = tops.value_counts(name="n").sort(["n", tops.name], descending=[True, False])
        trending = vc[tops.name].head(hashtags).cast(pl.String).to_list()
    others = ctx.others()
    if mentions > len(others):
        raise bad_param(
            "mentions", mentions, f"be at most {len(others)} (users other than the target)"
        )
    _, platform = ctx.style()
    for us in ctx.uniform_times(rng, size):
        d.post(ctx.target, int(us), trending, platform)
        for i in rng.choice(len(others), size=mentions, replace=False) if mentions else ():
            d.engage(ctx.target, "mention", others[int(i)], None, int(us), trending, platform)


def duplicate_events(ctx: Context, d: Delta, size: int, rng: np.random.Generator) -> None:
    """A11: exact copies of ``size`` distinct existing events (same ``event_id``, same content)."""
    ev = ctx.ds.events
    if size > ev.height:
        raise bad_param(
            "size", size, f"be at most {ev.height} for 'duplicate_events' (events in the log)"
        )
    idx = np.sort(rng.choice(ev.height, size=size, replace=False))
    rows = ev[idx].with_columns(
        pl.col("timestamp").dt.epoch("us"), pl.col("action").cast(pl.String)
    )
    for row in rows.to_dicts():
        d.add(row, event_id=row["event_id"])


def backdated_events(
    ctx: Context, d: Delta, size: int, rng: np.random.Generator, *, mode: str, max_backdate: float
) -> None:
    """A12: ``size`` retweets of the target by existing users that break causality.

    ``mode="causality"``: a retweet of one of the target's posts, timed up to
    ``max_backdate`` seconds *before* the post; ``"dangling"``: a retweet of a post id that
    is nowhere in the log, timed in the window; ``"mixed"`` alternates them (dangling only
    when the target has no post).
    """
    if mode == "causality":
        if not ctx.post_rows:
            raise bad_param(
                "mode", mode, "be 'dangling' or 'mixed' in a log without post rows (there is "
                "no post time for a retweet to precede)")
        ctx.need_posts()
    others = ctx.others()
    if not others:
        raise bad_param(
            "target", ctx.target, "not be the only user of the data set for 'backdated_events'"
        )
    posts = ctx.posts.to_dicts() if ctx.post_rows else []
    users = rng.choice(len(others), size=size, replace=True)
    back = rng.integers(
        US_PER_SECOND, max(int(max_backdate * US_PER_SECOND), US_PER_SECOND) + 1, size=size
    )
    when = ctx.uniform_times(rng, size)
    pick = rng.integers(0, max(len(posts), 1), size=size)
    for i in range(size):
        user = others[int(users[i])]
        early = mode == "causality" or (mode == "mixed" and i % 2 == 0 and posts)
        if early:
            post = posts[int(pick[i])]
            d.engage_post(user, "retweet", post, int(post["us"] - back[i]), ctx.target)
        else:
            # a reference to a post id that is nowhere in the log, whatever the log's format
            d.add({"user": user, "action": "retweet", "target_user": ctx.target,
                   "timestamp": int(when[i]), "post_id": d.new_id("p"),
                   "parent_id": d.new_id("missing"), "topics": None, "platform": None})


RECIPES: dict[str, tuple[object, dict[str, Knob]]] = {
    "activity_spam": (activity_spam, {"hashtags": (3, count), "mentions": (0, count)}),
    "duplicate_events": (duplicate_events, {}),
    "backdated_events": (
        backdated_events,
        {
            "mode": ("mixed", choice("mixed", "causality", "dangling")),
            "max_backdate": (86_400.0, positive),
        },
    ),
}
