"""Channel weights, restriction and leave-one-out ablation."""

from __future__ import annotations

import polars as pl
import pytest

from influence_graph.compare.ablation import channel_ablation
from influence_graph.graphs import (
    DEFAULT_CHANNEL_WEIGHTS,
    build_graphs,
    check_weights,
    restrict,
    weighted_edges,
)
from influence_graph.io.dataset import make_dataset
from influence_graph.exceptions import InputValidationError
from influence_graph.metrics.structural import structural_metrics
from tests.conftest import events_frame


def _ds(platforms=None):
    ev = events_frame(
        [
            ("b", "retweet", "a", None, None, 1),
            ("b", "retweet", "a", None, None, 2),
            ("c", "mention", "a", None, None, 3),
            ("d", "reply", "b", None, None, 4),
            ("e", "quote", "d", None, None, 5),
        ]
    )
    if platforms is not None:
        ev = ev.with_columns(platform=pl.Series(platforms))
    return make_dataset(events=ev)


def test_default_weights_are_all_one():
    assert dict(DEFAULT_CHANNEL_WEIGHTS) == {
        "retweet": 1.0,
        "quote": 1.0,
        "reply": 1.0,
        "mention": 1.0,
    }
    assert weighted_edges(_ds()).rows() == [
        ("a", "b", 2.0),
        ("a", "c", 1.0),
        ("b", "d", 1.0),
        ("d", "e", 1.0),
    ]


def test_weights_scale_and_zero_removes():
    e = weighted_edges(_ds(), channel_weights={"retweet": 0.5, "mention": 0})
    assert e.rows() == [("a", "b", 1.0), ("b", "d", 1.0), ("d", "e", 1.0)]
    ds = restrict(_ds(), channel_weights={"mention": 0})
    assert "mention" not in ds.events["action"].cast(pl.String).to_list()
    assert ds.user_ids.to_list() == _ds().user_ids.to_list()  # c keeps its row


def test_platform_weights_and_users_without_a_platform():
    ds = _ds(["x", "y", "y", "x", "x"])
    r = restrict(ds, platform_weights={"y": 0})
    assert r.events.height == 3
    e = weighted_edges(ds, platform_weights={"y": 2.0})
    assert dict(((s, t), w) for s, t, w in e.rows())[("a", "b")] == 3.0  # 1 (x) + 2 (y)


def test_weight_validation():
    with pytest.raises(InputValidationError, match="channel_weights"):
        check_weights("channel_weights", {"like": 1.0}, ("retweet",))
    with pytest.raises(InputValidationError, match="finite number"):
        weighted_edges(_ds(), channel_weights={"reply": -1})
    with pytest.raises(TypeError):
        check_weights("channel_weights", [("reply", 1)], None)  # type: ignore[arg-type]


def test_weighted_engagement_graph_feeds_structural_metrics():
    base = structural_metrics(build_graphs(_ds()), graph="engagement")
    assert base["user"].to_list() == ["a", "b", "c", "d", "e"]
    a = base.filter(pl.col("user") == "a").row(0, named=True)
    assert (a["out_degree"], a["out_strength"]) == (2, 3.0)
    w = structural_metrics(build_graphs(_ds(), channel_weights={"retweet": 2.0}), graph="engagement")
    assert w.filter(pl.col("user") == "a")["out_strength"].item() == 5.0
    # same as the Dataset route when weights are the defaults
    direct = structural_metrics(_ds(), graph="engagement")
    assert direct.select("out_degree", "in_strength", "coreness").equals(
        base.select("out_degree", "in_strength", "coreness")
    )


def test_channel_ablation_leaves_each_channel_out():
    ab = channel_ablation(_ds(), probabilities="constant", seed=4, top_k=5)
    s = ab.summary
    assert s["left_out"].to_list() == [
        "channel:retweet",
        "channel:quote",
        "channel:reply",
        "channel:mention",
    ]
    assert s["events_removed"].to_list() == [2, 1, 1, 1]
    assert s["edges_removed"].to_list() == [1, 1, 1, 1]
    assert ab.users.height == 4 * 5
    assert ((s["carried"] >= 0) & (s["carried"] <= 1)).all()
    u = ab.users
    # leaving mentions out cannot change users whose content never moved by mention
    e = u.filter(pl.col("user") == "e")
    assert (e["delta"] == 0).all() and (e["spread_all"] == 1).all()
    # a's only retweet edge gone: a loses reach and falls in rank
    ar = u.filter(pl.col("user") == "a", pl.col("left_out") == "channel:retweet").row(0, named=True)
    assert ar["delta"] < 0 and ar["events_without"] == 1 and ar["events_all"] == 3
    # users on no edge of a channel keep an exact spread of 1 with or without it
    c = u.filter(pl.col("user") == "c")
    assert (c["spread_without"] == 1.0).all()


def test_channel_ablation_platforms_and_errors():
    ds = _ds(["x", "y", "y", "x", "x"])
    ab = channel_ablation(ds, channels=[], probabilities="constant", seed=1)
    assert ab.summary["left_out"].to_list() == ["platform:x", "platform:y"]
    # d is only on platform x: leaving y out keeps d's events
    d = ab.users.filter(pl.col("user") == "d", pl.col("left_out") == "platform:y").row(
        0, named=True
    )
    assert d["events_all"] == d["events_without"] == 1
    with pytest.raises(InputValidationError, match="channels"):
        channel_ablation(ds, channels=["like"])
    with pytest.raises(InputValidationError, match="platforms"):
        channel_ablation(ds, platforms=["z"])


@pytest.mark.realdata
def test_higgs_channel_ablation_all_users(higgs_dir):
    import influence_graph as ig

    ds = ig.datasets.higgs(data_dir=higgs_dir)
    ab = channel_ablation(ds, channels=["retweet", "mention", "reply"], seed=0, rel_error=0.1)
    assert ab.summary.height == 3
    assert ab.users.height == 3 * ds.n_users
    assert ab.users.select(pl.col("spread_all", "spread_without").null_count().sum()).row(0) == (
        0,
        0,
    )
    carried = dict(
        zip(ab.summary["left_out"].to_list(), ab.summary["carried"].to_list(), strict=True)
    )
    assert carried["channel:retweet"] > carried["channel:reply"]


def test_channel_ablation_spreads_are_the_influence_tables():
    # one path to the probabilities (influence_graph._probability_choice): with the
    # same seed and precision, spread_all is the spread of influence() exactly, for
    # the defaults (follower graph, source pooling on a world with follows and posts)
    # and for an explicit choice
    import influence_graph as ig
    from influence_graph.influence import influence

    ds = ig.datasets.synthetic(n_users=200, seed=1)
    kw = dict(rel_error=0.1, top_k=20, seed=5)
    for ab_kw, inf_kw in [
        ({}, {}),
        (
            {"graph": "engagement", "pooling": "edge"},
            {"spread_graph": "engagement", "pooling": "edge"},
        ),
    ]:
        ab = channel_ablation(ds, channels=["retweet"], platforms=[], **ab_kw, **kw)
        inf = influence(ds, viral=False, **inf_kw, **kw)
        got = ab.users.select("user", "spread_all").join(inf.select("user", "spread"), on="user")
        assert got.height == ds.n_users
        assert (got["spread_all"] == got["spread"]).all(), ab_kw
    # on the follower graph no edge goes with a channel; the evidence behind p does
    ab = channel_ablation(ds, channels=["retweet"], platforms=[], **kw)
    row = ab.summary.row(0, named=True)
    assert row["edges_removed"] == 0 and row["events_removed"] > 0 and row["carried"] > 0
