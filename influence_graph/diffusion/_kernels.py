"""Numba kernels: random streams, RR-set sampling, forward cascades, live-edge reachability.

Seeding
-------
Every kernel call receives one ``uint64`` seed per *task* (a block of RR sets, or a
chunk of Monte Carlo sources), made by :func:`influence_graph._rng.task_seeds`. A task
expands its seed with SplitMix64 into the 256-bit state of a **xoshiro256\\*\\***
generator (Blackman & Vigna 2018) that lives in a local array, so the draws of a task
depend on its seed only, never on the thread or worker that runs it. Uniform doubles
take the top 53 bits; a uniform integer in ``[0, n)`` is ``floor(u * n)``.

All kernels are ``@njit(cache=True, nogil=True)``: Python threads run them in
parallel, and counts are integers, so any summation order gives identical totals.
"""

from __future__ import annotations

from . import _numba_setup  # noqa: F401  (sets NUMBA_CACHE_DIR first)

import math

import numpy as np
from numba import njit

__all__ = [
    "CHUNK",
    "POS_CAP",
    "seed_state",
    "next_u01",
    "next_u64",
    "rr_ic_counts",
    "rr_lt_counts",
    "mc_ic_sums",
    "mc_lt_sums",
    "reach_sizes",
]

_U64 = np.uint64
_INV53 = 1.0 / 9007199254740992.0  # 2**-53


@njit(cache=True, nogil=True, inline="always")
def _rotl(x, k):
    return (x << _U64(k)) | (x >> _U64(64 - k))


@njit(cache=True, nogil=True)
def seed_state(state, seed):
    """Fill the 4-word xoshiro256** ``state`` from a 64-bit ``seed`` with SplitMix64."""
    z = _U64(seed)
    for i in range(4):
        z = z + _U64(0x9E3779B97F4A7C15)
        x = z
        x = (x ^ (x >> _U64(30))) * _U64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> _U64(27))) * _U64(0x94D049BB133111EB)
        state[i] = x ^ (x >> _U64(31))


@njit(cache=True, nogil=True, inline="always")
def _next(s):
    result = _rotl(s[1] * _U64(5), 7) * _U64(9)
    t = s[1] << _U64(17)
    s[2] ^= s[0]
    s[3] ^= s[1]
    s[1] ^= s[2]
    s[0] ^= s[3]
    s[2] ^= t
    s[3] = _rotl(s[3], 45)
    return result


@njit(cache=True, nogil=True, inline="always")
def next_u01(s):
    """Uniform double in [0, 1) from the top 53 bits."""
    return np.float64(_next(s) >> _U64(11)) * _INV53


@njit(cache=True, nogil=True, inline="always")
def next_u64(s):
    """The next 64-bit output of the xoshiro256** state ``s``."""
    return _next(s)


# ---------------------------------------------------------------------------- RR sets (IC)

#: Users taken from the queue per batch, and live-edge positions gathered before they
#: are resolved: loads inside a batch do not depend on each other, so the processor
#: overlaps their cache misses (the sampler is bound by memory latency, not arithmetic).
CHUNK = 256
POS_CAP = 4096


@njit(cache=True, nogil=True, inline="always")
def _resolve(in_indices, posb, npos, ubuf, vis, queue, tail):
    """Add the unvisited in-neighbours at edge positions ``posb[:npos]`` to the queue."""
    for i in range(npos):
        ubuf[i] = in_indices[posb[i]]
    for i in range(npos):
        u = ubuf[i]
        if vis[u] == 0:
            vis[u] = 1
            queue[tail] = u
            tail += 1
    return tail


@njit(cache=True, nogil=True, inline="always")
def _rr_streams(sr, se, n):
    """Draw an RR set's root from the block stream ``sr`` and seed its own stream ``se``.

    Every RR set draws its edges from a stream of its own, so what one RR set consumes
    never shifts the next: two runs with the same seed on graphs that differ in a few
    probabilities draw the same RR sets wherever those probabilities are not met
    (common random numbers, which keep with/without comparisons such as
    ``channel_ablation`` free of independent noise). Roots and seeds come from the
    block's stream only, so they do not depend on the graph's probabilities at all.
    """
    root = np.int32(next_u01(sr) * n)
    seed_state(se, _next(sr))
    return root


