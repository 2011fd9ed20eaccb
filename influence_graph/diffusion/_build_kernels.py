"""Numba kernels that turn string ids into sorted int32 codes and edges into CSR.

All kernels are O(rows) and deterministic. Not public; see :mod:`._csr`.
"""

from __future__ import annotations

from . import _numba_setup  # noqa: F401  (sets NUMBA_CACHE_DIR first)

import numpy as np
from numba import njit

__all__ = ["dedup_strings", "counting_order", "find_duplicates"]

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


@njit(cache=True, nogil=True, inline="always")
def _head8(dat, a, b):
    """First (up to) 8 bytes of ``dat[a:b]`` packed little-endian into a uint64."""
    x = np.uint64(0)
    stop = min(b, a + 8)
    for k in range(a, stop):
        x |= np.uint64(dat[k]) << np.uint64(8 * (k - a))
    return x


@njit(cache=True, nogil=True, inline="always")
def _key(h, length, nid):
    """Table word: 24 hash bits | 8 length bits | 32-bit id + 1."""
    ln = np.uint64(min(length, 255))
    return ((h >> np.uint64(40)) << np.uint64(40)) | (ln << np.uint64(32)) | np.uint64(nid + 1)


@njit(cache=True, nogil=True)
def _dedup_column(off, dat, col, table, ubuf, uoff, ucol, urow, nu, codes):
    """Insert one column's strings; returns the new ``(table, ubuf, uoff, ucol, urow, nu)``.

    ``table`` has two words per slot: ``[24 hash bits | length | id + 1, first 8 bytes]``
    (0 = empty). Strings of at most 8 bytes (most numeric ids) are matched from the
    slot alone, one cache line; longer ones are confirmed byte by byte against the
    compact buffer ``ubuf`` of distinct strings.
    """
    cap = table.shape[0]
    hi_mask = np.uint64(0xFFFFFFFF00000000)
    lo_mask = np.uint64(0xFFFFFFFF)
    for r in range(off.shape[0] - 1):
        a = off[r]
        b = off[r + 1]
        h = _fnv(dat, a, b)
        tag = _key(h, b - a, 0) & hi_mask
        head = _head8(dat, a, b)
        slot = np.int64(h & np.uint64(cap - 1))
        while True:
            e = table[slot, 0]
            if e == 0:
                if nu + 1 >= uoff.shape[0]:
                    grow = uoff.shape[0]
                    uoff = np.concatenate((uoff, np.empty(grow, np.int64)))
                    ucol = np.concatenate((ucol, np.empty(grow, np.int8)))
                    urow = np.concatenate((urow, np.empty(grow, np.int64)))
                start = uoff[nu]
                if start + (b - a) > ubuf.shape[0]:
                    ubuf = np.concatenate((ubuf, np.empty(ubuf.shape[0] + (b - a), np.uint8)))
                for k in range(b - a):
                    ubuf[start + k] = dat[a + k]
                uoff[nu + 1] = start + (b - a)
                ucol[nu] = col
                urow[nu] = r
                table[slot, 0] = tag | np.uint64(nu + 1)
                table[slot, 1] = head
                codes[r] = nu
                nu += 1
                if 2 * nu > cap:  # grow and rehash from the compact buffer
                    cap *= 2
                    table = np.zeros((cap, 2), np.uint64)
                    for v in range(nu):
                        va = uoff[v]
                        vb = uoff[v + 1]
                        hv = _fnv(ubuf, va, vb)
                        s2 = np.int64(hv & np.uint64(cap - 1))
                        while table[s2, 0] != 0:
                            s2 = (s2 + 1) & (cap - 1)
                        table[s2, 0] = _key(hv, vb - va, v)
                        table[s2, 1] = _head8(ubuf, va, vb)
                break
            if (e & hi_mask) == tag and table[slot, 1] == head:
                u = np.int64(e & lo_mask) - 1
                if b - a <= 8 or _same(dat, a, b, ubuf, uoff[u], uoff[u + 1]):
                    codes[r] = u
                    break
            slot = (slot + 1) & (cap - 1)
    return table, ubuf, uoff, ucol, urow, nu


