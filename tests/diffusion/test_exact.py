import numpy as np
import polars as pl
import pytest
from diffusion_graphs import SMALL_GRAPHS, reach_size, table

import influence_graph as ig
from influence_graph.diffusion import to_probability_graph
from influence_graph.diffusion.exact import exact_spread
from influence_graph.exceptions import EstimatorError


def _spreads(res):
    return dict(res.table.select("user", "spread").iter_rows())


@pytest.mark.parametrize("model", ["ic", "lt"])
def test_exact_matches_closed_forms(small_graph, model):
    name, frame, users, ic, lt = small_graph
    res = ig.expected_spread(frame, users=users, model=model, estimator="exact")
    want = ic if model == "ic" else lt
    got = _spreads(res)
    assert set(got) == set(want)
    for u, v in want.items():
        assert abs(got[u] - v) <= 1e-12, (name, u, got[u], v)
    t = res.table
    assert (t["se"] == 0).all() and (t["ci_low"] == t["spread"]).all()
    assert (t["ci_high"] == t["spread"]).all()
    assert res.stop_reason == "exact" and res.target_met and res.rel_error_reached == 0.0


def test_exact_p01_equals_reachable_set_size():
    rows = SMALL_GRAPHS["p01"][0]
    res = ig.expected_spread(table(rows), estimator="exact")
    for user, spread in res.table.select("user", "spread").iter_rows():
        assert spread == reach_size(rows, user, live=lambda r: r[2] == 1.0)
    assert res.n_samples == 1  # no uncertain edge: one world


def test_exact_counts_worlds_and_refuses_large_inputs():
    rows = [(f"u{i}", f"u{i + 1}", 0.5) for i in range(21)]
    with pytest.raises(EstimatorError, match="2\\^21 live-edge worlds"):
        ig.expected_spread(table(rows), estimator="exact")
    res = ig.expected_spread(table(rows[:20]), estimator="exact")
    assert res.n_samples == 2**20
    # path with p = 1/2: sigma(u0) = sum_{k=0}^{20} 2^-k
    assert abs(res.table.filter(pl.col("user") == "u0")["spread"][0] - (2 - 2.0**-20)) < 1e-12


def test_exact_lt_refuses_too_many_worlds():
    # 21 nodes each with two in-edges of weight .5 -> 2^21 choice combinations
    rows = []
    for i in range(21):
        rows += [(f"s{i}", f"t{i}", 0.5), (f"r{i}", f"t{i}", 0.5)]
    with pytest.raises(EstimatorError, match="LT"):
        exact_spread(to_probability_graph(table(rows)), "lt")


def test_exact_lt_none_option_and_repeat():
    # b has in-weights .3 (from a) and .5 (from c): a reaches b w.p. .3, b reaches d w.p. 1
    rows = [("a", "b", 0.3), ("c", "b", 0.5), ("b", "d", 1.0)]
    spread, worlds = exact_spread(to_probability_graph(table(rows)), "lt")
    assert worlds == 3  # b keeps a, c or nothing; d keeps b
    assert np.allclose(spread, [1 + 0.3 * 2, 2.0, 1 + 0.5 * 2, 1.0], rtol=0, atol=1e-12)