@njit(cache=True, nogil=True)
def rr_ic_counts(pack, shift, table, in_indices, in_p, seeds, sizes, counts, vis, queue,
                 stats):
    """Sample RR sets under IC and count, per user, the RR sets it joins from another root.

    Parameters
    ----------
    pack, shift, table, in_indices, in_p : the layout of
        :func:`influence_graph.diffusion._rr_layout.build_layout`.
    seeds : uint64 blocks — one seed per block; ``sizes`` int64 — RR sets per block.
        Block ``b``'s stream gives, per RR set, its root and a 64-bit seed for a fresh
        stream from which that RR set draws its edges (see :func:`_rr_streams`).
    counts : int64 n — incremented in place (roots excluded).
    vis : uint8 n — all zero on entry, left all zero.
    queue : int32 n — workspace.
    stats : int64 2 — in place: [total RR-set size incl. roots, in-edges examined].

    The queue is consumed in batches of up to :data:`CHUNK` users: their packed words
    are loaded together, each user's live in-edge positions are drawn by its class's
    sampler (see ``_rr_layout``), and the positions are resolved to users together.
    The RR set is the same set of users as a one-at-a-time breadth-first search; only
    the order of the random draws differs.
    """
    # (Written out flat on purpose: the same loop with a helper returning (npos, tail)
    # for the rare paths ran 1.8x slower on the 1M-user benchmark graph.)
    n = pack.shape[0]
    ushift = np.uint64(shift)
    cmask = (np.uint64(1) << ushift) - np.uint64(1)
    sr = np.empty(4, np.uint64)
    se = np.empty(4, np.uint64)
    posb = np.empty(POS_CAP, np.int64)
    ubuf = np.empty(POS_CAP, np.int32)
    wb = np.empty(CHUNK, np.uint64)
    tot = 0
    visits = 0
    for b in range(seeds.shape[0]):
        seed_state(sr, seeds[b])
        for _ in range(sizes[b]):
            root = _rr_streams(sr, se, n)
            vis[root] = 1
            queue[0] = root
            head = 0
            tail = 1
            while head < tail:
                stop = min(tail, head + CHUNK)
                nb = stop - head
                for i in range(nb):
                    wb[i] = pack[queue[head + i]]
                head = stop
                npos = 0
                for i in range(nb):
                    pw = wb[i]
                    c = np.int64(pw & cmask)
                    mode = table[c, 8]
                    if mode == 2.0:  # binomial inversion
                        x = next_u01(se)
                        c0 = table[c, 3]
                        kk = np.int64(x >= c0) + np.int64(x >= table[c, 4])
                        a = np.int64(pw >> ushift)
                        d = np.int64(table[c, 0])
                        if kk < 2:  # no or one live in-edge, without a branch
                            if npos == POS_CAP:
                                tail = _resolve(in_indices, posb, npos, ubuf, vis, queue, tail)
                                npos = 0
                            posb[npos] = a + min(np.int64((x - c0) * table[c, 5]), d - 1)
                            npos += kk
                            visits += kk
                            continue
                        pk = table[c, 7]
                        cum = table[c, 4]
                        k = 1
                        r = table[c, 6]
                        while x >= cum and k < d:
                            pk *= (d - k) / (k + 1.0) * r
                            k += 1
                            cum += pk
                        visits += k
                        if k > 16:  # selection sampling (Knuth's algorithm S)
                            need = k
                            for j in range(d):
                                if next_u01(se) * (d - j) < need:
                                    u = in_indices[a + j]
                                    if vis[u] == 0:
                                        vis[u] = 1
                                        queue[tail] = u
                                        tail += 1
                                    need -= 1
                                    if need == 0:
                                        break
                            continue
                        if npos + k > POS_CAP:
                            tail = _resolve(in_indices, posb, npos, ubuf, vis, queue, tail)
                            npos = 0
                        cc = 0  # k distinct positions by rejection
                        while cc < k:
                            j = a + np.int64(next_u01(se) * d)
                            dup = False
                            for t in range(npos, npos + cc):
                                if posb[t] == j:
                                    dup = True
                                    break
                            if not dup:
                                posb[npos + cc] = j
                                cc += 1
                        npos += k
                        continue
                    a = np.int64(pw >> ushift)
                    d = np.int64(table[c, 0])
                    if mode == 1.0:  # p = 1: every in-edge
                        visits += d
                        for j in range(a, a + d):
                            u = in_indices[j]
                            if vis[u] == 0:
                                vis[u] = 1
                                queue[tail] = u
                                tail += 1
                    elif mode == 3.0:  # geometric skipping
                        lm = table[c, 2]
                        e = a + d
                        j = a
                        while True:
                            g = math.log(1.0 - next_u01(se)) / lm
                            if g >= e - j:
                                break
                            j += np.int64(g)
                            visits += 1
                            u = in_indices[j]
                            if vis[u] == 0:
                                vis[u] = 1
                                queue[tail] = u
                                tail += 1
                            j += 1
                    elif mode == 4.0:  # one coin per in-edge
                        visits += d
                        for j in range(a, a + d):
                            if next_u01(se) < in_p[j]:
                                u = in_indices[j]
                                if vis[u] == 0:
                                    vis[u] = 1
                                    queue[tail] = u
                                    tail += 1
                tail = _resolve(in_indices, posb, npos, ubuf, vis, queue, tail)
            vis[root] = 0
            for i in range(1, tail):
                u = queue[i]
                vis[u] = 0
                counts[u] += 1
            tot += tail
    stats[0] += tot
    stats[1] += visits


