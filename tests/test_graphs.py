"""build_graphs: hand-computed layers, invariance properties, and the SNAP Higgs figures."""

from __future__ import annotations

import time

import networkx as nx
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

import influence_graph as ig
from influence_graph.io.dataset import make_dataset
from influence_graph.exceptions import InputValidationError
from influence_graph.graphs import LAYERS, build_graphs
from tests.conftest import events_frame

ROWS = [
    ("b", "retweet", "a", None, None, 1),
    ("b", "retweet", "a", None, None, 2),
    ("c", "retweet", "a", None, None, 3),
    ("c", "quote", "b", None, None, 4),
    ("a", "reply", "c", None, None, 5),
    ("c", "reply", "c", None, None, 6),  # self-reply: a thread
    ("b", "mention", "a", None, None, 7),
    ("a", "mention", "a", None, None, 8),  # self-mention
    ("a", "post", None, None, None, 0),
]
FOLLOWS = pl.DataFrame({"follower": ["b", "c", "a"], "followee": ["a", "a", "c"]})


@pytest.fixture(scope="module")
def tiny():
    return build_graphs(make_dataset(events=events_frame(ROWS), follows=FOLLOWS))


def test_shared_vertex_index(tiny):
    assert tiny.users.rows() == [(0, "a"), (1, "b"), (2, "c")]
    assert tiny.users.schema == pl.Schema({"vertex": pl.Int64, "user": pl.String})
    for name in LAYERS:
        g = tiny.graph(name)
        assert g.is_directed() and g.vcount() == 3 and g.vs["name"] == ["a", "b", "c"]


def test_hand_computed_edges_and_orientation(tiny):
    assert tiny.edges("follower").rows() == [
        ("a", "b", 1),
        ("a", "c", 1),
        ("c", "a", 1),
    ]  # followee -> follower
    assert tiny.edges("retweet").rows() == [("a", "b", 2), ("a", "c", 1)]  # author -> retweeter
    assert tiny.edges("quote").rows() == [("b", "c", 1)]
    assert tiny.edges("reply").rows() == [("c", "a", 1)]
    assert tiny.edges("mention").rows() == [("a", "b", 1)]  # mentioned -> mentioner
    assert tiny.retweet.get_edgelist() == [(0, 1), (0, 2)] and tiny.retweet.es["weight"] == [2, 1]
    assert tiny.layers == LAYERS


def test_self_pairs_counted_not_edged(tiny):
    assert tiny.self_pairs_dropped == {
        "follower": 0,
        "retweet": 0,
        "quote": 0,
        "reply": 1,
        "mention": 1,
    }
    assert tiny.self_pairs_distinct["reply"] == 1
    assert all(not g.is_loop(e.index) for name in LAYERS for g in [tiny.graph(name)] for e in g.es)
    assert any("self-pair" in n for n in tiny.notes)
    c = {r["layer"]: r for r in tiny.counts().iter_rows(named=True)}
    assert c["reply"] == {
        "layer": "reply",
        "events": 2,
        "self_events": 1,
        "vertices": 2,
        "edges": 1,
        "vertices_with_self_pairs": 2,
        "edges_with_self_pairs": 2,
    }
    assert c["mention"]["vertices"] == 2 and c["mention"]["edges_with_self_pairs"] == 2


def _named(g):
    pairs = g.get_edgelist()
    return {
        (g.vs[s]["name"], g.vs[t]["name"]): w
        for (s, t), w in zip(pairs, g.es["weight"], strict=True)
    }


def test_engagement_weights(tiny):
    e = tiny.engagement()
    got = _named(e)
    assert got == {("a", "b"): 3.0, ("a", "c"): 1.0, ("b", "c"): 1.0, ("c", "a"): 1.0}
    e2 = tiny.engagement({"retweet": 0.5, "quote": 0.0})
    got2 = _named(e2)
    assert got2 == {("a", "b"): 2.0, ("a", "c"): 0.5, ("c", "a"): 1.0}
    assert "quote" not in e2.es.attributes()
    with pytest.raises(InputValidationError, match="weights"):
        tiny.engagement({"like": 1.0})
    with pytest.raises(InputValidationError):
        tiny.engagement({"mention": -1.0})


def test_networkx_export(tiny):
    g = tiny.to_networkx("retweet")
    assert isinstance(g, nx.DiGraph) and sorted(g.nodes) == ["a", "b", "c"]
    assert sorted(g.edges(data="weight")) == [("a", "b", 2), ("a", "c", 1)]


def test_absent_layers_are_none():
    g = build_graphs(make_dataset(events=events_frame([("b", "retweet", "a"), ("c", "post")])))
    assert g.follower is None and g.quote is None and g.reply is None and g.mention is None
    assert g.layers == ("retweet",)
    with pytest.raises(InputValidationError, match="no follower graph") as info:
        g.graph("follower")
    assert info.value.rule == "LAYER_ABSENT"
    with pytest.raises(InputValidationError):
        g.graph("likes")
    assert g.retweet.vcount() == 3  # the poster with no interactions is still a vertex


