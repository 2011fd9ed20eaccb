"""predictive_validity: split, targets by hand, and the synthetic world's verdict."""

from __future__ import annotations

from datetime import datetime, timezone

import polars as pl
import pytest

from influence_graph.io.dataset import make_dataset
from influence_graph.exceptions import InputValidationError
from influence_graph.compare.validity import (
    future_targets,
    paired_differences,
    predictive_validity,
    split_dataset,
)
from tests.conftest import T0, events_frame


def _posts_ds():
    return make_dataset(
        events=events_frame(
            [
                ("a", "post", None, "p1", None, 0),
                ("b", "retweet", "a", "r1", "p1", 10),
                ("a", "post", None, "p2", None, 100),
                ("b", "retweet", "a", "r2", "p2", 110),
                ("c", "retweet", "b", "r3", "r2", 120),
                ("a", "post", None, "p3", None, 130),
                ("d", "mention", "a", None, None, 140),
                ("c", "post", None, "p4", None, 150),
            ]
        )
    )


def test_split_keeps_universe_and_cuts_at_time():
    ds = _posts_ds()
    before, after, t = split_dataset(ds, 0.5)
    assert t == T0 + (T0.replace(hour=14, minute=30) - T0) * 0.5
    assert before.user_ids.to_list() == after.user_ids.to_list() == ds.user_ids.to_list()
    assert before.events.height + after.events.height == ds.events.height
    assert (before.events["timestamp"] < t).all() and (after.events["timestamp"] >= t).all()
    with pytest.raises(InputValidationError, match="split"):
        split_dataset(ds, 1.5)
    with pytest.raises(InputValidationError, match="split"):
        split_dataset(ds, datetime(2030, 1, 1, tzinfo=timezone.utc))


def test_future_targets_by_hand_with_posts():
    ds = _posts_ds()
    t = T0.replace(hour=13, minute=30)  # minute 90: p2, p3, p4 are after
    fut = future_targets(ds, t)
    got = {
        u: (m, e) for u, m, e in fut.select("user", "mean_cascade_size", "total_engagement").rows()
    }
    # a: p2 (a, b, c) size 3 and p3 size 1 -> 2.0; engagements after: r2, mention
    assert got["a"] == (2.0, 2)
    assert got["c"] == (1.0, 0)
    assert got["b"] == (None, 1)  # no post after the split; c retweeted b's retweet
    assert fut["target_basis"].unique().to_list() == ["posts"]
    assert future_targets(ds, t, min_posts=2)["mean_cascade_size"].drop_nulls().to_list() == [2.0]


def test_future_targets_without_posts_uses_active_days():
    ev = events_frame(
        [
            ("b", "retweet", "a", None, None, 0),
            ("c", "retweet", "a", None, None, 1),
            ("c", "retweet", "a", None, None, 2),  # same user, same day: counts once
            ("d", "mention", "a", None, None, 60 * 24),  # next day: a active, no adoption
        ]
    )
    fut = future_targets(make_dataset(events=ev), T0)
    got = dict(zip(fut["user"].to_list(), fut["mean_cascade_size"].to_list(), strict=True))
    assert got["a"] == pytest.approx((3 + 1) / 2)
    assert got["b"] == 1.0  # acted one day, nobody adopted their content
    assert fut["target_basis"][0] == "active_days"


def test_auto_pooling_follows_whether_posts_are_known():
    no_posts = make_dataset(
        events=events_frame(
            [
                ("b", "retweet", "a", None, None, 0),
                ("c", "retweet", "a", None, None, 1),
                ("c", "retweet", "b", None, None, 2),
                ("d", "reply", "c", None, None, 3),
                ("b", "retweet", "a", None, None, 60 * 13),
                ("d", "retweet", "c", None, None, 60 * 14),
            ]
        )
    )
    kw = dict(metrics=["spread", "actions"], n_boot=20, seed=3)
    auto = predictive_validity(no_posts, **kw)
    assert auto.equals(predictive_validity(no_posts, pooling="edge", **kw))
    posts = _posts_ds()
    auto = predictive_validity(posts, **kw)
    assert auto.equals(predictive_validity(posts, pooling="source", **kw))
    with pytest.raises(InputValidationError, match="pooling"):
        predictive_validity(posts, pooling="user", **kw)


def test_output_shape_and_errors():
    ds = _posts_ds()
    pv = predictive_validity(
        ds, metrics=["actions", "retweets_received"], split=0.5, n_boot=20, seed=1, k=2
    )
    assert pv.columns == [
        "target",
        "metric",
        "n",
        "spearman",
        "spearman_low",
        "spearman_high",
        "precision_at_k",
        "k",
        "calibration_slope",
        "calibration_ratio",
        "target_basis",
        "split_time",
    ]
    assert pv.height == 4
    with pytest.raises(InputValidationError, match="metrics"):
        predictive_validity(ds, metrics=["klout"], n_boot=20)
    with pytest.raises(InputValidationError, match="targets"):
        predictive_validity(ds, targets=["likes"], n_boot=20)


def test_seeded_and_reproducible():
    ds = _posts_ds()
    b1 = predictive_validity(ds, metrics=["actions", "unique_engagers"], n_boot=30, seed=5)
    b2 = predictive_validity(ds, metrics=["actions", "unique_engagers"], n_boot=30, seed=5)
    assert b1.equals(b2)


