"""Confidence intervals used by the spread estimators.

* :func:`wilson` — Wilson score interval for a binomial proportion (RIS default).
* :func:`jeffreys` — equal-tailed Jeffreys interval, Beta(c + 1/2, θ − c + 1/2) quantiles.
* :func:`t_interval` — Student-t interval for a sample mean (forward Monte Carlo).

Wald intervals are deliberately absent: their coverage is erratic for the small
proportions RIS meets (Brown, Cai & DasGupta, *Stat. Sci.* 16(2), 2001).

Examples
--------
>>> import numpy as np
>>> lo, hi = wilson(np.array([0, 5]), 100, 0.95)
>>> np.round(lo, 4).tolist(), np.round(hi, 4).tolist()
([0.0, 0.0215], [0.037, 0.1118])
>>> lo, hi = jeffreys(np.array([0, 5]), 100, 0.95)
>>> np.round(hi, 4).tolist()
[0.0247, 0.1061]
"""

from __future__ import annotations

import numpy as np
from scipy import stats

__all__ = ["z_value", "wilson", "jeffreys", "t_interval", "INTERVALS"]

INTERVALS = ("wilson", "jeffreys")


def z_value(confidence: float) -> float:
    """Two-sided standard-normal quantile, e.g. 1.96 for 0.95.

    Examples
    --------
    >>> round(z_value(0.95), 4)
    1.96
    """
    return float(stats.norm.ppf(0.5 + confidence / 2.0))


def wilson(c: np.ndarray, theta: int, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for ``c`` successes out of ``theta`` trials.

    ``(q̂ + z²/2θ ± z·sqrt(q̂(1−q̂)/θ + z²/4θ²)) / (1 + z²/θ)``, clipped to [0, 1];
    the lower end is exactly 0 when ``c == 0``.
    """
    c = np.asarray(c, dtype=np.float64)
    z = z_value(confidence)
    t = float(theta)
    q = c / t
    z2 = z * z
    denom = 1.0 + z2 / t
    centre = (q + z2 / (2 * t)) / denom
    half = z * np.sqrt(q * (1.0 - q) / t + z2 / (4 * t * t)) / denom
    lo = np.clip(centre - half, 0.0, 1.0)
    hi = np.clip(centre + half, 0.0, 1.0)
    lo = np.where(c == 0, 0.0, lo)
    hi = np.where(c == t, 1.0, hi)
    return lo, hi


def jeffreys(c: np.ndarray, theta: int, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Equal-tailed Jeffreys interval; lower end 0 at ``c == 0``, upper 1 at ``c == θ``."""
    c = np.asarray(c, dtype=np.float64)
    a = (1.0 - confidence) / 2.0
    lo = stats.beta.ppf(a, c + 0.5, theta - c + 0.5)
    hi = stats.beta.ppf(1.0 - a, c + 0.5, theta - c + 0.5)
    lo = np.where(c == 0, 0.0, lo)
    hi = np.where(c == theta, 1.0, hi)
    return lo, hi


def t_interval(
    mean: np.ndarray, sd: np.ndarray, reps: int, confidence: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Student-t interval ``mean ± t_{R−1}·sd/√R``; returns ``(se, low, high)``.

    Examples
    --------
    >>> se, lo, hi = t_interval(np.array([2.0]), np.array([1.0]), 100, 0.95)
    >>> round(float(se[0]), 3), round(float(hi[0] - lo[0]) / 2, 4)
    (0.1, 0.1984)
    """
    se = np.asarray(sd, dtype=np.float64) / np.sqrt(reps)
    tq = float(stats.t.ppf(0.5 + confidence / 2.0, reps - 1))
    return se, mean - tq * se, mean + tq * se
