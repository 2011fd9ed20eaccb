"""Structural baselines and viral centrality: tiny graphs, a literal reference, Congress."""

from __future__ import annotations

import itertools
import json

import numpy as np
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import spearmanr

from influence_graph.io.dataset import make_dataset
from influence_graph.exceptions import InputValidationError
from influence_graph.diffusion.viral import spectral_radius, viral_centrality
from influence_graph.metrics.structural import structural_metrics
from tests.conftest import events_frame


def _prob(rows):
    return pl.DataFrame(
        rows, schema={"source": pl.String, "target": pl.String, "p": pl.Float64}, orient="row"
    )


def _edges(pairs, weights=None):
    d = {"source": [s for s, _ in pairs], "target": [t for _, t in pairs]}
    if weights is not None:
        d["weight"] = weights
    return pl.DataFrame(d)


# ------------------------------------------------------------------ the published algorithm


def reference_viral_centrality(inList, inWeight, outList, Niter=-1, beta=1.0, tol=0.001):
    """Literal transcription of viral_centrality.py (gsprint23/CongressionalTwitterNetwork).

    Same loops, same arrays, same stopping rule; only the warnings numpy raises for the
    seed's 0/0 entry (which the original relies on ``nanmax`` to skip) are silenced.
    Returns the score and the number of steps run, per seed.
    """
    N = len(inList)
    avg_infections = np.zeros(N)
    steps = np.zeros(N, dtype=int)
    for seed in range(N):
        prev_uninfected = np.ones(N)
        uninfected = np.ones(N)
        last_infected = np.zeros(N)
        cur_infected = np.zeros(N)
        last_infected[seed] = 1
        uninfected[seed] = 0
        t = 0
        bfs_queue = -1 * np.ones(N, dtype=int)
        bfs_queue[0] = seed
        seed_distance = -1 * np.ones(N, dtype=int)
        seed_distance[seed] = 0
        read = 0
        write = 1

        while _keep_going(Niter, tol, t, bfs_queue[0:write], prev_uninfected, uninfected):
            prev_uninfected = np.copy(uninfected)
            if read != write:
                write_start = write
                while read < write_start:
                    for neighb in outList[bfs_queue[read]]:
                        if seed_distance[neighb] < 0:
                            seed_distance[neighb] = t + 1
                            bfs_queue[write] = neighb
                            write += 1
                    read += 1
            for node in bfs_queue[0:write]:
                prob_uninfected = 1
                for con in range(len(inList[node])):
                    prob_uninfected = prob_uninfected * (
                        1 - (last_infected[inList[node][con]] * (beta * inWeight[node][con]))
                    )
                cur_infected[node] = (1 - prob_uninfected) * uninfected[node]
            for node in bfs_queue[0:write]:
                last_infected[node] = cur_infected[node]
                uninfected[node] = uninfected[node] - cur_infected[node]
            t = t + 1
        avg_infections[seed] = sum(1 - uninfected) - 1
        steps[seed] = t
    return avg_infections, steps


def _keep_going(Niter, tol, t, q, prev_uninfected, uninfected):
    """The published loop condition (Niter mode, or nanmax relative drop > tol)."""
    if Niter >= 1:
        return t < Niter
    with np.errstate(invalid="ignore", divide="ignore"):
        rel = (prev_uninfected[q] - uninfected[q]) / prev_uninfected[q]
    if np.all(np.isnan(rel)):
        return False  # np.nanmax of all-NaN is NaN, and NaN > tol is False
    return np.nanmax(rel) > tol


def _lists(names, table):
    """inList/inWeight/outList of the published code from a probability table."""
    idx = {u: i for i, u in enumerate(names)}
    n = len(names)
    inList = [[] for _ in range(n)]
    inWeight = [[] for _ in range(n)]
    outList = [[] for _ in range(n)]
    for s, t, p in table.iter_rows():
        inList[idx[t]].append(idx[s])
        inWeight[idx[t]].append(p)
        outList[idx[s]].append(idx[t])
    return inList, inWeight, outList


