"""Reverse influence sampling (RIS): every user's spread from one shared sample of RR sets.

An RR set holds the users that reach a uniformly random root in a random live-edge
graph (Borgs, Brautbar, Chayes & Lucier 2014). For one user σ(v) = n·Pr[v ∈ RR]; we
count v only when reached from *another* root, so ``c′_v ~ Binomial(θ, q′_v)`` with
``q′_v = (σ(v) − 1)/n`` and

* ``outward = n·c′_v/θ``, ``spread = 1 + outward`` (unbiased),
* ``se = n·sqrt(q̂(1 − q̂)/θ)``,
* ``[ci_low, ci_high] = 1 + n·[Wilson or Jeffreys interval on q′_v]``.

A run never stops below :data:`MIN_RR_SETS` RR sets unless an explicit ``max_samples``
is smaller; the intervals are near nominal once a user's expected count θ·q′ is about
:data:`MIN_EXPECTED_COUNT` or more (users with fewer hits get intervals whose coverage
swings by a few points either way, as for any non-randomised binomial interval).

RR sets are not stored: each block of ``BLOCK_SIZE`` sets adds its per-user counts
(int64), so memory does not grow with θ and integer sums make any thread count give
the same totals. Block ``i`` draws from ``task_seeds(seed, ·)[i]``; rounds double θ
(more precisely: grow to the θ the current precision predicts, at least +1/16,
at most 8×) until the target users
reach ``rel_error`` or a budget stops the run.

``coins="edge"`` keys every coin on the RR set and the edge instead
(:mod:`._keyed_kernels`): same roots, same estimator, and two graphs over the same
users then share every RR set their probabilities do not tell apart — the common
random numbers a paired comparison of two graphs needs. A fixed θ (``max_samples``
with a ``rel_error`` no run reaches) makes the pairing complete.

Examples
--------
>>> import polars as pl
>>> from influence_graph.diffusion import to_probability_graph
>>> g = to_probability_graph(pl.DataFrame({"source": ["a"], "target": ["b"], "p": [0.5]}))
>>> from influence_graph.diffusion._stopping import StopRule
>>> est = ris_estimate(g, "ic", StopRule(rel_error=0.05, top_k=None), seed=1)
>>> round(float(est.spread[0]), 1), est.target_met, est.stop_reason
(1.5, True, 'target')
"""

from __future__ import annotations

import math
import sys
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._rng import SeedLike, as_seed_sequence, task_seeds
from ..parallel import TaskRunner
from . import _keyed_kernels as kk
from . import _kernels as kn
from .probability_graph import ProbabilityGraph
from ._rr_layout import RRLayout, build_layout
from ._stopping import StopRule, next_round, precision_reached
from .estimate import Estimate
from .intervals import jeffreys, wilson

__all__ = ["BLOCK_SIZE", "FIRST_BLOCKS", "MIN_RR_SETS", "MIN_EXPECTED_COUNT",
           "DEFAULT_MAX_RR_SETS", "Estimate", "ris_estimate"]

#: RR sets per block (one random stream per block).
BLOCK_SIZE = 4096
#: Blocks in the first round.
FIRST_BLOCKS = 8
#: Smallest θ a run stops at (the first round, ``FIRST_BLOCKS·BLOCK_SIZE`` = 32,768 RR sets)
#: unless an explicit ``max_samples`` is smaller. Binomial intervals on a count are only
#: near nominal once the expected count θ·q′ is moderate: in the Poisson limit the exact
#: coverage of the 95 % Wilson interval stays in [0.936, 0.965] for θ·q′ ≥ 8 and in
#: [0.938, 0.960] for θ·q′ ≥ 20 (Jeffreys: [0.923, 0.963] and [0.940, 0.961]), while
#: at θ·q′ ≈ 1–4 it swings between 0.92 and 0.98. At the minimum θ every user with
#: outward ≥ 8·n/32768 ≈ 0.00024·n has an expected count ≥ 8.
MIN_RR_SETS = FIRST_BLOCKS * BLOCK_SIZE
#: Expected count θ·q′ from which the intervals are near nominal (see ``MIN_RR_SETS``);
#: ``provenance["run"]["users_below_min_count"]`` counts the users under it (by the
#: observed count c′ < 8 among users that can reach someone).
MIN_EXPECTED_COUNT = 8
#: Cap on θ when ``max_samples`` is None.
DEFAULT_MAX_RR_SETS = 2**31


