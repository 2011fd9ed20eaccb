"""Numba kernel of :func:`influence_graph.graphs.credible.credible_pairs`."""

from __future__ import annotations

from ..diffusion import _numba_setup  # noqa: F401  (sets NUMBA_CACHE_DIR first)

import numpy as np
from numba import njit

__all__ = ["credible_flags"]


@njit(cache=True, nogil=True)
def credible_flags(indptr: np.ndarray, aud: np.ndarray) -> np.ndarray:  # pragma: no cover
    """For each pair (s, v) of the CSR audience lists, whether v has an audience member
    that is neither s nor in the audience of s (sequential, exact, early exit)."""
    n = indptr.shape[0] - 1
    out = np.zeros(aud.shape[0], dtype=np.bool_)
    stamp = np.full(n, -1, dtype=np.int64)
    for s in range(n):
        lo, hi = indptr[s], indptr[s + 1]
        if lo == hi:
            continue
        stamp[s] = s
        for j in range(lo, hi):
            stamp[aud[j]] = s
        for j in range(lo, hi):
            v = aud[j]
            for k in range(indptr[v], indptr[v + 1]):
                if stamp[aud[k]] != s:
                    out[j] = True
                    break
    return out
