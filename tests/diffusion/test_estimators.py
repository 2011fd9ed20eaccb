import numpy as np
import polars as pl
import pytest
from diffusion_graphs import SMALL_GRAPHS, table

import influence_graph as ig
from influence_graph.diffusion import to_probability_graph
from influence_graph.diffusion._stopping import StopRule
from influence_graph.diffusion.ris import ris_estimate
from influence_graph.diffusion.spread import SCHEMA
from influence_graph.exceptions import InputValidationError, MemoryBudgetError


@pytest.mark.parametrize("estimator", ["ris", "monte_carlo"])
@pytest.mark.parametrize("model", ["ic", "lt"])
def test_interval_contains_exact_value(small_graph, estimator, model):
    name, frame, users, ic, lt = small_graph
    want = ic if model == "ic" else lt
    res = ig.expected_spread(frame, users=users, model=model, estimator=estimator,
                             rel_error=0.02, confidence=0.9999, top_k=None, seed=11, n_jobs=1)
    assert res.target_met and res.stop_reason == "target"
    for row in res.table.iter_rows(named=True):
        exact = want[row["user"]]
        assert row["ci_low"] <= exact <= row["ci_high"], (name, row)
        assert abs(row["spread"] - exact) <= 4 * row["se"] + 1e-12, (name, row)
        assert row["spread"] >= 1.0 and row["ci_low"] >= 1.0


def test_result_contract():
    name = "mixed_isolated"
    rows, users, ic, _ = SMALL_GRAPHS[name]
    res = ig.expected_spread(table(rows), users=users, seed=0, n_jobs=1)
    t = res.to_polars()
    assert dict(t.schema) == SCHEMA
    assert t["user"].to_list() == sorted(ic) and t.null_count().sum_horizontal()[0] == 0
    assert (t["ci_low"] <= t["spread"]).all() and (t["spread"] <= t["ci_high"]).all()
    assert np.allclose(t["outward"], t["spread"] - 1)
    z = t.filter(pl.col("user") == "z").row(0, named=True)
    assert (z["spread"], z["se"], z["ci_low"], z["ci_high"]) == (1.0, 0.0, 1.0, 1.0)
    assert t.sort("rank")["user"][0] == "b" and t["rank"].min() == 1
    assert (t["n_samples"] == res.n_samples).all()
    assert res.model == "ic" and res.estimator == "ris" and res.confidence == 0.95
    assert res.target == "top_k=100 at rel_error=0.05"
    prov = res.provenance
    assert prov["seed"] == {"entropy": 0, "spawn_key": []}
    assert len(prov["input_sha256"]) == 64 and prov["model_version"] == ig.model_version
    assert prov["run"]["rr_sets"] == res.n_samples


def test_same_seed_bit_identical_and_shuffle_invariant():
    rng = np.random.default_rng(5)
    n = 300
    src, tgt = rng.integers(0, n, 3000), rng.integers(0, n, 3000)
    frame = pl.DataFrame({"source": src.astype(str), "target": tgt.astype(str),
                          "p": rng.choice([0.05, 0.1, 0.2], 3000)}).filter(
        pl.col("source") != pl.col("target")).unique(["source", "target"], maintain_order=True)
    kw = dict(seed=42, n_jobs=1, top_k=20, rel_error=0.05)
    a = ig.expected_spread(frame, **kw).table
    b = ig.expected_spread(frame, **kw).table
    c = ig.expected_spread(frame.sample(fraction=1.0, shuffle=True, seed=1), **kw).table
    for col in ("spread", "se", "ci_low", "ci_high"):
        assert np.array_equal(a[col].to_numpy(), b[col].to_numpy())
        assert np.array_equal(a[col].to_numpy(), c[col].to_numpy())
    d = ig.expected_spread(frame, **{**kw, "seed": 43}).table
    assert not np.array_equal(a["spread"].to_numpy(), d["spread"].to_numpy())


def test_geometric_skip_and_coins_agree_in_distribution():
    # hub's in-edges share p = .1 (geometric skip); a twin hub has p = .1 and .1000001 (coins)
    k = 40
    rows = [(f"s{i}", "hub", 0.1) for i in range(k)]
    rows += [(f"s{i}", "twin", 0.1 if i else 0.1000001) for i in range(k)]
    g = to_probability_graph(table(rows))
    sp = g.in_shared_p
    code = {u: i for i, u in enumerate(g.users.to_list())}
    assert sp[code["hub"]] == 0.1 and sp[code["twin"]] == -1.0
    est = ris_estimate(g, "ic", StopRule(rel_error=1e-9, top_k=None, max_samples=400_000), seed=3)
    # each source reaches hub and twin with prob .1: spread 1.2 (twin differs by 1e-7)
    s = est.spread[[code[f"s{i}"] for i in range(k)]]
    se = est.se[[code[f"s{i}"] for i in range(k)]]
    assert np.all(np.abs(s - 1.2) <= 4.5 * se)
    # counts through hub (skip) vs twin (coins) have the same mean: compare pooled outward
    assert abs(s.mean() - 1.2) <= 4 * np.sqrt((se**2).sum()) / k


