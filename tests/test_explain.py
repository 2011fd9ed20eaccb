"""Explanations: the first-hop attribution (hand graphs), additivity of explain and of
explain_change (to 1e-9, over random logs), the exact-copy null and bad input."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import influence_graph as ig
from influence_graph.exceptions import InputValidationError
from influence_graph.io.dataset import make_dataset
from influence_graph.temporal._explain_kernel import coalition_reach, first_hop_reach
from influence_graph.temporal.explain import COMPONENTS, explain, explain_change

T0 = datetime(2024, 3, 4, tzinfo=timezone.utc)  # a Monday, midnight UTC


def _csr(n, edges):
    """CSR arrays of (source, target) pairs sorted by source."""
    edges = sorted(edges)
    indptr = np.zeros(n + 1, dtype=np.int64)
    for s, _ in edges:
        indptr[s + 1] += 1
    return np.cumsum(indptr), np.array([t for _, t in edges], dtype=np.int64), \
        np.arange(len(edges), dtype=np.int64)


# ---- the kernel, by hand ------------------------------------------------------------------


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31 - 1), n=st.integers(2, 12), k=st.integers(1, 5))
def test_one_search_for_all_coalitions_equals_one_search_each(seed, n, k):
    """coalition_reach gives, for every coalition, exactly the reach of first_hop_reach on
    that coalition's probabilities (the same coins)."""
    rng = np.random.default_rng(seed)
    pairs = sorted({(int(a), int(b)) for a, b in rng.integers(0, n, size=(3 * n, 2)) if a != b})
    if not pairs:
        return
    indptr, targets, ids = _csr(n, pairs)
    m = len(pairs)
    p_a = rng.uniform(0, 1, m) * (rng.uniform(size=m) < 0.8)
    edge_set = np.where(rng.uniform(size=m) < 0.5, rng.integers(0, k, m), -1)
    p_b = np.where(edge_set >= 0, rng.uniform(0, 1, m), p_a)
    key = np.uint64(seed)
    tot = coalition_reach(indptr, targets, ids, p_a, p_b, edge_set, k, 0, 40, key)
    for c in range(1 << k):
        take = np.isin(edge_set, [i for i in range(k) if (c >> i) & 1])
        one = first_hop_reach(indptr, targets, ids, np.where(take, p_b, p_a), 0, 40, key)
        assert tot[c] == one.sum(), (c, tot[c], one.sum())


def test_first_hop_credits_the_branch_that_reached_first():
    # 0 -> 1 -> 3, 0 -> 2 -> 3, 3 -> 4; every edge live: 3 and 4 come through 1 (the
    # first branch in CSR order), 2 reaches only itself
    indptr, targets, ids = _csr(5, [(0, 1), (0, 2), (1, 3), (2, 3), (3, 4)])
    out = first_hop_reach(indptr, targets, ids, np.ones(5), 0, 7, np.uint64(3))
    assert out.tolist() == [0.0, 3 * 7.0, 1 * 7.0, 0.0, 0.0]
    none = first_hop_reach(indptr, targets, ids, np.zeros(5), 0, 7, np.uint64(3))
    assert none.sum() == 0


def test_paired_coins_make_a_higher_probability_reach_at_least_as_far():
    indptr, targets, ids = _csr(4, [(0, 1), (0, 2), (1, 3)])
    lo = first_hop_reach(indptr, targets, ids, np.array([0.3, 0.3, 0.5]), 0, 4000, np.uint64(9))
    hi = first_hop_reach(indptr, targets, ids, np.array([0.6, 0.3, 0.5]), 0, 4000, np.uint64(9))
    assert (hi >= lo).all() and hi[2] == lo[2]        # edge 0->2 untouched: same coins
    assert lo[1] / 4000 == pytest.approx(0.3 * 1.5, abs=0.04)   # 0.3·(1 + 0.5)
    assert hi[1] / 4000 == pytest.approx(0.6 * 1.5, abs=0.05)


# ---- explain ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world():
    return ig.datasets.synthetic(n_users=200, days=14, seed=4)


def test_explain_adds_up_and_is_seeded(world):
    user = ig.influence(world, seed=1).sort("spread", descending=True)["user"][0]
    ex = explain(world, user, seed=2, runs=800)
    assert abs(1 + ex.table["reached"].sum() - ex.spread) < 1e-9
    assert ex.table["share"].sum() == pytest.approx(1.0)
    assert ex.table["reached"].is_sorted(descending=True)
    assert ex.summary.startswith(f"A post of {user} reaches {ex.spread:.2f} users")
    again = explain(world, user, seed=2, runs=800)
    assert again.table.equals(ex.table)


# ---- explain_change -----------------------------------------------------------------------


def _check_adds_up(c) -> None:
    t = c.table
    assert t["component"].to_list() == list(COMPONENTS)
    assert abs(t["spread_delta"].sum() - c.delta) < 1e-9
    assert abs(t["score_delta"].sum() - c.score_delta) < 1e-9
    assert abs(t["relative_delta"].sum() - c.relative_delta) < 1e-9
    assert c.delta == pytest.approx(c.spread_b - c.spread_a, abs=1e-12)


