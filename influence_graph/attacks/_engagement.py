"""Attacks on engagement: retweet rings, colluders, pods, reciprocity, compromised accounts.

Each recipe ``recipe(ctx, d, size, rng, **knobs)`` adds rows to the :class:`Delta` ``d``.
Follow links (A5, A10) are added only when the data set has a follower table; the
events alone carry these attacks. Delays: bots use whole seconds in ``delay``
(a machine signature); humans a log-normal delay of median ``median_delay`` seconds
and log-scale ``sigma``. Every engagement is capped at the end of the log's window
and never precedes the post it engages.

Examples
--------
>>> sorted(RECIPES)[:2]
['collusive_retweeters', 'compromised_accounts']
"""

from __future__ import annotations

import numpy as np
import polars as pl

from .._validation import bad_param
from ._common import (
    Context,
    Delta,
    Knob,
    choice,
    flag,
    machine_delays,
    organic_delays,
    positive,
    prob,
    seconds_range,
)

__all__ = ["RECIPES"]

BOT_DELAY = (1, 60)
#: Human delays: median one hour, log-scale sigma 1 (organic retweet delays are heavy-tailed).
HUMAN = {"median_delay": (3600.0, positive), "sigma": (1.0, positive)}


def _pick(ctx: Context, rng: np.random.Generator, pool: list[str], n: int, what: str) -> list[str]:
    if n > len(pool):
        raise bad_param("size", n, f"be at most {len(pool)} for {ctx.attack!r} ({what})")
    return [pool[i] for i in rng.choice(len(pool), size=n, replace=False)]


def retweet_ring(
    ctx: Context,
    d: Delta,
    size: int,
    rng: np.random.Generator,
    *,
    delay: tuple[int, int],
    follow: bool,
) -> None:
    """A5: ``size`` bots (following the target) retweet every post of the target.

    Bot i has one fixed delay (whole seconds drawn once in ``delay``) on every post.
    """
    ctx.need_posts()
    bots = ctx.fake_names(size)
    lags = machine_delays(rng, size, delay)
    for b in bots:
        d.user(b)
        if follow and ctx.ds.follows is not None:
            d.follow(b, ctx.target)
    for post in ctx.posts.to_dicts():
        for b, lag in zip(bots, lags, strict=True):
            d.engage_post(b, "retweet", post, ctx.after(post, lag), ctx.target)


def collusive_retweeters(
    ctx: Context,
    d: Delta,
    size: int,
    rng: np.random.Generator,
    *,
    q: float,
    median_delay: float,
    sigma: float,
) -> None:
    """A6: ``size`` existing users retweet each post of the target w.p. ``q``, at human delays."""
    ctx.need_posts()
    colluders = _pick(ctx, rng, ctx.others(), size, "existing users but the target")
    posts = ctx.posts.to_dicts()
    hit = rng.random((size, len(posts))) < q
    lags = organic_delays(rng, size * len(posts), median_delay, sigma).reshape(size, len(posts))
    for i, c in enumerate(colluders):
        d.user(c, injected=False)
        for j, post in enumerate(posts):
            if hit[i, j]:
                d.engage_post(c, "retweet", post, ctx.after(post, lags[i, j]), ctx.target)


def engagement_pod(
    ctx: Context, d: Delta, size: int, rng: np.random.Generator, *, window: float, action: str
) -> None:
    """A7: a pod of ``size`` members (the target and ``size - 1`` existing users).

    Every member engages (``action``) with every other member's posts within ``window``
    minutes (uniform), so each member gains ``(size - 1)`` engagements per post.
    """
    if size < 2:
        raise bad_param(
            "size", size, "be at least 2 for 'engagement_pod' (the target and one more member)"
        )
    enlisted = _pick(ctx, rng, ctx.others(), size - 1, "existing users but the target")
    members = [ctx.target, *enlisted]
    for m in members[1:]:
        d.user(m, injected=False)
    w_us = max(int(window * 60 * 1_000_000), 1)
    by_author = ctx.items.filter(pl.col("user").is_in(members)).partition_by(
        "user", as_dict=True, include_key=False)
    for author in members:
        part = by_author.get((author,))
        posts = [] if part is None else part.to_dicts()
        others = [m for m in members if m != author]
        for post in posts:
            lags = rng.integers(1, w_us + 1, size=len(others), dtype=np.int64)
            for m, lag in zip(others, lags, strict=True):
                d.engage_post(m, action, post, ctx.after(post, lag), author)


