"""The cascade world: determinism, schema, cascade consistency, attribution, planted truth."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import numpy as np
import polars as pl
import pytest
from scipy.stats import spearmanr

import influence_graph as ig
from influence_graph.datasets.cascade_world import CascadeWorldTruth, cascade_world
from influence_graph.exceptions import InputValidationError
from influence_graph.io.schema import EVENT_SCHEMA, FOLLOW_SCHEMA


@pytest.fixture(scope="module")
def world():
    return cascade_world(600, 20, seed=11)


@pytest.fixture(scope="module")
def rooted():
    return cascade_world(600, 20, seed=11, attribution="root")


def _with_parent(events: pl.DataFrame) -> pl.DataFrame:
    par = events.select(
        pl.col("post_id").alias("parent_id"),
        pl.col("user").alias("parent_user"),
        pl.col("timestamp").alias("parent_time"),
        pl.col("action").alias("parent_action"),
    )
    return events.filter(pl.col("parent_id").is_not_null()).join(par, on="parent_id", how="left")


# ---------------------------------------------------------------- determinism


def test_same_seed_gives_identical_dataset():
    a, b = cascade_world(200, 10, seed=5), cascade_world(200, 10, seed=5)
    assert a.events.equals(b.events)
    assert a.follows.equals(b.follows)
    assert a.users.equals(b.users)
    for name in ("users", "interests", "probabilities", "cascades", "posts"):
        assert getattr(a.truth, name).equals(getattr(b.truth, name)), name
    assert a.truth.scale == b.truth.scale and a.provenance == b.provenance
    assert a.truth.true_spread(rel_error=0.3).equals(b.truth.true_spread(rel_error=0.3))


def test_different_seeds_and_seed_types():
    a, b = cascade_world(200, 10, seed=5), cascade_world(200, 10, seed=6)
    assert not a.events.equals(b.events) and not a.follows.equals(b.follows)
    c = cascade_world(120, 5, seed=np.random.SeedSequence(9))
    assert c.events.equals(cascade_world(120, 5, seed=9).events)
    assert c.provenance["seed"] == {"entropy": 9, "spawn_key": []}


def test_global_random_state_untouched():
    state = np.random.get_state()[1].copy()
    cascade_world(100, 5, seed=1)
    assert np.array_equal(np.random.get_state()[1], state)


# ---------------------------------------------------------------- schema


def test_tables_follow_the_canonical_schema(world):
    assert isinstance(world, ig.Dataset) and isinstance(world.truth, CascadeWorldTruth)
    assert dict(world.events.schema) == EVENT_SCHEMA
    assert dict(world.follows.schema) == FOLLOW_SCHEMA
    assert world.name == "cascade_world" and world.n_users == 600
    assert world.users["user"].to_list() == world.truth.users["user"].to_list()
    again = ig.make_dataset(events=world.events, follows=world.follows, users=world.users)
    assert again.events.equals(world.events) and again.follows.equals(world.follows)


def test_actions_ids_and_targets(world):
    ev = world.events
    assert set(ev["action"].cast(str).unique()) == {"post", "retweet", "reply", "mention"}
    assert ev["event_id"].n_unique() == ev.height
    assert ev["post_id"].null_count() == 0 and ev["post_id"].n_unique() == ev.height
    assert ev.filter((pl.col("action") == "post") != pl.col("target_user").is_null()).height == 0
    assert ev.filter(pl.col("target_user") == pl.col("user")).height == 0
    has_parent = pl.col("action").is_in(["retweet", "reply"])
    assert ev.filter(has_parent != pl.col("parent_id").is_not_null()).height == 0
    assert ev["topics"].list.len().unique().to_list() == [1]
    counts = dict(ev.group_by("action").len().iter_rows())
    assert counts["reply"] + counts["mention"] < 0.1 * counts["post"]  # engagements are rare


def test_timestamps_lie_in_the_window():
    start = datetime(2023, 1, 2, tzinfo=timezone.utc)
    ds = cascade_world(150, 3, seed=3, start=start)
    ts = ds.events["timestamp"]
    assert ts.min() >= start and ts.max() <= start + timedelta(days=3)
    assert ds.follows["since"].max() < start


# ---------------------------------------------------------------- cascades


def test_parents_resolve_and_come_first(world):
    ev = world.events
    j = _with_parent(ev)
    assert j["parent_user"].null_count() == 0  # every parent_id is an item of the log
    assert j.filter(pl.col("timestamp") <= pl.col("parent_time")).height == 0
    retweets = j.filter(pl.col("action") == "retweet")
    assert set(retweets["parent_action"].cast(str).unique()) <= {"post", "retweet"}
    replies = j.filter(pl.col("action") == "reply")
    assert set(replies["parent_action"].cast(str).unique()) == {"post"}
    assert replies.filter(pl.col("target_user") != pl.col("parent_user")).height == 0
    # parent attribution: target_user is the author of the re-shared item
    assert retweets.filter(pl.col("target_user") != pl.col("parent_user")).height == 0


def test_truth_is_the_who_got_it_from_whom(world):
    t = world.truth
    rt = world.events.filter(pl.col("action") == "retweet").select("post_id", "user", "parent_id")
    c = t.cascades.select("post_id", "user", pl.col("parent_post_id").alias("parent_id"))
    assert rt.sort("post_id").equals(c.sort("post_id"))
    sizes = t.cascades.group_by("root_post_id").len()
    p = t.posts.join(sizes, left_on="post_id", right_on="root_post_id", how="left")
    assert (p["size"] == 1 + p["len"].fill_null(0)).all()
    assert t.cascades["depth"].min() == 1 and t.posts["max_depth"].max() >= 2
    assert 1.5 < t.posts["size"].mean() < 6  # modest cascades
    one = t.cascades.filter(pl.col("depth") == 1)
    assert (one["source_user"] == one["root_user"]).all()


def test_root_attribution_changes_only_later_generations(world, rooted):
    a, b = world.events, rooted.events
    assert a.drop("target_user").equals(b.drop("target_user"))
    depth = world.truth.cascades.select("post_id", "depth", "root_user", "source_user")
    ja = a.join(depth, on="post_id", how="left")
    differs = (ja["target_user"] != b["target_user"]).fill_null(False)
    later = (ja["depth"] >= 2).fill_null(False)
    assert later.sum() > 0 and (differs == later).all()
    rt = b.join(depth, on="post_id").filter(pl.col("action") == "retweet")
    assert (rt["target_user"] == rt["root_user"]).all()
    for name in ("users", "probabilities", "cascades", "posts"):
        assert getattr(world.truth, name).equals(getattr(rooted.truth, name)), name
    assert rooted.truth.attribution == "root"


# ---------------------------------------------------------------- graph and truth


def test_follower_graph_shape(world):
    f = world.follows
    assert f.filter(pl.col("follower") == pl.col("followee")).height == 0
    assert f.select("follower", "followee").is_unique().all()
    rev = f.select(pl.col("followee").alias("follower"), pl.col("follower").alias("followee"), r=1)
    share = f.join(rev, on=["follower", "followee"], how="left")["r"].is_not_null().mean()
    assert share == pytest.approx(2 * 0.3 / 1.3, abs=0.05)
    followers = world.truth.users["followers"].to_numpy()
    assert followers.max() > 10 * followers.mean()  # heavy-tailed in-degree


def test_probabilities_match_the_formula(world):
    t = world.truth
    u = t.users.select("user", "persuasiveness", "susceptibility")
    th = t.interests.filter(pl.col("topic") == t.topics[0]).select("user", "interest")
    e = (t.edge_probabilities(t.topics[0])
         .join(u.select("user", "persuasiveness"), left_on="source", right_on="user")
         .join(u.select("user", "susceptibility"), left_on="target", right_on="user")
         .join(th, left_on="target", right_on="user"))
    expect = np.minimum(1, t.scale * e["persuasiveness"] * e["susceptibility"] * e["interest"])
    assert np.allclose(e["p"].to_numpy(), expect.to_numpy())
    tp = t.topic_probabilities.join(
        t.interests, left_on=["source", "topic"], right_on=["user", "topic"]
    )
    mean = tp.group_by("source", "target").agg((pl.col("p") * pl.col("interest")).sum().alias("p"))
    got = t.probabilities.join(mean, on=["source", "target"])
    assert np.allclose(got["p"].to_numpy(), got["p_right"].to_numpy())
    with pytest.raises(InputValidationError) as err:
        t.edge_probabilities("knitting")
    assert err.value.column == "topic"


def test_true_spread(world):
    t = world.truth
    s = t.true_spread(rel_error=0.1)
    assert s.height == 600 and s["spread"].min() >= 1 and s["se"].min() >= 0
    assert t.true_spread(rel_error=0.1) is s  # cached
    u = t.users.join(s, on="user")
    reach = (u["persuasiveness"] * u["followers"]).to_numpy()
    assert spearmanr(reach, u["spread"]).statistic > 0.6
    assert abs(spearmanr(u["post_rate"], u["spread"]).statistic) < 0.2  # activity is not influence
    # the simulator and the RIS engine agree: observed mean size ≈ true mean over posts
    true_mean = t.posts.join(s, on="user")["spread"].mean()
    assert t.posts["size"].mean() == pytest.approx(true_mean, rel=0.15)


@pytest.mark.parametrize("n", [10, 50])
def test_small_worlds(n):
    ds = cascade_world(n, 30, seed=2)
    assert ds.n_users == n and ds.truth.users.height == n
    assert ds.truth.true_spread(rel_error=0.3)["spread"].min() >= 1


@pytest.mark.parametrize(
    "knobs",
    [
        {"n_users": 5}, {"n_days": 0}, {"attribution": "child"}, {"n_topics": 0},
        {"mean_following": 0.5}, {"reciprocity": 1.5}, {"in_degree_exponent": 2.0},
        {"posts_per_day": 0}, {"persuasiveness_sigma": -1}, {"topic_concentration": 0},
        {"mean_cascade": 1.0}, {"delay_hours": -1}, {"reply_rate": float("nan")},
        {"mention_rate": 2}, {"spread_rel_error": 0}, {"start": datetime(2024, 1, 1)},
    ],
)
def test_bad_arguments_name_the_parameter(knobs):
    kw = {"n_users": 50, **knobs}
    with pytest.raises(InputValidationError) as err:
        cascade_world(**kw)
    assert err.value.rule == "BAD_PARAM"
    assert err.value.column == next(iter(knobs))


def test_wrong_types_raise_type_error():
    with pytest.raises(TypeError):
        cascade_world(50.5)
    with pytest.raises(TypeError):
        cascade_world(50, seed="x")
    with pytest.raises(InputValidationError) as err:
        cascade_world(50, 5, seed=1).truth.true_spread(rel_error=2)
    assert err.value.column == "rel_error"