def _exact_ic_outward(names, table, seed):
    """Exact IC outward spread by enumerating all live-edge worlds (test oracle)."""
    edges = list(table.iter_rows())
    total = 0.0
    for live in itertools.product([0, 1], repeat=len(edges)):
        prob = 1.0
        adj = {u: [] for u in names}
        for (s, t, p), on in zip(edges, live, strict=True):
            prob *= p if on else 1 - p
            if on:
                adj[s].append(t)
        seen, stack = {seed}, [seed]
        while stack:
            for v in adj[stack.pop()]:
                if v not in seen:
                    seen.add(v)
                    stack.append(v)
        total += prob * (len(seen) - 1)
    return total


# --------------------------------------------------------------------------- structural metrics


def test_cycle_has_uniform_pagerank_and_unit_degrees():
    n = 6
    m = structural_metrics(_edges([(str(i), str((i + 1) % n)) for i in range(n)]))
    np.testing.assert_allclose(m["pagerank"].to_numpy(), 1 / n, rtol=1e-9)
    assert m["in_degree"].to_list() == [1] * n and m["out_degree"].to_list() == [1] * n
    assert m["coreness"].to_list() == [2] * n


def test_star_pagerank_ranks_the_source_of_content_first():
    k, d = 4, 0.85
    m = structural_metrics(_edges([("hub", f"l{i}") for i in range(k)]), damping=d)
    n = k + 1
    # reversed graph: every leaf points at the hub; the hub is dangling (teleports uniformly)
    # hub x, leaf y: y = (1-d)/n + d*x/n ; x = (1-d)/n + d*(k*y + x/n)
    a = np.array([[1 - d / n, -d * k], [-d / n, 1.0]])
    x, y = np.linalg.solve(a, [(1 - d) / n, (1 - d) / n])
    pr = dict(zip(m["user"], m["pagerank"], strict=True))
    assert pr["hub"] == pytest.approx(x, rel=1e-6) and pr["l0"] == pytest.approx(y, rel=1e-6)
    assert max(pr, key=pr.get) == "hub"
    hub = m.filter(pl.col("user") == "hub").row(0, named=True)
    assert (hub["out_degree"], hub["in_degree"], hub["out_strength"]) == (k, 0, k)


def _dense_pagerank(n, src, tgt, w, d):
    """Independent PageRank on the reversed graph (v → u for each u → v), dangling uniform."""
    m = np.zeros((n, n))
    for s, t, x in zip(src, tgt, w, strict=True):
        m[t, s] += x
    out = m.sum(axis=1)
    trans = np.where(out[:, None] > 0, m / np.where(out[:, None] > 0, out[:, None], 1), 1.0 / n)
    g = d * trans.T + (1 - d) / n
    vals, vecs = np.linalg.eig(g)
    v = np.real(vecs[:, np.argmax(np.real(vals))])
    return v / v.sum()


@given(
    st.lists(
        st.tuples(st.integers(0, 6), st.integers(0, 6), st.integers(1, 5)), min_size=1, max_size=25
    )
)
def test_weighted_pagerank_matches_dense_oracle(rows):
    rows = [(s, t, w) for s, t, w in rows if s != t]
    if not rows:
        return
    agg = {}
    for s, t, w in rows:
        agg[(s, t)] = agg.get((s, t), 0) + w
    names = sorted({str(s) for s, _ in agg} | {str(t) for _, t in agg})
    table = _edges([(str(s), str(t)) for s, t in agg], [float(w) for w in agg.values()])
    m = structural_metrics(table)
    idx = {u: i for i, u in enumerate(names)}
    src = [idx[str(s)] for s, _ in agg]
    tgt = [idx[str(t)] for _, t in agg]
    expect = _dense_pagerank(len(names), src, tgt, list(agg.values()), 0.85)
    np.testing.assert_allclose(m["pagerank"].to_numpy(), expect, atol=1e-8)
    # unweighted variant ignores weights
    m1 = structural_metrics(table, weights=None)
    np.testing.assert_allclose(
        m1["pagerank"].to_numpy(),
        _dense_pagerank(len(names), src, tgt, [1] * len(src), 0.85),
        atol=1e-8,
    )


