"""Numba kernels that turn string ids into sorted int32 codes and edges into CSR.

All kernels are O(rows) and deterministic. Not public; see :mod:`._csr`.
"""

from __future__ import annotations

from . import _numba_setup  # noqa: F401  (sets NUMBA_CACHE_DIR first)

import numpy as np
from numba import njit

__all__ = ["dedup_strings", "counting_order", "csr_from_sorted", "find_duplicates"]

_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)


@njit(cache=True, nogil=True, inline="always")
def _fnv(data, start, stop):
    h = _FNV_OFFSET
    for i in range(start, stop):
        h = (h ^ np.uint64(data[i])) * _FNV_PRIME
    # final avalanche (splitmix64 finaliser) so the low bits index the table well
    h = (h ^ (h >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    h = (h ^ (h >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return h ^ (h >> np.uint64(31))


@njit(cache=True, nogil=True, inline="always")
def _same(d1, a1, b1, d2, a2, b2):
    if b1 - a1 != b2 - a2:
        return False
    for k in range(b1 - a1):
        if d1[a1 + k] != d2[a2 + k]:
            return False
    return True


@njit(cache=True, nogil=True)
def dedup_strings(off0, dat0, off1, dat1, off2, dat2):
    """Distinct strings over three arrow (offsets, bytes) columns.

    Returns ``(code0, code1, code2, ucol, urow)``: per-row distinct ids (in order of
    first appearance) for each column, and for each distinct id the column and row
    of its first appearance. Strings are compared byte by byte (the hash only
    indexes the open-addressing table), so the result is exact.
    """
    n_rows = np.array([off0.shape[0] - 1, off1.shape[0] - 1, off2.shape[0] - 1])
    cap = 1 << 16
    table = np.full(cap, -1, np.int64)
    uhash = np.empty(1 << 15, np.uint64)
    ucol = np.empty(1 << 15, np.int8)
    urow = np.empty(1 << 15, np.int64)
    nu = 0
    codes0 = np.empty(n_rows[0], np.int32)
    codes1 = np.empty(n_rows[1], np.int32)
    codes2 = np.empty(n_rows[2], np.int32)
    for c in range(3):
        if c == 0:
            off = off0
            dat = dat0
            out = codes0
        elif c == 1:
            off = off1
            dat = dat1
            out = codes1
        else:
            off = off2
            dat = dat2
            out = codes2
        for r in range(n_rows[c]):
            a = off[r]
            b = off[r + 1]
            h = _fnv(dat, a, b)
            mask = np.uint64(cap - 1)
            slot = np.int64(h & mask)
            while True:
                u = table[slot]
                if u < 0:
                    # new distinct string
                    if nu == uhash.shape[0]:
                        uhash = np.concatenate((uhash, np.empty(nu, np.uint64)))
                        ucol = np.concatenate((ucol, np.empty(nu, np.int8)))
                        urow = np.concatenate((urow, np.empty(nu, np.int64)))
                    uhash[nu] = h
                    ucol[nu] = c
                    urow[nu] = r
                    table[slot] = nu
                    out[r] = nu
                    nu += 1
                    if 2 * nu > cap:  # grow and rehash
                        cap *= 2
                        table = np.full(cap, -1, np.int64)
                        mask = np.uint64(cap - 1)
                        for v in range(nu):
                            s2 = np.int64(uhash[v] & mask)
                            while table[s2] >= 0:
                                s2 = (s2 + 1) & (cap - 1)
                            table[s2] = v
                    break
                if uhash[u] == h:
                    uc = ucol[u]
                    ur = urow[u]
                    if uc == 0:
                        eq = _same(dat, a, b, dat0, off0[ur], off0[ur + 1])
                    elif uc == 1:
                        eq = _same(dat, a, b, dat1, off1[ur], off1[ur + 1])
                    else:
                        eq = _same(dat, a, b, dat2, off2[ur], off2[ur + 1])
                    if eq:
                        out[r] = u
                        break
                slot = (slot + 1) & (cap - 1)
    return codes0, codes1, codes2, ucol[:nu].copy(), urow[:nu].copy()


@njit(cache=True, nogil=True)
def relabel(codes, rank):
    """``rank[codes]`` as int32 (rank maps first-appearance ids to sorted codes)."""
    out = np.empty(codes.shape[0], np.int32)
    for i in range(codes.shape[0]):
        out[i] = rank[codes[i]]
    return out


@njit(cache=True, nogil=True)
def counting_order(keys, n, order_in):
    """Stable counting sort: permutation of ``order_in`` ordered by ``keys[order_in]``.

    Returns ``(order, indptr)`` with ``indptr`` (int64, n + 1) the bucket starts.
    """
    m = order_in.shape[0]
    indptr = np.zeros(n + 1, np.int64)
    for i in range(m):
        indptr[keys[order_in[i]] + 1] += 1
    for v in range(n):
        indptr[v + 1] += indptr[v]
    pos = indptr[:-1].copy()
    order = np.empty(m, np.int64)
    for i in range(m):
        e = order_in[i]
        k = keys[e]
        order[pos[k]] = e
        pos[k] += 1
    return order, indptr


@njit(cache=True, nogil=True)
def gather_i32(a, idx):
    out = np.empty(idx.shape[0], np.int32)
    for i in range(idx.shape[0]):
        out[i] = a[idx[i]]
    return out


@njit(cache=True, nogil=True)
def gather_f64(a, idx):
    out = np.empty(idx.shape[0], np.float64)
    for i in range(idx.shape[0]):
        out[i] = a[idx[i]]
    return out


@njit(cache=True, nogil=True)
def find_duplicates(indptr, indices):
    """Positions ``j`` (in CSR order) whose neighbour equals the previous one in its row."""
    n = indptr.shape[0] - 1
    cnt = 0
    for v in range(n):
        for j in range(indptr[v] + 1, indptr[v + 1]):
            if indices[j] == indices[j - 1]:
                cnt += 1
    out = np.empty(cnt, np.int64)
    k = 0
    for v in range(n):
        for j in range(indptr[v] + 1, indptr[v + 1]):
            if indices[j] == indices[j - 1]:
                out[k] = j
                k += 1
    return out


@njit(cache=True, nogil=True)
def shared_in_p(indptr, p):
    """Per node: the probability all its in-edges share, or -1.0 when they differ.

    Nodes without in-edges get 0.0.
    """
    n = indptr.shape[0] - 1
    out = np.zeros(n, np.float64)
    for v in range(n):
        a = indptr[v]
        b = indptr[v + 1]
        if a == b:
            continue
        q = p[a]
        for j in range(a + 1, b):
            if p[j] != q:
                q = -1.0
                break
        out[v] = q
    return out


@njit(cache=True, nogil=True)
def row_sums(indptr, vals):
    """Per-row sums of a CSR value array, each row summed in order (0.0 for empty rows)."""
    n = indptr.shape[0] - 1
    out = np.zeros(n, np.float64)
    for v in range(n):
        s = 0.0
        for j in range(indptr[v], indptr[v + 1]):
            s += vals[j]
        out[v] = s
    return out
