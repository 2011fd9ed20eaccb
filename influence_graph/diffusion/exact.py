"""Exact expected spread by enumerating live-edge worlds (the test oracle).

IC: every edge with ``0 < p < 1`` is uncertain; each of the ``2^k`` worlds keeps a
subset of them (plus every ``p = 1`` edge) with probability ∏ p · ∏ (1 − p).
LT: each node keeps at most one in-edge, ``u`` with weight ``b(u, v)``, none with
``1 − Σ b``; the worlds are all combinations of those choices.
In each world the spread of ``v`` is the number of users reachable from ``v``
(:func:`~influence_graph.diffusion._kernels.reach_sizes`); σ(v) is the
probability-weighted sum over worlds, accumulated in a fixed order.

Examples
--------
>>> import polars as pl
>>> from influence_graph.diffusion import to_probability_graph
>>> g = to_probability_graph(pl.DataFrame({"source": ["a", "b"], "target": ["b", "c"],
...                                        "p": [0.5, 0.5]}))
>>> spread, worlds = exact_spread(g, "ic")
>>> spread.tolist(), worlds
([1.75, 1.5, 1.0], 4)
"""

from __future__ import annotations

from . import _numba_setup  # noqa: F401

import numpy as np
from numba import njit

from ..exceptions import EstimatorError
from .probability_graph import ProbabilityGraph
from ._kernels import reach_sizes

__all__ = ["MAX_WORLDS_LOG2", "exact_spread"]

#: Exact enumeration refuses inputs with more than 2**20 live-edge worlds.
MAX_WORLDS_LOG2 = 20


@njit(cache=True, nogil=True)
def _exact_ic(out_indptr, out_indices, base_live, unc_pos, unc_p):
    n = out_indptr.shape[0] - 1
    k = unc_pos.shape[0]
    live = base_live.copy()
    acc = np.zeros(n, np.float64)
    sizes = np.empty(n, np.int64)
    for world in range(1 << k):
        w = 1.0
        for b in range(k):
            if (world >> b) & 1:
                live[unc_pos[b]] = True
                w *= unc_p[b]
            else:
                live[unc_pos[b]] = False
                w *= 1.0 - unc_p[b]
        reach_sizes(out_indptr, out_indices, live, sizes)
        for v in range(n):
            acc[v] += w * sizes[v]
    return acc


@njit(cache=True, nogil=True)
def _exact_lt(out_indptr, out_indices, m, opt_ptr, opt_edge, opt_w, n_worlds):
    n = out_indptr.shape[0] - 1
    g = opt_ptr.shape[0] - 1
    live = np.zeros(m, np.bool_)
    acc = np.zeros(n, np.float64)
    sizes = np.empty(n, np.int64)
    digit = np.zeros(g, np.int64)
    for _ in range(n_worlds):
        w = 1.0
        for i in range(g):
            for o in range(opt_ptr[i], opt_ptr[i + 1]):
                if opt_edge[o] >= 0:
                    live[opt_edge[o]] = False
            o = opt_ptr[i] + digit[i]
            w *= opt_w[o]
            if opt_edge[o] >= 0:
                live[opt_edge[o]] = True
        reach_sizes(out_indptr, out_indices, live, sizes)
        for v in range(n):
            acc[v] += w * sizes[v]
        # next mixed-radix digit vector
        for i in range(g):
            digit[i] += 1
            if digit[i] < opt_ptr[i + 1] - opt_ptr[i]:
                break
            digit[i] = 0
    return acc


def exact_spread(g: ProbabilityGraph, model: str) -> tuple[np.ndarray, int]:
    """Exact σ(v) for every user; returns ``(spread float64 n, number of worlds)``.

    Raises
    ------
    EstimatorError
        If there are more than ``2**MAX_WORLDS_LOG2`` live-edge worlds.
    """
    if model == "ic":
        unc = np.flatnonzero((g.out_p > 0.0) & (g.out_p < 1.0))
        if unc.size > MAX_WORLDS_LOG2:
            raise EstimatorError(
                f"exact enumeration needs 2^{unc.size} live-edge worlds ({unc.size} edges with "
                f"0 < p < 1); it is limited to {MAX_WORLDS_LOG2} uncertain edges. Use "
                "estimator='ris' or 'monte_carlo' for this graph.")
        spread = _exact_ic(g.out_indptr, g.out_indices, g.out_p >= 1.0, unc.astype(np.int64),
                           g.out_p[unc])
        return spread, 1 << int(unc.size)
    # LT: options per node = its in-edges with positive weight (+ "none" if 1 - sum > 0)
    src = g.out_sources().astype(np.int64)
    tgt = g.out_indices.astype(np.int64)
    pos = np.flatnonzero(g.out_p > 0.0)
    order = pos[np.lexsort((src[pos], tgt[pos]))]
    opt_ptr, opt_edge, opt_w = [0], [], []
    log2_worlds = 0.0
    for v in np.unique(tgt[order]).tolist():
        edges = order[tgt[order] == v]
        ws = g.out_p[edges]
        rest = 1.0 - float(np.sum(ws))
        opt_edge.extend(edges.tolist())
        opt_w.extend(ws.tolist())
        if rest > 1e-12:
            opt_edge.append(-1)
            opt_w.append(rest)
        opt_ptr.append(len(opt_edge))
        log2_worlds += np.log2(opt_ptr[-1] - opt_ptr[-2])
    if log2_worlds > MAX_WORLDS_LOG2 + 1e-9:
        raise EstimatorError(
            f"exact enumeration needs about 2^{log2_worlds:.1f} live-edge worlds under LT; it is "
            f"limited to 2^{MAX_WORLDS_LOG2}. Use estimator='ris' or 'monte_carlo'.")
    sizes = np.diff(np.asarray(opt_ptr, dtype=np.int64))
    n_worlds = int(np.prod(sizes)) if sizes.size else 1
    spread = _exact_lt(g.out_indptr, g.out_indices, g.m, np.asarray(opt_ptr, dtype=np.int64),
                       np.asarray(opt_edge, dtype=np.int64), np.asarray(opt_w, dtype=np.float64),
                       n_worlds)
    return spread, n_worlds
