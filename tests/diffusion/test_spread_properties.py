"""Hypothesis properties of expected spread (exact oracle and RIS)."""

import numpy as np
import polars as pl
from diffusion_graphs import reach_size
from hypothesis import given
from hypothesis import strategies as st

import influence_graph as ig

P_VALUES = [0.0, 0.1, 0.25, 0.5, 0.8, 1.0]


@st.composite
def graphs(draw, max_edges=10):
    n = draw(st.integers(2, 6))
    names = [f"u{i}" for i in range(n)]
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1))
                          .filter(lambda e: e[0] != e[1]), unique=True, max_size=max_edges))
    ps = draw(st.lists(st.sampled_from(P_VALUES), min_size=len(pairs), max_size=len(pairs)))
    rows = [(names[u], names[v], p) for (u, v), p in zip(pairs, ps)]
    return names, rows


def frame(rows):
    return pl.DataFrame(rows, schema={"source": pl.String, "target": pl.String, "p": pl.Float64},
                        orient="row")


def exact(names, rows, model="ic"):
    res = ig.expected_spread(frame(rows), users=names, estimator="exact", model=model)
    return dict(res.table.select("user", "spread").iter_rows())


def lt_rows(rows):
    """Scale in-weights so each target sums to at most 1 (valid LT weights)."""
    tot = {}
    for _, v, p in rows:
        tot[v] = tot.get(v, 0.0) + p
    return [(u, v, p / max(1.0, tot[v])) for u, v, p in rows]


@given(graphs())
def test_spread_between_one_and_reachable_set(case):
    names, rows = case
    for model, rr in (("ic", rows), ("lt", lt_rows(rows))):
        sp = exact(names, rr, model)
        for u in names:
            assert 1.0 - 1e-12 <= sp[u] <= reach_size(rr, u) + 1e-12


@given(graphs())
def test_p0_gives_one_and_p1_gives_reachable_set(case):
    names, rows = case
    zero = exact(names, [(u, v, 0.0) for u, v, _ in rows])
    assert all(s == 1.0 for s in zero.values())
    one_rows = [(u, v, 1.0) for u, v, _ in rows]
    one = exact(names, one_rows)
    assert all(one[u] == reach_size(one_rows, u) for u in names)


@given(graphs(), st.data())
def test_raising_p_or_adding_edge_never_lowers_spread(case, data):
    names, rows = case
    before = exact(names, rows)
    if rows:
        i = data.draw(st.integers(0, len(rows) - 1))
        u, v, p = rows[i]
        higher = data.draw(st.sampled_from([q for q in P_VALUES if q >= p]))
        raised = exact(names, rows[:i] + [(u, v, higher)] + rows[i + 1:])
        assert all(raised[w] >= before[w] - 1e-12 for w in names)
    present = {(u, v) for u, v, _ in rows}
    free = [(a, b) for a in names for b in names if a != b and (a, b) not in present]
    if free and len(rows) < 12:
        a, b = data.draw(st.sampled_from(free))
        added = exact(names, rows + [(a, b, data.draw(st.sampled_from(P_VALUES)))])
        assert all(added[w] >= before[w] - 1e-12 for w in names)


@given(graphs(), st.permutations(list(range(6))))
def test_relabelling_users_permutes_result(case, perm):
    names, rows = case
    new = {u: f"v{perm[i]}" for i, u in enumerate(names)}
    before = exact(names, rows)
    after = exact([new[u] for u in names], [(new[u], new[v], p) for u, v, p in rows])
    for u in names:
        assert abs(after[new[u]] - before[u]) <= 1e-12


@given(graphs(), st.randoms(use_true_random=False), st.integers(0, 2**32))
def test_ris_shuffle_and_repeat_bit_identical(case, rnd, seed):
    names, rows = case
    kw = dict(users=names, seed=seed, max_samples=3000, top_k=None, n_jobs=1)
    a = ig.expected_spread(frame(rows), **kw).table
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    b = ig.expected_spread(frame(shuffled), users=list(reversed(names)),
                           **{k: v for k, v in kw.items() if k != "users"}).table
    c = ig.expected_spread(frame(rows), **kw).table
    for col in ("spread", "se", "ci_low", "ci_high"):
        assert np.array_equal(a[col].to_numpy(), b[col].to_numpy())
        assert np.array_equal(a[col].to_numpy(), c[col].to_numpy())
    assert (a["spread"] >= 1.0).all()
