"""Edge probabilities: hand-computed tiny graphs per scheme, validation rules, invariances."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import beta as beta_dist

import influence_graph as ig
from influence_graph.io.dataset import make_dataset
from influence_graph.diffusion.probabilities import (
    DEFAULT_PRIOR,
    TRIVALENCY_LEVELS,
    edge_probabilities,
    validate_probabilities,
)
from influence_graph.exceptions import InputValidationError
from tests.conftest import events_frame


def _edges(pairs):
    return pl.DataFrame(
        {"source": [s for s, _ in pairs], "target": [t for _, t in pairs]},
        schema={"source": pl.String, "target": pl.String},
    )


def _prob(rows):
    return pl.DataFrame(
        rows, schema={"source": pl.String, "target": pl.String, "p": pl.Float64}, orient="row"
    )


def _as_dict(table):
    return {(s, t): p for s, t, p in table.select("source", "target", "p").iter_rows()}


# --------------------------------------------------------------------------- constant / WC


def test_constant_gives_p_to_every_edge_and_no_evidence():
    out = edge_probabilities(_edges([("b", "a"), ("a", "b"), ("a", "c")]), "constant", p=0.25)
    assert out.columns == ["source", "target", "p"]
    assert out.rows() == [("a", "b", 0.25), ("a", "c", 0.25), ("b", "a", 0.25)]


@pytest.mark.parametrize("bad", [1.5, -0.1, float("nan"), float("inf")])
def test_constant_rejects_p_outside_unit_interval(bad):
    with pytest.raises(InputValidationError) as err:
        edge_probabilities(_edges([("a", "b")]), "constant", p=bad)
    assert err.value.rule == "BAD_PARAM" and err.value.column == "p"


def test_weighted_cascade_hand_computed():
    # c has in-neighbours a, b, d; b has a; a has none
    e = _edges(
        [("a", "c"), ("b", "c"), ("d", "c"), ("a", "b"), ("a", "c")]
    )  # a→c repeated: one edge
    out = edge_probabilities(e, "weighted_cascade")
    assert out.rows() == [
        ("a", "b", 1.0, 1),
        ("a", "c", 1 / 3, 3),
        ("b", "c", 1 / 3, 3),
        ("d", "c", 1 / 3, 3),
    ]


def test_weighted_cascade_on_follower_graph_uses_accounts_followed():
    follows = pl.DataFrame({"follower": ["f1", "f1", "f2"], "followee": ["x", "y", "x"]})
    ds = make_dataset(follows=follows)
    out = edge_probabilities(ds, "weighted_cascade")  # follower graph is the default
    # content moves followee → follower; f1 follows 2 accounts, f2 follows 1
    assert _as_dict(out) == {("x", "f1"): 0.5, ("y", "f1"): 0.5, ("x", "f2"): 1.0}


@given(st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7)), min_size=1, max_size=40))
def test_weighted_cascade_in_weights_sum_to_one_and_pass_lt(pairs):
    e = _edges([(str(s), str(t)) for s, t in pairs if s != t] or [("0", "1")])
    out = edge_probabilities(e, "weighted_cascade")
    sums = out.group_by("target").agg(pl.col("p").sum())["p"].to_numpy()
    np.testing.assert_allclose(sums, 1.0, rtol=0, atol=1e-12)
    validate_probabilities(out, model="lt")  # must not raise


def test_self_loops_and_null_ids_are_not_edges():
    e = pl.DataFrame({"source": ["a", "a", None], "target": ["a", "b", "b"]})
    assert edge_probabilities(e, "constant", p=0.5).rows() == [("a", "b", 0.5)]


# --------------------------------------------------------------------------- trivalency


def _many_edges(n=600):
    rng = np.random.default_rng(3)
    s = rng.integers(0, 200, n)
    t = rng.integers(0, 200, n)
    keep = s != t
    return _edges(list(zip(map(str, s[keep]), map(str, t[keep]), strict=True)))


def test_trivalency_reproducible_levels_and_roughly_uniform():
    e = _many_edges(3000)
    a = edge_probabilities(e, "trivalency", seed=11)
    assert a.equals(edge_probabilities(e, "trivalency", seed=11))
    assert set(a["p"].unique()) == set(TRIVALENCY_LEVELS)
    counts = a["p"].value_counts()["count"].to_numpy()
    m = a.height
    # each level ~ Binomial(m, 1/3): within 5 standard deviations
    assert np.all(np.abs(counts - m / 3) < 5 * math.sqrt(m * 2 / 9))


def test_trivalency_differs_between_seeds():
    e = _many_edges()
    a = edge_probabilities(e, "trivalency", seed=1)["p"].to_numpy()
    b = edge_probabilities(e, "trivalency", seed=2)["p"].to_numpy()
    # independent draws agree on ~1/3 of the edges
    assert 0.2 < np.mean(a == b) < 0.5


def test_trivalency_is_row_order_free_and_keyed_per_edge():
    e = _many_edges()
    full = edge_probabilities(e, "trivalency", seed=5)
    shuffled = edge_probabilities(
        e.sample(fraction=1.0, shuffle=True, seed=9), "trivalency", seed=5
    )
    assert full.equals(shuffled)
    # an edge's draw does not depend on the other edges present
    sub = edge_probabilities(e.head(50), "trivalency", seed=5)
    assert (
        sub.join(full, on=["source", "target"], how="left")
        .select((pl.col("p") == pl.col("p_right")).all())
        .item()
    )


# --------------------------------------------------------------------------- given


def test_given_returns_the_data_set_table_sorted():
    probs = _prob([("b", "a", 0.3), ("a", "b", 0.2)])
    ds = make_dataset(probabilities=probs)
    assert edge_probabilities(ds, "given").rows() == [("a", "b", 0.2), ("b", "a", 0.3)]


def test_given_without_measured_probabilities_is_an_error():
    ds = make_dataset(events=events_frame([("b", "retweet", "a")]))
    with pytest.raises(InputValidationError) as err:
        edge_probabilities(ds, "given")
    assert err.value.rule == "NO_PROBABILITIES"


def test_given_bad_table_is_rejected_not_fixed():
    ds = make_dataset(probabilities=_prob([("a", "b", 0.2), ("a", "c", 1.5)]))
    with pytest.raises(InputValidationError) as err:
        edge_probabilities(ds, "given")
    assert err.value.rule == "P_RANGE" and err.value.record == 2 and err.value.value == "1.5"


def test_given_and_learned_need_a_dataset():
    for method in ("given", "learned"):
        with pytest.raises(InputValidationError) as err:
            edge_probabilities(_edges([("a", "b")]), method)
        assert err.value.rule == "BAD_PARAM"


def test_given_on_congress(congress_dir):
    import influence_graph as ig

    ds = ig.datasets.congress(congress_dir, download=False)
    out = edge_probabilities(ds, "given")
    assert out.height == 13_289
    assert out["p"].min() > 0 and out["p"].max() < 0.14
    validate_probabilities(out)


# --------------------------------------------------------------------------- learned


def _learned_world():
    rows = [
        ("a", "post", None, "p1", None, 0),
        ("a", "post", None, "p2", None, 1),
        ("a", "post", None, "p3", None, 2),
        ("b", "retweet", "a", "r1", "p1", 3),
        ("b", "reply", "a", "r2", "p2", 4),
        ("b", "reply", "a", "r3", "p2", 5),  # second reply to p2: same post, counted once
        ("c", "retweet", "a", "r4", "p1", 6),
        ("c", "mention", "a", None, None, 7),  # mentions are not adoptions
        ("d", "mention", "a", None, None, 8),
        ("a", "retweet", "b", "r5", None, 9),  # b has no posts, no parent ids
        ("a", "retweet", "a", "r6", "p3", 10),  # self-retweet: ignored
        ("e", "quote", "f", "q1", "x9", 11),  # f: no post rows, parent ids known
        ("g", "reply", "f", "q2", "x9", 12),
        ("h", "retweet", "f", "q3", "x8", 13),
    ]
    return make_dataset(events=events_frame(rows))


def test_learned_hand_computed_counts_and_posterior_mean():
    out = edge_probabilities(_learned_world(), "learned")
    assert out.columns == [
        "source",
        "target",
        "p",
        "engagements",
        "posts",
        "p_low",
        "p_high",
        "denominator",
    ]
    got = {(r["source"], r["target"]): r for r in out.iter_rows(named=True)}
    assert sorted(got) == [
        ("a", "b"),
        ("a", "c"),
        ("a", "d"),
        ("b", "a"),
        ("f", "e"),
        ("f", "g"),
        ("f", "h"),
    ]
    a, b = DEFAULT_PRIOR
    expect = {
        ("a", "b"): (2, 3, "posts"),
        ("a", "c"): (1, 3, "posts"),
        ("a", "d"): (0, 3, "posts"),  # mention-only edge: no adoption
        ("b", "a"): (1, 1, "max_engager"),
        ("f", "e"): (1, 2, "engaged_posts"),
        ("f", "g"): (1, 2, "engaged_posts"),
        ("f", "h"): (1, 2, "engaged_posts"),
    }
    for edge, (k, n, rule) in expect.items():
        r = got[edge]
        assert (r["engagements"], r["posts"], r["denominator"]) == (k, n, rule), edge
        assert r["p"] == pytest.approx((k + a) / (n + a + b), rel=1e-15)
        assert r["p_low"] < r["p"] < r["p_high"]
        assert r["p_low"] == pytest.approx(beta_dist.ppf(0.025, k + a, n - k + b), rel=1e-9)


def test_learned_prior_keeps_one_of_one_edges_well_below_one():
    ds = make_dataset(events=events_frame([("v", "retweet", "u")]))
    r = edge_probabilities(ds, "learned").row(0, named=True)
    assert (r["engagements"], r["posts"]) == (1, 1)
    assert r["p"] == pytest.approx(2 / 51) and r["p"] < 0.05
    flat = edge_probabilities(ds, "learned", prior=(1.0, 1.0)).row(0, named=True)
    assert flat["p"] == pytest.approx(2 / 3)


def test_learned_on_follower_graph_uses_prior_for_silent_edges():
    ev = events_frame(
        [("u", "post", None, "p1"), ("u", "post", None, "p2"), ("v", "retweet", "u", "r", "p1", 1)]
    )
    follows = pl.DataFrame({"follower": ["v", "w"], "followee": ["u", "u"]})
    out = edge_probabilities(make_dataset(events=ev, follows=follows), "learned", prior=(1.0, 3.0))
    assert out.select("source", "target", "p", "engagements", "posts").rows() == [
        ("u", "v", 2 / 6, 1, 2),
        ("u", "w", 1 / 6, 0, 2),
    ]


def test_learned_with_no_evidence_is_the_prior_mean():
    follows = pl.DataFrame({"follower": ["v"], "followee": ["u"]})
    r = edge_probabilities(make_dataset(follows=follows), "learned").row(0, named=True)
    assert (r["p"], r["posts"], r["denominator"]) == (0.02, 0, "none")


@pytest.mark.parametrize("prior", [(0.0, 1.0), (1.0, -1.0), (1.0,), "ab", (float("nan"), 1.0)])
def test_learned_rejects_bad_priors(prior):
    with pytest.raises(InputValidationError) as err:
        edge_probabilities(_learned_world(), "learned", prior=prior)
    assert err.value.rule == "BAD_PARAM"


@given(st.permutations(list(range(14))))
def test_learned_is_invariant_to_event_row_order(perm):
    ds = _learned_world()
    shuffled = make_dataset(events=ds.events.drop("event_id")[list(perm)])
    assert edge_probabilities(shuffled, "learned").equals(edge_probabilities(ds, "learned"))


# --------------------------------------------------------------------------- graph choice


def test_graph_default_and_missing_graph():
    ev = events_frame([("b", "retweet", "a"), ("c", "mention", "a")])
    ds = make_dataset(events=ev)
    assert _as_dict(edge_probabilities(ds, "weighted_cascade")) == {
        ("a", "b"): 1.0,
        ("a", "c"): 1.0,
    }
    assert _as_dict(edge_probabilities(ds, "weighted_cascade", graph="retweet")) == {
        ("a", "b"): 1.0
    }
    with pytest.raises(InputValidationError) as err:
        edge_probabilities(ds, "constant", graph="follower")
    assert err.value.rule == "MISSING_GRAPH"


def test_unknown_method_and_graph_are_bad_params():
    e = _edges([("a", "b")])
    for kwargs in ({"method": "magic"}, {"method": "constant", "graph": "likes"}):
        with pytest.raises(InputValidationError) as err:
            edge_probabilities(e, **kwargs)
        assert err.value.rule == "BAD_PARAM"


@given(
    st.lists(
        st.tuples(st.sampled_from("abcdef"), st.sampled_from("abcdef")), min_size=1, max_size=30
    ),
    st.randoms(use_true_random=False),
)
def test_schemes_are_row_order_free(pairs, rnd):
    shuffled = list(pairs)
    rnd.shuffle(shuffled)
    for method in ("constant", "weighted_cascade", "trivalency"):
        a = edge_probabilities(_edges(pairs), method, seed=4)
        b = edge_probabilities(_edges(shuffled), method, seed=4)
        assert a.equals(b)
        assert a.select(pl.struct("source", "target").is_unique().all()).item()


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        (1.5, "P_RANGE"),
        (-0.5, "P_RANGE"),
        (float("inf"), "P_RANGE"),
        (float("-inf"), "P_RANGE"),
        (float("nan"), "P_NAN"),
        (None, "P_MISSING"),
    ],
)
def test_validate_rejects_bad_values_with_rule_and_record(value, rule):
    t = _prob([("a", "b", 0.5), ("b", "c", value), ("c", "d", 0.1)])
    with pytest.raises(InputValidationError) as err:
        validate_probabilities(t, what="edges.csv")
    e = err.value
    assert (e.rule, e.record, e.column, e.file) == (rule, 2, "p", "edges.csv")
    assert "'b' → 'c'" in str(e)


def test_validate_duplicates_conflicting_or_identical():
    t = _prob([("a", "b", 0.5), ("a", "b", 0.4), ("c", "d", 0.1), ("c", "d", 0.1)])
    with pytest.raises(InputValidationError) as err:
        validate_probabilities(t)
    e = err.value
    assert e.rule == "DUP_EDGE_CONFLICT" and e.counts == {"DUP_EDGE_CONFLICT": 2, "DUP_EDGE": 2}
    assert [(f.rule, f.record) for f in e.failures] == [
        ("DUP_EDGE_CONFLICT", 1),
        ("DUP_EDGE_CONFLICT", 2),
        ("DUP_EDGE", 3),
        ("DUP_EDGE", 4),
    ]
    assert "conflicting" in e.failures[0].message and "identical" in e.failures[2].message


def test_validate_rejects_self_loops():
    with pytest.raises(InputValidationError) as err:
        validate_probabilities(_prob([("a", "b", 0.5), ("c", "c", 0.5)]))
    assert (err.value.rule, err.value.record, err.value.column) == ("SELF_LOOP", 2, "target")


def test_validate_lists_every_failure_with_counts():
    t = _prob([("a", "b", 2.0), ("a", "c", float("nan")), ("a", "d", -1.0), ("a", "b", 0.5)])
    with pytest.raises(InputValidationError) as err:
        validate_probabilities(t)
    assert err.value.counts == {"P_RANGE": 2, "P_NAN": 1, "DUP_EDGE_CONFLICT": 2}
    assert sum(err.value.counts.values()) == 5


def test_validate_missing_ids_columns_and_types():
    with pytest.raises(InputValidationError) as err:
        validate_probabilities(
            pl.DataFrame({"source": ["a", None], "target": ["b", "c"], "p": [0.1, 0.2]})
        )
    assert (err.value.rule, err.value.record) == ("ID_MISSING", 2)
    with pytest.raises(InputValidationError) as err:
        validate_probabilities(pl.DataFrame({"source": ["a"], "target": ["b"]}))
    assert err.value.rule == "MISSING_COLUMN"
    with pytest.raises(InputValidationError) as err:
        validate_probabilities(pl.DataFrame({"source": [1], "target": [2], "p": [0.1]}))
    assert err.value.rule == "ID_TYPE"
    with pytest.raises(InputValidationError) as err:
        validate_probabilities(pl.DataFrame({"source": ["a"], "target": ["b"], "p": ["0.1"]}))
    assert err.value.rule == "P_TYPE"


def test_validate_lt_rule_names_the_node():
    ok = _prob([("a", "c", 0.5), ("b", "c", 0.5), ("a", "d", 1.0)])
    validate_probabilities(ok, model="lt")
    bad = _prob([("a", "c", 0.5), ("b", "c", 0.6), ("a", "d", 0.9), ("b", "d", 0.2)])
    validate_probabilities(bad, model="ic")  # fine for IC
    with pytest.raises(InputValidationError) as err:
        validate_probabilities(bad, model="lt")
    e = err.value
    assert e.rule == "LT_WEIGHT_SUM" and e.counts == {"LT_WEIGHT_SUM": 2}
    assert "'c'" in e.failures[0].message and "'d'" in e.failures[1].message
    assert e.failures[0].value == "1.1"


def test_validate_casts_integer_p_and_keeps_extra_columns():
    t = pl.DataFrame({"source": ["a"], "target": ["b"], "p": [1], "note": ["x"]})
    out = validate_probabilities(t)
    assert out.schema["p"] == pl.Float64 and out.columns == ["source", "target", "p", "note"]


def test_learned_tracks_planted_probabilities_of_the_synthetic_world():
    from scipy.stats import spearmanr

    import influence_graph as ig

    ds = ig.datasets.synthetic(n_users=2000, seed=7)
    est = edge_probabilities(ds, "learned")  # follower graph: the planted edges
    both = est.join(ds.truth.probabilities.rename({"p": "true"}), on=["source", "target"])
    assert both.height == est.height == ds.truth.probabilities.height
    rho = spearmanr(both["p"], both["true"])[0]
    ratio = both["p"].mean() / both["true"].mean()
    covered = both.select(
        ((pl.col("p_low") <= pl.col("true")) & (pl.col("true") <= pl.col("p_high"))).mean()
    ).item()
    # measured (docs/probabilities.md, persuasiveness_sigma=1.0): rho 0.40, ratio 1.04,
    # coverage 0.84
    assert rho > 0.15 and 0.5 < ratio < 2.0 and covered > 0.8


def test_learned_adoptions_choose_the_counted_actions():
    ds = _learned_world()
    rt_only = edge_probabilities(ds, "learned", adoptions=("retweet",))
    got = {
        (r["source"], r["target"]): (r["engagements"], r["posts"])
        for r in rt_only.iter_rows(named=True)
    }
    # f's posts x8 and x9 are known from any engagement, counted or not
    assert got[("a", "b")] == (1, 3) and got[("f", "e")] == (0, 2) and got[("f", "h")] == (1, 2)
    with_mentions = edge_probabilities(
        ds, "learned", adoptions=("retweet", "quote", "reply", "mention")
    )
    got = {
        (r["source"], r["target"]): r["engagements"] for r in with_mentions.iter_rows(named=True)
    }
    assert got[("a", "d")] == 1 and got[("a", "c")] == 2  # mention without parent_id: one post
    for bad in ((), "retweet", ("like",)):
        with pytest.raises(InputValidationError) as err:
            edge_probabilities(ds, "learned", adoptions=bad)
        assert err.value.rule == "BAD_PARAM"


def test_reshares_credited_to_the_resharer_count_as_posts():
    rows = [
        ("a", "post", None, "p1", None, 0),
        ("b", "retweet", "a", "r1", "p1", 1),
        ("b", "retweet", "x", "r2", "q9", 2),  # b re-shares someone else's post: content of b
        ("c", "retweet", "b", "r3", "r1", 3),  # c retweets b's retweet: re-shares are credited
    ]
    out = edge_probabilities(make_dataset(events=events_frame(rows)), "learned")
    got = {
        (r["source"], r["target"]): (r["engagements"], r["posts"], r["denominator"])
        for r in out.iter_rows(named=True)
    }
    assert got[("b", "c")] == (1, 2, "posts")  # b shared r1 and r2
    assert got[("a", "b")] == (1, 1, "posts")


def test_interaction_graphs_input_gives_the_dataset_result():
    from influence_graph.graphs import build_graphs

    ev = events_frame([("b", "retweet", "a"), ("c", "mention", "a"), ("c", "reply", "b")])
    follows = pl.DataFrame({"follower": ["b", "c", "c"], "followee": ["a", "a", "b"]})
    for ds in (make_dataset(events=ev), make_dataset(events=ev, follows=follows)):
        g = build_graphs(ds)
        for method in ("weighted_cascade", "trivalency", "constant"):
            assert edge_probabilities(g, method, seed=3).equals(
                edge_probabilities(ds, method, seed=3)
            )
        assert edge_probabilities(g, "constant", graph="engagement").equals(
            edge_probabilities(ds, "constant", graph="engagement")
        )


def test_learned_source_pooling_hand_computed():
    ds = _learned_world()
    out = edge_probabilities(ds, "learned", pooling="source")
    assert out.columns[-1] == "source_rate"
    got = {(r["source"], r["target"]): r for r in out.iter_rows(named=True)}
    a, b = DEFAULT_PRIOR
    w = a + b
    # a: engagements 2, 1, 0 on three edges, 3 posts each -> 3 adoptions in 9 exposures
    r_a = (3 + a) / (9 + w)
    # b: one edge, 1 of 1; f: three edges, 1 of 2 each
    r_b = (1 + a) / (1 + w)
    r_f = (3 + a) / (6 + w)
    expect = {
        ("a", "b"): (2, 3, r_a),
        ("a", "c"): (1, 3, r_a),
        ("a", "d"): (0, 3, r_a),
        ("b", "a"): (1, 1, r_b),
        ("f", "e"): (1, 2, r_f),
    }
    for edge, (k, n, r) in expect.items():
        row = got[edge]
        assert (row["engagements"], row["posts"]) == (k, n)
        assert row["source_rate"] == pytest.approx(r)
        assert row["p"] == pytest.approx((k + w * r) / (n + w))
        lo, hi = beta_dist.ppf([0.025, 0.975], k + w * r, n - k + w * (1 - r))
        assert (row["p_low"], row["p_high"]) == pytest.approx((lo, hi))
    # the same counts as per-edge pooling; only the prior's centre moves
    edge = edge_probabilities(ds, "learned")
    assert edge.select("source", "target", "engagements", "posts").equals(
        out.select("source", "target", "engagements", "posts")
    )
    with pytest.raises(InputValidationError) as err:
        edge_probabilities(ds, "learned", pooling="user")
    assert err.value.rule == "BAD_PARAM"


def test_learned_source_pooling_without_evidence_is_the_prior_mean():
    ev = events_frame([("b", "mention", "a", None, None, 0)])
    follows = pl.DataFrame({"follower": ["b", "c"], "followee": ["a", "a"]})
    ds = make_dataset(events=ev, follows=follows)
    out = edge_probabilities(ds, "learned", graph="follower", pooling="source", prior=(2, 8))
    assert out["p"].to_list() == pytest.approx([0.2, 0.2])
    assert out["source_rate"].to_list() == pytest.approx([0.2, 0.2])


@pytest.mark.parametrize("convention", ["parent", "root"])
def test_learned_credits_the_author_of_the_reshared_item(convention):
    # a posts p; b retweets p; c retweets b's retweet. A "root" export names a (the
    # original author) as c's target_user; the parent_id still names b's retweet.
    from datetime import datetime, timezone

    from influence_graph.io.dataset import make_dataset

    second = "b" if convention == "parent" else "a"
    ds = make_dataset(events=pl.DataFrame({
        "user": ["a", "b", "c"], "action": ["post", "retweet", "retweet"],
        "target_user": [None, "a", second], "post_id": ["p", "r1", "r2"],
        "parent_id": [None, "p", "r1"],
        "timestamp": [datetime(2024, 3, 1, h, tzinfo=timezone.utc) for h in (8, 9, 10)]}))
    t = edge_probabilities(ds, "learned", graph="engagement")
    ev = t.filter(pl.col("engagements") > 0).select("source", "target", "engagements")
    assert ev.sort("source").rows() == [("a", "b", 1), ("b", "c", 1)]


def test_cascade_world_conventions_learn_the_same_follower_probabilities():
    kw = dict(n_users=300, n_days=10, seed=4)
    tabs = [
        edge_probabilities(ig.datasets.cascade_world(attribution=a, **kw), "learned",
                           graph="follower", pooling="source")
        for a in ("parent", "root")
    ]
    assert tabs[0].select("source", "target", "p", "engagements", "posts").equals(
        tabs[1].select("source", "target", "p", "engagements", "posts"))
