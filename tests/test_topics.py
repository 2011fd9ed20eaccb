"""Topics: assignment, passion, topical influence, the profile and matching (issue: topics)."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import beta as beta_dist

import influence_graph as ig
from influence_graph.io.dataset import make_dataset
from influence_graph.topics.assign import check_mapping, event_topics
from influence_graph.topics.passion import fold_of, passion_table
from influence_graph.topics.shrinkage import fit_strength

from .conftest import T0


def _ds(rows, topics, follows=None):
    """rows: (user, action, target_user, post_id, parent_id, minute); topics aligned."""
    cols = {k: [] for k in ("user", "action", "target_user", "post_id", "parent_id", "timestamp")}
    for r in rows:
        r = tuple(r) + (None,) * (6 - len(r))
        for k, v in zip(cols, r[:5], strict=False):
            cols[k].append(v)
        cols["timestamp"].append(T0 + timedelta(minutes=r[5] or 0))
    ev = pl.DataFrame(cols, schema_overrides={"timestamp": pl.Datetime("us", "UTC")}).with_columns(
        topics=pl.Series(topics, dtype=pl.List(pl.String))
    )
    # follows given as content edges (followee, follower): the follower sees the followee
    fol = None if follows is None else pl.DataFrame(
        [(b, a) for a, b in follows], schema=["follower", "followee"], orient="row")
    return make_dataset(events=ev, follows=fol)


# ---------------------------------------------------------------- assignment


def test_inheritance_through_parent_then_target_post():
    ds = _ds(
        [("a", "post", None, "p1", None, 0), ("a", "post", None, "p2", None, 10),
         ("b", "retweet", "a", "r1", "p1", 20),      # parent p1: music
         ("c", "retweet", "b", "r2", "r1", 30),      # parent r1 (inherited): music
         ("d", "reply", "a", None, None, 15),        # no parent: a's latest post ≤ 15: p2
         ("e", "mention", "a", None, None, 40)],     # mentions never inherit
        [["#Music"], ["Food"], [], None, None, None],
    )
    got = dict(zip(ds.events["post_id"].fill_null(ds.events["user"]),
                   event_topics(ds.events, None).to_list(), strict=True))
    assert got == {"p1": ["music"], "p2": ["food"], "r1": ["music"], "r2": ["music"],
                   "d": ["food"], "e": []}


def test_own_topics_win_and_untopiced_stays_untopiced():
    ds = _ds([("a", "post", None, "p1", None, 0), ("b", "quote", "a", "q1", "p1", 5),
              ("a", "post", None, "p2", None, 9)],
             [["music"], ["Tech"], []])
    got = dict(zip(ds.events["post_id"], event_topics(ds.events, None).to_list(), strict=True))
    assert got == {"p1": ["music"], "q1": ["tech"], "p2": []}


def test_mapping_case_hash_and_several_topics():
    m = check_mapping(pl.DataFrame({"keyword": ["#NBA", "lakers", "Lakers"],
                                    "topic": ["basketball", "basketball", "la"]}))
    assert m == {"nba": ("basketball",), "lakers": ("basketball", "la")}
    ds = _ds([("a", "post", None, "p1", None, 0), ("a", "post", None, "p2", None, 1)],
             [["#nba", "cooking"], ["LAKERS"]])
    got = dict(zip(ds.events["post_id"], event_topics(ds.events, m).to_list(), strict=True))
    assert got == {"p1": ["basketball"], "p2": ["basketball", "la"]}


@pytest.mark.parametrize("bad, named", [
    ({}, "topics"), ({"": "x"}, "topics"), ({"#": "x"}, "topics"), ({"nba": ""}, "topics['nba']"),
    ({"nba": []}, "topics['nba']"), ({"nba": 3}, "topics['nba']"), (["nba"], "topics"),
    (pl.DataFrame({"word": ["nba"]}), "topics"),
])
def test_malformed_mapping_names_the_entry(bad, named):
    with pytest.raises(ig.InputValidationError) as e:
        check_mapping(bad)
    assert e.value.rule == "BAD_PARAM" and e.value.column == named


def test_no_topics_is_one_clear_error():
    ds = ig.datasets.synthetic(n_users=60, seed=2)
    bare = make_dataset(events=ds.events.with_columns(topics=pl.lit(None, pl.List(pl.String))),
                        follows=ds.follows)
    with pytest.raises(ig.InputValidationError) as e:
        ig.topic_profile(bare)
    assert e.value.rule == "NO_TOPICS" and e.value.column == "topics"
    assert "topics={" in str(e.value) and "'topics' column" in str(e.value)
    with pytest.raises(ig.InputValidationError) as e:
        ig.topic_profile(ds, topics={"knitting": "crafts"})
    assert e.value.rule == "NO_TOPICS" and "mapping" in str(e.value)


# ---------------------------------------------------------------- passion


def test_passion_formula_by_hand():
    posts = pl.DataFrame({"user": ["a"] * 4 + ["d"] * 4,
                          "topic": [["x"], ["x"], ["x"], ["y"], ["y"], ["y"], ["x"], []]})
    tab, priors = passion_table(posts, topics=["x"], confidence=0.9)
    tab = tab.sort("user")
    assert fold_of(pl.Series(["a", "d"])).to_list() == [1, 0]   # one user per fold
    # a's prior is fitted on the other fold only: d's 1 of 4 (mean 1/4)
    s_d = fit_strength(np.array([1.0]), np.array([4.0]), 0.25)
    a_, b_ = s_d * 0.25, s_d * 0.75
    assert (tab["prior_a"][0], tab["prior_b"][0]) == pytest.approx((a_, b_))
    assert tab["passion"][0] == pytest.approx((a_ + 3) / (a_ + b_ + 4))
    assert tab["passion_low"][0] == pytest.approx(beta_dist.ppf(0.05, a_ + 3, b_ + 1))
    assert tab["population_share"][0] == pytest.approx(0.5)
    assert tab["lift"].to_list() == pytest.approx([0.75 / 0.5, 0.25 / 0.5])
    assert priors.height == 2


def test_one_post_never_makes_a_passion():
    prof = ig.topic_profile(ig.datasets.synthetic(n_users=300, seed=4), seed=1)
    single = prof.filter(pl.col("posts") == 1)
    assert single.height > 0
    assert not single["passionate"].any()


def test_no_post_but_engagement_gets_zero_passion_with_interval():
    ds = _ds([("a", "post", None, "p1", None, 0), ("a", "post", None, "p2", None, 1),
              ("b", "post", None, "p3", None, 2), ("c", "retweet", "a", "r1", "p1", 3),
              ("b", "reply", "a", None, "p2", 4)],
             [["music"], ["music"], ["food"], [], []],
             follows=[("a", "c"), ("a", "b"), ("b", "a")])
    prof = ig.topic_profile(ds, seed=0)
    c = prof.filter(pl.col("user") == "c").row(0, named=True)   # never posted, re-shared music
    assert (c["topic"], c["posts"], c["passion"], c["passion_low"]) == ("music", 0, 0.0, 0.0)
    assert 0.0 < c["passion_high"] <= 1.0   # no posts: as wide as the prior allows
    assert c["engagements_made"] == 1
    b_music = prof.filter(pl.col("user") == "b", pl.col("topic") == "music").row(0, named=True)
    assert b_music["passion"] == 0.0 and b_music["passion_high"] > 0.0   # replied on music
    a = prof.filter(pl.col("user") == "a", pl.col("topic") == "music").row(0, named=True)
    assert a["reshares_received"] == 1 and a["unique_engagers"] == 2


# ---------------------------------------------------------------- properties


def _world(n_posts: list[int], shares: list[float]) -> pl.DataFrame:
    rows, k = [], 0
    for u, (n, s) in enumerate(zip(n_posts, shares, strict=False)):
        on = int(round(n * s))
        for i in range(n):
            rows.append({"user": f"u{u}", "topic": ["x"] if i < on else ["y"]})
            k += 1
    return pl.DataFrame(rows, schema={"user": pl.String, "topic": pl.List(pl.String)})


@given(st.lists(st.integers(1, 12), min_size=2, max_size=6),
       st.lists(st.floats(0, 1), min_size=6, max_size=6), st.integers(1, 20))
def test_off_topic_posts_never_raise_passion(n_posts, shares, extra):
    posts = _world(n_posts, shares[: len(n_posts)])
    before = passion_table(posts, topics=["x"], confidence=0.95)[0].filter(pl.col("user") == "u0")
    more = pl.concat([posts, pl.DataFrame({"user": ["u0"] * extra, "topic": [["y"]] * extra},
                                          schema=posts.schema)])
    after = passion_table(more, topics=["x"], confidence=0.95)[0].filter(pl.col("user") == "u0")
    assert after["passion"][0] <= before["passion"][0] + 1e-12
    assert after["passion_low"][0] <= before["passion_low"][0] + 1e-12


@pytest.fixture(scope="module")
def small():
    ds = ig.datasets.synthetic(n_users=250, seed=5)
    return ds, ig.topic_profile(ds, seed=3)


@pytest.fixture(scope="module")
def tiny():
    ds = ig.datasets.synthetic(n_users=120, seed=6)
    return ds, ig.topic_profile(ds, seed=3)


@settings(max_examples=6)
@given(st.permutations(list(range(8))))
def test_relabelling_topics_permutes_the_profile(tiny, order):
    ds, prof = tiny
    names = sorted(prof["topic"].unique())
    perm = {old: f"t{order[i]}" for i, old in enumerate(names)}   # any renaming
    relabelled = ig.topic_profile(ds, topics=perm, seed=3)
    expect = prof.with_columns(pl.col("topic").replace_strict(perm)).sort("user", "topic")
    assert relabelled.sort("user", "topic").equals(expect)


@settings(max_examples=6)
@given(st.integers(0, 2**31 - 1))
def test_rows_do_not_depend_on_row_order(tiny, shuffle_seed):
    ds, prof = tiny
    shuffled = make_dataset(
        events=ds.events.sample(fraction=1.0, shuffle=True, seed=shuffle_seed),
        follows=ds.follows.sample(fraction=1.0, shuffle=True, seed=shuffle_seed + 1))
    assert ig.topic_profile(shuffled, seed=3).equals(prof)


def test_profile_columns_and_intervals(small):
    _, prof = small
    assert prof.columns == list(ig.topics.PROFILE_COLUMNS)
    assert prof.select(pl.struct("user", "topic").is_unique().all()).item()
    ok = prof.select(
        (pl.col("passion_low") <= pl.col("passion")).all().alias("plo"),
        (pl.col("passion") <= pl.col("passion_high")).all().alias("phi"),
        (pl.col("spread_low") <= pl.col("topical_spread")).all().alias("lo"),
        (pl.col("topical_spread") <= pl.col("spread_high")).all().alias("hi"),
        (pl.col("reach_low") <= pl.col("spread_low") + 1e-12).all().alias("reach"),
        (pl.col("topical_spread") >= 1).all().alias("one"),
    ).row(0)
    assert all(ok)


def test_same_seed_same_profile_any_jobs(small):
    ds, prof = small
    assert ig.topic_profile(ds, seed=3, n_jobs=2).equals(prof)


def test_common_random_numbers_across_topics(small):
    """Topics share roots and per-RR-set streams: two topics whose probabilities agree
    give identical estimates; different seeds do not."""
    from influence_graph.diffusion.spread import expected_spread
    from influence_graph.topics.profile import topic_data
    from influence_graph.topics.topical import topic_probabilities

    ds, _ = small
    td = topic_data(ds, None)
    probs = topic_probabilities(td.graphs, td.events, td.topics)
    t = probs.tables[td.topics[0]]
    same = expected_spread(t, seed=9, rel_error=0.2).table["spread"]
    again = expected_spread(t.clone(), seed=9, rel_error=0.2).table["spread"]
    other = expected_spread(t, seed=10, rel_error=0.2).table["spread"]
    assert same.equals(again) and not same.equals(other)


# ---------------------------------------------------------------- matching


def test_match_unknown_topic_names_the_known_ones(small):
    _, prof = small
    with pytest.raises(ig.InputValidationError) as e:
        ig.match_topic(prof, "knitting")
    assert e.value.column == "topic" and "'music'" in str(e.value)


def test_match_why_and_order(small):
    _, prof = small
    top = ig.match_topic(prof, "#MUSIC", k=5)
    assert top["rank"].to_list() == list(range(1, top.height + 1))
    assert top["passionate"].all()
    assert top["score"].is_sorted(descending=True)
    for row in top.iter_rows(named=True):
        assert f"{row['posts']} of {row['all_posts']} posts on music" in row["why"]
        assert "reaches" in row["why"]


def test_engagement_baseline_ignores_passion(small):
    _, prof = small
    base = ig.match_topic(prof, "music", k=10, method="engagement")
    assert base["score"].is_sorted(descending=True)
    assert base["score"].to_list() == sorted(
        prof.filter(pl.col("topic") == "music")["cascade_reshares"].to_list(), reverse=True
    )[:10]


def test_brief_merges_topics(small):
    ds, _ = small
    both = ig.match_topic(ds, ["music", "#film"], k=5, seed=3)
    assert set(both["topic"]) == {"film+music"}
    assert both["passionate"].all()


# ---------------------------------------------------------------- planted truth


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_precision_at_10_against_planted_truth(seed):
    """Every topic: ≥ 8 of the 10 picks are planted passionate-and-influential users;
    no planted expert is picked for the topic of their one viral off-topic post."""
    ds = ig.datasets.synthetic(seed=seed)
    truth = ds.truth
    prof = ig.topic_profile(ds, seed=seed)
    viral = truth.posts.filter(pl.col("viral")).select("user", "topic")
    for topic in truth.topics:
        planted = set(truth.topic_leaders(topic)["user"])
        top = ig.match_topic(prof, topic, k=10)["user"].to_list()
        assert len(top) == 10
        assert sum(u in planted for u in top) >= 8, topic
        assert not set(top) & set(viral.filter(pl.col("topic") == topic)["user"]), topic


# ---------------------------------------------------------------- campaign


def test_campaign_beats_or_ties_the_list_and_stays_passionate(small):
    ds, prof = small
    c = ig.select_campaign(ds, "music", k=5, seed=2)
    assert c.table.columns == list(ig.topics.campaign.CAMPAIGN_COLUMNS)
    assert c.table["passionate"].all() and c.table["pick"].to_list() == [1, 2, 3, 4, 5]
    assert c.table["joint_spread"].is_sorted()
    # the gains add up to the joint reach (the first one counts the pick itself)
    assert c.table["marginal_gain"].sum() == pytest.approx(c.joint_spread, rel=1e-9)
    passionate = set(prof.filter(pl.col("topic") == "music", pl.col("passionate"))["user"])
    assert set(c.individual_top_k) <= passionate and c.candidates == len(passionate)
    # same evaluation RR sets: the set's reach is not below the list's beyond noise
    assert c.joint_spread >= c.individual_joint_spread - 3 * c.individual_joint_se
    assert 0 <= c.overlap <= 5 and c.guarantee == pytest.approx(1 - 1 / np.e - 0.1)
    assert ig.match_topic(ds, "music", k=5, seed=2, as_set=True).equals(c.table)


def test_campaign_bad_input(small):
    ds, prof = small
    with pytest.raises(ig.InputValidationError) as e:
        ig.select_campaign(ds, "music", k=10_000, seed=2)
    assert e.value.column == "k" and "passionate about 'music'" in str(e.value)
    with pytest.raises(ig.InputValidationError) as e:
        ig.match_topic(prof, "music", as_set=True)
    assert e.value.column == "data"


def test_campaign_checks_epsilon_before_any_work(small, monkeypatch):
    ds, _ = small
    import influence_graph.topics.campaign as camp

    monkeypatch.setattr(camp, "topic_data", lambda *a, **k: pytest.fail("profiled first"))
    with pytest.raises(ig.InputValidationError) as e:
        ig.select_campaign(ds, "music", k=3, epsilon=0.9)
    assert e.value.column == "epsilon"
