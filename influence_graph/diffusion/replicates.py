"""Paired replicate runs of the spread estimator, and the paired standard error of a change.

Two estimates to compare (a user before and after an attack, in two time windows) are
each the mean of R independent RIS runs, run r of both on the same seed. Where the two
probability graphs agree, run r of each draws the same RR sets (common random numbers),
so the paired differences ``d_r = after_r − before_r`` cancel that shared noise, and

    gain = mean(d),  se = sd(d) / √R,  interval = gain ± t_{R−1} · se

carries the covariance that common random numbers create without modelling it. The
price is a noisy ``se`` when R is small (R − 1 degrees of freedom).
:func:`influence_graph.robustness_report` and
:func:`influence_graph.temporal.score_changes` both use it.

Examples
--------
>>> import numpy as np
>>> before = np.array([[2.0, 5.0], [2.2, 5.0], [1.8, 5.0]])   # R = 3 runs, 2 users
>>> after = before + np.array([[1.0, 0.0], [1.2, 0.0], [0.8, 0.0]])
>>> gain, se, low, high = paired_gain(before, after, confidence=0.95)
>>> gain.round(3).tolist(), se.round(3).tolist()
([1.0, 0.0], [0.115, 0.0])
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from .probability_graph import ProbabilityGraph

__all__ = ["replicate_spreads", "replicate_mean", "paired_gain"]


def replicate_spreads(
    g: ProbabilityGraph, seeds: Sequence[Any], *, threads: int = 1, **estimator: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(spread, se, theta)``: the first two of shape (R, n) in ``g``'s user order, one
    RIS run per seed, and each run's number of RR sets (int64 R).

    ``estimator`` goes to :func:`influence_graph.expected_spread` (each run single-
    threaded when ``threads > 1`` runs the replicates side by side; results do not
    depend on ``threads``).
    """
    from .spread import expected_spread

    def one(seed: Any) -> tuple[np.ndarray, np.ndarray, int]:
        kw = dict(estimator)
        if threads > 1:
            kw["n_jobs"] = 1
        res = expected_spread(g, seed=seed, **kw)
        return res.table["spread"].to_numpy(), res.table["se"].to_numpy(), res.n_samples

    if threads > 1 and len(seeds) > 1:
        with ThreadPoolExecutor(min(threads, len(seeds))) as pool:
            runs = list(pool.map(one, seeds))
    else:
        runs = [one(s) for s in seeds]
    return (np.vstack([r[0] for r in runs]), np.vstack([r[1] for r in runs]),
            np.array([r[2] for r in runs], np.int64))


def replicate_mean(
    spread: np.ndarray, *, confidence: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(mean, se, low, high)`` over the R runs (axis 0): ``se = sd/√R``, a t interval."""
    zero = np.zeros_like(spread[:1])
    return paired_gain(zero, spread, confidence=confidence)


def paired_gain(
    before: np.ndarray, after: np.ndarray, *, confidence: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(gain, se, low, high)`` of ``after − before`` from R paired runs (axis 0).

    ``before`` and ``after`` have the same shape (R, …), run r of both on one seed.
    """
    from scipy.stats import t as t_dist

    d = np.asarray(after, np.float64) - np.asarray(before, np.float64)
    r = d.shape[0]
    gain = d.mean(axis=0)
    se = d.std(axis=0, ddof=1) / np.sqrt(r)
    half = float(t_dist.ppf(0.5 + confidence / 2.0, r - 1)) * se
    return gain, se, gain - half, gain + half
