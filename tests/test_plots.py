import os
import subprocess
import sys
import tempfile

import numpy as np
import polars as pl
import pytest
from matplotlib.figure import Figure

from influence_graph.report import plots
from influence_graph.compare import compare_metrics


@pytest.fixture(scope="module")
def table():
    rng = np.random.default_rng(0)
    n = 200
    actions = rng.poisson(3, n)
    spread = 1 + rng.exponential(2, n)
    flag = np.where(actions > 6, "loud", np.where(spread > 8, "quiet", None))
    return pl.DataFrame({
        "user": [f"u{i:03d}" for i in range(n)],
        "actions": actions,
        "followers": rng.poisson(20, n),
        "spread": spread,
        "ci_low": spread * 0.8,
        "ci_high": spread * 1.2,
        "flag": flag,
    })


@pytest.fixture(scope="module")
def comparison(table):
    return compare_metrics(table, ["actions", "followers", "spread"], k=(5, 20), n_boot=20, seed=0)


def test_rank_rank(table, tmp_path):
    fig = plots.rank_rank(table, "actions", "spread", highlight=["u000", "nobody"])
    assert isinstance(fig, Figure) and len(fig.axes) == 1
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert len(ax.collections) == 2  # all users + one highlighted user
    assert len(ax.texts) == 1
    fig.savefig(tmp_path / "rank.png")
    assert (tmp_path / "rank.png").stat().st_size > 1000


def test_heatmap_annotates_every_cell(comparison, tmp_path):
    fig = plots.correlation_heatmap(comparison)
    assert len(fig.axes) == 2  # heat map + colour bar
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert len(texts) == 9
    off_diagonal = [t for t in texts if t != "1"]
    assert all("[" in t for t in off_diagonal)  # intervals annotated
    fig.savefig(tmp_path / "heat.png")
    fig_k = comparison.plot("heatmap", method="kendall")
    assert "kendall" in fig_k.axes[0].get_title()


def test_heatmap_shows_na_for_degenerate_pair(table):
    t = table.with_columns(pl.lit(1.0).alias("const"))
    with pytest.warns(UserWarning):
        cmp = compare_metrics(t, ["actions", "const"], n_boot=5, seed=0)
    texts = [x.get_text() for x in plots.correlation_heatmap(cmp).axes[0].texts]
    assert texts.count("n/a") == 2


def test_overlap_curve(comparison, tmp_path):
    fig = plots.overlap_curve(comparison, n_points=10)
    ax = fig.axes[0]
    assert len(ax.get_legend().get_texts()) == 3
    assert len(ax.get_lines()) == 6  # a curve and the marked k per pair
    fig.savefig(tmp_path / "overlap.png")


def test_spread_intervals(table, tmp_path):
    fig = plots.spread_intervals(table, top=10)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    best = table.sort(["spread", "user"], descending=[True, False])["user"].head(10).to_list()
    assert labels == best
    fig.savefig(tmp_path / "spread.png")


def test_activity_vs_spread_highlights_groups(table, tmp_path):
    fig = plots.activity_vs_spread(table)
    ax = fig.axes[0]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[0] == "all users"
    assert any(x.startswith("loud (") for x in legend)
    assert any(x.startswith("quiet (") for x in legend)
    assert ax.get_xlabel() == "actions + 1"  # zeros shifted for the log axis
    fig.savefig(tmp_path / "avs.png")


def test_activity_vs_spread_boolean_flags(table):
    t = table.drop("flag").with_columns((pl.col("actions") > 6).alias("loud"))
    legend = [x.get_text() for x in plots.activity_vs_spread(t).axes[0].get_legend().get_texts()]
    assert len(legend) == 2 and legend[1].startswith("loud")


def test_draw_into_given_axes(table, comparison):
    fig = Figure()
    axes = fig.subplots(1, 3)
    assert plots.rank_rank(table, "actions", "spread", ax=axes[0]) is fig
    assert comparison.plot("overlap", ax=axes[1]) is fig
    assert comparison.plot("rank", metric_a="followers", metric_b="spread", ax=axes[2]) is fig
    assert len(fig.axes) == 3


