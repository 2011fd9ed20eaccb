"""Memory layout of the IC reverse-reachable-set sampler: one word per user.

Sampling an RR set is a chain of dependent random memory reads (a user's in-edge
range, then a live in-neighbour, then that user's range, ...), so on graphs larger than
the caches its speed is set by how many distinct cache lines a step touches, not by
arithmetic. :func:`build_layout` prepares the graph so that a step touches as few as
possible: **one 64-bit word per user**, ``pack[v] = (first in-edge << shift) | class``,
where users sharing the in-degree ``d`` and the in-edge probability ``p`` share a
*class*; the small class table (656 rows on the 1M-user weighted-cascade benchmark
graph) holds everything the sampler needs about ``(d, p)`` and stays in cache. The
layout shares the graph's in-CSR arrays; the packed words are all it adds.

(Relabelling users hot first — by a truncated expected reach, so that busy users share
cache lines — was built and measured side by side on that graph on 26 November 2026: no
faster, and 0.6 s to build, so it was removed again; docs/benchmarks.md keeps the figures.)

Sampler per class (``table[c, MODE]``):

* ``BINOMIAL`` — shared ``0 < p < 1`` with ``d·p ≤ 4`` (and, folded in, ``d = 0``,
  ``p = 0``, and ``d = 1, p = 1``): the number of live in-edges ``K ~ Binomial(d, p)``
  by inversion from one uniform ``U`` (``U < P(K=0)``: none; ``U < P(K≤1)``: one, at
  position ``⌊(U − P(K=0))·d / P(K=1)⌋``, which reuses ``U``'s remaining randomness;
  else the inversion continues), then ``K`` distinct positions drawn uniformly;
* ``ALL`` — ``p = 1``: every in-edge is live;
* ``SKIP`` — shared ``p`` with ``d·p > 4``: geometric skipping, gap
  ``⌊log U / log(1 − p)⌋`` (SUBSIM, Guo et al. 2020);
* ``COIN`` — in-edges with different probabilities: one coin per in-edge.

Examples
--------
>>> import polars as pl
>>> from influence_graph.diffusion import to_probability_graph
>>> g = to_probability_graph(pl.DataFrame({"source": ["a", "b", "c"], "target": ["c", "c", "d"],
...                                        "p": [0.5, 0.5, 1.0]}))
>>> lay = build_layout(g)
>>> lay.table.shape[0], sorted(lay.table[:, MODE].astype(int).tolist())
(3, [2, 2, 2])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .probability_graph import ProbabilityGraph

__all__ = ["RRLayout", "build_layout", "node_classes", "SAMPLERS",
           "ALL", "BINOMIAL", "SKIP", "COIN",
           "D", "P", "LOG1MP", "C0", "C01", "F1", "R", "C1", "MODE"]

# class-table columns
D, P, LOG1MP, C0, C01, F1, R, C1, MODE = range(9)
_COLS = 9
# sampler modes (the kernel's ``table[c, MODE]``)
ALL, BINOMIAL, SKIP, COIN = 1, 2, 3, 4
#: Largest expected number of live in-edges ``d·p`` sampled by binomial inversion.
BINOMIAL_MAX_MEAN = 4.0
#: ``sampler`` choices: ``"auto"`` as above; ``"skip"``/``"coin"`` force every class with a
#: shared ``0 < p < 1`` onto geometric skipping / per-edge coins (for tests).
SAMPLERS = ("auto", "skip", "coin")


@dataclass(frozen=True)
class RRLayout:
    """Arrays the IC RR-set kernel reads (see the module docstring).

    Attributes
    ----------
    pack : numpy.ndarray
        uint64 ``n``: ``(first in-edge << shift) | class`` per user.
    shift : int
        Bits of the class field.
    table : numpy.ndarray
        float64 ``(classes, 9)``: d, p, log(1 − p), P(K=0), P(K≤1), d/P(K=1),
        p/(1 − p), P(K=1), mode.
    in_indices, in_p : numpy.ndarray
        The graph's in-CSR neighbours (int32 ``m``) and probabilities (float64 ``m``),
        shared, not copied.
    """

    pack: np.ndarray
    shift: int
    table: np.ndarray
    in_indices: np.ndarray
    in_p: np.ndarray


def node_classes(deg: np.ndarray, shared_p: np.ndarray,
                 sampler: str = "auto") -> tuple[np.ndarray, np.ndarray]:
    """Class of every user and the class table (see the module docstring).

    Classes are numbered in (d, p) order, so the table depends on the graph only.
    """
    if sampler not in SAMPLERS:
        raise ValueError(f"sampler must be one of {SAMPLERS}; got {sampler!r}")
    deg = np.asarray(deg, np.int64)
    sp = np.asarray(shared_p, np.float64)
    n = deg.shape[0]
    if n == 0:
        return np.zeros(0, np.int64), np.zeros((0, _COLS))
    o = np.lexsort((sp, deg))
    sd, ssp = deg[o], sp[o]
    first = np.ones(n, dtype=bool)
    first[1:] = (sd[1:] != sd[:-1]) | (ssp[1:] != ssp[:-1])
    cls = np.empty(n, np.int64)
    cls[o] = np.cumsum(first) - 1
    d = sd[first].astype(np.float64)
    p = ssp[first]
    table = np.zeros((d.shape[0], _COLS))
    table[:, D] = d
    table[:, P] = p
    mode = np.full(d.shape[0], COIN, np.float64)
    none = (d == 0) | (p == 0.0)
    single = (d == 1) & (p == 1.0)
    mode[none | single] = BINOMIAL
    mode[(p == 1.0) & (d > 1)] = ALL
    frac = (p > 0.0) & (p < 1.0) & (d > 0)
    if sampler == "skip":
        mode[frac] = SKIP
    elif sampler == "coin":
        mode[frac] = COIN
    else:
        mode[frac & (d * p <= BINOMIAL_MAX_MEAN)] = BINOMIAL
        mode[frac & (d * p > BINOMIAL_MAX_MEAN)] = SKIP
    table[:, MODE] = mode
    # binomial inversion constants (classes with d·p ≤ 4 only; others unused)
    b = frac & (mode == BINOMIAL)
    db, pb = d[b], p[b]
    l1 = np.log1p(-pb)
    c0 = np.exp(db * l1)
    c1 = db * pb * np.exp((db - 1.0) * l1)
    table[b, C0], table[b, C1], table[b, C01] = c0, c1, c0 + c1
    table[b, F1] = db / c1
    table[b, R] = pb / (1.0 - pb)
    table[frac, LOG1MP] = np.log1p(-p[frac])
    # certain outcomes through the same path: nothing live (U < 1) / the single edge
    table[none, C0], table[none, C01] = 1.0, 1.0
    table[single, C0], table[single, C01], table[single, C1], table[single, F1] = 0.0, 1.0, 1.0, 1.0
    return cls, table


def build_layout(g: ProbabilityGraph, *, sampler: str = "auto") -> RRLayout:
    """Pack ``g``'s in-CSR for :func:`~._kernels.rr_ic_counts`."""
    cls, table = node_classes(np.diff(g.in_indptr), g.in_shared_p, sampler)
    shift = max(1, int(table.shape[0] - 1).bit_length())
    if int(g.m).bit_length() + shift > 64:  # pragma: no cover - > 2**39 edges with 2**25 classes
        raise ValueError(f"graph too large for the packed RR layout: {g.m} edges, "
                         f"{table.shape[0]} in-edge classes")
    pack = (g.in_indptr[:-1].astype(np.uint64) << np.uint64(shift)) | cls.astype(np.uint64)
    return RRLayout(pack, shift, table, g.in_indices, g.in_p)
