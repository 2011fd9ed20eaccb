"""robustness_report: one row per (attack, size, target, metric), the first-order oracles
of the attacks (followers +k, retweets +k·P, Δ = 0 for rows ingest drops), the paired
(common-random-number) spread gain, argument checks, purity and determinism."""

from __future__ import annotations

import math

import polars as pl
import pytest

import influence_graph as ig
from influence_graph.exceptions import InputValidationError
from influence_graph.robustness import (
    CONSTANT_P,
    DEFAULT_METRICS,
    METRICS,
    REPORT_COLUMNS,
    SKIPPED_COLUMNS,
    default_target,
)

SIZES = (5, 20)
SEED = 11
OBSERVED = ("retweets_received", "unique_engagers", "mean_cascade_size", "max_cascade_size")


@pytest.fixture(scope="module")
def world() -> ig.Dataset:
    return ig.datasets.synthetic(n_users=300, seed=2)


@pytest.fixture(scope="module")
def run(world):
    """The full report (every attack, default metrics) and copies of the input before it."""
    before = (world.events.clone(), world.follows.clone(), world.users.clone(), world.ingest)
    rep = ig.robustness_report(world, sizes=SIZES, seed=SEED)
    return rep, before


def _row(rep: pl.DataFrame, attack_id: str, size: int, metric: str) -> dict:
    sub = rep.filter(attack_id=attack_id, size=size, metric=metric)
    assert sub.height == 1
    return sub.row(0, named=True)


# ---- (1) shape ---------------------------------------------------------------------------


def test_columns_and_one_row_per_combination(run, world):
    rep, _ = run
    assert rep.schema == pl.Schema(REPORT_COLUMNS)
    assert rep.skipped.schema == pl.Schema(SKIPPED_COLUMNS) and rep.skipped.height == 0
    keys = ["attack", "size", "target", "metric"]
    assert rep.height == len(ig.ATTACKS) * len(SIZES) * len(DEFAULT_METRICS)
    assert rep.select(keys).unique().height == rep.height
    assert rep["attack"].unique(maintain_order=True).to_list() == list(ig.ATTACKS)
    assert rep["metric"].unique(maintain_order=True).to_list() == list(DEFAULT_METRICS)
    assert rep["attack_id"].unique(maintain_order=True).to_list() == [
        f"A{i}" for i in range(1, 13)
    ]
    # gain = after - before, per 100 units of attack
    assert (rep["gain"] - (rep["after"] - rep["before"])).abs().max() < 1e-9
    assert (rep["gain_per_100"] - rep["gain"] * 100 / rep["size"]).abs().max() < 1e-9
    # ranks among the honest users (the fakes are not ranked)
    assert rep["rank_before"].min() >= 1 and rep["rank_after"].max() <= world.n_users
    assert rep["overtaken"].min() >= 0
    # intervals exactly for the spread metrics
    spread = pl.col("metric").str.starts_with("spread_")
    assert rep.filter(spread)["gain_se"].null_count() == 0
    interval = ["se_before", "se_after", "gain_se", "gain_low", "gain_high"]
    assert rep.filter(spread).select(interval).null_count().sum_horizontal()[0] == 0
    point = rep.filter(~spread)
    assert point.select(interval).null_count().sum_horizontal()[0] == 5 * point.height


def test_default_target_rule(run, world):
    rep, _ = run
    target = rep["target"][0]
    assert set(rep["target"]) == {target}
    assert target == default_target(world, seed=SEED)
    act = ig.activity(world).filter(user=target).row(0, named=True)
    assert act["posts"] >= 3 and act["followers"] >= 3


# ---- (2)-(4) first-order oracles ---------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
def test_fake_followers_add_exactly_k_followers_and_no_cascades(run, size):
    rep, _ = run
    row = _row(rep, "A1", size, "followers")
    assert row["gain"] == size and row["gain_per_100"] == 100.0
    # nobody else changed: the ranks move by exactly the users passed
    assert row["rank_before"] - row["rank_after"] == row["overtaken"]
    for metric in (*OBSERVED, "actions"):
        assert _row(rep, "A1", size, metric)["gain"] == 0.0, metric


@pytest.mark.parametrize("attack_id", ["A11", "A12"])
def test_rows_dropped_on_ingest_change_nothing(run, attack_id):
    rep, _ = run
    sub = rep.filter(attack_id=attack_id)
    assert sub.height == len(SIZES) * len(DEFAULT_METRICS)
    assert (sub["gain"] == 0.0).all() and (sub["overtaken"] == 0).all()
    assert (sub["rank_before"] == sub["rank_after"]).all()
    spread = sub.filter(pl.col("metric").str.starts_with("spread_"))
    assert (spread["gain_se"] == 0.0).all()  # identical graphs: identical RR sets


@pytest.mark.parametrize("size", SIZES)
def test_retweet_ring_adds_k_retweets_per_post(run, world, size):
    rep, _ = run
    target = rep["target"][0]
    posts = ig.activity(world).filter(user=target)["posts"][0]
    assert _row(rep, "A5", size, "retweets_received")["gain"] == size * posts
    assert _row(rep, "A5", size, "mean_cascade_size")["gain"] == pytest.approx(size)