# ---------------------------------------------------------------------------- RR sets (LT)


@njit(cache=True, nogil=True)
def rr_lt_counts(in_indptr, in_indices, in_p, shared_p, seeds, sizes, sc, stats, path, ep):
    """Sample RR sets under LT (reverse random walks) and count as :func:`rr_ic_counts`.

    From the current node ``w`` the walk moves to in-neighbour ``u`` with probability
    ``b(u, w)`` and stops with probability ``1 - sum_u b(u, w)`` or on a repeat. When
    the in-weights of ``w`` share one value ``b``, the pick is ``floor(U / b)`` (none
    if it is past the last in-edge); otherwise the cumulative weights are scanned.
    Roots and per-RR-set streams as in :func:`_rr_streams`.
    """
    sr = np.empty(4, np.uint64)
    s = np.empty(4, np.uint64)
    n = in_indptr.shape[0] - 1
    epoch = ep[0]
    tot = 0
    visits = 0
    for b in range(seeds.shape[0]):
        seed_state(sr, seeds[b])
        for _ in range(sizes[b]):
            if epoch >= 9223372036854775806:  # pragma: no cover
                sc[:, 0] = 0
                epoch = 0
            epoch += 1
            w = _rr_streams(sr, s, n)
            sc[w, 0] = epoch
            path[0] = w
            tail = 1
            while True:
                a = in_indptr[w]
                e = in_indptr[w + 1]
                if a == e:
                    break
                x = next_u01(s)
                ps = shared_p[w]
                pick = np.int64(-1)
                if ps >= 0.0:
                    if ps > 0.0:
                        k = x / ps
                        if k < e - a:
                            pick = a + np.int64(k)
                    visits += 1
                else:
                    c = 0.0
                    for j in range(a, e):
                        visits += 1
                        c += in_p[j]
                        if x < c:
                            pick = j
                            break
                if pick < 0:
                    break
                u = in_indices[pick]
                if sc[u, 0] == epoch:
                    break
                sc[u, 0] = epoch
                sc[u, 1] += 1
                path[tail] = u
                tail += 1
                w = u
            tot += tail
    stats[0] += tot
    stats[1] += visits
    ep[0] = epoch


# ---------------------------------------------------------------------------- forward Monte Carlo