@dataclass(frozen=True)
class _RRShared:
    """Read-only arrays shipped once to every task (thread or Dask worker)."""

    model: str
    n: int
    ic: RRLayout | None = None
    lt: tuple[np.ndarray, ...] | None = None  # in_indptr, in_indices, in_p, in_shared_p
    keyed: tuple[np.ndarray, ...] | None = None  # in_indptr, in_indices, in_p (coins="edge")


def _rr_task(shared: _RRShared, seeds: np.ndarray,
             sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sample ``sizes[i]`` RR sets from ``seeds[i]``; counts per user code and stats."""
    n = shared.n
    stats = np.zeros(2, np.int64)
    if shared.keyed is not None:
        counts = np.zeros(n, np.int64)
        kernel = kk.rr_ic_counts_keyed if shared.model == "ic" else kk.rr_lt_counts_keyed
        kernel(*shared.keyed, seeds, sizes, counts, np.zeros(n, np.uint8),
               np.empty(n, np.int32), stats)
        return counts, stats
    if shared.ic is not None:
        lay = shared.ic
        counts = np.zeros(n, np.int64)
        kn.rr_ic_counts(lay.pack, lay.shift, lay.table, lay.in_indices, lay.in_p, seeds, sizes,
                        counts, np.zeros(n, np.uint8), np.empty(n, np.int32), stats)
        return counts, stats
    in_indptr, in_indices, in_p, shared_p = shared.lt
    sc = np.zeros((n, 2), np.int64)
    kn.rr_lt_counts(in_indptr, in_indices, in_p, shared_p, seeds, sizes, sc, stats,
                    np.empty(n, np.int32), np.zeros(1, np.int64))
    return sc[:, 1].copy(), stats


def rr_shared(g: ProbabilityGraph, model: str, *, sampler: str = "auto",
              coins: str = "stream") -> _RRShared:
    """What the RR-set kernels read: the packed layout (IC, see
    :mod:`._rr_layout`) or the in-CSR with each node's shared in-edge weight (LT);
    with ``coins="edge"`` the in-CSR for the edge-keyed kernels of :mod:`._keyed_kernels`."""
    if coins == "edge":
        return _RRShared(model, g.n, keyed=(g.in_indptr, g.in_indices, g.in_p))
    if model == "ic":
        return _RRShared("ic", g.n, ic=build_layout(g, sampler=sampler))
    return _RRShared(model, g.n, lt=(g.in_indptr, g.in_indices, g.in_p, g.in_shared_p))


def rr_intervals(counts: np.ndarray, theta: int, n: int, confidence: float, interval: str):
    """``(spread, se, lo, hi)`` from counts c′ over θ RR sets (see module docstring)."""
    q = counts / float(theta)
    spread = 1.0 + n * q
    se = n * np.sqrt(q * (1.0 - q) / theta)
    lo, hi = (wilson if interval == "wilson" else jeffreys)(counts, theta, confidence)
    return spread, se, 1.0 + n * lo, 1.0 + n * hi


def ris_estimate(
    g: ProbabilityGraph, model: str, rule: StopRule, *, seed: SeedLike, n_jobs: int | None = 1,
    executor: Any = None, progress: bool = False, interval: str = "wilson",
    coins: str = "stream",
) -> Estimate:
    """Run the RIS stopping rule and return per-user estimates (see module docstring)."""
    rel_error, confidence, top_k, min_spread = (rule.rel_error, rule.confidence, rule.top_k,
                                                rule.min_spread)
    max_samples, max_seconds, relative_to = rule.max_samples, rule.max_seconds, rule.relative_to
    t0 = time.perf_counter()
    n = g.n
    ss = as_seed_sequence(seed)
    cand = g.can_reach_others()
    cap = DEFAULT_MAX_RR_SETS if max_samples is None else int(max_samples)
    counts = np.zeros(n, np.int64)
    stats = np.zeros(2, np.int64)
    theta = 0
    blocks = 0
    next_blocks = FIRST_BLOCKS
    rounds = 0
    sample_secs = 0.0
    stop_reason = "target"
    rel_reached = math.inf
    met = False
    if not cand.any():  # nobody reaches anyone: every spread is exactly 1
        one = np.ones(n)
        return Estimate.exact(one, n_samples=0, stop_reason="target", extra={
            "rounds": 0, "rr_sets": 0, "block_size": BLOCK_SIZE, "blocks": 0,
            "mean_rr_size": 1.0, "edge_visits": 0, "sampling_seconds": 0.0,
            "interval": interval, "users_below_min_count": 0})
    with TaskRunner(rr_shared(g, model, coins=coins), n_jobs=n_jobs,
                    executor=executor) as runner:
        while True:
            nb = next_blocks
            sizes = np.full(nb, BLOCK_SIZE, np.int64)
            last = False
            # sample budget: trim the round so theta never exceeds the cap
            if theta + int(sizes.sum()) >= cap:
                room = cap - theta
                nb = -(-room // BLOCK_SIZE)
                sizes = np.full(nb, BLOCK_SIZE, np.int64)
                sizes[-1] = room - BLOCK_SIZE * (nb - 1)
                last = True
                stop_reason = "max_samples"
            # time budget: trim the round to what the measured rate says still fits
            if max_seconds is not None and rounds > 0:
                left = max_seconds - (time.perf_counter() - t0)
                per_block = sample_secs / blocks
                fit = int(0.9 * left / per_block) if per_block > 0 else nb
                if fit < nb:
                    if fit < 1:
                        stop_reason = "max_seconds"
                        break
                    nb = fit
                    sizes = sizes[:nb].copy()
                    last = True
                    stop_reason = "max_seconds"
            seeds = task_seeds(ss, nb, offset=blocks)
            n_tasks = min(nb, max(1, 4 * runner.workers))
            parts = np.array_split(np.arange(nb), n_tasks)
            # with a time budget, run the round a few tasks at a time and stop at the
            # deadline (completed tasks form a prefix of the blocks, so θ stays exact)
            step = len(parts) if max_seconds is None else runner.workers
            ts = time.perf_counter()
            done_blocks = 0
            for g0 in range(0, len(parts), step):
                group = parts[g0:g0 + step]
                for c, st in runner.map(_rr_task, [(seeds[p], sizes[p]) for p in group]):
                    counts += c  # integer sums: order-free, bit-identical
                    stats += st
                done_blocks += sum(len(p) for p in group)
                if max_seconds is not None and time.perf_counter() - t0 >= max_seconds:
                    last = True
                    stop_reason = "max_seconds"
                    break
            sample_secs += time.perf_counter() - ts
            theta += int(sizes[:done_blocks].sum())
            blocks += done_blocks
            rounds += 1
            spread, se, lo, hi = rr_intervals(counts, theta, n, confidence, interval)
            n_targets, rel_reached = precision_reached(
                spread, lo, hi, cand, top_k, min_spread, relative_to
            )
            met = rel_reached <= rel_error
            if progress:
                print(f"[ris] round {rounds}: theta={theta:,} targets={n_targets} "
                      f"rel_error={rel_reached:.4g} ({time.perf_counter() - t0:.2f}s)",
                      file=sys.stderr)
            if met:
                stop_reason = "target"
                break
            if last or theta >= cap:
                if stop_reason == "target":
                    stop_reason = "max_samples"
                break
            next_blocks = next_round(blocks, rel_reached, rel_error)
    spread, se, lo, hi = rr_intervals(counts, max(theta, 1), n, confidence, interval)
    exact_one = ~cand
    spread[exact_one] = 1.0
    se[exact_one] = 0.0
    lo[exact_one] = 1.0
    hi[exact_one] = 1.0
    extra = {
        "rounds": rounds,
        "rr_sets": theta,
        "block_size": BLOCK_SIZE,
        "blocks": blocks,
        "mean_rr_size": float(stats[0]) / theta if theta else 0.0,
        "edge_visits": int(stats[1]),
        "sampling_seconds": sample_secs,
        "interval": interval,
        "coins": coins,
        "users_below_min_count": int((cand & (counts < MIN_EXPECTED_COUNT)).sum()),
    }
    return Estimate(spread=spread, se=se, ci_low=lo, ci_high=hi, n_samples=theta, target_met=met,
                    rel_error_reached=rel_reached, stop_reason=stop_reason, extra=extra)