def test_change_adds_up_and_matches_scores_over_time(world):
    over = ig.scores_over_time(world, window="7d", seed=3)
    starts = over["window_start"].unique().sort().to_list()
    ch = ig.score_changes(over).sort(pl.col("delta").abs(), descending=True)
    user = ch["user"][0]
    c = explain_change(world, user, starts[0], starts[1], seed=3, runs=600)
    _check_adds_up(c)
    assert c.delta == ch["delta"][0]                       # the very number reported
    assert c.score_delta == pytest.approx(ch["score_delta"][0], abs=1e-9)
    assert c.summary.startswith(f"{c.score_delta:+.1f} points")
    # reusing the table's windows and spreads: the very same explanation, no re-estimation
    reused = explain_change(world, user, starts[0], starts[1], seed=3, runs=600, over_time=over)
    assert reused.delta == c.delta and reused.table.equals(c.table)
    assert reused.window_a == c.window_a and reused.summary == c.summary
    with pytest.raises(InputValidationError, match="window_start values"):
        explain_change(world, user, starts[0] + timedelta(hours=1), starts[1], over_time=over)


def test_exact_copy_explains_nothing():
    ds = ig.datasets.synthetic(n_users=150, days=7, seed=3)
    ev = ds.events
    start = ev["timestamp"].min().replace(hour=0, minute=0, second=0, microsecond=0)
    again = ev.with_columns(pl.col("timestamp") + timedelta(days=7),
                            pl.col("event_id") + "_2", pl.col("post_id") + "_2",
                            pl.col("parent_id") + "_2")
    both = make_dataset(events=pl.concat([ev, again]), follows=ds.follows, users=ds.users)
    user = ig.influence(both, seed=1).sort("spread", descending=True)["user"][0]
    c = explain_change(both, user, start, start + timedelta(days=7), seed=1, runs=300)
    assert c.delta == 0 and c.score_delta == 0 and c.relative_delta == 0
    assert (c.table["spread_delta"] == 0).all() and (c.table["score_delta"] == 0).all()
    assert (c.table["edges"].drop_nulls() == 0).all()
    assert "+0.0 points" in c.summary and "did not change" in c.summary


def _random_log(seed: int) -> ig.Dataset:
    """8 users over two weeks: random follows, posts, and retweets of earlier posts."""
    rng = np.random.default_rng(seed)
    users = [f"v{i}" for i in range(8)]
    pairs = {(a, b) for a, b in rng.integers(0, 8, size=(20, 2)) if a != b}
    follows = pl.DataFrame({"follower": [users[a] for a, _ in sorted(pairs)],
                            "followee": [users[b] for _, b in sorted(pairs)]})
    rows, posts = [], []
    for i in range(int(rng.integers(12, 40))):
        t = T0 + timedelta(hours=int(rng.integers(0, 14 * 24)))
        rows.append((users[int(rng.integers(8))], "post", None, f"p{i}", None, t))
        posts.append(rows[-1])
    for j in range(int(rng.integers(5, 40))):
        author, _, _, pid, _, t = posts[int(rng.integers(len(posts)))]
        who = users[int(rng.integers(8))]
        if who != author:
            rows.append((who, "retweet", author, f"r{j}", pid,
                         t + timedelta(minutes=int(rng.integers(1, 600)))))
    cols = list(zip(*rows, strict=True))
    ev = pl.DataFrame({"user": cols[0], "action": cols[1], "target_user": cols[2],
                       "post_id": cols[3], "parent_id": cols[4], "timestamp": cols[5]})
    return make_dataset(events=ev, follows=follows, users=pl.DataFrame({"user": users}))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), who=st.integers(0, 7))
def test_components_sum_to_the_delta_on_random_logs(seed, who):
    ds = _random_log(seed)
    ev = ds.events["timestamp"]
    first = ev.min()
    a = datetime(first.year, first.month, first.day, tzinfo=first.tzinfo)  # the grid's start
    b = a + timedelta(days=7)
    if ev.filter(ev < b).len() == 0 or ev.filter(ev >= b).len() == 0 or ev.max() < b:
        return
    c = explain_change(ds, f"v{who}", a, b, seed=seed, runs=200, replicates=2)
    _check_adds_up(c)


def test_bad_input(world):
    start = world.events["timestamp"].min().replace(hour=0, minute=0, second=0, microsecond=0)
    with pytest.raises(InputValidationError, match="nobody"):
        explain(world, "nobody")
    with pytest.raises(TypeError, match="user"):
        explain(world, 7)
    with pytest.raises(InputValidationError, match="runs"):
        explain(world, "u0001", runs=0)
    with pytest.raises(InputValidationError, match="timezone"):
        explain_change(world, "u0001", start.replace(tzinfo=None), start)
    with pytest.raises(TypeError, match="window_b"):
        explain_change(world, "u0001", start, "2024-01-01")
    with pytest.raises(InputValidationError, match="events"):
        explain_change(world, "u0001", start, start + timedelta(days=700))
    with pytest.raises(InputValidationError, match="window"):
        explain_change(world, "u0001", start, start, window="0d")
    with pytest.raises(InputValidationError, match="far_quantile"):
        explain_change(world, "u0001", start, start, far_quantile=1.5)
