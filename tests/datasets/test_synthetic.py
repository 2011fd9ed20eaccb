"""The synthetic world: determinism, graph shape, planted truth, cascade consistency."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import numpy as np
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import spearmanr

from influence_graph.io.dataset import Dataset
from influence_graph.datasets.synthetic import SyntheticTruth, synthetic
from influence_graph.exceptions import InputValidationError
from influence_graph.io.schema import EVENT_SCHEMA, FOLLOW_SCHEMA


@pytest.fixture(scope="module")
def world() -> Dataset:
    # the default world; truth spread at 10 % relative precision keeps the file fast
    return synthetic(2000, seed=7, spread_rel_error=0.1)


@pytest.fixture(scope="module")
def small() -> Dataset:
    return synthetic(300, seed=11)


def _hill(x: np.ndarray, k: int) -> float:
    """Hill estimator of the tail index from the k largest values."""
    xs = np.sort(x)[::-1].astype(float)
    return 1.0 / np.mean(np.log(xs[:k] / xs[k]))


def _with_parent(events: pl.DataFrame) -> pl.DataFrame:
    par = events.select(
        pl.col("post_id").alias("parent_id"),
        pl.col("user").alias("parent_user"),
        pl.col("timestamp").alias("parent_time"),
        pl.col("action").alias("parent_action"),
    )
    return events.filter(pl.col("parent_id").is_not_null()).join(par, on="parent_id", how="left")


def _roots(events: pl.DataFrame) -> pl.DataFrame:
    """Root post and depth of every retweet/quote, following parent_id chains."""
    ad = events.filter(pl.col("action").is_in(["retweet", "quote"])).select("post_id", "parent_id")
    up = dict(zip(ad["post_id"].to_list(), ad["parent_id"].to_list()))
    roots, depths = [], []
    for pid in ad["post_id"].to_list():
        d, cur = 0, pid
        while cur in up:
            cur, d = up[cur], d + 1
        roots.append(cur)
        depths.append(d)
    return ad.with_columns(root=pl.Series(roots), depth=pl.Series(depths, dtype=pl.Int64))


# ---------------------------------------------------------------- determinism


def test_same_seed_gives_identical_tables():
    a, b = synthetic(250, seed=5), synthetic(250, seed=5)
    assert a.events.equals(b.events)
    assert a.follows.equals(b.follows)
    assert a.users.equals(b.users)
    for name in ("users", "passions", "probabilities", "cascades", "posts"):
        assert getattr(a.truth, name).equals(getattr(b.truth, name)), name
    assert a.provenance == b.provenance


def test_different_seeds_give_different_worlds():
    a, b = synthetic(250, seed=5), synthetic(250, seed=6)
    assert not a.events.equals(b.events)
    assert not a.follows.equals(b.follows)
    assert not a.truth.users.equals(b.truth.users)


def test_seed_sequence_and_int_agree():
    a = synthetic(120, seed=np.random.SeedSequence(9))
    b = synthetic(120, seed=9)
    assert a.events.equals(b.events)
    assert a.provenance["seed"] == {"entropy": 9, "spawn_key": []}


def test_global_random_state_untouched():
    np_state = np.random.get_state()[1].copy()
    synthetic(100, seed=1)
    assert np.array_equal(np.random.get_state()[1], np_state)


# ---------------------------------------------------------------- schema


def test_tables_follow_the_canonical_schema(world):
    assert dict(world.events.schema) == EVENT_SCHEMA
    assert dict(world.follows.schema) == FOLLOW_SCHEMA
    assert world.name == "synthetic"
    assert world.users["user"].to_list() == world.truth.users["user"].to_list()
    assert world.n_users == 2000


def test_every_action_type_occurs_and_ids_are_unique(world):
    ev = world.events
    assert set(ev["action"].cast(str).unique()) == {"post", "retweet", "quote", "reply", "mention"}
    assert ev["event_id"].n_unique() == ev.height
    assert ev["post_id"].null_count() == 0 and ev["post_id"].n_unique() == ev.height
    # target_user is null exactly for posts, and never the acting user
    assert ev.filter((pl.col("action") == "post") != pl.col("target_user").is_null()).height == 0
    assert ev.filter(pl.col("target_user") == pl.col("user")).height == 0
    # parent_id on retweets, quotes and replies only
    has_parent = pl.col("action").is_in(["retweet", "quote", "reply"])
    assert ev.filter(has_parent != pl.col("parent_id").is_not_null()).height == 0
    assert ev["topics"].list.len().min() == 1
    assert set(ev["platform"].unique()) == {"alpha", "beta"}


def test_timestamps_lie_in_the_window():
    start = datetime(2023, 1, 2, tzinfo=timezone.utc)
    ds = synthetic(200, seed=3, days=3, start=start)
    ts = ds.events["timestamp"]
    assert ts.min() >= start and ts.max() <= start + timedelta(days=3)
    assert ds.follows["since"].max() < start


def test_platforms_have_no_favourite(world):
    share = world.events.group_by("platform").len()["len"].to_numpy() / world.events.height
    assert share.min() > 0.3
    only = world.truth.users.filter(pl.col("share_alpha") == 1.0)["user"]
    theirs = world.events.filter(pl.col("user").is_in(only.implode()))
    assert set(theirs["platform"].unique()) == {"alpha"}


# ---------------------------------------------------------------- follower graph


def test_in_degree_is_heavy_tailed(world):
    followers = world.truth.users["followers"].to_numpy()
    assert followers.max() >= 10 * np.median(followers)
    assert 1.2 <= _hill(followers, 100) <= 2.6
    # the in-degree follows fitness: Spearman well above zero
    assert spearmanr(followers, world.truth.users["fitness"])[0] > 0.5


@pytest.mark.parametrize("target", [0.1, 0.25, 0.5])
def test_reciprocity_matches_the_knob(target):
    f = synthetic(500, seed=2, reciprocity=target, days=1).follows
    pairs = set(zip(f["follower"], f["followee"]))
    measured = np.mean([(b, a) in pairs for a, b in pairs])
    assert abs(measured - target) < 0.02
    assert f.filter(pl.col("follower") == pl.col("followee")).height == 0
    assert f.select("follower", "followee").is_duplicated().sum() == 0


def _same_topic_share(ds: Dataset, seed: int) -> tuple[float, float]:
    topic = dict(zip(ds.truth.users["user"], ds.truth.users["main_topic"]))
    a = np.array([topic[x] for x in ds.follows["follower"]])
    b = np.array([topic[x] for x in ds.follows["followee"]])
    shuffled = np.random.default_rng(seed).permutation(b)
    return float(np.mean(a == b)), float(np.mean(a == shuffled))


def test_follows_are_topic_homophilous(world):
    observed, baseline = _same_topic_share(world, 0)
    assert observed > baseline + 0.3
    none, baseline0 = _same_topic_share(synthetic(600, seed=4, homophily=0.0, days=1), 0)
    assert abs(none - baseline0) < 0.05


def test_follows_share_passions(world):
    pas = world.truth.passions.pivot(on="topic", index="user", values="interest").sort("user")
    mat = pas.drop("user").to_numpy()
    code = {u: i for i, u in enumerate(pas["user"])}
    a = np.array([code[x] for x in world.follows["follower"]])
    b = np.array([code[x] for x in world.follows["followee"]])
    r = np.random.default_rng(1).integers(0, len(code), (2, a.size))
    assert (mat[a] * mat[b]).sum(1).mean() > 1.5 * (mat[r[0]] * mat[r[1]]).sum(1).mean()


# ---------------------------------------------------------------- traits and truth


def test_activity_is_independent_of_persuasiveness(world):
    u = world.truth.users
    assert abs(spearmanr(u["posting_rate"], u["persuasiveness"])[0]) < 0.1
    o = u.filter(pl.col("archetype") == "ordinary")
    assert abs(spearmanr(o["posting_rate"], o["persuasiveness"])[0]) < 0.1


def test_passions_are_distributions_concentrated_on_few_topics(world):
    pas = world.truth.passions
    sums = pas.group_by("user").agg(pl.col("interest").sum(), pl.col("post_share").sum())
    assert np.allclose(sums["interest"], 1.0) and np.allclose(sums["post_share"], 1.0)
    top2 = pas.group_by("user").agg(pl.col("interest").top_k(2).sum())["interest"]
    assert top2.min() > 0.55
    main = pas.sort("interest", descending=True).group_by("user", maintain_order=True).first()
    joined = main.join(world.truth.users.select("user", "main_topic"), on="user")
    assert (joined["topic"] == joined["main_topic"]).all()


def test_transmission_probabilities_follow_the_formula(small):
    t = small.truth
    prm = t.params
    T = len(t.topics)
    pers = t.users.select(pl.col("user").alias("source"), "persuasiveness")
    interest = t.passions.select(pl.col("user").alias("target"), "topic", "interest")
    tp = t.topic_probabilities.join(pers, on="source").join(interest, on=["target", "topic"])
    expected = np.minimum(
        prm["max_probability"], prm["base_probability"] * tp["persuasiveness"] * T * tp["interest"]
    )
    np.testing.assert_allclose(tp["p"].to_numpy(), expected.to_numpy(), rtol=1e-12)
    # p̄ is the per-topic probability averaged over the source's own post-topic mix
    avg = (
        t.topic_probabilities.join(
            t.passions.select(pl.col("user").alias("source"), "topic", "post_share"), on=["source", "topic"]
        )
        .group_by("source", "target")
        .agg(p=(pl.col("p") * pl.col("post_share")).sum())
    )
    cmp = t.probabilities.join(avg, on=["source", "target"], suffix="_avg")
    assert cmp.height == t.probabilities.height == small.follows.height
    np.testing.assert_allclose(cmp["p"].to_numpy(), cmp["p_avg"].to_numpy(), rtol=1e-12)
    edges = set(zip(small.follows["followee"], small.follows["follower"]))
    assert set(zip(t.probabilities["source"], t.probabilities["target"])) == edges


def test_loud_users_post_most_and_spread_little(world):
    u = world.truth.users.join(world.truth.spread.select("user", "spread"), on="user")
    loud = u.filter(pl.col("archetype") == "loud")
    assert loud.height == 20
    assert (loud["posts"] >= u["posts"].quantile(0.9)).all()
    assert (loud["spread"] <= u["spread"].median()).all()


def test_quiet_users_post_little_and_spread_most(world):
    u = world.truth.users.join(world.truth.spread.select("user", "spread"), on="user")
    quiet = u.filter(pl.col("archetype") == "quiet")
    assert quiet.height == 20
    assert (quiet["posts"] <= u["posts"].median()).all()
    assert (quiet["spread"] >= u["spread"].quantile(0.9)).all()


def test_topic_experts_have_one_viral_off_topic_post(world):
    t = world.truth
    experts = t.users.filter(pl.col("archetype") == "topic_expert")
    assert experts.height == 8
    assert sorted(experts["main_topic"]) == sorted(t.topics)
    for user, main, viral_id in experts.select("user", "main_topic", "viral_post_id").rows():
        posts = t.posts.filter(pl.col("user") == user)
        viral = posts.filter("viral")
        assert viral.height == 1 and viral["post_id"][0] == viral_id
        assert viral["topic"][0] != main
        others = posts.filter(~pl.col("viral"))
        assert (others["topic"] == main).all()
        assert viral["size"][0] > others["size"].max()
    assert t.posts.filter("viral").height == 8


def test_topic_experts_are_influential_in_their_topic(world):
    t = world.truth
    pct = pl.col("spread").rank().over("topic") / pl.len().over("topic")
    experts = t.users.filter(pl.col("archetype") == "topic_expert").select("user", "main_topic")
    j = t.topic_spread.with_columns(pct=pct).join(experts, on="user")
    on_topic = j.filter(pl.col("topic") == pl.col("main_topic"))
    assert (on_topic["pct"] >= 0.9).all()
    # first hop: an expert's own topic reaches the most followers directly (farther hops
    # depend on who their followers' followers are, so the total can favour another topic)
    direct = (
        t.topic_probabilities.join(experts.rename({"user": "source"}), on="source")
        .group_by("source", "topic", "main_topic")
        .agg(pl.col("p").sum())
        .sort("p")
        .group_by("source", maintain_order=True)
        .last()
    )
    assert direct.height == 8 and (direct["topic"] == direct["main_topic"]).all()


def test_truth_spread_contract(world):
    sp = world.truth.spread
    assert sp["user"].to_list() == world.users["user"].to_list()
    for c in ("spread", "outward", "se", "ci_low", "ci_high", "rank", "archetype"):
        assert sp[c].null_count() == 0, c
    assert (sp["spread"] >= 1).all()
    assert ((sp["ci_low"] <= sp["spread"] + 1e-12) & (sp["spread"] <= sp["ci_high"] + 1e-12)).all()
    np.testing.assert_allclose(sp["outward"], sp["spread"] - 1, atol=1e-9)
    # users nobody follows cannot move content
    lonely = world.truth.users.filter(pl.col("followers") == 0)["user"]
    assert (sp.filter(pl.col("user").is_in(lonely.implode()))["spread"] == 1).all()


def test_spread_table_rejects_unknown_topic(small):
    with pytest.raises(InputValidationError) as err:
        small.truth.spread_table(topic="knitting")
    assert err.value.rule == "BAD_PARAM"


# ---------------------------------------------------------------- cascades


def test_parents_are_earlier_and_targets_are_their_authors(world):
    j = _with_parent(world.events)
    assert j["parent_user"].null_count() == 0  # every parent_id names an event of the log
    assert (j["parent_time"] < j["timestamp"]).all()
    assert (j["target_user"] == j["parent_user"]).all()
    # retweets and quotes adopt cascade content; replies answer original posts
    ad = j.filter(pl.col("action").is_in(["retweet", "quote"]))
    assert ad["parent_action"].cast(str).is_in(["post", "retweet", "quote"]).all()
    assert (j.filter(pl.col("action") == "reply")["parent_action"] == "post").all()


def test_adopters_follow_who_they_got_it_from(world):
    ev = world.events.filter(pl.col("action").is_in(["retweet", "quote", "reply"]))
    missing = ev.join(
        world.follows.select(user="follower", target_user="followee"),
        on=["user", "target_user"],
        how="anti",
    )
    assert missing.height == 0


def test_cascades_table_is_the_true_tree(world):
    t = world.truth
    casc = t.cascades
    ev = world.events.filter(pl.col("action").is_in(["post", "retweet", "quote"]))
    assert casc.height == ev.height
    j = casc.join(ev.select("post_id", "user", "parent_id"), on="post_id", suffix="_ev")
    assert (j["user"] == j["user_ev"]).all()
    assert j.filter(pl.col("parent_post_id").ne_missing(pl.col("parent_id"))).height == 0
    # depth = parent's depth + 1, and the root is inherited from the parent
    par = casc.select(pl.col("post_id").alias("parent_post_id"), pl.col("depth").alias("pd"),
                      pl.col("root_post_id").alias("pr"))
    k = casc.filter(pl.col("depth") > 0).join(par, on="parent_post_id")
    assert (k["depth"] == k["pd"] + 1).all() and (k["root_post_id"] == k["pr"]).all()
    roots = casc.filter(pl.col("depth") == 0)
    assert (roots["root_post_id"] == roots["post_id"]).all()
    assert roots["parent_post_id"].null_count() == roots.height
    # no user adopts the same cascade twice (the author included)
    assert casc.select("root_post_id", "user").is_duplicated().sum() == 0


def test_cascades_reconstruct_from_parent_chains(world):
    r = _roots(world.events)
    truth = world.truth.cascades.filter(pl.col("depth") > 0)
    j = r.join(truth, on="post_id")
    assert j.height == truth.height == r.height
    assert (j["root"] == j["root_post_id"]).all() and (j["depth"] == j["depth_right"]).all()
    sizes = r.group_by("root").len().rename({"root": "post_id"})
    posts = world.truth.posts.join(sizes, on="post_id", how="left").fill_null(0)
    assert (posts["size"] == posts["len"] + 1).all()


def test_observed_cascade_size_tracks_true_spread(world):
    t = world.truth
    obs = (
        t.posts.filter(~pl.col("viral"))
        .group_by("user")
        .agg(mean_size=pl.col("size").mean(), n=pl.len())
        .filter(pl.col("n") >= 5)
    )
    j = obs.join(t.post_spread, on="user").join(t.spread.select("user", "spread"), on="user")
    assert j.height > 500
    assert spearmanr(j["mean_size"], j["post_spread"])[0] > 0.5
    assert spearmanr(j["mean_size"], j["spread"])[0] > 0.5
    # activity, by construction, does not track it
    act = j.join(t.users.select("user", "posts"), on="user")
    assert abs(spearmanr(act["posts"], act["spread"])[0]) < 0.2


def test_truth_is_a_frozen_dataclass(small):
    assert isinstance(small.truth, SyntheticTruth)
    with pytest.raises(AttributeError):
        small.truth.users = None  # type: ignore[misc]


# ---------------------------------------------------------------- knobs


@pytest.mark.parametrize(
    "knobs",
    [
        {"n_topics": 1},
        {"days": 0},
        {"reciprocity": 1.0},
        {"homophily": 1.5},
        {"max_probability": 0.0},
        {"mean_following": 0.5},
        {"loud_share": -0.1},
        {"platforms": ()},
        {"platforms": ("a", "a")},
        {"start": datetime(2024, 1, 1)},
    ],
)
def test_bad_knobs_raise_with_the_knob_named(knobs):
    with pytest.raises(InputValidationError) as err:
        synthetic(50, **knobs)
    assert err.value.rule == "BAD_PARAM"
    assert err.value.column == next(iter(knobs))


def test_bad_types_raise_type_error():
    with pytest.raises(TypeError):
        synthetic(50.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        synthetic(50, seed="seven")  # type: ignore[arg-type]
    with pytest.raises(InputValidationError):
        synthetic(5)


def test_more_posts_per_day_gives_more_posts():
    a = synthetic(200, seed=1, posts_per_day=0.2, days=3).truth.posts.height
    b = synthetic(200, seed=1, posts_per_day=0.8, days=3).truth.posts.height
    assert b > 1.5 * a


@given(
    n=st.integers(10, 60),
    seed=st.integers(0, 2**32),
    n_topics=st.integers(2, 5),
    reciprocity=st.floats(0, 0.9),
    homophily=st.floats(0, 1),
)
def test_small_worlds_are_consistent(n, seed, n_topics, reciprocity, homophily):
    ds = synthetic(n, seed=seed, n_topics=n_topics, days=2, mean_following=min(5.0, n - 1),
                   reciprocity=reciprocity, homophily=homophily)
    assert ds.n_users == n
    j = _with_parent(ds.events)
    assert j["parent_user"].null_count() == 0
    assert (j["parent_time"] < j["timestamp"]).all()
    assert (j["target_user"] == j["parent_user"]).all()
    assert ds.truth.cascades.select("root_post_id", "user").is_duplicated().sum() == 0
    assert (ds.truth.probabilities["p"] <= ds.truth.params["max_probability"]).all()


def test_package_attribute_stays_callable_after_importing_the_module():
    import influence_graph as ig
    import influence_graph.datasets.synthetic as module  # noqa: F401  (shadows the lazy name)

    ds = ig.datasets.synthetic(30, seed=2)
    assert ds.events.equals(synthetic(30, seed=2).events)


def test_truth_spread_is_reproducible_and_topic_tables_are_consistent():
    a, b = synthetic(150, seed=8, spread_rel_error=0.2), synthetic(150, seed=8, spread_rel_error=0.2)
    assert a.truth.spread.equals(b.truth.spread)
    ts = a.truth.topic_spread
    assert ts.height == 150 * len(a.truth.topics)
    ps = a.truth.post_spread
    assert ps["user"].to_list() == a.users["user"].to_list()
    lo = ts.group_by("user").agg(pl.col("spread").min()).sort("user")["spread"]
    hi = ts.group_by("user").agg(pl.col("spread").max()).sort("user")["spread"]
    # a post's expected size mixes its author's per-topic spreads
    assert ((ps["post_spread"] >= lo - 1e-9) & (ps["post_spread"] <= hi + 1e-9)).all()