def test_coreness_of_clique_with_pendant_and_reciprocal_pairs():
    clique = [(a, b) for a in "abcd" for b in "abcd" if a < b]
    m = structural_metrics(_edges(clique + [("d", "e"), ("f", "g"), ("g", "f")]))
    assert dict(zip(m["user"], m["coreness"], strict=True)) == {
        "a": 3,
        "b": 3,
        "c": 3,
        "d": 3,
        "e": 1,
        "f": 1,
        "g": 1,
    }


def test_engagement_graph_from_dataset_has_one_row_per_user():
    ev = events_frame(
        [
            ("b", "retweet", "a", None, None, 1),
            ("b", "retweet", "a", None, None, 2),
            ("c", "mention", "a", None, None, 3),
            ("a", "reply", "c", None, None, 4),
            ("z", "post", None, None, None, 5),  # no edges: still a row
            ("c", "retweet", "c", None, None, 6),  # self-pair: no edge
        ]
    )
    ds = make_dataset(events=ev)
    m = structural_metrics(ds)
    assert m["user"].to_list() == ["a", "b", "c", "z"]
    rows = {r["user"]: r for r in m.iter_rows(named=True)}
    assert (rows["a"]["out_degree"], rows["a"]["out_strength"], rows["a"]["in_degree"]) == (
        2,
        3.0,
        1,
    )
    assert (rows["b"]["in_degree"], rows["b"]["in_strength"], rows["b"]["out_degree"]) == (
        1,
        2.0,
        0,
    )
    assert (rows["z"]["in_degree"], rows["z"]["out_degree"], rows["z"]["coreness"]) == (0, 0, 0)
    assert m["pagerank"].sum() == pytest.approx(1.0)
    assert (
        structural_metrics(ds, graph="retweet").filter(pl.col("user") == "a")["out_strength"].item()
        == 2.0
    )


def test_dataset_edges_equal_build_graphs_edges():
    from influence_graph.graphs import build_graphs

    ev = events_frame(
        [
            ("b", "retweet", "a", None, None, 1),
            ("b", "retweet", "a", None, None, 2),
            ("c", "quote", "a", None, None, 3),
            ("a", "mention", "c", None, None, 4),
            ("d", "reply", "b", None, None, 5),
            ("a", "retweet", "a", None, None, 6),
        ]
    )
    follows = pl.DataFrame({"follower": ["b", "c", "b"], "followee": ["a", "a", "d"]})
    ds = make_dataset(events=ev, follows=follows)
    g = build_graphs(ds)
    for graph in ("engagement", "follower", "retweet", "mention"):
        assert structural_metrics(ds, graph=graph).equals(structural_metrics(g, graph=graph)), graph


def test_missing_graph_and_bad_parameters():
    ds = make_dataset(events=events_frame([("b", "retweet", "a")]))
    with pytest.raises(InputValidationError) as err:
        structural_metrics(ds, graph="follower")
    assert err.value.rule == "MISSING_GRAPH"
    for kwargs in ({"graph": "likes"}, {"damping": 1.0}, {"weights": "p"}):
        with pytest.raises(InputValidationError) as err:
            structural_metrics(ds, **kwargs)
        assert err.value.rule == "BAD_PARAM"


# --------------------------------------------------------------------------- viral centrality


def test_chain_hand_computed_and_tolerance_semantics():
    chain = _prob([("a", "b", 0.5), ("b", "c", 0.5)])
    full = viral_centrality(chain, tol=1e-9)
    assert full.rows() == [("a", 0.75, 3, True), ("b", 0.5, 2, True), ("c", 0.0, 1, True)]
    # step 1 drops U_b by 0.5 (> 0.3), step 2 drops U_c by 0.25 (<= 0.3): stop, c counted
    coarse = viral_centrality(chain, tol=0.3)
    assert coarse.row(0) == ("a", 0.75, 2, True)
    # step 1 drop 0.5 <= 0.6: stop after one step
    assert viral_centrality(chain, tol=0.6).row(0) == ("a", 0.5, 1, True)
    # fixed number of steps (the reference's Niter mode)
    fixed = viral_centrality(chain, tol=None, max_steps=1)
    assert fixed.row(0)[:3] == ("a", 0.5, 1) and fixed["vc_converged"].null_count() == 3
    capped = viral_centrality(chain, tol=1e-9, max_steps=1)
    assert capped.row(0) == ("a", 0.5, 1, False)