@njit(cache=True, nogil=True)
def mc_ic_sums(out_indptr, out_indices, out_p, sources, seeds, reps, sums, sumsq):
    """Forward IC cascades: ``reps`` cascades from each source of each task.

    ``sources`` int64 (tasks, k) with -1 padding; ``sums``/``sumsq`` int64 n hold the
    running sums of cascade sizes (seed included) and of their squares.
    """
    n = out_indptr.shape[0] - 1
    stamp = np.zeros(n, np.int32)
    queue = np.empty(n, np.int32)
    s = np.empty(4, np.uint64)
    epoch = 0
    for t in range(seeds.shape[0]):
        seed_state(s, seeds[t])
        for k in range(sources.shape[1]):
            v = sources[t, k]
            if v < 0:
                continue
            sv = 0
            sq = 0
            for _ in range(reps):
                if epoch >= 2147483646:
                    stamp[:] = 0
                    epoch = 0
                epoch += 1
                stamp[v] = epoch
                queue[0] = v
                head = 0
                tail = 1
                while head < tail:
                    w = queue[head]
                    head += 1
                    for j in range(out_indptr[w], out_indptr[w + 1]):
                        u = out_indices[j]
                        if stamp[u] != epoch and next_u01(s) < out_p[j]:
                            stamp[u] = epoch
                            queue[tail] = u
                            tail += 1
                sv += tail
                sq += tail * tail
            sums[v] += sv
            sumsq[v] += sq


@njit(cache=True, nogil=True)
def mc_lt_sums(out_indptr, out_indices, in_indptr, in_indices, in_p, sources, seeds, reps,
               sums, sumsq):
    """Forward LT cascades via lazily drawn live edges (each node keeps ≤ 1 in-edge).

    When a cascade first looks at ``v`` it draws v's live in-neighbour (``u`` with
    probability ``b(u, v)``, none with ``1 - sum``); ``v`` becomes active iff that
    in-neighbour is active, which equals the threshold model (Kempe et al. 2003).
    """
    n = out_indptr.shape[0] - 1
    stamp = np.zeros(n, np.int32)
    cstamp = np.zeros(n, np.int32)
    choice = np.empty(n, np.int32)
    queue = np.empty(n, np.int32)
    s = np.empty(4, np.uint64)
    epoch = 0
    for t in range(seeds.shape[0]):
        seed_state(s, seeds[t])
        for k in range(sources.shape[1]):
            v = sources[t, k]
            if v < 0:
                continue
            sv = 0
            sq = 0
            for _ in range(reps):
                if epoch >= 2147483646:
                    stamp[:] = 0
                    cstamp[:] = 0
                    epoch = 0
                epoch += 1
                stamp[v] = epoch
                queue[0] = v
                head = 0
                tail = 1
                while head < tail:
                    w = queue[head]
                    head += 1
                    for j in range(out_indptr[w], out_indptr[w + 1]):
                        u = out_indices[j]
                        if stamp[u] == epoch:
                            continue
                        if cstamp[u] != epoch:
                            cstamp[u] = epoch
                            x = next_u01(s)
                            c = 0.0
                            ch = -1
                            for i in range(in_indptr[u], in_indptr[u + 1]):
                                c += in_p[i]
                                if x < c:
                                    ch = in_indices[i]
                                    break
                            choice[u] = ch
                        if choice[u] == w:
                            stamp[u] = epoch
                            queue[tail] = u
                            tail += 1
                sv += tail
                sq += tail * tail
            sums[v] += sv
            sumsq[v] += sq


# ---------------------------------------------------------------------------- live-edge worlds


@njit(cache=True, nogil=True)
def reach_sizes(out_indptr, out_indices, live, out):
    """``out[v]`` = number of users reachable from ``v`` over live edges (``v`` included).

    ``live`` is a boolean mask over out-CSR edge positions. Used by exact enumeration
    and checked against a pure-Python BFS in the tests.
    """
    n = out_indptr.shape[0] - 1
    stamp = np.zeros(n, np.int64)
    queue = np.empty(n, np.int64)
    for v in range(n):
        stamp[v] = v + 1
        queue[0] = v
        head = 0
        tail = 1
        while head < tail:
            w = queue[head]
            head += 1
            for j in range(out_indptr[w], out_indptr[w + 1]):
                if live[j]:
                    u = out_indices[j]
                    if stamp[u] != v + 1:
                        stamp[u] = v + 1
                        queue[tail] = u
                        tail += 1
        out[v] = tail


# ---------------------------------------------------------------------------- stored RR sets

__all__ += ["rr_ic_sets", "rr_lt_sets"]


