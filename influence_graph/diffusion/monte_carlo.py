"""Forward Monte Carlo: R simulated cascades from every user, Student-t intervals.

Every user that can reach someone gets the same number R of cascades per round;
``spread`` is the mean cascade size (seed included), ``se = sd/√R`` and the interval
is ``spread ± t_{R−1}·se`` (its lower end clipped at 1, since spread ≥ 1). Normal
intervals under-cover at small R because cascade sizes are skewed and discrete, so
R never goes below :data:`MIN_REPS` = 1000 (unless an explicit ``max_samples`` is
smaller). Rounds grow R to what the current precision predicts (at least +1/16, at most
8×) until the target users reach ``rel_error`` or a budget stops the run. Sources are split into
tasks of :data:`SOURCES_PER_TASK`; task ``i`` of the whole run draws from
``task_seeds(seed, ·)[i]``, and per-user sums are integers, so any ``n_jobs`` gives
the same table.

Examples
--------
>>> import polars as pl
>>> from influence_graph.diffusion import to_probability_graph
>>> g = to_probability_graph(pl.DataFrame({"source": ["a"], "target": ["b"], "p": [1.0]}))
>>> from influence_graph.diffusion._stopping import StopRule
>>> est = mc_estimate(g, "ic", StopRule(rel_error=0.05, top_k=None), seed=1)
>>> est.spread.tolist(), est.n_samples
([2.0, 1.0], 1000)
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._rng import SeedLike, as_seed_sequence, task_seeds
from ..parallel import TaskRunner
from . import _kernels as kn
from .probability_graph import ProbabilityGraph
from ._stopping import StopRule, precision_reached
from .intervals import t_interval
from ._stopping import next_round
from .estimate import Estimate

__all__ = ["MIN_REPS", "SOURCES_PER_TASK", "DEFAULT_MAX_REPS", "mc_estimate"]

#: Smallest number of cascades per user. A user whose cascade has two sizes (1, or 2
#: with probability p) gets what is a Wald interval on Binomial(R, p); its exact 95 %
#: coverage is 0.932 at R = 100 for p = 0.1 (0.878 for p = 0.05) and stays in
#: [0.935, 0.953] for every p in [0.03, 0.97] at R = 1000 (coverage sweep:
#: docs/benchmarks.md). Users with still smaller outward (p → 0) under-cover at any
#: fixed R: their R cascades are often all of size 1 (zero width).
MIN_REPS = 1000
#: Sources simulated per task (one random stream per task).
SOURCES_PER_TASK = 32
#: Cap on R when ``max_samples`` is None.
DEFAULT_MAX_REPS = 2**20


@dataclass(frozen=True)
class _MCShared:
    out_indptr: np.ndarray
    out_indices: np.ndarray
    out_p: np.ndarray
    in_indptr: np.ndarray
    in_indices: np.ndarray
    in_p: np.ndarray
    model: str


def _mc_task(shared: _MCShared, sources: np.ndarray, seeds: np.ndarray, reps: int):
    n = shared.out_indptr.shape[0] - 1
    sums = np.zeros(n, np.int64)
    sumsq = np.zeros(n, np.int64)
    if shared.model == "ic":
        kn.mc_ic_sums(shared.out_indptr, shared.out_indices, shared.out_p, sources, seeds, reps,
                      sums, sumsq)
    else:
        kn.mc_lt_sums(shared.out_indptr, shared.out_indices, shared.in_indptr, shared.in_indices,
                      shared.in_p, sources, seeds, reps, sums, sumsq)
    return sums, sumsq


def _moments(sums: np.ndarray, sumsq: np.ndarray, reps: int) -> tuple[np.ndarray, np.ndarray]:
    mean = sums / reps
    var = (sumsq - sums.astype(np.float64) * mean) / (reps - 1)
    return mean, np.sqrt(np.maximum(var, 0.0))


def mc_estimate(
    g: ProbabilityGraph, model: str, rule: StopRule, *, seed: SeedLike, n_jobs: int | None = 1,
    executor: Any = None, progress: bool = False, min_reps: int = MIN_REPS,
) -> Estimate:
    """Run forward Monte Carlo with the stopping rule; ``max_samples`` caps R per user."""
    rel_error, confidence, top_k, min_spread = (rule.rel_error, rule.confidence, rule.top_k,
                                                rule.min_spread)
    max_samples, max_seconds, relative_to = rule.max_samples, rule.max_seconds, rule.relative_to
    t0 = time.perf_counter()
    n = g.n
    ss = as_seed_sequence(seed)
    cand = g.can_reach_others()
    src = np.flatnonzero(cand).astype(np.int64)
    n_chunks = max(1, -(-src.size // SOURCES_PER_TASK))
    table = np.full((n_chunks, SOURCES_PER_TASK), -1, np.int64)
    table.flat[: src.size] = src
    cap = DEFAULT_MAX_REPS if max_samples is None else int(max_samples)
    reps0 = max(min_reps, MIN_REPS)
    if cap < reps0:
        reps0 = max(2, cap)
    sums = np.zeros(n, np.int64)
    sumsq = np.zeros(n, np.int64)
    R = 0
    tasks_done = 0
    rounds = 0
    add = reps0
    sample_secs = 0.0
    stop_reason = "target"
    met = True
    rel_reached = 0.0
    if src.size:
        shared = _MCShared(g.out_indptr, g.out_indices, g.out_p, g.in_indptr, g.in_indices,
                           g.in_p, model)
        with TaskRunner(shared, n_jobs=n_jobs, executor=executor) as runner:
            while True:
                last = False
                if R + add >= cap:
                    add = cap - R
                    last = True
                    stop_reason = "max_samples"
                if max_seconds is not None and rounds > 0:
                    left = max_seconds - (time.perf_counter() - t0)
                    fit = int(0.9 * left / (sample_secs / R)) if sample_secs > 0 else add
                    if fit < add:
                        stop_reason = "max_seconds"
                        if fit < 1:
                            break
                        add = fit
                        last = True
                seeds = task_seeds(ss, n_chunks, offset=tasks_done)
                groups = np.array_split(np.arange(n_chunks), min(n_chunks, 4 * runner.workers))
                ts = time.perf_counter()
                res = runner.map(_mc_task, [(table[gr], seeds[gr], add) for gr in groups])
                sample_secs += time.perf_counter() - ts
                for s1, s2 in res:
                    sums += s1
                    sumsq += s2
                R += add
                tasks_done += n_chunks
                rounds += 1
                mean, sd = _moments(sums, sumsq, R)
                se, lo, hi = t_interval(mean, sd, R, confidence)
                lo = np.maximum(lo, 1.0)
                n_targets, rel_reached = precision_reached(
                    mean, lo, hi, cand, top_k, min_spread, relative_to
                )
                met = rel_reached <= rel_error
                if progress:
                    print(f"[monte_carlo] round {rounds}: R={R:,} targets={n_targets} "
                          f"rel_error={rel_reached:.4g} ({time.perf_counter() - t0:.2f}s)",
                          file=sys.stderr)
                if met:
                    stop_reason = "target"
                    break
                if last:
                    break
                add = next_round(R, rel_reached, rel_error)
    if R:
        spread, sd = _moments(sums, sumsq, R)
        se, lo, hi = t_interval(spread, sd, R, confidence)
        lo = np.maximum(lo, 1.0)
    else:
        spread, se, lo, hi = np.ones(n), np.zeros(n), np.ones(n), np.ones(n)
    spread[~cand] = 1.0
    se[~cand] = 0.0
    lo[~cand] = 1.0
    hi[~cand] = 1.0
    extra = {"rounds": rounds, "cascades": int(R) * int(src.size), "sampling_seconds": sample_secs,
             "interval": "t"}
    return Estimate(spread=spread, se=se, ci_low=lo, ci_high=hi, n_samples=R, target_met=met,
                    rel_error_reached=rel_reached, stop_reason=stop_reason, extra=extra)