def _random_tree(rng, n):
    rows = []
    for i in range(1, n):
        parent = int(rng.integers(0, i))
        rows.append((f"u{parent}", f"u{i}", float(rng.uniform(0.1, 0.95))))
    return rows


@pytest.mark.parametrize("seed", range(3))
def test_tree_equals_exact_ic_spread(seed):
    rng = np.random.default_rng(seed)
    table = _prob(_random_tree(rng, 11))
    vc = viral_centrality(table, tol=1e-15)
    names = vc["user"].to_list()
    for user, score in zip(names, vc["viral_centrality"], strict=True):
        assert score == pytest.approx(_exact_ic_outward(names, table, user), rel=1e-12, abs=1e-14)


def test_large_tree_equals_closed_form():
    rng = np.random.default_rng(7)
    rows = _random_tree(rng, 400)
    parent = {t: (s, p) for s, t, p in rows}
    # outward spread of a seed on a tree: sum over descendants of the product of p on the path
    expect = {u: 0.0 for u in {r[0] for r in rows} | {r[1] for r in rows}}
    for t in parent:
        prod, node = 1.0, t
        while node in parent:
            s, p = parent[node]
            prod *= p
            expect[s] += prod
            node = s
    vc = viral_centrality(_prob(rows), tol=1e-300)
    got = dict(zip(vc["user"], vc["viral_centrality"], strict=True))
    for u, v in expect.items():
        assert got[u] == pytest.approx(v, rel=1e-10, abs=1e-300)


@given(
    st.lists(
        st.tuples(
            st.integers(0, 7), st.integers(0, 7), st.sampled_from([0.0, 0.05, 0.3, 0.7, 1.0])
        ),
        min_size=1,
        max_size=30,
        unique_by=lambda r: (r[0], r[1]),
    ),
    st.sampled_from([1e-3, 1e-6, 0.2]),
    st.sampled_from([0.5, 1.0]),
)
def test_matches_literal_reference_on_graphs_with_cycles(rows, tol, beta):
    rows = [(f"n{s}", f"n{t}", p) for s, t, p in rows if s != t]
    if not rows:
        return
    table = _prob(rows)
    names = sorted({r[0] for r in rows} | {r[1] for r in rows})
    ref, ref_steps = reference_viral_centrality(*_lists(names, table), beta=beta, tol=tol)
    vc = viral_centrality(table, users=names, tol=tol, beta=beta)
    np.testing.assert_allclose(vc["viral_centrality"].to_numpy(), ref, rtol=1e-12, atol=1e-12)
    assert vc["vc_steps"].to_list() == ref_steps.tolist()
    fixed_ref, _ = reference_viral_centrality(*_lists(names, table), Niter=3, beta=beta)
    fixed = viral_centrality(table, users=names, tol=None, max_steps=3, beta=beta)
    np.testing.assert_allclose(
        fixed["viral_centrality"].to_numpy(), fixed_ref, rtol=1e-12, atol=1e-12
    )


def test_isolated_users_score_zero():
    table = _prob([("a", "b", 0.5)])
    vc = viral_centrality(table, users=["z", "b"])  # endpoints are always included
    assert vc.rows() == [("a", 0.5, 2, True), ("b", 0.0, 1, True), ("z", 0.0, 1, True)]
    assert viral_centrality(table, users=pl.DataFrame({"user": ["z"]})).height == 3


