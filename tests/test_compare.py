import math
import warnings

import numpy as np
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from influence_graph.compare.metrics import (
    DegenerateMetricWarning,
    MetricComparison,
    _bootstrap_group,
    compare_metrics,
    default_metrics,
    rank_biased_overlap,
)
from influence_graph.exceptions import InputValidationError


def random_table(n, seed=0, ties=True):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    y = 0.5 * x + rng.normal(size=n)
    z = rng.integers(0, 5, size=n) if ties else rng.normal(size=n)  # heavy ties
    return pl.DataFrame(
        {"user": [f"u{i:05d}" for i in range(n)], "x": x, "y": y, "z": z.astype(float)}
    )


# ---------------------------------------------------------------- equality with scipy


def test_correlations_equal_scipy():
    t = random_table(300, seed=1)
    cmp = compare_metrics(t, ["x", "y", "z"], n_boot=20, seed=0)
    assert cmp.correlations.height == 3
    for row in cmp.correlations.iter_rows(named=True):
        a, b = t[row["metric_a"]].to_numpy(), t[row["metric_b"]].to_numpy()
        assert abs(row["spearman"] - stats.spearmanr(a, b).statistic) < 1e-12
        assert abs(row["kendall"] - stats.kendalltau(a, b, variant="b").statistic) < 1e-12
        assert row["n"] == 300 and row["n_dropped"] == 0


def test_vectorised_bootstrap_spearman_equals_scipy_per_resample():
    t = random_table(150, seed=2)
    values = t.select("x", "z").to_numpy()
    out = _bootstrap_group(values, [(0, 1)], ("spearman", "kendall"), 5, 150, 1234)
    # replay the same resamples
    rng = np.random.Generator(np.random.PCG64(1234))
    idx = rng.integers(0, 150, size=(5, 150))
    for j in range(5):
        xa, xb = values[idx[j], 0], values[idx[j], 1]
        assert abs(out[(0, 1)]["spearman"][j] - stats.spearmanr(xa, xb).statistic) < 1e-12
        assert abs(out[(0, 1)]["kendall"][j] - stats.kendalltau(xa, xb).statistic) < 1e-12


def test_nulls_dropped_pairwise_and_counted():
    t = random_table(100, seed=3).with_columns(
        pl.when(pl.int_range(pl.len()) % 10 == 0).then(None).otherwise(pl.col("x")).alias("x"),
        pl.when(pl.int_range(pl.len()) % 7 == 0)
        .then(float("nan"))
        .otherwise(pl.col("y"))
        .alias("y"),
    )
    cmp = compare_metrics(t, ["x", "y", "z"], n_boot=10, seed=0)
    rows = {(r["metric_a"], r["metric_b"]): r for r in cmp.correlations.iter_rows(named=True)}
    assert rows[("x", "z")]["n_dropped"] == 10
    assert rows[("y", "z")]["n_dropped"] == 15  # multiples of 7 in 0..99
    assert rows[("x", "y")]["n_dropped"] == 10 + 15 - 2  # 0 and 70 counted once
    x, y = t["x"].to_numpy(), t["y"].to_numpy()
    ok = ~(np.isnan(x.astype(float)) | np.isnan(y))
    assert abs(rows[("x", "y")]["spearman"] - stats.spearmanr(x[ok], y[ok]).statistic) < 1e-12
    assert rows[("x", "y")]["n"] == int(ok.sum())


# ---------------------------------------------------------------- intervals


def test_intervals_contain_estimate_and_shrink_with_more_users():
    widths = []
    for n in (80, 2000):
        cmp = compare_metrics(random_table(n, seed=4), ["x", "y"], n_boot=200, seed=1)
        r = cmp.correlations.row(0, named=True)
        for m in ("spearman", "kendall"):
            assert r[f"{m}_low"] <= r[m] <= r[f"{m}_high"]
        widths.append(r["spearman_high"] - r["spearman_low"])
    assert widths[1] < widths[0] / 2  # sqrt(2000/80) = 5 times narrower in theory


