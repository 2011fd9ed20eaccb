"""Fast numba kernels against slow readable references, randomness coupled."""

from collections import deque

import numpy as np
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from influence_graph.diffusion import to_probability_graph
from influence_graph.diffusion import _kernels as kn
from influence_graph.diffusion.ris import _rr_task, rr_shared


def python_reach_sizes(n, edges, live):
    """Readable BFS from every node over the live edges ``edges[i]`` with ``live[i]``."""
    adj = [[] for _ in range(n)]
    for (u, v), ok in zip(edges, live):
        if ok:
            adj[u].append(v)
    sizes = []
    for s in range(n):
        seen = {s}
        q = deque([s])
        while q:
            u = q.popleft()
            for v in adj[u]:
                if v not in seen:
                    seen.add(v)
                    q.append(v)
        sizes.append(len(seen))
    return sizes


@st.composite
def graphs_and_worlds(draw):
    n = draw(st.integers(2, 12))
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1))
                          .filter(lambda e: e[0] != e[1]), unique=True, max_size=40))
    live = draw(st.lists(st.booleans(), min_size=len(pairs), max_size=len(pairs)))
    return n, pairs, live


@given(graphs_and_worlds())
def test_reach_kernel_equals_python_bfs_on_presampled_world(case):
    n, pairs, live = case
    names = [f"{i:02d}" for i in range(n)]  # sorted names = codes
    frame = pl.DataFrame({"source": [names[u] for u, _ in pairs],
                          "target": [names[v] for _, v in pairs],
                          "p": [0.5] * len(pairs)},
                         schema={"source": pl.String, "target": pl.String, "p": pl.Float64})
    g = to_probability_graph(frame, users=names)
    # the world is drawn once, per input row, then mapped onto the CSR edge positions
    pos = {(int(s), int(t)): j for j, (s, t) in enumerate(zip(g.out_sources(), g.out_indices))}
    mask = np.zeros(g.m, dtype=bool)
    for (u, v), ok in zip(pairs, live):
        mask[pos[(u, v)]] = ok
    fast = np.empty(g.n, np.int64)
    kn.reach_sizes(g.out_indptr, g.out_indices, mask, fast)
    assert fast.tolist() == python_reach_sizes(n, pairs, live)


def test_rr_counts_with_certain_edges_equal_reverse_reachability():
    # p in {0, 1}: every RR set is the deterministic reverse-reachable set of its root,
    # so counts[v] = sum over sampled roots r != v of [v reaches r].
    pairs = [(0, 1), (1, 2), (2, 0), (2, 3), (4, 5)]
    p = [1.0, 1.0, 1.0, 1.0, 0.0]
    n = 6
    names = [str(i) for i in range(n)]
    frame = pl.DataFrame({"source": [names[u] for u, _ in pairs],
                          "target": [names[v] for _, v in pairs], "p": p})
    g = to_probability_graph(frame)
    seeds = np.array([11, 12], dtype=np.uint64)
    sizes = np.array([500, 300], dtype=np.int64)
    counts, stats = _rr_task(rr_shared(g, "ic"), seeds, sizes)
    # replay the roots: a block's stream gives each RR set its root, then its stream seed
    state = np.empty(4, np.uint64)
    roots = []
    for s, k in zip(seeds, sizes):
        kn.seed_state(state, s)
        for _ in range(k):
            roots.append(int(kn.next_u01(state) * g.n))
            kn.next_u01(state)  # the 64-bit seed of the RR set's own stream
    reach = {v: {r for r in range(n) if r != v and _reaches(pairs, p, v, r)} for v in range(n)}
    want = [sum(1 for r in roots if r in reach[v]) for v in range(n)]
    assert counts.tolist() == want
    assert stats[0] == sum(1 + sum(1 for v in range(n) if r in reach[v]) for r in roots)


def _reaches(pairs, p, v, r):
    adj = {}
    for (a, b), q in zip(pairs, p):
        if q == 1.0:
            adj.setdefault(a, []).append(b)
    seen, q = {v}, deque([v])
    while q:
        u = q.popleft()
        for w in adj.get(u, []):
            if w not in seen:
                seen.add(w)
                q.append(w)
    return r in seen


def test_xoshiro_stream_is_reproducible_and_uniform():
    s1, s2 = np.empty(4, np.uint64), np.empty(4, np.uint64)
    kn.seed_state(s1, np.uint64(2**63 + 5))
    kn.seed_state(s2, np.uint64(2**63 + 5))
    a = np.array([kn.next_u01(s1) for _ in range(20000)])
    b = np.array([kn.next_u01(s2) for _ in range(20000)])
    assert np.array_equal(a, b)
    assert a.min() >= 0.0 and a.max() < 1.0
    assert abs(a.mean() - 0.5) < 4 * np.sqrt(1 / 12 / a.size)