def test_input_rules_are_those_of_the_spread_engine():
    from influence_graph.diffusion import to_probability_graph

    for bad in (_prob([("a", "a", 0.9)]), _prob([("a", "b", 0.1), ("a", "b", 0.2)])):
        with pytest.raises(InputValidationError) as ours:
            viral_centrality(bad)
        with pytest.raises(InputValidationError) as engine:
            to_probability_graph(bad)
        assert ours.value.rule == engine.value.rule


def test_row_order_does_not_matter():
    rng = np.random.default_rng(1)
    rows = [
        (f"u{s}", f"u{t}", float(rng.uniform(0, 0.5)))
        for s, t in rng.integers(0, 30, (120, 2))
        if s != t
    ]
    table = _prob(list({(s, t): (s, t, p) for s, t, p in rows}.values()))
    a = viral_centrality(table)
    b = viral_centrality(table.sample(fraction=1.0, shuffle=True, seed=3))
    np.testing.assert_allclose(
        a["viral_centrality"].to_numpy(), b["viral_centrality"].to_numpy(), rtol=1e-12
    )


def test_bad_inputs_raise():
    with pytest.raises(InputValidationError) as err:
        viral_centrality(_prob([("a", "b", 1.2)]))
    assert err.value.rule == "P_RANGE"
    with pytest.raises(InputValidationError) as err:
        viral_centrality(_prob([("a", "b", 0.6)]), beta=2.0)
    assert err.value.rule == "BAD_PARAM" and err.value.column == "beta"
    for kwargs in (
        {"tol": 0.0},
        {"tol": None, "max_steps": None},
        {"max_steps": 0},
        {"beta": -1.0},
    ):
        with pytest.raises(InputValidationError) as err:
            viral_centrality(_prob([("a", "b", 0.5)]), **kwargs)
        assert err.value.rule == "BAD_PARAM"


def test_spectral_radius_small_cases():
    assert spectral_radius(_prob([("a", "b", 0.5), ("b", "c", 0.9)])) == pytest.approx(
        0.0, abs=1e-12
    )
    cyc = _prob([("a", "b", 0.4), ("b", "a", 0.9)])
    assert spectral_radius(cyc) == pytest.approx(0.6)
    assert spectral_radius(cyc, beta=0.5) == pytest.approx(0.3)


# ------------------------------------------------------------------ Congress (published data)


@pytest.fixture(scope="module")
def congress(congress_dir):
    data = json.loads((congress_dir / "congress_network_data.json").read_text())[0]
    names = data["usernameList"]
    rows = [
        (names[i], names[j], w)
        for i, (outs, ws) in enumerate(zip(data["outList"], data["outWeight"], strict=True))
        for j, w in zip(outs, ws, strict=True)
    ]
    return data, names, _prob(rows)


def test_congress_matches_published_algorithm(congress):
    data, names, table = congress
    ref, ref_steps = reference_viral_centrality(
        data["inList"], data["inWeight"], data["outList"], Niter=-1, tol=1e-3
    )
    vc = viral_centrality(table, users=names, tol=1e-3)
    got = dict(zip(vc["user"], vc["viral_centrality"], strict=True))
    steps = dict(zip(vc["user"], vc["vc_steps"], strict=True))
    assert vc.height == 475 and vc["vc_converged"].all()
    rel = np.array([abs(got[u] - r) / abs(r) for u, r in zip(names, ref, strict=True)])
    assert rel.max() < 1e-6
    assert [steps[u] for u in names] == ref_steps.tolist()


def test_congress_spectral_radius_and_published_correlations(congress):
    _, names, table = congress
    assert spectral_radius(table) == pytest.approx(0.21, abs=0.005)
    vc = viral_centrality(table, users=names)
    m = structural_metrics(table).join(vc, on="user")
    # Fink et al. 2023 (Congress): in-degree barely tracks VC, out-strength nearly fully (β = 1)
    assert spearmanr(m["in_degree"], m["viral_centrality"])[0] == pytest.approx(0.08, abs=0.02)
    assert spearmanr(m["out_strength"], m["viral_centrality"])[0] == pytest.approx(0.996, abs=0.002)
    # at larger β the correlation with out-strength falls (Fink et al. 2023)
    vc7 = viral_centrality(table, users=names, beta=7.0).join(
        m.select("user", "out_strength"), on="user"
    )
    assert spearmanr(vc7["out_strength"], vc7["viral_centrality"])[0] < 0.996