def test_m_out_of_n_bootstrap_matches_full_bootstrap_width():
    t = random_table(4000, seed=5)
    opts = dict(methods="spearman", n_boot=200, seed=2)
    full = compare_metrics(t, ["x", "y"], **opts).correlations.row(0, named=True)
    sub = compare_metrics(t, ["x", "y"], boot_size=500, **opts).correlations.row(0, named=True)
    w_full = full["spearman_high"] - full["spearman_low"]
    w_sub = sub["spearman_high"] - sub["spearman_low"]
    assert sub["spearman_low"] <= sub["spearman"] <= sub["spearman_high"]
    assert 0.7 < w_sub / w_full < 1.4
    assert full["spearman"] == sub["spearman"]


def test_seed_reproduces_intervals():
    t = random_table(200, seed=6)
    a = compare_metrics(t, ["x", "y"], n_boot=50, seed=9).correlations
    b = compare_metrics(t, ["x", "y"], n_boot=50, seed=9).correlations
    c = compare_metrics(t, ["x", "y"], n_boot=50, seed=10).correlations
    assert a.equals(b)
    assert not a.equals(c)


def test_no_bootstrap_gives_nan_bounds():
    r = compare_metrics(random_table(50), ["x", "y"], n_boot=0).correlations.row(0, named=True)
    assert math.isnan(r["spearman_low"]) and math.isnan(r["kendall_high"])
    assert math.isfinite(r["spearman"])


def test_methods_select_columns():
    cmp = compare_metrics(random_table(50), ["x", "y"], methods=["kendall"], n_boot=5, seed=0)
    assert "spearman" not in cmp.correlations.columns
    assert {"kendall", "kendall_low", "kendall_high"} <= set(cmp.correlations.columns)


# ---------------------------------------------------------------- agreement / overlap


def test_same_metric_twice_is_perfect_agreement():
    t = random_table(300, seed=7)
    cmp = compare_metrics(t, ["z", "z"], k=(10, 100, 1000), n_boot=50, seed=0)
    r = cmp.correlations.row(0, named=True)
    assert r["spearman"] == pytest.approx(1.0, abs=1e-12)
    assert r["kendall"] == pytest.approx(1.0, abs=1e-12)
    assert r["spearman_low"] == pytest.approx(1.0) and r["kendall_high"] == pytest.approx(1.0)
    assert cmp.overlap["jaccard"].to_list() == [1.0, 1.0, 1.0]
    assert cmp.overlap["rbo"].to_list() == pytest.approx([1.0, 1.0, 1.0], abs=1e-12)
    assert cmp.disagreement.height == 0


def test_topk_jaccard_and_rbo_hand_computed():
    # ranking by a: u1 u2 u3 u4 u5; by b: u2 u1 u5 u3 u4
    t = pl.DataFrame({"user": ["u1", "u2", "u3", "u4", "u5"],
                      "a": [5.0, 4.0, 3.0, 2.0, 1.0], "b": [4.0, 5.0, 2.0, 1.0, 3.0]})
    cmp = compare_metrics(t, ["a", "b"], k=(1, 2, 3), n_boot=0, rbo_p=0.5)
    ov = cmp.overlap.sort("k")
    assert ov["jaccard"].to_list() == pytest.approx([0.0, 1.0, 0.5])  # {u1,u2,u3} vs {u1,u2,u5}
    # X_1 = 0, X_2 = 2, X_3 = 2: RBO_ext@3 = (2/3)p^3 + ((1-p)/p) (0 + p^2 + (2/3)p^3)
    p = 0.5
    want = (2 / 3) * p**3 + (1 - p) / p * (p**2 + (2 / 3) * p**3)
    assert ov["rbo"][2] == pytest.approx(want, abs=1e-12)
    direct = rank_biased_overlap(["u1", "u2", "u3"], ["u2", "u1", "u5"], p=0.5)
    assert ov["rbo"][2] == pytest.approx(direct)


def test_ties_at_cut_broken_by_user():
    t = pl.DataFrame(
        {"user": ["d", "c", "b", "a"], "x": [1.0, 1.0, 1.0, 2.0], "y": [4.0, 3.0, 2.0, 1.0]}
    )
    # top-2 by x: a, then b (first of the tied b, c, d); by y: d, c
    cmp = compare_metrics(t, ["x", "y"], k=2, n_boot=0)
    assert cmp.overlap["jaccard"][0] == 0.0


