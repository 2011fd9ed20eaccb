"""Batched independent-cascade simulation on a CSR graph, all cascades at once.

Private helper of :mod:`influence_graph.datasets.synthetic`. One call runs many cascades
in lock step, one breadth-first level per iteration, with numpy arrays only: every
active (cascade, user) pair tries each out-edge once (IC), successes that reach an
already active user are discarded, and when several parents reach the same user in the
same level the earliest arrival wins. The cost is one coin per (activation, out-edge).

Examples
--------
A chain 0 → 1 → 2 with p = 1 activates everyone, one level at a time:

>>> import numpy as np
>>> from influence_graph.datasets._world_cascades import simulate
>>> indptr = np.array([0, 1, 2, 2]); dst = np.array([1, 2]); P = np.ones((2, 1))
>>> out = simulate(np.random.default_rng(0), indptr, dst, P, root_user=np.array([0]),
...                root_topic=np.array([0]), root_time=np.array([0]), end_time=10**12,
...                delay_median_us=1000.0, delay_sigma=0.5, p_max=1.0)
>>> out.user.tolist(), out.parent.tolist(), out.depth.tolist()
([1, 2], [0, 1], [1, 2])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Adoptions", "simulate", "csr", "lognormal_delays"]


@dataclass(frozen=True, eq=False)
class Adoptions:
    """Activations beyond the roots, in creation order.

    ``cascade`` indexes the roots; ``parent`` is the event index of the activation that
    transmitted (roots are events ``0 … R-1``, adoption ``i`` is event ``R + i``).
    """

    cascade: np.ndarray
    user: np.ndarray
    parent: np.ndarray
    time: np.ndarray
    depth: np.ndarray


def csr(src: np.ndarray, dst: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sort edges by source; return ``indptr``, ``dst`` in that order and the permutation."""
    order = np.lexsort((dst, src))
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
    return indptr, dst[order], order


def lognormal_delays(
    rng: np.random.Generator, median_us: float, sigma: float, size: int
) -> np.ndarray:
    """Log-normal delays in whole microseconds, at least 1 (a child is strictly later)."""
    return np.maximum(1, rng.lognormal(np.log(median_us), sigma, size)).astype(np.int64)


def _in_sorted(sorted_keys: np.ndarray, keys: np.ndarray) -> np.ndarray:
    if sorted_keys.size == 0:
        return np.zeros(keys.size, dtype=bool)
    pos = np.minimum(np.searchsorted(sorted_keys, keys), sorted_keys.size - 1)
    return sorted_keys[pos] == keys


def simulate(
    rng: np.random.Generator,
    indptr: np.ndarray,
    dst: np.ndarray,
    P: np.ndarray,
    *,
    root_user: np.ndarray,
    root_topic: np.ndarray,
    root_time: np.ndarray,
    end_time: int,
    delay_median_us: float,
    delay_sigma: float,
    p_max: float,
    root_boost: np.ndarray | None = None,
) -> Adoptions:
    """Run one IC cascade per root; edge ``e`` transmits a topic-``t`` cascade w.p. ``P[e, t]``.

    With ``root_boost`` the probability is ``min(p_max, boost * P[e, t])`` for every edge
    of that cascade. Delays are log-normal (median ``delay_median_us``, log-sd
    ``delay_sigma``, at least 1 µs); activations later than ``end_time`` are not made.
    """
    n = indptr.size - 1
    n_roots = root_user.size
    f_c = np.arange(n_roots, dtype=np.int64)
    f_u = root_user.astype(np.int64)
    f_t = root_time.astype(np.int64)
    f_id = np.arange(n_roots, dtype=np.int64)
    seen = np.unique(f_c * n + f_u)
    parts: list[tuple[np.ndarray, ...]] = []
    next_id, depth = n_roots, 0
    while f_c.size:
        depth += 1
        start = indptr[f_u]
        cnt = indptr[f_u + 1] - start
        total = int(cnt.sum())
        if total == 0:
            break
        rep = np.repeat(np.arange(f_c.size), cnt)
        e = start[rep] + np.arange(total) - (np.cumsum(cnt) - cnt)[rep]
        c = f_c[rep]
        p = P[e, root_topic[c]]
        if root_boost is not None:
            p = np.minimum(p * root_boost[c], p_max)
        hit = rng.random(total) < p
        rep, c = rep[hit], c[hit]
        v = dst[e[hit]]
        key = c * n + v
        fresh = ~_in_sorted(seen, key)
        rep, c, v, key = rep[fresh], c[fresh], v[fresh], key[fresh]
        delay = lognormal_delays(rng, delay_median_us, delay_sigma, key.size)
        t = f_t[rep] + delay
        order = np.lexsort((t, key))
        key, t, rep, c, v = key[order], t[order], rep[order], c[order], v[order]
        first = np.ones(key.size, dtype=bool)
        first[1:] = key[1:] != key[:-1]
        ok = first & (t <= end_time)
        key, t, rep, c, v = key[ok], t[ok], rep[ok], c[ok], v[ok]
        seen = np.concatenate([seen, key])
        seen.sort(kind="stable")  # radix sort of int64: linear in the keys seen
        parts.append((c, v, f_id[rep], t, np.full(c.size, depth, dtype=np.int64)))
        f_c, f_u, f_t = c, v, t
        f_id = np.arange(next_id, next_id + c.size, dtype=np.int64)
        next_id += c.size
    if parts:
        cols = [np.concatenate(x) for x in zip(*parts)]
    else:
        cols = [np.zeros(0, dtype=np.int64) for _ in range(5)]
    return Adoptions(*cols)