def test_plot_kind_checked(comparison):
    with pytest.raises(ValueError):
        comparison.plot("pie")


def test_no_pyplot_state_and_headless():
    # importing and using the module never selects a backend or touches pyplot
    code = (
        "import sys, polars as pl\n"
        "from influence_graph.report import plots\n"
        "t = pl.DataFrame({'user': ['a','b','c'], 'spread': [1.0, 2.0, 3.0],"
        " 'ci_low': [1.0, 1.5, 2.0], 'ci_high': [1.0, 2.5, 4.0]})\n"
        "plots.spread_intervals(t).savefig(sys.argv[1])\n"
        "c = pl.DataFrame({'p': [1.0, 2.0, 3.0, 4.0], 'o': [1.0, 1.5, 2.0, 2.0]})\n"
        "fig = plots.reliability(c, predicted='p', observed='o', bins=2)\n"
        "fig.savefig(sys.argv[1] + '.r.png')\n"
        "assert 'matplotlib.pyplot' not in sys.modules\n"
    )
    env = {"MPLBACKEND": "", "DISPLAY": "", "PATH": "/usr/bin:/bin"}
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "x.png")
        r = subprocess.run([sys.executable, "-c", code, out], env={**os.environ, **env},
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stderr
        assert os.path.getsize(out) > 500


def test_figures_render_in_notebooks_as_png(table, comparison):
    for fig in (plots.rank_rank(table, "actions", "spread"), comparison.plot("heatmap"),
                plots.spread_intervals(table), plots.activity_vs_spread(table),
                plots.reliability(table, observed="followers")):
        assert isinstance(fig, plots.NotebookFigure)
        assert fig._repr_png_().startswith(b"\x89PNG")


def test_overlap_curve_passes_through_the_comparison_overlaps(comparison):
    ax = plots.overlap_curve(comparison, n_points=5).axes[0]
    lines = ax.get_lines()
    for curve, marks in zip(lines[0::2], lines[1::2]):
        xs, ys = curve.get_data()
        for k, j in zip(*marks.get_data()):
            assert ys[list(xs).index(k)] == pytest.approx(j)
    want = comparison.overlap.filter(
        pl.col("metric_a") == "actions", pl.col("metric_b") == "followers"
    )
    got = dict(zip(*lines[1].get_data()))
    for row in want.iter_rows(named=True):
        assert got[row["k"]] == pytest.approx(row["jaccard"])


def test_reliability_from_a_calibration_table(tmp_path):
    from influence_graph.compare.validity import calibration_table

    rng = np.random.default_rng(1)
    pred = 1 + rng.exponential(2, 300)
    obs = 0.5 * pred + rng.normal(0, 0.2, 300)  # over-predicts: below the diagonal
    users = pl.DataFrame({"spread": pred, "future": obs})
    cal = calibration_table(users, predicted="spread", observed="future", bins=5)
    fig = plots.reliability(cal)
    ax = fig.axes[0]
    diagonal, points = ax.get_lines()[:2]
    xd, yd = diagonal.get_data()
    assert list(xd) == list(yd)  # y = x
    assert xd[0] <= cal["predicted_mean"].min() and xd[-1] >= cal["predicted_mean"].max()
    xs, ys = points.get_data()
    assert list(xs) == pytest.approx(cal["predicted_mean"].to_list())
    assert list(ys) == pytest.approx(cal["observed_mean"].to_list())
    assert all(y < x for x, y in zip(xs, ys))
    # one vertical interval bar per bin, from observed_low to observed_high
    bars = [c for c in ax.collections if len(c.get_segments()) == cal.height]
    assert bars
    segs = bars[0].get_segments()
    assert [s[0][1] for s in segs] == pytest.approx(cal["observed_low"].to_list())
    assert [s[1][1] for s in segs] == pytest.approx(cal["observed_high"].to_list())
    assert ax.get_xlabel() == "predicted spread (bin mean)"
    assert ax.get_ylabel() == "observed future (bin mean)"
    assert ax.get_title() == "Calibration of spread: 300 users, 5 bins"
    fig.savefig(tmp_path / "reliability.png")
    assert (tmp_path / "reliability.png").stat().st_size > 1000


def test_reliability_bins_a_per_user_table_and_draws_into_axes():
    users = pl.DataFrame({"spread": [1.0, 2.0, 3.0, 4.0, None], "y": [1.0, 2.0, 2.0, 5.0, 1.0]})
    fig = Figure()
    ax = fig.subplots()
    assert plots.reliability(users, observed="y", bins=2, log=True, ax=ax) is fig
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    xs, ys = ax.get_lines()[1].get_data()
    assert list(xs) == [1.5, 3.5] and list(ys) == [1.5, 3.5]


def test_reliability_checks_its_input():
    from influence_graph.exceptions import InputValidationError

    with pytest.raises(InputValidationError, match="table_or_calibration"):
        plots.reliability({"spread": [1.0]})
    with pytest.raises(InputValidationError, match="spread"):
        plots.reliability(pl.DataFrame({"x": [1.0]}))


def _report() -> pl.DataFrame:
    """Two attacks × two metrics × sizes 10, 100: followers linear, defended flat."""
    rows = []
    for attack, aid in (("fake_followers", "A1"), ("retweet_ring", "A5")):
        for size in (10, 100):
            rows.append({"attack": attack, "attack_id": aid, "size": size, "target": "t",
                         "metric": "followers", "before": 5.0, "gain": float(size),
                         "gain_per_100": 100.0, "rank_before": 901,
                         "rank_after": 1 if size == 100 else 451})
            rows.append({"attack": attack, "attack_id": aid, "size": size, "target": "t",
                         "metric": "spread_defended", "before": 2.0, "gain": -0.1,
                         "gain_per_100": -10.0 / size, "rank_before": 800,
                         "rank_after": 801})
    return pl.DataFrame(rows)


def test_inflation_map_colours_the_rank_climb():
    fig = plots.inflation(_report(), size=100)
    ax = fig.axes[0]
    climb = ax.images[0].get_array()
    # followers: 901 → 1 is the whole climb (1); defended: lost one place (slightly < 0)
    assert climb[0, 0] == pytest.approx(1.0) and climb[1, 0] == pytest.approx(1.0)
    assert climb[0, 1] == pytest.approx(-1 / 799)
    assert [t.get_text() for t in ax.texts] == ["100", "-0.1", "100", "-0.1"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["A1 fake_followers",
                                                            "A5 retweet_ring"]
    half = plots.inflation(_report(), size=10).axes[0].images[0].get_array()
    assert half[0, 0] == pytest.approx(0.5)
    assert plots.png_bytes(fig)[:4] == b"\x89PNG"


def test_inflation_curves_give_each_metric_its_exponent():
    fig = plots.inflation_curves(_report(), "retweet_ring")
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["followers (b = 1.00)", "defended (b = 0.00)"]
    line = fig.axes[0].get_lines()[1]
    # a loss is drawn at the floor (a thousandth of the target's score), not dropped
    assert list(line.get_ydata()) == pytest.approx([2e-3, 2e-3])
    assert plots.inflation_curves(_report(), "A5", metrics=["followers"]).axes[0]


def test_inflation_figures_check_their_input():
    from influence_graph.exceptions import InputValidationError

    rep = _report()
    with pytest.raises(InputValidationError, match="size"):
        plots.inflation(rep, size=1000)
    with pytest.raises(InputValidationError, match="target"):
        plots.inflation(rep, target="nobody")
    with pytest.raises(InputValidationError, match="gain_per_100"):
        plots.inflation(rep.drop("gain_per_100"))
    with pytest.raises(InputValidationError, match="empty"):
        plots.inflation(rep.clear())
    with pytest.raises(InputValidationError, match="sybil_ring"):
        plots.inflation_curves(rep, "sybil_ring")
    with pytest.raises(InputValidationError, match="pagerank"):
        plots.inflation_curves(rep, "A1", metrics=["pagerank"])
    with pytest.raises(InputValidationError, match="two attack sizes"):
        plots.inflation_curves(rep.filter(pl.col("size") == 10), "A1")
