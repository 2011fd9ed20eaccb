"""Scores over time: windows, the 1–100 score, and whether a change is real."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import polars as pl
import pytest

import influence_graph as ig
from influence_graph.io.dataset import make_dataset
from influence_graph.temporal.changes import benjamini_hochberg
from influence_graph.temporal.score import absolute_score, relative_score


@pytest.fixture(scope="module")
def copied():
    """A week of the synthetic world, then the exact same week again, shifted by 7 days."""
    ds = ig.datasets.synthetic(n_users=300, days=7, seed=3)
    ev = ds.events
    start = ev["timestamp"].min()
    ev = ev.filter(pl.col("timestamp") >= start.replace(hour=0, minute=0, second=0,
                                                        microsecond=0))
    again = ev.with_columns(
        pl.col("timestamp") + timedelta(days=7),
        pl.col("event_id") + "_2",
        pl.col("post_id") + "_2",
        pl.col("parent_id") + "_2",
    )
    both = make_dataset(events=pl.concat([ev, again]), follows=ds.follows, users=ds.users,
                        name="twice")
    return both


def test_exact_copy_is_exactly_no_change_with_crn(copied):
    t = ig.scores_over_time(copied, window="7d", seed=5)
    assert t["window_start"].n_unique() == 2
    assert t.height == 2 * copied.n_users
    ch = ig.score_changes(t)
    assert ch.height == copied.n_users
    assert (ch["delta"] == 0).all() and (ch["score_delta"] == 0).all()
    assert (ch["relative_delta"] == 0).all()
    assert (ch["verdict"] == "noise").all() and (ch["cause"] == "none").all()


def test_without_crn_false_alarms_stay_near_alpha(copied):
    t = ig.scores_over_time(copied, window="7d", seed=5, crn=False)
    ch = ig.score_changes(t, alpha=0.05, fdr=False).filter(pl.col("se") > 0)
    m = ch.height
    share = float((ch["verdict"] == "real").mean())
    assert m > 50 and (ch["delta"] != 0).any()     # independent seeds: noise moves them
    band = 3 * np.sqrt(0.05 * 0.95 / m)
    assert share <= 0.05 + band, (share, m)
    fdr = ig.score_changes(t, alpha=0.05)
    assert (fdr["verdict"] == "real").mean() <= share + 1e-12   # FDR flags fewer


def test_scores_are_monotone_maps_with_intervals(copied):
    t = ig.scores_over_time(copied, window="7d", seed=5).drop_nulls("spread")
    ok = t.select(
        (pl.col("score_low") <= pl.col("score")).all().alias("a"),
        (pl.col("score") <= pl.col("score_high")).all().alias("b"),
        pl.col("score").is_between(1, 100).all().alias("c"),
        pl.col("relative_score").is_between(1, 100).all().alias("d"),
    ).row(0)
    assert all(ok)
    assert absolute_score(pl.Series([1.0, 10_000.0])).to_list() == [1.0, 100.0]
    pop = pl.Series([1.0, 2.0, 3.0])
    assert relative_score(pl.Series([2.0]), pop).item() == pytest.approx(1 + 99 * 0.5)


def test_sliding_windows_and_empty_window():
    ds = ig.datasets.synthetic(n_users=100, days=6, seed=2)
    t = ig.scores_over_time(ds, window="2d", step="1d", seed=1, metrics=["actions"])
    starts = t["window_start"].unique().sort()
    assert starts.len() >= 6
    assert (starts.diff().drop_nulls() == timedelta(days=1)).all()
    assert "actions" in t.columns and "retweets_received" not in t.columns
    # a gap in the log: the windows inside it measure nothing, explicitly
    ev = ds.events.filter(pl.col("timestamp").dt.day() != 3)
    gap = make_dataset(events=ev, follows=ds.follows, users=ds.users)
    g = ig.scores_over_time(gap, window="1d", seed=1)
    empty = g.filter(pl.col("window_events") == 0)
    assert empty.height == ds.n_users and empty["spread"].is_null().all()


@pytest.mark.parametrize("kw, column", [
    ({"window": "60d"}, "window"), ({"window": "0d"}, "window"), ({"window": "soon"}, "window"),
    ({"window": "1d", "step": "0h"}, "step"), ({"window": "1d", "step": "2d"}, "step"),
    ({"metrics": ["klout"]}, "metrics"), ({"metrics": []}, "metrics"), ({"crn": "yes"}, "crn"),
])
def test_bad_input_is_a_clear_error(kw, column):
    ds = ig.datasets.synthetic(n_users=60, days=7, seed=2)
    with pytest.raises(ig.InputValidationError) as e:
        ig.scores_over_time(ds, **kw)
    assert e.value.column == column


def test_no_events_is_a_clear_error():
    probs = pl.DataFrame({"source": ["a"], "target": ["b"], "p": [0.5]})
    with pytest.raises(ig.InputValidationError) as e:
        ig.scores_over_time(make_dataset(probabilities=probs))
    assert e.value.column == "ds"


def test_benjamini_hochberg_matches_the_definition():
    rng = np.random.default_rng(0)
    p = rng.uniform(size=50)
    q = benjamini_hochberg(p)
    order = np.argsort(p)
    for i in range(50):   # q_(i) = min_{j ≥ i} p_(j)·n/j
        j = np.arange(i, 50)
        assert q[order[i]] == pytest.approx(min(1.0, (p[order[j]] * 50 / (j + 1)).min()))


def test_paired_se_carries_the_crn_covariance():
    """Run r of each window shares its seed, so the paired se of a change is smaller
    than the unpaired sqrt(se_a² + se_b²) where the evidence mostly agrees."""
    ds = ig.datasets.synthetic(n_users=300, days=4, seed=4)
    over = ig.scores_over_time(ds, window="2d", seed=2, replicates=6)
    assert over.drop_nulls("spread")["spread_replicates"].list.len().unique().to_list() == [6]
    ch = ig.score_changes(over)
    wide = over.sort("user", "window_start").group_by("user", maintain_order=True).agg(
        unpaired=(pl.col("spread_se") ** 2).sum().sqrt())
    j = ch.join(wide, on="user").filter(pl.col("unpaired") > 0)
    assert j.height > 50
    assert float((j["se"] / j["unpaired"]).median()) < 0.9
    with pytest.raises(ig.InputValidationError):
        ig.scores_over_time(ds, window="2d", replicates=1)


def _reaches(table: pl.DataFrame, targets: set[str]) -> set[str]:
    """Users with a path of positive-probability edges to one of ``targets`` (included)."""
    back: dict[str, list[str]] = {}
    for s, t in table.filter(pl.col("p") > 0).select("source", "target").iter_rows():
        back.setdefault(t, []).append(s)
    seen, stack = set(targets), list(targets)
    while stack:
        for s in back.get(stack.pop(), []):
            if s not in seen:
                seen.add(s)
                stack.append(s)
    return seen


def test_crn_moves_only_users_that_reach_a_changed_edge(copied):
    """One extra re-share in the second week: with edge-keyed common random numbers a
    user's spread moves only if it can reach an edge whose learned probability changed."""
    from influence_graph.temporal.over_time import window_dataset, window_probabilities

    ev = copied.events
    rts = ev.filter(pl.col("action").cast(pl.String) == "retweet",
                    pl.col("event_id").str.ends_with("_2")).sort("event_id")
    r = rts.row(0, named=True)
    fol = copied.follows.filter(pl.col("followee") == r["target_user"],
                                pl.col("follower") != r["user"]).sort("follower")
    extra = pl.DataFrame([{**r, "user": fol["follower"][0], "event_id": "extra",
                           "post_id": "extra", "timestamp": r["timestamp"] + timedelta(minutes=1)}],
                         schema=ev.schema)
    ds = make_dataset(events=pl.concat([ev, extra]), follows=copied.follows, users=copied.users)
    ch = ig.score_changes(ig.scores_over_time(ds, window="7d", seed=5))
    start = ch["window_a"][0]
    ta, tb = (window_probabilities(window_dataset(ds, s, s + timedelta(days=7))[0])[1]
              for s in (start, start + timedelta(days=7)))
    j = ta.join(tb, on=["source", "target"], how="full", coalesce=True, suffix="_b").fill_null(0.0)
    changed = j.filter(pl.col("p") != pl.col("p_b"))
    assert changed.height > 0
    near = _reaches(j.with_columns(p=pl.max_horizontal("p", "p_b")), set(changed["source"]))
    moved = set(ch.filter(pl.col("delta") != 0)["user"])
    assert moved and moved <= near
    # most reach it only through low-probability paths whose coins rarely fall between
    # the two probabilities; independent seeds move nearly everyone
    indep = ig.score_changes(ig.scores_over_time(ds, window="7d", seed=5, crn=False))
    assert len(moved) < 0.5 * copied.n_users < (indep["delta"] != 0).sum()


def test_power_benchmark_finds_most_planted_changes():
    """The documented power figure (benchmarks/bench_change_power.py), on one of its
    worlds: doubling the re-shares of 40 users (each with ≥ 2) is flagged for ≥ 80 % of
    them at FDR 5 % with common random numbers."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).parents[1] / "benchmarks" / "bench_change_power.py"
    spec = importlib.util.spec_from_file_location("bench_change_power", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    ds, sizes, _ = bench.planted_world(40, 3)
    ch = ig.score_changes(ig.scores_over_time(ds, window="7d", seed=1), alpha=0.05)
    hit = ch.filter(pl.col("user").is_in(sizes["user"].implode()))
    assert hit.height == 40 and (sizes["added"] >= 1).all()
    assert float((hit["verdict"] == "real").mean()) >= 0.8
