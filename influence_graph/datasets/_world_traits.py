"""Latent user traits of the synthetic world: fitness, passions, persuasiveness, posting rates.

Private helper of :mod:`influence_graph.datasets.synthetic`; the formulas are documented
there. Everything is numpy arrays indexed by the integer user id ``0 … n-1``.

Examples
--------
>>> import numpy as np
>>> from influence_graph.datasets._world_traits import draw_traits
>>> tr = draw_traits(np.random.default_rng(0), n_users=100, n_topics=4, tail_index=1.6,
...                  posts_per_day=0.3, persuasiveness_sigma=0.6, loud_share=0.02,
...                  quiet_share=0.02, n_experts=2, platform_count=2)
>>> tr.passion.shape, bool(np.allclose(tr.passion.sum(axis=1), 1.0))
((100, 4), True)
>>> sorted(set(tr.archetype.tolist()))
['loud', 'ordinary', 'quiet', 'topic_expert']
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["ARCHETYPES", "Traits", "draw_traits"]

#: Archetype labels, in this order everywhere.
ARCHETYPES: tuple[str, ...] = ("ordinary", "loud", "quiet", "topic_expert")

# Planted ranges (uniform draws); documented in synthetic.py's Notes.
LOUD_RATE = (8.0, 15.0)  # posts per day
LOUD_PERSUASIVENESS = (0.05, 0.2)
QUIET_RATE = (0.02, 0.08)
QUIET_PERSUASIVENESS = (5.0, 8.0)
EXPERT_RATE = (0.5, 1.5)
EXPERT_PERSUASIVENESS = (3.0, 5.0)
EXPERT_PASSION = 0.95
PASSION_FLOOR = 0.02  # background interest in every topic (before normalisation)


@dataclass(frozen=True, eq=False)
class Traits:
    """Latent traits, one entry per integer user id (see ``synthetic`` for meanings)."""

    fitness: np.ndarray  # float, Pareto(tail_index) >= 1: attractiveness as a followee
    main_topic: np.ndarray  # int
    passion: np.ndarray  # float (n, T), rows sum to 1: interest in each topic
    post_mix: np.ndarray  # float (n, T), rows sum to 1: topic distribution of own posts
    persuasiveness: np.ndarray  # float > 0
    posting_rate: np.ndarray  # float, posts per day
    archetype: np.ndarray  # object (str), one of ARCHETYPES
    following: np.ndarray  # int >= 1: planned number of accounts followed (before follow-backs)
    platform_share: np.ndarray  # float (n, P), rows sum to 1: share of events per platform


def _passions(rng: np.random.Generator, main: np.ndarray, n_topics: int) -> np.ndarray:
    """Passion vectors concentrated on the main topic and, for half the users, a second one."""
    n = main.size
    w = np.full((n, n_topics), PASSION_FLOOR)
    rows = np.arange(n)
    w[rows, main] += rng.uniform(0.5, 0.9, n)
    second = (main + rng.integers(1, n_topics, n)) % n_topics  # a different topic
    has_second = rng.random(n) < 0.5
    w[rows[has_second], second[has_second]] += rng.uniform(0.1, 0.4, int(has_second.sum()))
    return w / w.sum(axis=1, keepdims=True)


def _pick(rng: np.random.Generator, pool: np.ndarray, taken: np.ndarray, k: int) -> np.ndarray:
    """Draw ``k`` distinct users from ``pool`` that are not yet ``taken`` (fewer if short)."""
    free = pool[~taken[pool]]
    k = min(k, free.size)
    chosen = rng.choice(free, size=k, replace=False) if k else free[:0]
    taken[chosen] = True
    return chosen


def draw_traits(
    rng: np.random.Generator,
    *,
    n_users: int,
    n_topics: int,
    tail_index: float,
    posts_per_day: float,
    persuasiveness_sigma: float,
    loud_share: float,
    quiet_share: float,
    n_experts: int,
    platform_count: int,
    mean_following: float = 20.0,
    rate_sigma: float = 1.0,
) -> Traits:
    """Draw every latent trait; archetypes are planted last, overwriting ordinary draws.

    Persuasiveness and posting rate come from separate draws of ``rng`` and are never
    combined, so for ordinary users they are independent by construction.
    """
    n, T = n_users, n_topics
    fitness = (1.0 - rng.random(n)) ** (-1.0 / tail_index)  # Pareto(tail_index) on [1, inf)
    main = rng.integers(0, T, n)
    passion = _passions(rng, main, T)
    persuasiveness = rng.lognormal(0.0, persuasiveness_sigma, n)
    posting_rate = rng.lognormal(np.log(posts_per_day), rate_sigma, n)
    following = np.maximum(1, np.rint(rng.lognormal(np.log(mean_following) - 0.32, 0.8, n)))
    following = np.minimum(following, n - 1).astype(np.int64)
    # platform mix: 30 % only on the first platform, 20 % only on the last, the rest mixed
    share = rng.dirichlet(np.ones(platform_count), n)
    if platform_count > 1:
        kind = rng.random(n)
        only_first, only_last = kind < 0.3, (kind >= 0.3) & (kind < 0.5)
        share[only_first] = np.eye(platform_count)[0]
        share[only_last] = np.eye(platform_count)[-1]
    archetype = np.full(n, "ordinary", dtype=object)
    post_mix = passion.copy()

    # plant archetypes, choosing users by follower attractiveness (fitness rank)
    order = np.argsort(fitness, kind="stable")
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    taken = np.zeros(n, dtype=bool)
    top20 = np.flatnonzero(rank >= int(0.8 * n))
    top10 = np.flatnonzero(rank >= int(0.9 * n))
    bottom50 = np.flatnonzero(rank < n // 2)
    for topic in range(min(n_experts, T)):
        e = _pick(rng, top20, taken, 1)
        if e.size == 0:
            break
        u = int(e[0])
        archetype[u] = "topic_expert"
        main[u] = topic
        passion[u] = (1.0 - EXPERT_PASSION) / (T - 1)
        passion[u, topic] = EXPERT_PASSION
        post_mix[u] = 0.0
        post_mix[u, topic] = 1.0  # regular posts stay on topic; the viral one is planted apart
        persuasiveness[u] = rng.uniform(*EXPERT_PERSUASIVENESS)
        posting_rate[u] = rng.uniform(*EXPERT_RATE)
    quiet = _pick(rng, top10, taken, max(1, int(round(quiet_share * n))) if quiet_share > 0 else 0)
    archetype[quiet] = "quiet"
    persuasiveness[quiet] = rng.uniform(*QUIET_PERSUASIVENESS, quiet.size)
    posting_rate[quiet] = rng.uniform(*QUIET_RATE, quiet.size)
    loud = _pick(rng, bottom50, taken, max(1, int(round(loud_share * n))) if loud_share > 0 else 0)
    archetype[loud] = "loud"
    persuasiveness[loud] = rng.uniform(*LOUD_PERSUASIVENESS, loud.size)
    posting_rate[loud] = rng.uniform(*LOUD_RATE, loud.size)
    return Traits(
        fitness=fitness,
        main_topic=main,
        passion=passion,
        post_mix=post_mix,
        persuasiveness=persuasiveness,
        posting_rate=posting_rate,
        archetype=archetype,
        following=following,
        platform_share=share,
    )