# ---- (5) common random numbers -----------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
def test_paired_gain_covers_the_exact_first_order_effect(run, size):
    """A1 adds exactly k·p (constant p) and exactly k (weighted cascade: each fake has one
    followee, p = 1) to the target's expected spread."""
    rep, _ = run
    for metric, exact in (("spread_constant", size * CONSTANT_P), ("spread_wc", float(size))):
        row = _row(rep, "A1", size, metric)
        assert row["gain_low"] <= exact <= row["gain_high"], (metric, row)


@pytest.mark.parametrize("size", SIZES)
def test_paired_se_beats_the_unpaired_one(run, size):
    """The pairing removes the noise the two estimates share: most of it for a small change
    (A1: k fakes at p = 0.1), less when the attack rewires much of the target's reach."""
    rep, _ = run
    for attack_id, factor in (("A1", 0.25), ("A2", 1.0), ("A10", 1.0)):
        row = _row(rep, attack_id, size, "spread_constant")
        unpaired = math.hypot(row["se_before"], row["se_after"])
        assert 0 < row["gain_se"] < factor * unpaired, (attack_id, row)


# ---- (6) arguments -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"metrics": ["followers", "klout"]}, "spread_wc"),
        ({"metrics": []}, "at least one"),
        ({"metrics": ["followers", "followers"]}, "once"),
        ({"attacks": ["fake_followers", "bribery"]}, "backdated_events"),
        ({"sizes": (10, 0)}, ">= 1"),
        ({"sizes": (5, 5)}, "once"),
        ({"targets": ["nobody"]}, "users of data set"),
        ({"rel_error": 0.0}, "rel_error"),
        ({"confidence": 1.0}, "confidence"),
        ({"replicates": 1}, ">= 2"),
        ({"n_jobs": 0}, "n_jobs"),
    ],
)
def test_bad_arguments_are_refused_up_front(world, kwargs, match):
    with pytest.raises(InputValidationError, match=match):
        ig.robustness_report(world, **kwargs)


@pytest.mark.parametrize(
    "kwargs",
    [{"sizes": "10"}, {"sizes": (1.5,)}, {"targets": [7]}, {"seed": 1.5}, {"progress": 1}],
)
def test_wrong_types(world, kwargs):
    with pytest.raises(TypeError):
        ig.robustness_report(world, **kwargs)
    with pytest.raises(TypeError):
        ig.robustness_report(world.events)


def test_impossible_attacks_are_skipped_not_fatal(world):
    no_follows = ig.make_dataset(events=world.events, name="no_follows")
    target = ig.robustness_report(world, attacks="fake_followers", sizes=1,
                                  metrics=("followers",), seed=0)["target"][0]
    rep = ig.robustness_report(
        no_follows, attacks=("fake_followers", "collusive_retweeters"), sizes=(3, 1000),
        metrics=("followers", "retweets_received"), targets=target, seed=0,
    )
    skipped = rep.skipped
    assert set(skipped.select("attack_id", "size").iter_rows()) == {
        ("A1", 3), ("A1", 1000), ("A6", 1000)}
    assert skipped.filter(attack_id="A1")["reason"].str.contains("follow").all()
    assert rep.select("attack_id", "size").unique().rows() == [("A6", 3)]
    assert rep.filter(metric="followers")["before"].null_count() == 1  # unknown, not 0


# ---- (7)-(8) purity and determinism ------------------------------------------------------


def test_input_unchanged(run, world):
    _, (events, follows, users, ingest) = run
    assert world.events.equals(events) and world.follows.equals(follows)
    assert world.users.equals(users) and world.ingest is ingest


def test_same_seed_same_table_any_thread_count(world, capsys):
    kw = dict(attacks=("fake_followers", "collusive_retweeters"), sizes=(5,),
              metrics=("followers", "spread_learned", "spread_wc"), seed=3)
    a = ig.robustness_report(world, n_jobs=1, **kw)
    b = ig.robustness_report(world, n_jobs=2, **kw)
    assert a.equals(b) and a.skipped.equals(b.skipped)
    assert capsys.readouterr().err == ""  # silent by default
    c = ig.robustness_report(world, **{**kw, "seed": 4}, progress=True)
    assert not c.equals(a)
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and err[0].startswith("[robustness] A1 fake_followers")


def test_named_targets_and_every_metric(world):
    users = sorted(world.user_ids.to_list())[:2]
    extra = [m for m in METRICS if m not in DEFAULT_METRICS]
    rep = ig.robustness_report(world, attacks="engagement_pod", sizes=3, targets=users,
                               metrics=extra, seed=0)
    assert rep.select("target").unique(maintain_order=True)["target"].to_list() == users
    assert rep.height == len(users) * len(extra)
    assert rep.filter(metric="posts")["gain"].to_list() == [0.0, 0.0]