def reciprocity_solicitation(
    ctx: Context,
    d: Delta,
    size: int,
    rng: np.random.Generator,
    *,
    reciprocity: float,
    median_delay: float,
    sigma: float,
) -> None:
    """A9: the target retweets one post of each of ``size`` users; some retweet it back once.

    ``round(reciprocity * size)`` of the solicited users (labelled as enlisted) retweet one
    post of the target; every delay is human (log-normal).
    """
    authors = ctx.items.filter(pl.col("user") != ctx.target)
    pool = authors["user"].unique().sort().to_list()
    chosen = _pick(ctx, rng, pool, size,
                   "users with a post (or re-shared content), the target excepted")
    by_user = authors.partition_by("user", as_dict=True, maintain_order=True)
    lags = organic_delays(rng, size, median_delay, sigma)
    for u, lag in zip(chosen, lags, strict=True):
        rows = by_user[(u,)].to_dicts()
        post = rows[int(rng.integers(len(rows)))]
        d.engage_post(ctx.target, "retweet", post, ctx.after(post, lag), u)
    n_back = int(np.floor(reciprocity * size + 0.5))
    if n_back:
        ctx.need_posts()
        posts = ctx.posts.to_dicts()
        back = organic_delays(rng, n_back, median_delay, sigma)
        for u, lag in zip(chosen[:n_back], back, strict=True):
            d.user(u, injected=False)
            post = posts[int(rng.integers(len(posts)))]
            d.engage_post(u, "retweet", post, ctx.after(post, lag), ctx.target)


def compromised_accounts(
    ctx: Context,
    d: Delta,
    size: int,
    rng: np.random.Generator,
    *,
    follow: bool,
    retweet: bool,
    median_delay: float,
    sigma: float,
) -> None:
    """A10: the ``size`` existing accounts with the largest audience follow and retweet the target.

    Audience: followers in ``ds.follows`` (else engagements received), ties by name.
    Accounts that already follow the target keep their one link (no duplicate).
    """
    if not (follow or retweet):
        raise bad_param(
            "follow", follow, "be True when retweet is False (the attack would add nothing)"
        )
    fo = ctx.ds.follows
    if fo is not None:
        aud = fo.group_by("followee").len().rename({"followee": "user", "len": "n"})
    else:
        ev = ctx.ds.events
        aud = ev.filter(pl.col("target_user").is_not_null()).group_by("target_user").len()
        aud = aud.rename({"target_user": "user", "len": "n"})
    ranked = (
        pl.DataFrame({"user": ctx.others()})
        .join(aud, on="user", how="left")
        .with_columns(pl.col("n").fill_null(0))
        .sort(["n", "user"], descending=[True, False])["user"]
        .to_list()
    )
    if size > len(ranked):
        raise bad_param("size", size, f"be at most {len(ranked)} for 'compromised_accounts'")
    accounts = ranked[:size]
    if retweet:
        ctx.need_posts()
    fans = (
        set(fo.filter(fo["followee"] == ctx.target)["follower"].to_list())
        if fo is not None
        else set()
    )
    posts = ctx.posts.to_dicts()
    for a in accounts:
        d.user(a, injected=False)
        if follow and fo is not None and a not in fans:
            d.follow(a, ctx.target)
        if retweet:
            for post, lag in zip(
                posts, organic_delays(rng, len(posts), median_delay, sigma), strict=True
            ):
                d.engage_post(a, "retweet", post, ctx.after(post, lag), ctx.target)


RECIPES: dict[str, tuple[object, dict[str, Knob]]] = {
    "retweet_ring": (retweet_ring, {"delay": (BOT_DELAY, seconds_range), "follow": (True, flag)}),
    "collusive_retweeters": (collusive_retweeters, {"q": (0.5, prob), **HUMAN}),
    "engagement_pod": (
        engagement_pod,
        {
            "window": (30.0, positive),
            "action": ("retweet", choice("retweet", "quote", "reply")),
        },
    ),
    "reciprocity_solicitation": (reciprocity_solicitation, {"reciprocity": (0.1, prob), **HUMAN}),
    "compromised_accounts": (
        compromised_accounts,
        {"follow": (True, flag), "retweet": (True, flag), **HUMAN},
    ),
}
