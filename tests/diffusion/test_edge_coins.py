"""Edge-keyed coins (``coins="edge"``): the right spread, a readable reference, and the
common random numbers they exist for (locality and a monotone coupling)."""

from __future__ import annotations

from collections import deque

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import influence_graph as ig
from influence_graph.diffusion import _kernels as kn
from influence_graph.diffusion import _keyed_kernels as kk
from influence_graph.diffusion import to_probability_graph
from influence_graph.diffusion.ris import _rr_task, rr_shared

EDGES = pl.DataFrame({"source": ["a", "a", "b", "c", "d", "b"],
                      "target": ["b", "c", "d", "d", "e", "e"],
                      "p": [0.5, 0.3, 0.6, 0.2, 0.7, 0.4]})


def _fixed(table, seed, theta, **kw):
    """Spread at exactly ``theta`` RR sets with edge-keyed coins."""
    return ig.expected_spread(table, seed=seed, rel_error=1e-12, max_samples=theta,
                              coins="edge", n_jobs=1, **kw).table


@pytest.mark.parametrize("model,scale", [("ic", 1.0), ("lt", 0.5)])
def test_edge_coins_estimate_the_exact_spread(model, scale):
    t = EDGES.with_columns(pl.col("p") * scale)
    exact = ig.expected_spread(t, model=model, estimator="exact").table["spread"].to_numpy()[:4]
    cover, z = [], []
    for seed in range(30):
        est = ig.expected_spread(t, model=model, seed=seed, rel_error=0.03, top_k=None,
                                 coins="edge", n_jobs=1).table.head(4)
        lo, hi = est["ci_low"].to_numpy(), est["ci_high"].to_numpy()
        cover.append((lo <= exact + 1e-12) & (exact <= hi + 1e-12))
        z.append((est["spread"].to_numpy() - exact) / est["se"].to_numpy())
    assert np.mean(cover) >= 0.88                       # 95 % intervals, 120 of them
    assert np.abs(np.mean(z, axis=0)).max() < 0.6       # unbiased: mean z ≈ 0 (se 0.18)


def _python_rr_counts(n, in_indptr, in_indices, in_p, seeds, sizes):
    """Readable reference: BFS per RR set, coin(key, u, v) < p for the edge u → v."""
    counts = np.zeros(n, np.int64)
    state = np.empty(4, np.uint64)
    for b, size in zip(seeds, sizes, strict=True):
        kn.seed_state(state, b)
        for _ in range(size):
            root = int(kn.next_u01(state) * n)
            key = np.uint64(kn.next_u64(state))
            seen, queue = {root}, deque([root])
            while queue:
                v = queue.popleft()
                for j in range(in_indptr[v], in_indptr[v + 1]):
                    u = int(in_indices[j])
                    coin = kk.edge_coin(key, np.int64(u), np.int64(v), np.int64(n))
                    if u not in seen and coin < in_p[j]:
                        seen.add(u)
                        queue.append(u)
            for u in seen - {root}:
                counts[u] += 1
    return counts


def test_keyed_kernel_matches_a_readable_reference():
    g = to_probability_graph(EDGES)
    seeds = np.array([11, 12, 13], np.uint64)
    sizes = np.array([300, 1, 250], np.int64)
    counts, stats = _rr_task(rr_shared(g, "ic", coins="edge"), seeds, sizes)
    ref = _python_rr_counts(g.n, g.in_indptr, g.in_indices, g.in_p, seeds, sizes)
    assert counts.tolist() == ref.tolist()
    assert stats[0] == int(ref.sum()) + int(sizes.sum())  # sizes include the roots


def test_an_unchanged_edge_keeps_its_coins():
    """Five users reach v through edges of 0.3; only w → v changes. With edge coins the
    five are bit-identical (their RR sets see only their own coin), with per-RR-set
    streams v's sampler changes class and all of them move."""
    src = ["u1", "u2", "u3", "u4", "u5", "w"]
    a = pl.DataFrame({"source": src, "target": ["v"] * 6, "p": [0.3] * 6})
    b = a.with_columns(pl.when(pl.col("source") == "w").then(0.6).otherwise(pl.col("p"))
                       .alias("p"))
    ea, eb = _fixed(a, 7, 40_000), _fixed(b, 7, 40_000)
    five = pl.col("user").is_in(src[:5])
    assert ea.filter(five)["spread"].to_list() == eb.filter(five)["spread"].to_list()
    assert ea.filter(pl.col("user") == "w")["spread"][0] < eb.filter(pl.col("user") == "w")[
        "spread"][0]
    sa = ig.expected_spread(a, seed=7, rel_error=1e-12, max_samples=40_000, n_jobs=1).table
    sb = ig.expected_spread(b, seed=7, rel_error=1e-12, max_samples=40_000, n_jobs=1).table
    assert sa.filter(five)["spread"].to_list() != sb.filter(five)["spread"].to_list()


@st.composite
def raised(draw):
    n = draw(st.integers(2, 9))
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1))
                          .filter(lambda e: e[0] != e[1]), unique=True, min_size=1,
                          max_size=25))
    p = draw(st.lists(st.floats(0.0, 1.0), min_size=len(pairs), max_size=len(pairs)))
    up = draw(st.lists(st.floats(0.0, 1.0), min_size=len(pairs), max_size=len(pairs)))
    return n, pairs, p, [min(1.0, x + y * (1 - x)) for x, y in zip(p, up, strict=True)]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=raised(), seed=st.integers(0, 2**32 - 1))
def test_raising_probabilities_never_lowers_a_count(case, seed):
    """With the same coins, p′ ≥ p edge by edge makes every live edge stay live, so every
    RR set can only grow: a monotone coupling, count by count (IC)."""
    n, pairs, p, p2 = case
    users = [f"n{i}" for i in range(n)]
    frame = {"source": [users[a] for a, _ in pairs], "target": [users[b] for _, b in pairs]}
    lo = _fixed(pl.DataFrame({**frame, "p": p}), seed, 5_000, users=users)
    hi = _fixed(pl.DataFrame({**frame, "p": p2}), seed, 5_000, users=users)
    assert (hi["spread"].to_numpy() >= lo["spread"].to_numpy()).all()


@pytest.mark.parametrize("model,scale", [("ic", 1.0), ("lt", 0.5)])
def test_edge_coins_do_not_depend_on_threads(model, scale):
    t = EDGES.with_columns(pl.col("p") * scale)
    one = ig.expected_spread(t, model=model, seed=3, coins="edge", n_jobs=1).table
    many = ig.expected_spread(t, model=model, seed=3, coins="edge", n_jobs=3).table
    assert one.equals(many)


def test_unknown_coins_is_a_clear_error():
    with pytest.raises(ig.InputValidationError, match="coins"):
        ig.expected_spread(EDGES, coins="dice")
