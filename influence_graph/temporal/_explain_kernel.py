"""Numba kernel of :mod:`influence_graph.temporal.explain`: forward IC runs from one user
with coins fixed per (run, edge), attributed to the first hop of the breadth-first tree."""

from __future__ import annotations

from ..diffusion import _numba_setup  # noqa: F401  (sets NUMBA_CACHE_DIR first)

import numpy as np
from numba import njit

__all__ = ["first_hop_reach", "coalition_reach"]


@njit(cache=True, nogil=True, inline="always")
def _coin(key: np.uint64, run: np.uint64, edge: np.uint64) -> float:  # pragma: no cover
    """A uniform in [0, 1) from (key, run, edge): splitmix64 of a mixed counter."""
    z = key ^ (run * np.uint64(0x9E3779B97F4A7C15)) ^ (edge * np.uint64(0xC2B2AE3D27D4EB4F))
    z = z + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
    return float(z >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@njit(cache=True, nogil=True)
def first_hop_reach(
    indptr: np.ndarray, targets: np.ndarray, edge_ids: np.ndarray, p: np.ndarray,
    root: int, runs: int, key: np.uint64,
) -> np.ndarray:  # pragma: no cover
    """Users reached from ``root``, summed over ``runs`` IC runs, by first-hop branch.

    Edge e (CSR position j, global id ``edge_ids[j]``) is live in run r iff
    coin(key, r, id) < p[j]: the same coin for the same edge in every call, so two
    probability vectors that differ on a few edges give paired runs. A reached user is
    credited to the out-neighbour of ``root`` whose branch of the breadth-first search
    reached it first (nodes in queue order, edges in CSR order). Returns ``out`` with
    ``out[v]`` = reached users (v itself included) credited to first hop v; ``root``
    itself is not counted.
    """
    n = indptr.shape[0] - 1
    out = np.zeros(n, dtype=np.float64)
    seen = np.full(n, -1, dtype=np.int64)
    branch = np.zeros(n, dtype=np.int64)
    queue = np.empty(n, dtype=np.int64)
    for r in range(runs):
        head = 0
        tail = 0
        seen[root] = r
        queue[tail] = root
        tail += 1
        while head < tail:
            x = queue[head]
            head += 1
            for j in range(indptr[x], indptr[x + 1]):
                y = targets[j]
                if seen[y] == r:
                    continue
                if _coin(key, np.uint64(r), np.uint64(edge_ids[j])) < p[j]:
                    seen[y] = r
                    branch[y] = y if x == root else branch[x]
                    out[branch[y]] += 1.0
                    queue[tail] = y
                    tail += 1
    return out


@njit(cache=True, nogil=True)
def coalition_reach(
    indptr: np.ndarray, targets: np.ndarray, edge_ids: np.ndarray, p_a: np.ndarray,
    p_b: np.ndarray, edge_set: np.ndarray, k: int, root: int, runs: int, key: np.uint64,
) -> np.ndarray:  # pragma: no cover
    """Users reached from ``root`` (itself excluded), summed over ``runs`` IC runs, under
    every coalition of ``k`` ≤ 6 change sets at once.

    Coalition c (bit i set: change set i takes ``p_b``, else ``p_a``) gives edge j the
    probability ``p_b[j]`` if ``edge_set[j]`` is a member of c, else ``p_a[j]`` (edges
    with ``edge_set[j] = -1`` have p_a = p_b). Edge j is live in run r under c iff
    coin(key, r, id) < that probability — the coins of :func:`first_hop_reach` — so the
    result for c equals ``first_hop_reach(..., p_c, ...).sum()`` exactly. One search per
    run carries a bit mask of the coalitions under which each user is reached, instead of
    2^k searches. Returns float64 ``2**k``.
    """
    n = indptr.shape[0] - 1
    n_coal = 1 << k
    full = np.uint64((1 << n_coal) - 1) if n_coal < 64 else np.uint64(0xFFFFFFFFFFFFFFFF)
    member = np.zeros(k, dtype=np.uint64)
    for s in range(k):
        m = np.uint64(0)
        for c in range(n_coal):
            if (c >> s) & 1:
                m |= np.uint64(1) << np.uint64(c)
        member[s] = m
    out = np.zeros(n_coal, dtype=np.float64)
    mask = np.zeros(n, dtype=np.uint64)
    inq = np.zeros(n, dtype=np.uint8)
    queue = np.empty(n, dtype=np.int64)
    touched = np.empty(n, dtype=np.int64)
    for r in range(runs):
        n_touched = 0
        mask[root] = full
        touched[n_touched] = root
        n_touched += 1
        head = 0
        tail = 0
        queue[tail % n] = root
        tail += 1
        inq[root] = 1
        while head < tail:
            x = queue[head % n]
            head += 1
            inq[x] = 0
            mx = mask[x]
            for j in range(indptr[x], indptr[x + 1]):
                y = targets[j]
                if y == root:
                    continue
                u = _coin(key, np.uint64(r), np.uint64(edge_ids[j]))
                pa = p_a[j]
                pb = p_b[j]
                lo = min(pa, pb)
                hi = max(pa, pb)
                if u < lo:
                    live = full
                elif u >= hi:
                    continue
                else:
                    s = edge_set[j]
                    live = member[s] if pb > pa else full & ~member[s]
                new = mx & live & ~mask[y]
                if new == 0:
                    continue
                if mask[y] == 0:
                    touched[n_touched] = y
                    n_touched += 1
                mask[y] |= new
                if inq[y] == 0:
                    inq[y] = 1
                    queue[tail % n] = y
                    tail += 1
        for i in range(n_touched):
            v = touched[i]
            if v != root:
                mv = mask[v]
                for c in range(n_coal):
                    if (mv >> np.uint64(c)) & np.uint64(1):
                        out[c] += 1.0
            mask[v] = 0
    return out
