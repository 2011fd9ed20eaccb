"""Empirical-Bayes prior strengths by marginal likelihood (one-dimensional fits).

Both fits keep the prior mean fixed (a population rate, per unit if need be) and
choose how many observations the prior is worth, so the data decide how far thin
evidence is pulled towards the mean.
"""

from __future__ import annotations

import numpy as np

__all__ = ["fit_strength", "fit_shape", "STRENGTH_BOUNDS"]

#: Search range of a prior strength (Beta) or shape (Gamma).
STRENGTH_BOUNDS: tuple[float, float] = (0.05, 1e5)


def fit_strength(k: np.ndarray, n: np.ndarray, mean: float | np.ndarray) -> float:
    """Prior strength ``s`` of a Beta(sπ, s(1 − π)) by Beta–Binomial marginal likelihood.

    Parameters
    ----------
    k, n : arrays
        Successes and trials per unit (``n > 0``).
    mean : float or array
        Prior mean π in (0, 1), one for all units or one per unit.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> share = rng.beta(2.0, 8.0, size=4000)   # true strength 10, mean 0.2
    >>> n = np.full(4000, 30)
    >>> k = rng.binomial(n, share)
    >>> 7 < fit_strength(k, n, 0.2) < 14
    True
    """
    from scipy.optimize import minimize_scalar
    from scipy.special import betaln

    k = np.asarray(k, np.float64)
    n = np.asarray(n, np.float64)
    mean = np.asarray(mean, np.float64)

    def nll(log_s: float) -> float:
        s = np.exp(log_s)
        a, b = s * mean, s * (1.0 - mean)
        return -float(np.sum(betaln(k + a, n - k + b) - betaln(a, b)))

    lo, hi = np.log(STRENGTH_BOUNDS[0]), np.log(STRENGTH_BOUNDS[1])
    res = minimize_scalar(nll, bounds=(lo, hi), method="bounded", options={"xatol": 1e-4})
    return float(np.exp(res.x))


def fit_shape(counts: np.ndarray, expected: np.ndarray) -> float:
    """Shape ``c`` of a Gamma(c, c) multiplier by negative-binomial marginal likelihood.

    ``counts[i] ~ Poisson(expected[i] · q_i)``, ``q_i ~ Gamma(c, rate c)`` (mean 1),
    so ``counts[i] ~ NB`` with mean ``expected[i]`` and shape ``c``; the posterior mean
    of ``q_i`` is ``(c + counts[i]) / (c + expected[i])``.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> q = rng.gamma(4.0, 1 / 4.0, size=5000)      # true shape 4
    >>> x = np.full(5000, 20.0)
    >>> 3 < fit_shape(rng.poisson(x * q), x) < 5.5
    True
    """
    from scipy.optimize import minimize_scalar
    from scipy.special import gammaln

    a = np.asarray(counts, np.float64)
    x = np.asarray(expected, np.float64)

    def nll(log_c: float) -> float:
        c = np.exp(log_c)
        return -float(np.sum(gammaln(a + c) - gammaln(c) + c * np.log(c / (c + x))
                             + a * np.log(x / (c + x))))

    lo, hi = np.log(STRENGTH_BOUNDS[0]), np.log(STRENGTH_BOUNDS[1])
    res = minimize_scalar(nll, bounds=(lo, hi), method="bounded", options={"xatol": 1e-4})
    return float(np.exp(res.x))
