"""Follower graph of the synthetic world: fitness attachment, topic homophily, follow-backs.

Private helper of :mod:`influence_graph.datasets.synthetic` (formulas documented there).

Examples
--------
>>> import numpy as np
>>> from influence_graph.datasets._world_graph import follow_edges, reciprocity
>>> rng = np.random.default_rng(1)
>>> fit = np.ones(50); topic = np.arange(50) % 2; k = np.full(50, 5)
>>> follower, followee, since = follow_edges(rng, fit, topic, k, homophily=0.9,
...                                         reciprocity=0.4, n_topics=2)
>>> bool((follower != followee).all()), round(reciprocity(follower, followee, 50), 1)
(True, 0.4)
"""

from __future__ import annotations

import numpy as np

__all__ = ["follow_edges", "reciprocity", "US_PER_DAY"]

US_PER_DAY = 86_400 * 1_000_000
#: Follow edges were formed during the two years before the observation window.
FOLLOW_HISTORY_DAYS = 730


def _weighted_draw(
    rng: np.random.Generator, cum: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> np.ndarray:
    """Index ``i`` in ``[lo, hi)`` with probability ∝ ``cum[i] - cum[i-1]`` (vectorised)."""
    base = np.where(lo > 0, cum[np.maximum(lo - 1, 0)], 0.0)
    x = base + rng.random(lo.size) * (cum[hi - 1] - base)
    return np.minimum(np.searchsorted(cum, x, side="right"), hi - 1)


def reciprocity(follower: np.ndarray, followee: np.ndarray, n: int) -> float:
    """Share of follow edges whose reverse edge also exists (igraph's default definition)."""
    if follower.size == 0:
        return 0.0
    key = np.sort(follower * n + followee)
    rev = followee * n + follower
    pos = np.minimum(np.searchsorted(key, rev), key.size - 1)
    return float(np.mean(key[pos] == rev))


def follow_edges(
    rng: np.random.Generator,
    fitness: np.ndarray,
    main_topic: np.ndarray,
    following: np.ndarray,
    *,
    homophily: float,
    reciprocity: float,
    n_topics: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Draw follow edges ``follower -> followee`` and when each was formed.

    Each user ``v`` makes ``following[v]`` attempts; with probability ``homophily`` an
    attempt picks a followee among users of ``v``'s main topic, otherwise among everyone,
    in both cases with probability ∝ fitness. Self-follows and repeats are dropped. Then
    follow-backs are added to uniformly chosen unreciprocated edges until the share of
    reciprocated edges equals ``reciprocity`` (when it is not already above it).

    Returns
    -------
    follower, followee : numpy.ndarray of int64
    since : numpy.ndarray of int64
        Formation time in microseconds *relative to the window start* (negative).
    """
    n = fitness.size
    follower = np.repeat(np.arange(n, dtype=np.int64), following)
    s = follower.size
    # global draw ∝ fitness
    cum = np.cumsum(fitness)
    lo = np.zeros(s, dtype=np.int64)
    hi = np.full(s, n, dtype=np.int64)
    followee = _weighted_draw(rng, cum, lo, hi)
    # homophilous draws ∝ fitness within the follower's main topic
    order = np.argsort(main_topic, kind="stable")
    cum_t = np.cumsum(fitness[order])
    bounds = np.searchsorted(main_topic[order], np.arange(n_topics + 1))
    same = rng.random(s) < homophily
    g = main_topic[follower[same]]
    followee[same] = order[_weighted_draw(rng, cum_t, bounds[g], bounds[g + 1])]
    keep = follower != followee
    key = np.unique(follower[keep] * n + followee[keep])
    follower, followee = key // n, key % n
    since = -rng.integers(1, FOLLOW_HISTORY_DAYS * US_PER_DAY, follower.size)
    # follow-backs
    rev = followee * n + follower
    pos = np.minimum(np.searchsorted(key, rev), max(key.size - 1, 0))
    has_rev = key[pos] == rev if key.size else np.zeros(0, dtype=bool)
    m, r0 = key.size, int(has_rev.sum())
    unrec = np.flatnonzero(~has_rev)
    # adding x follow-backs gives (r0 + 2x) reciprocated of (m + x) edges; solve for the knob
    x = int(np.ceil((reciprocity * m - r0) / (2.0 - reciprocity)))
    x = min(max(x, 0), unrec.size)
    back = np.sort(rng.choice(unrec, size=x, replace=False)) if x else unrec[:0]
    back_since = since[back] + (rng.random(x) * -since[back]).astype(np.int64)
    follower = np.concatenate([follower, followee[back]])
    followee = np.concatenate([followee, key[back] // n])
    since = np.concatenate([since, np.minimum(back_since, -1)])
    return follower, followee, since