@njit(cache=True, nogil=True)
def dedup_strings(off0, dat0, off1, dat1, off2, dat2):
    """Distinct strings over three arrow (offsets, bytes) columns.

    Returns ``(code0, code1, code2, ucol, urow)``: per-row distinct ids (in order of
    first appearance) for each column, and for each distinct id the column and row
    of its first appearance. Strings are compared byte by byte (the hash only
    indexes the open-addressing table), so the result is exact.
    """
    table = np.zeros((1 << 16, 2), np.uint64)
    ubuf = np.empty(1 << 16, np.uint8)
    uoff = np.zeros(1 << 15, np.int64)
    ucol = np.empty(1 << 15, np.int8)
    urow = np.empty(1 << 15, np.int64)
    codes0 = np.empty(off0.shape[0] - 1, np.int32)
    codes1 = np.empty(off1.shape[0] - 1, np.int32)
    codes2 = np.empty(off2.shape[0] - 1, np.int32)
    nu = 0
    table, ubuf, uoff, ucol, urow, nu = _dedup_column(off0, dat0, 0, table, ubuf, uoff, ucol,
                                                      urow, nu, codes0)
    table, ubuf, uoff, ucol, urow, nu = _dedup_column(off1, dat1, 1, table, ubuf, uoff, ucol,
                                                      urow, nu, codes1)
    table, ubuf, uoff, ucol, urow, nu = _dedup_column(off2, dat2, 2, table, ubuf, uoff, ucol,
                                                      urow, nu, codes2)
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


@njit(cache=True, nogil=True)
def _sort_row(idx, val, a, b):
    """Sort ``idx[a:b]`` ascending, carrying ``val`` along (insertion sort or argsort)."""
    if b - a <= 24:
        for i in range(a + 1, b):
            k = idx[i]
            x = val[i]
            j = i - 1
            while j >= a and idx[j] > k:
                idx[j + 1] = idx[j]
                val[j + 1] = val[j]
                j -= 1
            idx[j + 1] = k
            val[j + 1] = x
    else:
        order = np.argsort(idx[a:b], kind="mergesort")
        ti = idx[a:b][order]
        tv = val[a:b][order]
        idx[a:b] = ti
        val[a:b] = tv


@njit(cache=True, nogil=True, inline="always")
def _indptr(keys, n):
    """CSR row pointers (int64 ``n + 1``) of rows keyed by ``keys``."""
    indptr = np.zeros(n + 1, np.int64)
    for i in range(keys.shape[0]):
        indptr[keys[i] + 1] += 1
    for v in range(n):
        indptr[v + 1] += indptr[v]
    return indptr


@njit(cache=True, nogil=True)
def build_csr(src, tgt, p, n):
    """Out-CSR sorted by (source, target) and in-CSR sorted by (target, source).

    Two counting-sort scatters (by source, then the out-CSR by target, which keeps
    sources ascending within each target) and a sort within each out-row. Returns
    ``(out_indptr, out_indices, out_p, in_indptr, in_indices, in_p)``.
    """
    m = src.shape[0]
    out_indptr = _indptr(src, n)
    pos = out_indptr[:-1].copy()
    out_indices = np.empty(m, np.int32)
    out_p = np.empty(m, np.float64)
    for i in range(m):
        s = src[i]
        k = pos[s]
        out_indices[k] = tgt[i]
        out_p[k] = p[i]
        pos[s] = k + 1
    for v in range(n):
        _sort_row(out_indices, out_p, out_indptr[v], out_indptr[v + 1])
    in_indptr = _indptr(out_indices, n)
    pos = in_indptr[:-1].copy()
    in_indices = np.empty(m, np.int32)
    in_p = np.empty(m, np.float64)
    for v in range(n):
        for j in range(out_indptr[v], out_indptr[v + 1]):
            t = out_indices[j]
            k = pos[t]
            in_indices[k] = v
            in_p[k] = out_p[j]
            pos[t] = k + 1
    return out_indptr, out_indices, out_p, in_indptr, in_indices, in_p


@njit(cache=True, nogil=True, inline="always")
def _view_words(v, i):
    """Exact 128-bit key of an inline Arrow string view (length ≤ 12): unused bytes masked."""
    w0 = v[i, 0]
    w1 = v[i, 1]
    ln = np.int64(w0 & np.uint64(0xFFFFFFFF))
    d0 = min(ln, 4)
    if d0 < 4:
        w0 &= (np.uint64(1) << np.uint64(32 + 8 * d0)) - np.uint64(1)
    d1 = ln - 4
    if d1 <= 0:
        w1 = np.uint64(0)
    elif d1 < 8:
        w1 &= (np.uint64(1) << np.uint64(8 * d1)) - np.uint64(1)
    return w0, w1