def test_congress_dataset_given_graph(congress_dir, congress):
    import influence_graph as ig

    _, names, table = congress
    ds = ig.datasets.congress(congress_dir, download=False)
    m = structural_metrics(ds, graph="given")
    assert m.height == 475
    assert m.equals(structural_metrics(table))


@given(
    st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), min_size=1, max_size=25),
    st.randoms(use_true_random=False),
)
def test_row_order_and_relabelling_invariance(pairs, rnd):
    pairs = [(s, t) for s, t in pairs if s != t]
    if not pairs:
        return
    uniq = sorted(set(pairs))
    table = _prob([(f"u{s}", f"u{t}", 0.1 + 0.1 * ((s + t) % 5)) for s, t in uniq])
    shuffled = table.sample(fraction=1.0, shuffle=True, seed=rnd.randint(0, 1000))
    for f in (structural_metrics, viral_centrality):
        a, b = f(table), f(shuffled)
        assert a.columns == b.columns and a["user"].equals(b["user"])
        for col in a.columns[1:]:
            np.testing.assert_allclose(a[col].to_numpy(), b[col].to_numpy(), rtol=1e-9, atol=1e-12)
    # relabelling users permutes the result
    perm = list(range(7))
    rnd.shuffle(perm)
    relabel = {f"u{i}": f"w{perm[i]}" for i in range(7)}
    renamed = table.with_columns(pl.col("source", "target").replace_strict(relabel))
    for f in (structural_metrics, viral_centrality):
        a = f(table).with_columns(pl.col("user").replace_strict(relabel)).sort("user")
        b = f(renamed)
        for col in a.columns[1:]:
            np.testing.assert_allclose(a[col].to_numpy(), b[col].to_numpy(), rtol=1e-9, atol=1e-12)


def test_empty_inputs_give_well_typed_empty_tables():
    from influence_graph.metrics.structural import STRUCTURAL_SCHEMA

    m = structural_metrics(make_dataset())
    assert m.height == 0 and m.schema == pl.Schema(STRUCTURAL_SCHEMA)
    empty = _prob([])
    assert viral_centrality(empty).height == 0 and spectral_radius(empty) == 0.0
    assert viral_centrality(empty, users=["a"]).rows() == [("a", 0.0, 1, True)]


def test_spectral_radius_pruning_equals_every_block_computed():
    # several strongly connected blocks of different weights: the bound-ordered search
    # must return what computing every block gives
    import scipy.sparse as sp
    from scipy.sparse.csgraph import connected_components

    rng = np.random.default_rng(5)
    rows = []
    for b in range(12):
        size = int(rng.integers(2, 9))
        names = [f"b{b}_{i}" for i in range(size)]
        w = float(rng.uniform(0.05, 0.6))
        rows += [(names[i], names[(i + 1) % size], w) for i in range(size)]
        rows += [(names[0], names[size // 2], w / 2)] if size > 2 else []
    rows += [("b0_0", "b1_0", 0.9)]  # a bridge between blocks carries no cycle
    table = pl.DataFrame(rows, schema=["source", "target", "p"], orient="row").unique(
        subset=["source", "target"], keep="first", maintain_order=True)
    users = sorted(set(table["source"]) | set(table["target"]))
    code = {u: i for i, u in enumerate(users)}
    a = sp.csr_matrix((table["p"].to_numpy(), ([code[s] for s in table["source"]],
                                               [code[t] for t in table["target"]])),
                      shape=(len(users), len(users)))
    _, label = connected_components(a, directed=True, connection="strong")
    radii = []
    for c in np.unique(label):
        idx = np.flatnonzero(label == c)
        if idx.size > 1:
            radii.append(float(np.max(np.abs(np.linalg.eigvals(a[idx][:, idx].toarray())))))
    brute = max(radii)
    assert spectral_radius(table) == pytest.approx(brute, rel=1e-12)