@pytest.fixture(scope="module")
def synthetic_gaps():
    import influence_graph as ig

    ds = ig.datasets.synthetic(n_users=2000, seed=7)
    return paired_differences(ds, versus=("followers", "actions", "posts"), n_boot=200, seed=0)


def test_synthetic_spread_out_predicts_followers_and_activity(synthetic_gaps):
    # issue 4's "clear margin" (paired_differences Notes): against each baseline the
    # gap rho(spread) - rho(other) is at least 0.05 and the lower end of its 95 % paired
    # bootstrap interval is above 0. Measured (docs/observed-influence.md, seed 7,
    # model version 2026.11.4): vs followers +0.061 [+0.018, +0.105]; vs actions
    # +0.201; vs posts +0.229.
    d = {r["versus"]: r for r in synthetic_gaps.iter_rows(named=True)}
    assert set(d) == {"followers", "actions", "posts"}
    for other, row in d.items():
        assert row["difference"] >= 0.05, other
        assert row["difference_low"] > 0, other
        assert row["difference_low"] <= row["difference"] <= row["difference_high"]
    assert d["followers"]["n"] > 1000


def test_synthetic_per_edge_prior_predicts_less_than_source_pooling(synthetic_gaps):
    # the diagnosis (docs/observed-influence.md): with one prior for every edge, the
    # prior outweighs a few posts of evidence and spread moves towards follower
    # counts; pooling the evidence of each source (the default) predicts better
    import influence_graph as ig

    ds = ig.datasets.synthetic(n_users=2000, seed=7)
    edge = paired_differences(ds, versus=["followers"], pooling="edge", n_boot=100, seed=0)
    pooled = synthetic_gaps.filter(pl.col("versus") == "followers")
    assert edge["spearman"][0] < pooled["spearman"][0]
    assert edge["difference"][0] < pooled["difference"][0]
    assert pooled["difference"][0] >= 0.05
    assert edge["spearman_versus"][0] == pooled["spearman_versus"][0]


def test_paired_differences_agree_with_predictive_validity():
    import influence_graph as ig

    ds = ig.datasets.synthetic(n_users=300, seed=2)
    kw = dict(n_boot=30, seed=4)
    pv = predictive_validity(ds, metrics=["spread", "followers", "actions"], **kw)
    pv = pv.filter(pl.col("target") == "mean_cascade_size")
    rho = dict(pv.select("metric", "spearman").rows())
    d = paired_differences(ds, versus=["followers", "actions"], **kw)
    assert d["spearman"].to_list() == [rho["spread"]] * 2
    assert d["spearman_versus"].to_list() == [rho["followers"], rho["actions"]]
    assert d["difference"].to_list() == pytest.approx(
        [rho["spread"] - rho["followers"], rho["spread"] - rho["actions"]]
    )
    # a metric against itself: a gap of exactly 0 in every resample
    same = paired_differences(ds, metric="actions", versus=["actions"], **kw).row(0, named=True)
    assert same["difference"] == same["difference_low"] == same["difference_high"] == 0.0
    assert same["share_not_better"] == 1.0
    with pytest.raises(InputValidationError, match="target"):
        paired_differences(ds, target="likes", n_boot=20)
    with pytest.raises(InputValidationError, match="versus"):
        paired_differences(ds, versus="followers", n_boot=20)


def test_synthetic_spread_beats_activity_on_cascade_size():
    import influence_graph as ig

    ds = ig.datasets.synthetic(n_users=2000, seed=7)
    pv = predictive_validity(
        ds,
        metrics=["spread", "actions", "posts", "followers"],
        targets=("mean_cascade_size",),
        n_boot=100,
        seed=0,
    )
    r = {m: row for m, row in zip(pv["metric"].to_list(), pv.iter_rows(named=True), strict=True)}
    # spread's whole marginal interval above activity's whole interval
    assert r["spread"]["spearman_low"] > r["actions"]["spearman_high"]
    assert r["spread"]["spearman_low"] > r["posts"]["spearman_high"]
    assert r["spread"]["precision_at_k"] > 2 * r["actions"]["precision_at_k"]
    assert r["spread"]["spearman"] > r["followers"]["spearman"]
    assert r["spread"]["calibration_slope"] is not None


@pytest.mark.realdata
def test_higgs_split_before_the_announcement(higgs_dir):
    import influence_graph as ig

    ds = ig.datasets.higgs(data_dir=higgs_dir)
    split = datetime(2012, 7, 4, 7, 0, tzinfo=timezone.utc)
    pv = predictive_validity(
        ds, split=split, metrics=["spread", "out_degree", "actions"], n_boot=50, seed=0
    )
    assert pv["target_basis"].unique().to_list() == ["active_days"]
    r = {(t, m): s for t, m, s in pv.select("target", "metric", "spearman").rows()}
    # reported in docs/observed-influence.md: activity predicts neither target on Higgs
    assert r[("mean_cascade_size", "spread")] > r[("mean_cascade_size", "actions")] + 0.3
    assert pv["n"].min() > 10_000