@njit(cache=True, nogil=True, inline="always")
def _store(members, pos, queue, tail, vis):
    """Append ``queue[:tail]`` to ``members`` at ``pos`` (grown by doubling), clear ``vis``."""
    if pos + tail > members.shape[0]:
        grown = np.empty(max(2 * members.shape[0], pos + tail), np.int32)
        grown[:pos] = members[:pos]
        members = grown
    for i in range(tail):
        u = queue[i]
        members[pos + i] = u
        vis[u] = 0
    return members


@njit(cache=True, nogil=True)
def rr_ic_sets(pack, shift, table, in_indices, in_p, seeds, sizes, vis, queue, stats):
    """Sample the RR sets of :func:`rr_ic_counts` and return them instead of counting.

    Same blocks, roots, per-RR-set streams and live edges as :func:`rr_ic_counts` for
    the same ``seeds``/``sizes`` (the sampling loop is the same code, draw for draw), so
    these are exactly the RR sets that kernel counts. Returns ``(members, offsets)``:
    RR set ``r`` (in block order) is ``members[offsets[r]:offsets[r + 1]]`` (int32,
    breadth-first order, **root first and included**); ``offsets`` is int64 of length
    ``sizes.sum() + 1``. ``vis`` (uint8 n, all zero, left zero), ``queue`` (int32 n)
    and ``stats`` as in :func:`rr_ic_counts`.

    The loop is written out a second time on purpose: factoring the counting kernel's
    loop into helpers made it 1.8× slower on the 1M-user benchmark graph (see the note
    in :func:`rr_ic_counts`); ``tests/diffusion/test_seeds.py`` checks, for every
    sampler class, that the two kernels give the same RR sets, so they cannot drift.
    """
    n = pack.shape[0]
    ushift = np.uint64(shift)
    cmask = (np.uint64(1) << ushift) - np.uint64(1)
    sr = np.empty(4, np.uint64)
    se = np.empty(4, np.uint64)
    posb = np.empty(POS_CAP, np.int64)
    ubuf = np.empty(POS_CAP, np.int32)
    wb = np.empty(CHUNK, np.uint64)
    n_sets = 0
    for b in range(sizes.shape[0]):
        n_sets += sizes[b]
    offsets = np.empty(n_sets + 1, np.int64)
    offsets[0] = 0
    members = np.empty(max(1024, 2 * n_sets), np.int32)
    pos = 0
    r = 0
    tot = 0
    visits = 0
    for b in range(seeds.shape[0]):
        seed_state(sr, seeds[b])
        for _ in range(sizes[b]):
            root = _rr_streams(sr, se, n)
            vis[root] = 1
            queue[0] = root
            head = 0
            tail = 1
            while head < tail:
                stop = min(tail, head + CHUNK)
                nb = stop - head
                for i in range(nb):
                    wb[i] = pack[queue[head + i]]
                head = stop
                npos = 0
                for i in range(nb):
                    pw = wb[i]
                    c = np.int64(pw & cmask)
                    mode = table[c, 8]
                    if mode == 2.0:  # binomial inversion
                        x = next_u01(se)
                        c0 = table[c, 3]
                        kk = np.int64(x >= c0) + np.int64(x >= table[c, 4])
                        a = np.int64(pw >> ushift)
                        d = np.int64(table[c, 0])
                        if kk < 2:
                            if npos == POS_CAP:
                                tail = _resolve(in_indices, posb, npos, ubuf, vis, queue, tail)
                                npos = 0
                            posb[npos] = a + min(np.int64((x - c0) * table[c, 5]), d - 1)
                            npos += kk
                            visits += kk
                            continue
                        pk = table[c, 7]
                        cum = table[c, 4]
                        k = 1
                        rr = table[c, 6]
                        while x >= cum and k < d:
                            pk *= (d - k) / (k + 1.0) * rr
                            k += 1
                            cum += pk
                        visits += k
                        if k > 16:  # selection sampling (Knuth's algorithm S)
                            need = k
                            for j in range(d):
                                if next_u01(se) * (d - j) < need:
                                    u = in_indices[a + j]
                                    if vis[u] == 0:
                                        vis[u] = 1
                                        queue[tail] = u
                                        tail += 1
                                    need -= 1
                                    if need == 0:
                                        break
                            continue
                        if npos + k > POS_CAP:
                            tail = _resolve(in_indices, posb, npos, ubuf, vis, queue, tail)
                            npos = 0
                        cc = 0
                        while cc < k:
                            j = a + np.int64(next_u01(se) * d)
                            dup = False
                            for t in range(npos, npos + cc):
                                if posb[t] == j:
                                    dup = True
                                    break
                            if not dup:
                                posb[npos + cc] = j
                                cc += 1
                        npos += k
                        continue
                    a = np.int64(pw >> ushift)
                    d = np.int64(table[c, 0])
                    if mode == 1.0:  # p = 1: every in-edge
                        visits += d
                        for j in range(a, a + d):
                            u = in_indices[j]
                            if vis[u] == 0:
                                vis[u] = 1
                                queue[tail] = u
                                tail += 1
                    elif mode == 3.0:  # geometric skipping
                        lm = table[c, 2]
                        e = a + d
                        j = a
                        while True:
                            g = math.log(1.0 - next_u01(se)) / lm
                            if g >= e - j:
                                break
                            j += np.int64(g)
                            visits += 1
                            u = in_indices[j]
                            if vis[u] == 0:
                                vis[u] = 1
                                queue[tail] = u
                                tail += 1
                            j += 1
                    elif mode == 4.0:  # one coin per in-edge
                        visits += d
                        for j in range(a, a + d):
                            if next_u01(se) < in_p[j]:
                                u = in_indices[j]
                                if vis[u] == 0:
                                    vis[u] = 1
                                    queue[tail] = u
                                    tail += 1
                tail = _resolve(in_indices, posb, npos, ubuf, vis, queue, tail)
            members = _store(members, pos, queue, tail, vis)
            pos += tail
            r += 1
            offsets[r] = pos
            tot += tail
    stats[0] += tot
    stats[1] += visits
    return members[:pos].copy(), offsets