# ---------------------------------------------------------------- properties

NAMES = ["u1", "u2", "u3", "u10", "x"]
ACTIONS = ["post", "retweet", "quote", "reply", "mention"]
event_rows = st.lists(
    st.tuples(
        st.sampled_from(NAMES), st.sampled_from(ACTIONS), st.sampled_from(NAMES), st.integers(0, 50)
    ),
    min_size=1,
    max_size=30,
)


def _ds(rows):
    return make_dataset(
        events=events_frame(
            [(u, a, None if a == "post" else t, None, None, m) for u, a, t, m in rows]
        )
    )


def _edge_sets(g):
    return {name: sorted(g.edges(name).rows()) for name in g.layers}


@given(rows=event_rows, data=st.data())
def test_row_order_invariance(rows, data):
    shuffled = data.draw(st.permutations(rows))
    a, b = build_graphs(_ds(rows)), build_graphs(_ds(shuffled))
    assert a.layers == b.layers
    for name in a.layers:
        assert a.edges(name).equals(b.edges(name))
        assert a.graph(name).get_edgelist() == b.graph(name).get_edgelist()
    assert a.self_pairs_dropped == b.self_pairs_dropped


@given(rows=event_rows, perm=st.permutations(NAMES))
def test_relabelling_maps_edges(rows, perm):
    # a bijection that changes the sort order of users
    f = {old: f"z{new}" for old, new in zip(NAMES, perm, strict=True)}
    a = build_graphs(_ds(rows))
    b = build_graphs(_ds([(f[u], act, f[t], m) for u, act, t, m in rows]))
    mapped = {
        name: sorted((f[s], f[t], w) for s, t, w in edges) for name, edges in _edge_sets(a).items()
    }
    assert mapped == _edge_sets(b)
    assert a.self_pairs_dropped == b.self_pairs_dropped


@given(rows=event_rows)
def test_self_interactions_counted_not_edged(rows):
    g = build_graphs(_ds(rows))
    for name in g.layers:
        evs = [(u, t) for u, a, t, _ in rows if a == name]
        selfs = sum(u == t for u, t in evs)
        assert g.self_pairs_dropped[name] == selfs
        e = g.edges(name)
        assert e["weight"].sum() == len(evs) - selfs
        assert (e["source"] != e["target"]).all()
        assert g.graph(name).ecount() == e.height == len({(t, u) for u, t in evs if u != t})


# ---------------------------------------------------------------- real data (SNAP Higgs)


@pytest.fixture(scope="module")
def higgs_graphs(higgs_dir):
    return build_graphs(ig.datasets.higgs(higgs_dir))


@pytest.mark.realdata
def test_higgs_published_figures(higgs_graphs):
    c = {r["layer"]: r for r in higgs_graphs.counts().iter_rows(named=True)}
    assert set(c) == {"retweet", "reply", "mention"}
    assert (c["retweet"]["vertices"], c["retweet"]["edges"]) == (256_491, 328_132)
    # without self-pairs: what the graphs hold
    assert (c["mention"]["vertices"], c["mention"]["edges"]) == (115_684, 145_465)
    assert (c["reply"]["vertices"], c["reply"]["edges"]) == (38_683, 32_180)
    # with self-pairs: SNAP's published figures
    assert (c["mention"]["vertices_with_self_pairs"], c["mention"]["edges_with_self_pairs"]) == (
        116_408,
        150_818,
    )
    assert (c["reply"]["vertices_with_self_pairs"], c["reply"]["edges_with_self_pairs"]) == (
        38_918,
        32_523,
    )
    assert (c["retweet"]["events"], c["mention"]["events"], c["reply"]["events"]) == (
        354_930,
        171_237,
        36_902,
    )
    assert higgs_graphs.self_pairs_dropped == {"retweet": 0, "reply": 507, "mention": 7_081}


@pytest.mark.realdata
def test_higgs_graphs_share_all_users(higgs_graphs):
    g = higgs_graphs
    assert g.follower is None and g.quote is None
    n = g.n_users
    assert n == 304_691
    for name in g.layers:
        graph = g.graph(name)
        assert graph.vcount() == n and graph.ecount() == g.edges(name).height
    rt = g.retweet
    assert sum(1 for d in rt.degree() if d > 0) == 256_491
    assert sum(rt.es["weight"]) == 354_930
    assert rt.vs[0]["name"] == g.users["user"][0]


@pytest.mark.realdata
def test_higgs_end_to_end_cpu_budget(higgs_dir):
    """Read, validate, build all graphs and activity in under 5 s of CPU (all threads)."""
    _ = (ig.datasets.higgs, ig.build_graphs, ig.activity)  # imports outside the clock
    start = time.process_time()
    ds = ig.datasets.higgs(higgs_dir)
    build_graphs(ds)
    ig.activity(ds)
    assert time.process_time() - start < 5.0