@njit(cache=True, nogil=True)
def _dedup_views_column(v, col, table, ucol, urow, nu, codes):
    cap = table.shape[0]
    for r in range(v.shape[0]):
        w0, w1 = _view_words(v, r)
        h = (w0 * np.uint64(0x9E3779B97F4A7C15)) ^ (w1 * np.uint64(0xC2B2AE3D27D4EB4F))
        h = (h ^ (h >> np.uint64(31))) * np.uint64(0x94D049BB133111EB)
        h ^= h >> np.uint64(29)
        slot = np.int64(h & np.uint64(cap - 1))
        while True:
            e = table[slot, 2]
            if e == 0:
                if nu >= ucol.shape[0]:
                    ucol = np.concatenate((ucol, np.empty(ucol.shape[0], np.int8)))
                    urow = np.concatenate((urow, np.empty(urow.shape[0], np.int64)))
                table[slot, 0] = w0
                table[slot, 1] = w1
                table[slot, 2] = np.uint64(nu + 1)
                ucol[nu] = col
                urow[nu] = r
                codes[r] = nu
                nu += 1
                if 2 * nu > cap:
                    cap *= 2
                    old = table
                    table = np.zeros((cap, 3), np.uint64)
                    for k in range(old.shape[0]):
                        if old[k, 2] != 0:
                            a0 = old[k, 0]
                            a1 = old[k, 1]
                            hh = (a0 * np.uint64(0x9E3779B97F4A7C15)) ^ (a1 * np.uint64(0xC2B2AE3D27D4EB4F))
                            hh = (hh ^ (hh >> np.uint64(31))) * np.uint64(0x94D049BB133111EB)
                            hh ^= hh >> np.uint64(29)
                            s2 = np.int64(hh & np.uint64(cap - 1))
                            while table[s2, 2] != 0:
                                s2 = (s2 + 1) & (cap - 1)
                            table[s2, 0] = a0
                            table[s2, 1] = a1
                            table[s2, 2] = old[k, 2]
                break
            if table[slot, 0] == w0 and table[slot, 1] == w1:
                codes[r] = np.int64(e) - 1
                break
            slot = (slot + 1) & (cap - 1)
    return table, ucol, urow, nu


@njit(cache=True, nogil=True)
def dedup_views(v0, v1, v2):
    """As :func:`dedup_strings` for Arrow string views whose strings are all inline (≤ 12 bytes).

    Each view (``uint64`` pair) holds the length and the bytes, so two words are an
    exact key: no hashing of bytes, no byte comparison.
    """
    table = np.zeros((1 << 16, 3), np.uint64)
    ucol = np.empty(1 << 15, np.int8)
    urow = np.empty(1 << 15, np.int64)
    codes0 = np.empty(v0.shape[0], np.int32)
    codes1 = np.empty(v1.shape[0], np.int32)
    codes2 = np.empty(v2.shape[0], np.int32)
    nu = 0
    table, ucol, urow, nu = _dedup_views_column(v0, 0, table, ucol, urow, nu, codes0)
    table, ucol, urow, nu = _dedup_views_column(v1, 1, table, ucol, urow, nu, codes1)
    table, ucol, urow, nu = _dedup_views_column(v2, 2, table, ucol, urow, nu, codes2)
    return codes0, codes1, codes2, ucol[:nu].copy(), urow[:nu].copy()


@njit(cache=True, nogil=True)
def has_positive_row(indptr, vals):
    """Per row: True when some value in the row is > 0."""
    n = indptr.shape[0] - 1
    out = np.zeros(n, np.bool_)
    for v in range(n):
        for j in range(indptr[v], indptr[v + 1]):
            if vals[j] > 0.0:
                out[v] = True
                break
    return out


@njit(cache=True, nogil=True)
def max_view_length(v):
    """Longest string in an Arrow string-view array (``(n, 2)`` uint64), 0 if empty."""
    best = np.uint64(0)
    mask = np.uint64(0xFFFFFFFF)
    for i in range(v.shape[0]):
        ln = v[i, 0] & mask
        if ln > best:
            best = ln
    return np.int64(best)


@njit(cache=True, nogil=True)
def any_equal(a, b):
    """True when ``a[i] == b[i]`` for some i (self-loop check on codes)."""
    for i in range(a.shape[0]):
        if a[i] == b[i]:
            return True
    return False