def test_rank_biased_overlap_known_values():
    assert rank_biased_overlap("abc", "abc", p=0.7) == pytest.approx(1.0)
    assert rank_biased_overlap("abc", "xyz") == 0.0
    # uneven lengths: evaluated to the shorter depth
    assert rank_biased_overlap("ab", "abzz"[:3]) == pytest.approx(1.0)
    with pytest.raises(InputValidationError):
        rank_biased_overlap("aab", "abc")
    with pytest.raises(InputValidationError):
        rank_biased_overlap("ab", "ab", p=1.0)


# ---------------------------------------------------------------- disagreement


def test_disagreement_ranks_values_and_intervals():
    t = pl.DataFrame({
        "user": ["loud", "quiet", "c", "d", "e"],
        "actions": [100, 1, 10, 5, 3],
        "spread": [1.0, 50.0, 3.0, 2.0, 1.5],
        "ci_low": [1.0, 40.0, 2.0, 1.5, 1.0],
        "ci_high": [1.1, 60.0, 4.0, 2.5, 2.0],
    })
    cmp = compare_metrics(t, ["actions", "spread"], k=1, n_boot=0)
    d = cmp.disagreement
    assert d["user"].to_list()[:2] == ["loud", "quiet"]
    loud = d.row(0, named=True)
    assert (loud["rank_a"], loud["rank_b"], loud["higher_by"]) == (1, 5, "actions")
    assert loud["log10_rank_ratio"] == pytest.approx(math.log10(5))
    assert loud["ci_low_b"] == 1.0 and loud["ci_high_b"] == 1.1
    assert loud["ci_low_a"] is None  # actions has no interval
    quiet = d.row(1, named=True)
    assert (quiet["rank_a"], quiet["rank_b"], quiet["higher_by"]) == (5, 1, "spread")
    assert (quiet["value_b"], quiet["ci_low_b"], quiet["ci_high_b"]) == (50.0, 40.0, 60.0)


def test_to_polars_long_format():
    cmp = compare_metrics(random_table(60), ["x", "y", "z"], k=(5, 10), n_boot=5, seed=0)
    long = cmp.to_polars()
    assert long.height == 3 * 2 + 3 * 2 * 2
    assert set(long["statistic"]) == {"spearman", "kendall", "jaccard", "rbo"}
    assert long.filter(pl.col("statistic") == "rbo")["low"].null_count() == 6
    assert isinstance(cmp, MetricComparison) and "pairs=3" in repr(cmp)


# ---------------------------------------------------------------- degenerate input


def test_constant_column_gives_nan_and_warns():
    t = random_table(30).with_columns(pl.lit(2.0).alias("const"))
    with pytest.warns(DegenerateMetricWarning, match="'const' is constant"):
        cmp = compare_metrics(t, ["x", "const", "y"], n_boot=10, seed=0)
    rows = {(r["metric_a"], r["metric_b"]): r for r in cmp.correlations.iter_rows(named=True)}
    assert math.isnan(rows[("x", "const")]["spearman"])
    assert math.isnan(rows[("x", "const")]["kendall_low"])
    assert math.isfinite(rows[("x", "y")]["spearman"])
    assert cmp.overlap.filter(pl.col("metric_b") == "const")["jaccard"].is_nan().all()


def test_too_few_complete_users_warns():
    t = pl.DataFrame({"user": list("abcd"), "x": [1.0, 2.0, None, None], "y": [1.0, 2.0, 3.0, 4.0]})
    with pytest.warns(DegenerateMetricWarning, match="only 2 users"):
        r = compare_metrics(t, ["x", "y"], n_boot=10).correlations.row(0, named=True)
    assert r["n"] == 2 and r["n_dropped"] == 2 and math.isnan(r["spearman"])


