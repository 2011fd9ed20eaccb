"""Follower graph of the cascade world: growing preferential attachment plus follow-backs.

Private helper of :mod:`influence_graph.datasets.cascade_world` (formulas documented
there). Users join one at a time; each newcomer follows earlier users chosen with
probability ∝ ``followers + δ`` (Dorogovtsev-Mendes-Samukhin linear attachment, whose
in-degree tail is ``P(k) ~ k^-γ`` with ``γ = 2 + δ / m``), then each follow is returned
with a fixed probability. The sequential draw is vectorised: a "copy" draw picks the
followee of a uniformly chosen earlier edge (which is choosing ∝ followers), so every
edge either holds its own uniform pick or points at an earlier edge, and pointer
jumping resolves the chains in ``O(log E)`` numpy passes.

Examples
--------
>>> import numpy as np
>>> from influence_graph.datasets._cw_graph import attachment_graph
>>> g = attachment_graph(np.random.default_rng(1), 200, mean_following=6,
...                      reciprocity=0.3, exponent=2.5)
>>> bool((g.follower != g.followee).all()), bool((g.since < 0).all())
(True, True)
>>> key = g.follower * 200 + g.followee
>>> np.unique(key).size == key.size
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["FollowGraph", "attachment_graph", "US_PER_DAY"]

US_PER_DAY = 86_400 * 1_000_000
#: The network grew during the two years before the observation window.
HISTORY_DAYS = 730


@dataclass(frozen=True, eq=False)
class FollowGraph:
    """Follow edges ``follower -> followee`` (user indices), sorted by (follower, followee).

    ``since`` is the formation time in µs relative to the window start (negative);
    ``joined`` the rank at which each user joined (0 = first).
    """

    follower: np.ndarray
    followee: np.ndarray
    since: np.ndarray
    joined: np.ndarray


def _resolve(ptr: np.ndarray, value: np.ndarray) -> np.ndarray:
    """Follow ``ptr`` chains (``ptr[j] <= j``, fixed points hold values) to their ends."""
    while True:
        nxt = ptr[ptr]
        if np.array_equal(nxt, ptr):
            return value[ptr]
        ptr = nxt


def attachment_graph(
    rng: np.random.Generator,
    n: int,
    *,
    mean_following: float,
    reciprocity: float,
    exponent: float,
) -> FollowGraph:
    """Draw the follower graph of ``n`` users (see the module docstring).

    Parameters
    ----------
    rng : numpy.random.Generator
    n : int
    mean_following : float
        Mean number of follows a newcomer makes (``1 + Poisson(Gamma)``, capped at the
        number of earlier users); repeats are dropped.
    reciprocity : float
        Probability that a follow is returned (when the reverse edge does not exist).
    exponent : float
        In-degree exponent γ > 2 of the attachment; sets ``δ = (γ − 2)·mean_following``.
    """
    joined = rng.permutation(n).astype(np.int64)  # joined[user] = arrival rank
    by_rank = np.argsort(joined)  # by_rank[rank] = user
    extra = rng.poisson(rng.gamma(2.0, max(mean_following - 1.0, 1e-9) / 2.0, n))
    m = np.minimum(1 + extra, np.arange(n)).astype(np.int64)  # newcomer r follows m[r]
    offset = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(m, out=offset[1:])
    total = int(offset[-1])
    owner = np.repeat(np.arange(n, dtype=np.int64), m)  # rank of the newcomer
    before = offset[owner].astype(float)  # edges that exist when the newcomer joins
    delta = (exponent - 2.0) * mean_following
    copy = rng.random(total) < before / (before + delta * owner)
    pick = rng.random(total)
    ptr = np.where(copy, (pick * before).astype(np.int64), np.arange(total))
    value = np.where(copy, -1, (pick * owner).astype(np.int64))
    target = _resolve(ptr, value)  # rank of the followee, always < owner
    key = np.unique(owner * n + target)
    f_rank, g_rank = key // n, key % n
    # the newcomer's follows happen within a day of joining
    join_time = -HISTORY_DAYS * US_PER_DAY + (np.arange(n) + rng.random(n)) / n * HISTORY_DAYS * US_PER_DAY
    t = join_time[f_rank] + rng.random(key.size) * US_PER_DAY
    since = np.minimum(t, -1.0)
    # follow-backs: the followee returns the follow, some time before the window
    back = rng.random(key.size) < reciprocity
    back_since = since[back] + rng.random(int(back.sum())) * -since[back]
    follower = np.concatenate([by_rank[f_rank], by_rank[g_rank[back]]])
    followee = np.concatenate([by_rank[g_rank], by_rank[f_rank[back]]])
    since = np.concatenate([since, np.minimum(back_since, -1.0)]).astype(np.int64)
    order = np.lexsort((followee, follower))
    return FollowGraph(follower[order], followee[order], since[order], joined)
