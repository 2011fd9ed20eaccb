"""Numba kernels: RR sets whose coins are keyed by edge (common random numbers per edge).

The counting kernels of :mod:`._kernels` draw an RR set's edges from a stream of its
own, in the order the sampler meets them, so a change of one probability shifts every
later draw of that RR set. Here every coin is a **hash** of the RR set's 64-bit key and
the edge's endpoints (IC: ``coin(key, u, v)`` for the edge u → v; LT: one uniform
``coin(key, v)`` per node v, which picks v's live in-edge by its cumulative weights):

* an RR set's membership is a fixed function of its key, its root and the graph's
  probabilities, so two graphs over the **same users** draw the same RR sets wherever
  their probabilities agree, and an edge whose probability moved from p to p′ changes
  its state only in the RR sets whose coin falls between p and p′;
* roots and keys come from the block stream exactly as in :func:`._kernels.rr_ic_counts`
  (``root = ⌊U·n⌋``, then ``key`` = the next 64-bit output), so blocks, seeds and θ keep
  their meaning.

The price is one coin per examined in-edge (no binomial inversion, no geometric
skipping): slower where users have many low-probability in-edges.
"""

from __future__ import annotations

from . import _numba_setup  # noqa: F401  (sets NUMBA_CACHE_DIR first)

import numpy as np
from numba import njit

from ._kernels import next_u01, next_u64, seed_state

__all__ = ["edge_coin", "node_coin", "rr_ic_counts_keyed", "rr_lt_counts_keyed"]

_U64 = np.uint64
_INV53 = 1.0 / 9007199254740992.0  # 2**-53


@njit(cache=True, nogil=True, inline="always")
def _mix(z):
    """SplitMix64's finaliser (a bijection of 64-bit words)."""
    z = (z ^ (z >> _U64(30))) * _U64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> _U64(27))) * _U64(0x94D049BB133111EB)
    return z ^ (z >> _U64(31))


@njit(cache=True, nogil=True, inline="always")
def node_coin(key, v):
    """Uniform in [0, 1) for node ``v`` in the RR set with ``key``."""
    z = _mix(key ^ _mix(_U64(v) * _U64(0x9E3779B97F4A7C15) + _U64(0x632BE59BD9B4E019)))
    return np.float64(z >> _U64(11)) * _INV53


@njit(cache=True, nogil=True, inline="always")
def edge_coin(key, u, v, n):
    """Uniform in [0, 1) for the edge ``u → v`` (codes < ``n``) in the RR set with ``key``."""
    e = _U64(u) * _U64(n) + _U64(v)
    z = _mix(key ^ _mix(e * _U64(0x9E3779B97F4A7C15) + _U64(0xD1B54A32D192ED03)))
    return np.float64(z >> _U64(11)) * _INV53


@njit(cache=True, nogil=True)
def rr_ic_counts_keyed(in_indptr, in_indices, in_p, seeds, sizes, counts, vis, queue,
                       stats):  # pragma: no cover - compiled
    """IC RR sets with edge-keyed coins; counts as :func:`._kernels.rr_ic_counts`.

    ``counts`` (int64 n) gains one per RR set a user joins from another root;
    ``vis`` (uint8 n) is all zero on entry and left so; ``queue`` int32 n;
    ``stats`` int64 2: [total RR-set size incl. roots, in-edges examined].
    """
    n = in_indptr.shape[0] - 1
    sr = np.empty(4, np.uint64)
    tot = 0
    visits = 0
    for b in range(seeds.shape[0]):
        seed_state(sr, seeds[b])
        for _ in range(sizes[b]):
            root = np.int32(next_u01(sr) * n)
            key = next_u64(sr)
            vis[root] = 1
            queue[0] = root
            head = 0
            tail = 1
            while head < tail:
                v = queue[head]
                head += 1
                for j in range(in_indptr[v], in_indptr[v + 1]):
                    u = in_indices[j]
                    if vis[u] != 0:
                        continue
                    visits += 1
                    if edge_coin(key, u, v, n) < in_p[j]:
                        vis[u] = 1
                        queue[tail] = u
                        tail += 1
            vis[root] = 0
            for i in range(1, tail):
                u = queue[i]
                vis[u] = 0
                counts[u] += 1
            tot += tail
    stats[0] += tot
    stats[1] += visits


@njit(cache=True, nogil=True)
def rr_lt_counts_keyed(in_indptr, in_indices, in_p, seeds, sizes, counts, vis, path,
                       stats):  # pragma: no cover - compiled
    """LT RR sets (reverse random walks) with one node-keyed uniform per step.

    From ``w`` the walk moves to the in-neighbour whose cumulative in-weight first
    exceeds ``node_coin(key, w)`` (none past the total), and stops on a repeat.
    Arguments as in :func:`rr_ic_counts_keyed` (``path`` int32 n is the workspace).
    """
    n = in_indptr.shape[0] - 1
    sr = np.empty(4, np.uint64)
    tot = 0
    visits = 0
    for b in range(seeds.shape[0]):
        seed_state(sr, seeds[b])
        for _ in range(sizes[b]):
            w = np.int32(next_u01(sr) * n)
            key = next_u64(sr)
            vis[w] = 1
            path[0] = w
            tail = 1
            while True:
                x = node_coin(key, w)
                c = 0.0
                pick = -1
                for j in range(in_indptr[w], in_indptr[w + 1]):
                    visits += 1
                    c += in_p[j]
                    if x < c:
                        pick = j
                        break
                if pick < 0:
                    break
                u = in_indices[pick]
                if vis[u] != 0:
                    break
                vis[u] = 1
                path[tail] = u
                tail += 1
                w = u
            vis[path[0]] = 0
            for i in range(1, tail):
                u = path[i]
                vis[u] = 0
                counts[u] += 1
            tot += tail
    stats[0] += tot
    stats[1] += visits