@njit(cache=True, nogil=True)
def rr_lt_sets(in_indptr, in_indices, in_p, shared_p, seeds, sizes, vis, path, stats):
    """Sample the RR sets of :func:`rr_lt_counts` (reverse random walks) and return them.

    Same draws as :func:`rr_lt_counts` for the same ``seeds``/``sizes``; a repeat is
    detected with ``vis`` (uint8 n, all zero, left zero) instead of epochs, which stops
    the walk at the same step. Returns ``(members, offsets)`` as :func:`rr_ic_sets`
    (each walk in order, root first); ``path`` int32 n is workspace.
    """
    sr = np.empty(4, np.uint64)
    s = np.empty(4, np.uint64)
    n = in_indptr.shape[0] - 1
    n_sets = 0
    for b in range(sizes.shape[0]):
        n_sets += sizes[b]
    offsets = np.empty(n_sets + 1, np.int64)
    offsets[0] = 0
    members = np.empty(max(1024, 2 * n_sets), np.int32)
    pos = 0
    r = 0
    tot = 0
    visits = 0
    for b in range(seeds.shape[0]):
        seed_state(sr, seeds[b])
        for _ in range(sizes[b]):
            w = _rr_streams(sr, s, n)
            vis[w] = 1
            path[0] = w
            tail = 1
            while True:
                a = in_indptr[w]
                e = in_indptr[w + 1]
                if a == e:
                    break
                x = next_u01(s)
                ps = shared_p[w]
                pick = np.int64(-1)
                if ps >= 0.0:
                    if ps > 0.0:
                        k = x / ps
                        if k < e - a:
                            pick = a + np.int64(k)
                    visits += 1
                else:
                    c = 0.0
                    for j in range(a, e):
                        visits += 1
                        c += in_p[j]
                        if x < c:
                            pick = j
                            break
                if pick < 0:
                    break
                u = in_indices[pick]
                if vis[u] == 1:
                    break
                vis[u] = 1
                path[tail] = u
                tail += 1
                w = u
            members = _store(members, pos, path, tail, vis)
            pos += tail
            r += 1
            offsets[r] = pos
            tot += tail
    stats[0] += tot
    stats[1] += visits
    return members[:pos].copy(), offsets