@pytest.mark.parametrize(
    ("table", "metrics", "rule"),
    [
        (pl.DataFrame({"id": ["a"], "x": [1.0]}), ["x", "x"], "MISSING_COLUMN"),
        (pl.DataFrame({"user": ["a"], "x": [1.0]}), ["x", "nope"], "MISSING_COLUMN"),
        (pl.DataFrame({"user": ["a"], "x": [1.0], "s": ["t"]}), ["x", "s"], "BAD_PARAM"),
        (pl.DataFrame({"user": ["a"], "x": [1.0]}), ["x"], "BAD_PARAM"),
        (pl.DataFrame({"user": ["a", "a"], "x": [1.0, 2.0], "y": [1, 2]}), None, "DUP_USER"),
        (pl.DataFrame({"user": ["a", None], "x": [1.0, 2.0], "y": [1, 2]}), None, "ID_MISSING"),
    ],
)
def test_bad_tables_raise_with_rule(table, metrics, rule):
    with pytest.raises(InputValidationError) as e:
        compare_metrics(table, metrics, n_boot=0)
    assert e.value.rule == rule


def test_bad_options_raise():
    t = random_table(20)
    with pytest.raises(InputValidationError):
        compare_metrics(t, ["x", "y"], methods=["pearson"])
    with pytest.raises(InputValidationError):
        compare_metrics(t, ["x", "y"], k=0)
    with pytest.raises(InputValidationError):
        compare_metrics(t, ["x", "y"], confidence=1.0)
    with pytest.raises(TypeError):
        compare_metrics(t.to_dict(), ["x", "y"])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        compare_metrics(t, "x")


def test_default_metrics_skip_uncertainty_columns():
    t = pl.DataFrame({"user": ["a", "b", "c"], "spread": [1.0, 2.0, 3.0], "se": [0.1] * 3,
                      "ci_low": [0.9] * 3, "ci_high": [1.1] * 3, "rank": [3, 2, 1],
                      "followers": [3, 1, 2], "pagerank_se": [0.0] * 3,
                      "loud": [True, False, True]})
    assert default_metrics(t) == ["spread", "followers"]
    assert compare_metrics(t, n_boot=0).metrics == ("spread", "followers")


# ---------------------------------------------------------------- invariances (hypothesis)

_col = st.lists(st.integers(-20, 20), min_size=6, max_size=40)


@given(data=st.data())
def test_monotone_transform_changes_nothing(data):
    n = data.draw(st.integers(6, 40))
    x = data.draw(st.lists(st.integers(-20, 20), min_size=n, max_size=n))
    y = data.draw(st.lists(st.integers(-20, 20), min_size=n, max_size=n))
    transforms = [lambda v: 3 * v + 7, lambda v: v**3, lambda v: np.exp(v / 4)]
    transform = data.draw(st.sampled_from(transforms))
    t = pl.DataFrame(
        {"user": [f"u{i}" for i in range(n)], "x": np.array(x, float), "y": np.array(y, float)}
    )
    t2 = t.with_columns(pl.Series("x", transform(np.array(x, float))))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateMetricWarning)
        a = compare_metrics(t, ["x", "y"], k=(3, 10), n_boot=30, seed=4)
        b = compare_metrics(t2, ["x", "y"], k=(3, 10), n_boot=30, seed=4)
    assert a.correlations.equals(b.correlations)
    assert a.overlap.equals(b.overlap)
    assert a.disagreement.drop("value_a").equals(b.disagreement.drop("value_a"))


@given(x=_col, perm_seed=st.integers(0, 2**32 - 1))
def test_row_order_changes_nothing(x, perm_seed):
    n = len(x)
    rng = np.random.default_rng(perm_seed)
    t = pl.DataFrame({"user": [f"u{i}" for i in range(n)], "x": np.array(x, float),
                      "y": np.arange(n, dtype=float) % 5})
    shuffled = t[rng.permutation(n)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateMetricWarning)
        a = compare_metrics(t, ["x", "y"], k=(2, 5), n_boot=30, seed=1)
        b = compare_metrics(shuffled, ["x", "y"], k=(2, 5), n_boot=30, seed=1)
    assert a.correlations.equals(b.correlations)
    assert a.overlap.equals(b.overlap)
    assert a.disagreement.equals(b.disagreement)


def test_unseeded_run_records_entropy_that_reproduces_it():
    t = random_table(100, seed=8)
    a = compare_metrics(t, ["x", "y"], n_boot=40)
    entropy = a.settings["seed"]["entropy"]
    b = compare_metrics(t, ["x", "y"], n_boot=40, seed=entropy)
    assert a.correlations.equals(b.correlations)
