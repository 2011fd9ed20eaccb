"""Congress (measured probabilities): all members at 1 % and agreement with long Monte Carlo."""

import time

import numpy as np
import pytest
from scipy.stats import norm
from diffusion_graphs import congress_table

import influence_graph as ig

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def congress(congress_dir):
    return congress_table(congress_dir)


#: two-sided z with family-wise error 0.01 over Congress's 475 members
BONFERRONI_Z = float(norm.isf(0.01 / (2 * 475)))


def _agree(a, b, z):
    """Every user's estimates differ by at most z combined standard errors."""
    d = np.abs(a["spread"].to_numpy() - b["spread"].to_numpy())
    s = np.sqrt(a["se"].to_numpy() ** 2 + b["se"].to_numpy() ** 2)
    return np.all(d <= z * s + 1e-12), float(np.max(d / np.maximum(s, 1e-300)))


def test_all_members_at_one_percent_and_agree_with_monte_carlo(congress):
    ig.expected_spread(congress.head(50), seed=0, max_samples=10_000)  # warm the kernels
    t0 = time.perf_counter()
    ris = ig.expected_spread(congress, top_k=None, rel_error=0.01, seed=2023)
    seconds = time.perf_counter() - t0
    print(f"\ncongress RIS all users at 1%: {seconds:.2f}s wall, theta={ris.n_samples:,}, "
          f"rel_error_reached={ris.rel_error_reached:.4f}")
    t = ris.table
    assert t.height == 475 and ris.target_met and ris.rel_error_reached <= 0.01
    half = np.maximum(t["ci_high"] - t["spread"], t["spread"] - t["ci_low"])
    assert (half / t["spread"]).max() <= 0.01
    mc = ig.expected_spread(congress, estimator="monte_carlo", top_k=None, rel_error=0.02,
                            seed=7)
    # family-wise over 475 users, two-sided: Bonferroni z for alpha = 0.01 (4.25; the
    # constant 4.0 used before was alpha = 0.03). Small-outward users make the Monte
    # Carlo standard errors optimistic (skewed sizes), so the test is strict, not lax.
    ok, worst = _agree(ris.table, mc.table, z=BONFERRONI_Z)
    assert ok, worst
    # ranks agree closely at the top (independent estimators)
    top_ris = set(t.sort("rank").head(10)["user"])
    top_mc = set(mc.table.sort("rank").head(10)["user"])
    assert len(top_ris & top_mc) >= 8


@pytest.mark.slow
def test_congress_matches_long_monte_carlo_at_half_percent(congress):
    ris = ig.expected_spread(congress, top_k=None, rel_error=0.005, seed=1)
    mc = ig.expected_spread(congress, estimator="monte_carlo", top_k=None, rel_error=0.005,
                            seed=2)
    ok, worst = _agree(ris.table, mc.table, z=BONFERRONI_Z)
    assert ris.target_met and mc.target_met and ok, worst


def test_ranking_matches_viral_centrality(congress):
    # Fink et al. (2023): viral centrality is a message-passing approximation of IC that
    # is accurate on Congress (spectral radius ~0.21). Rank by outward spread.
    from scipy.stats import spearmanr

    vc_fn = getattr(ig, "viral_centrality", None)
    if vc_fn is None:  # pragma: no cover - structural module not built yet
        pytest.skip("influence_graph.viral_centrality not available")
    vc = vc_fn(congress, tol=1e-9)
    ris = ig.expected_spread(congress, top_k=None, rel_error=0.005, seed=5)
    j = ris.table.join(vc, on="user")
    assert j.height == 475
    rho = spearmanr(j["outward"], j["viral_centrality"]).statistic
    assert rho >= 0.999, rho