def test_stopping_rules_and_budgets():
    rows, users, ic, _ = SMALL_GRAPHS["dag"]
    frame = table(rows)
    capped = ig.expected_spread(frame, rel_error=1e-4, top_k=None, max_samples=10_000, seed=1,
                                n_jobs=1)
    assert capped.n_samples == 10_000 and capped.stop_reason == "max_samples"
    assert not capped.target_met and capped.rel_error_reached > 1e-4
    timed = ig.expected_spread(frame, rel_error=1e-5, top_k=None, max_seconds=0.5, seed=1,
                               n_jobs=1)
    assert timed.stop_reason == "max_seconds" and not timed.target_met
    top1 = ig.expected_spread(frame, rel_error=0.01, top_k=1, seed=1, n_jobs=1)
    assert top1.target_met and top1.target == "top_k=1 at rel_error=0.01"
    hi = top1.table.filter(pl.col("rank") == 1).row(0, named=True)
    assert hi["user"] == "a" and (hi["ci_high"] - hi["ci_low"]) / 2 <= 0.01 * hi["spread"] * 1.0001
    ms = ig.expected_spread(frame, rel_error=0.02, min_spread=2.0, seed=1, n_jobs=1)
    assert ms.target == "min_spread=2 at rel_error=0.02" and ms.target_met
    out = ig.expected_spread(frame, rel_error=0.02, top_k=None, relative_to="outward", seed=1,
                             n_jobs=1)
    t = out.table.filter(pl.col("outward") > 0)
    half = np.maximum(t["ci_high"] - t["spread"], t["spread"] - t["ci_low"])
    assert out.target_met and (half / t["outward"]).max() <= 0.02


def test_memory_budget_refuses_before_allocating():
    rows, *_ = SMALL_GRAPHS["dag"]
    with pytest.raises(MemoryBudgetError) as err:
        ig.expected_spread(table(rows), max_memory=100, seed=0)
    assert err.value.budget == 100 and err.value.estimate > 100
    assert "max_memory" in str(err.value)


@pytest.mark.parametrize(
    ("kw", "name"),
    [({"model": "sir"}, "model"), ({"estimator": "bfs"}, "estimator"),
     ({"rel_error": 0}, "rel_error"), ({"confidence": 1.0}, "confidence"),
     ({"top_k": 0}, "top_k"), ({"min_spread": 0.5}, "min_spread"),
     ({"max_samples": 0}, "max_samples"), ({"max_seconds": -1}, "max_seconds"),
     ({"n_jobs": 0}, "n_jobs"), ({"interval": "wald"}, "interval")],
)
def test_bad_parameters(kw, name):
    rows, *_ = SMALL_GRAPHS["path"]
    with pytest.raises(InputValidationError) as err:
        ig.expected_spread(table(rows), **kw)
    assert err.value.rule == "BAD_PARAM" and err.value.column == name


def test_lt_weight_sum_error_names_nodes():
    frame = table([("a", "c", 0.7), ("b", "c", 0.6), ("a", "d", 0.5)])
    with pytest.raises(InputValidationError) as err:
        ig.expected_spread(frame, model="lt")
    assert err.value.rule == "LT_WEIGHT_SUM" and "'c'" in str(err.value)
    assert err.value.counts == {"LT_WEIGHT_SUM": 1}
    # within the 1e-9 tolerance is fine
    ok = table([("a", "c", 0.5), ("b", "c", 0.5 + 5e-10)])
    assert ig.expected_spread(ok, model="lt", estimator="exact").target_met


def test_jeffreys_interval_option():
    rows, _, ic, _ = SMALL_GRAPHS["star"]
    res = ig.expected_spread(table(rows), interval="jeffreys", top_k=None, seed=2, n_jobs=1,
                             confidence=0.999)
    hub = res.table.filter(pl.col("user") == "hub").row(0, named=True)
    assert hub["ci_low"] <= 2.5 <= hub["ci_high"]
    assert res.provenance["settings"]["interval"] == "jeffreys"


def test_no_edges_at_all():
    res = ig.expected_spread(table([]), users=["b", "a"], seed=0)
    assert res.table["spread"].to_list() == [1.0, 1.0] and res.target_met
    assert res.table["user"].to_list() == ["a", "b"]