@pytest.mark.parametrize("k,p", [(60, 0.05), (12, 0.5), (3, 0.9)])
def test_binomial_skip_and_coin_samplers_agree_in_distribution(k, p):
    # The three samplers for a shared p draw differently, so compare them in
    # distribution (S1): every source s_i reaches the hub w.p. p, so its count is
    # Binomial(theta, p/n) under each sampler.
    frame = pl.DataFrame({"source": [f"s{i:02d}" for i in range(k)], "target": ["hub"] * k,
                          "p": [p] * k})
    g = to_probability_graph(frame)
    seeds = np.arange(1, 41, dtype=np.uint64)
    sizes = np.full(40, 4096, np.int64)
    theta = int(sizes.sum())
    runs = {s: _rr_task(rr_shared(g, "ic", sampler=s), seeds, sizes)
            for s in ("auto", "skip", "coin")}
    # "auto" is binomial inversion when k·p <= 4, geometric skipping above
    if k * p > 4:
        assert np.array_equal(runs["auto"][0], runs["skip"][0])
    # skipping examines only the live in-edges: a share p of what the coins examine
    assert runs["skip"][1][1] < runs["coin"][1][1] * (1.2 * p + 0.01)
    q = p / g.n
    sd = np.sqrt(theta * q * (1 - q))
    src = g.codes([f"s{i:02d}" for i in range(k)])
    # the pooled total is theta draws of 1{root = hub}·Binomial(k, p): sources co-occur
    mean1 = k * p / g.n
    sd_tot = np.sqrt(theta * ((k * p * (1 - p) + (k * p) ** 2) / g.n - mean1**2))
    for a, b in (("auto", "coin"), ("skip", "coin")):
        x, y = runs[a][0][src], runs[b][0][src]
        z = (x - y) / (np.sqrt(2) * sd)  # per-user z-scores of the difference
        assert np.abs(z).max() < 4.5
        assert abs(x.sum() - y.sum()) < 4 * np.sqrt(2) * sd_tot  # pooled totals
        assert abs(x.sum() - theta * mean1) < 4 * sd_tot  # and the exact expectation


def test_binomial_inversion_draws_the_binomial_number_of_distinct_in_edges():
    # Star into a hub: the RR set from the hub root holds exactly the live sources, so
    # the RR-set sizes from hub roots are 1 + Binomial(k, p); check the whole law.
    from scipy import stats

    k, p = 20, 0.15
    frame = pl.DataFrame({"source": [f"s{i:02d}" for i in range(k)], "target": ["hub"] * k,
                          "p": [p] * k})
    g = to_probability_graph(frame)
    lay = rr_shared(g, "ic").ic
    n = g.n
    hub = int(g.codes(["hub"])[0])
    sizes_seen = []
    for seed in range(1, 3001):
        counts = np.zeros(n, np.int64)
        st = np.zeros(2, np.int64)
        s = np.empty(4, np.uint64)
        kn.seed_state(s, np.uint64(seed))
        if int(kn.next_u01(s) * n) != hub:
            continue
        kn.rr_ic_counts(lay.pack, lay.shift, lay.table, lay.in_indices, lay.in_p,
                        np.array([seed], np.uint64), np.array([1], np.int64), counts,
                        np.zeros(n, np.uint8), np.empty(n, np.int32), st)
        assert counts.max() <= 1  # distinct users
        sizes_seen.append(int(st[0]) - 1)
    obs = np.bincount(sizes_seen, minlength=k + 1)
    exp = stats.binom.pmf(np.arange(k + 1), k, p) * len(sizes_seen)
    keep = exp >= 5
    chi2 = ((obs[keep] - exp[keep]) ** 2 / exp[keep]).sum() + (
        (obs[~keep].sum() - exp[~keep].sum()) ** 2 / max(exp[~keep].sum(), 1e-9))
    assert len(sizes_seen) > 100
    assert stats.chi2.sf(chi2, keep.sum()) > 1e-4


@pytest.mark.parametrize("model", ["ic", "lt"])
def test_rr_sets_draw_from_their_own_streams(model):
    # Common random numbers: two components; changing probabilities in B must leave
    # every count in A identical, however many RR sets B's change reshapes in the
    # same block (each RR set draws from a stream of its own).
    a = [("a0", "a1", 0.3), ("a1", "a2", 0.3), ("a2", "a0", 0.3), ("a3", "a1", 0.3),
         ("a0", "a3", 0.2)]
    b = [("b0", "b1", 0.3), ("b1", "b2", 0.3), ("b2", "b0", 0.3), ("b3", "b1", 0.2)]
    b2 = [(s_, t, 0.45 if t == "b1" else p) for s_, t, p in b]

    def frame(rows):
        return pl.DataFrame(rows, schema=["source", "target", "p"], orient="row")

    g1, g2 = to_probability_graph(frame(a + b)), to_probability_graph(frame(a + b2))
    seeds = np.arange(1, 9, dtype=np.uint64)
    sizes = np.full(8, 4096, np.int64)
    c1, _ = _rr_task(rr_shared(g1, model), seeds, sizes)
    c2, _ = _rr_task(rr_shared(g2, model), seeds, sizes)
    in_a = g1.codes(["a0", "a1", "a2", "a3"])
    in_b = g1.codes(["b0", "b1", "b2", "b3"])
    assert np.array_equal(c1[in_a], c2[in_a])
    assert c1[in_a].sum() > 1000
    assert not np.array_equal(c1[in_b], c2[in_b])  # B's change is real
