"""Attacks on the follower graph: bought followers, follow-back farms, sybil rings, link farms.

Each recipe ``recipe(ctx, d, size, rng, **knobs)`` adds rows to the :class:`Delta` ``d``;
``RECIPES`` maps an attack name to (recipe, knobs with their defaults and checkers).
All four need a follower table (``ds.follows``): they raise otherwise (an attack never
invents a follower graph for a data set that has none).

Examples
--------
>>> sorted(RECIPES)
['fake_followers', 'follow_back_farm', 'spam_farm', 'sybil_ring']
"""

from __future__ import annotations

import numpy as np

from .._validation import bad_param
from ._common import (
    Context,
    Delta,
    Knob,
    choice,
    count,
    machine_delays,
    need_follows,
    prob,
    seconds_range,
)

__all__ = ["RECIPES"]

#: Bot timing: whole seconds after the post (the guide's 1-60 s).
BOT_DELAY = (1, 60)


def fake_followers(ctx: Context, d: Delta, size: int, rng: np.random.Generator) -> None:
    """A1: ``size`` new accounts that follow the target and do nothing else."""
    need_follows(ctx)
    for f in ctx.fake_names(size):
        d.user(f)
        d.follow(f, ctx.target)


def spam_farm(ctx: Context, d: Delta, size: int, rng: np.random.Generator) -> None:
    """A4: A1 plus the target following each fake back (a PageRank link farm)."""
    need_follows(ctx)
    for f in ctx.fake_names(size):
        d.user(f)
        d.follow(f, ctx.target)
        d.follow(ctx.target, f)


def follow_back_farm(
    ctx: Context, d: Delta, size: int, rng: np.random.Generator, *, follow_back: float
) -> None:
    """A2: the target follows ``size`` existing users; ``round(follow_back * size)`` follow back.

    Only users linked to the target in neither direction are candidates, so every link
    is new. The chosen users are labelled as enlisted (``injected=False``).
    """
    need_follows(ctx)
    fo = ctx.ds.follows
    assert fo is not None
    linked = set(fo.filter(fo["follower"] == ctx.target)["followee"].to_list())
    linked |= set(fo.filter(fo["followee"] == ctx.target)["follower"].to_list())
    cands = [u for u in ctx.others() if u not in linked]
    if size > len(cands):
        raise bad_param(
            "size",
            size,
            f"be at most {len(cands)} for 'follow_back_farm' (users not yet linked to the target)",
        )
    chosen = [cands[i] for i in rng.choice(len(cands), size=size, replace=False)]
    n_back = int(np.floor(follow_back * size + 0.5))
    for i, c in enumerate(chosen):
        d.user(c, injected=False)
        d.follow(ctx.target, c)
        if i < n_back:
            d.follow(c, ctx.target)


def sybil_ring(
    ctx: Context,
    d: Delta,
    size: int,
    rng: np.random.Generator,
    *,
    topology: str,
    posts: int,
    target_retweets: int,
    delay: tuple[int, int],
) -> None:
    """A3: ``size`` fakes in a mutual-follow ring (or clique), all following the target.

    Each fake posts ``posts`` times (uniform in the log's window, the target's topic and
    platform) and its ring neighbours retweet each post after ``delay`` seconds; each
    fake also retweets ``target_retweets`` distinct posts of the target (when it has any).
    """
    need_follows(ctx)
    fakes = ctx.fake_names(size)
    for f in fakes:
        d.user(f)
    if topology == "clique":
        pairs = [(i, j) for i in range(size) for j in range(i + 1, size)]
    else:
        ring = {(min(i, (i + 1) % size), max(i, (i + 1) % size)) for i in range(size)}
        pairs = sorted((i, j) for i, j in ring if i != j)
    nbrs: list[list[int]] = [[] for _ in range(size)]
    for i, j in pairs:
        d.follow(fakes[i], fakes[j])
        d.follow(fakes[j], fakes[i])
        nbrs[i].append(j)
        nbrs[j].append(i)
    for f in fakes:
        d.follow(f, ctx.target)
    topics, platform = ctx.style()
    for i, f in enumerate(fakes):
        for us in ctx.uniform_times(rng, posts):
            pid = d.post(f, int(us), topics, platform)
            lag = ctx.clamp(us + machine_delays(rng, len(nbrs[i]), delay))
            for j, t in zip(nbrs[i], lag, strict=True):
                d.engage(fakes[j], "retweet", f, pid, int(t), topics, platform)
    n = min(target_retweets, ctx.n_posts)
    if n:
        rows = ctx.posts.to_dicts()
        for f in fakes:
            picks = rng.choice(len(rows), size=n, replace=False)
            lag = machine_delays(rng, n, delay)
            for k, dt in zip(picks, lag, strict=True):
                post = rows[int(k)]
                d.engage_post(f, "retweet", post, ctx.after(post, dt), ctx.target)


RECIPES: dict[str, tuple[object, dict[str, Knob]]] = {
    "fake_followers": (fake_followers, {}),
    "follow_back_farm": (follow_back_farm, {"follow_back": (0.5, prob)}),
    "sybil_ring": (
        sybil_ring,
        {
            "topology": ("ring", choice("ring", "clique")),
            "posts": (1, count),
            "target_retweets": (1, count),
            "delay": (BOT_DELAY, seconds_range),
        },
    ),
    "spam_farm": (spam_farm, {}),
}
