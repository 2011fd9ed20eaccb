"""Interval coverage over seeded replicates (RELIABILITY S2/S3)."""

import numpy as np
import pytest
from diffusion_graphs import SMALL_GRAPHS, table
from scipy import stats

from influence_graph.diffusion import to_probability_graph
from influence_graph.diffusion.monte_carlo import mc_estimate
from influence_graph.diffusion.ris import ris_estimate


def band(reps: int, nominal: float = 0.95, alpha: float = 0.001) -> tuple[float, float]:
    """Acceptance region of the observed coverage: central 1 - alpha of Binomial(reps, nominal)."""
    lo = stats.binom.ppf(alpha / 2, reps, nominal) / reps
    hi = stats.binom.ppf(1 - alpha / 2, reps, nominal) / reps
    return lo, hi


def coverage(estimate, g, user_code, truth, reps, **kw):
    hits = low_miss = high_miss = 0
    for seed in range(reps):
        est = estimate(g, "ic", rel_error=1e-9, confidence=0.95, top_k=None, min_spread=None,
                       max_seconds=None, seed=seed, **kw)
        lo, hi = est.ci_low[user_code], est.ci_high[user_code]
        hits += lo <= truth <= hi
        low_miss += truth < lo
        high_miss += truth > hi
    return hits / reps, low_miss / reps, high_miss / reps


def _dag():
    rows, _, ic, _ = SMALL_GRAPHS["dag"]
    return to_probability_graph(table(rows)), 0, ic["a"]  # user "a" has code 0


def _small_sigma():
    # sigma(v)/n < 0.01 (RELIABILITY S3): v reaches w with p = .5 among 200 users
    g = to_probability_graph(table([("v", "w", 0.5)]), users=[f"x{i:03d}" for i in range(198)])
    return g, int(g.codes(["v"])[0]), 1.5


CASES = {
    "ris_dag": (ris_estimate, _dag, {"max_samples": 2000}),
    "ris_small_sigma": (ris_estimate, _small_sigma, {"max_samples": 2000}),
    "mc_dag_min_R": (mc_estimate, _dag, {"max_samples": 100}),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_coverage_200_replicates_in_binomial_band(case):
    estimate, make, kw = CASES[case]
    g, code, truth = make()
    cov, low_miss, high_miss = coverage(estimate, g, code, truth, 200, **kw)
    lo, hi = band(200)
    assert lo <= cov <= hi, (case, cov, (lo, hi))
    assert max(low_miss, high_miss) <= 0.075, (case, low_miss, high_miss)


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(CASES))
def test_coverage_1000_replicates(case):
    estimate, make, kw = CASES[case]
    g, code, truth = make()
    cov, low_miss, high_miss = coverage(estimate, g, code, truth, 1000, **kw)
    assert 0.932 <= cov <= 0.968, (case, cov)
    assert max(low_miss, high_miss) <= 0.05


def test_band_matches_reliability_guide():
    lo, hi = band(1000, alpha=0.01)
    assert abs(lo - 0.932) <= 0.002 and abs(hi - 0.968) <= 0.002


def test_stopped_runs_cover_and_are_unbiased():
    # S6/S4: after the data-dependent stopping rule the intervals still cover the exact
    # value at the nominal rate, every run meets its precision, and the mean estimate
    # is unbiased within 4 standard errors.
    g, code, truth = _dag()
    reps = 200
    est = [ris_estimate(g, "ic", rel_error=0.05, confidence=0.95, top_k=None, min_spread=None,
                        max_samples=None, max_seconds=None, seed=1000 + s) for s in range(reps)]
    hits = sum(e.ci_low[code] <= truth <= e.ci_high[code] for e in est) / reps
    lo, hi = band(reps)
    assert lo <= hits <= hi, hits
    assert all(e.target_met and e.rel_error_reached <= 0.05 for e in est)
    values = np.array([e.spread[code] for e in est])
    assert abs(values.mean() - truth) <= 4 * values.std(ddof=1) / np.sqrt(reps)


def test_exact_binomial_coverage_wilson_vs_wald_negative_control():
    # S3 without simulation noise: exact coverage of the interval on q' = (sigma - 1)/n
    # for the small-sigma user above (q' = .0025, theta = 2000), summed over the
    # Binomial(theta, q') distribution of the RIS count. Wald is the negative control.
    from influence_graph.diffusion.intervals import wilson, z_value

    theta, q = 2000, 0.5 / 200
    c = np.arange(0, 200)
    pmf = stats.binom.pmf(c, theta, q)
    lo, hi = wilson(c, theta, 0.95)
    wilson_cov = float((pmf * ((lo <= q) & (q <= hi))).sum())
    qh = c / theta
    half = z_value(0.95) * np.sqrt(qh * (1 - qh) / theta)
    wald_cov = float((pmf * ((qh - half <= q) & (q <= qh + half))).sum())
    assert wilson_cov >= 0.94
    assert wald_cov <= 0.90
