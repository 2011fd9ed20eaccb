"""Fast numba kernels against slow readable references, randomness coupled."""

from collections import deque

import numpy as np
import polars as pl
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
    # (every node's in-edges share one p, so the kernel draws nothing but the roots)
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
    # replay the roots with the same generator
    state = np.empty(4, np.uint64)
    roots = []
    for s, k in zip(seeds, sizes):
        kn.seed_state(state, s)
        for _ in range(k):
            roots.append(int(kn.next_u01(state) * g.n))
            # certain edges draw nothing else: the stream only yields roots
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


def test_geometric_skip_and_per_edge_coins_agree_in_distribution():
    # Skip and coin samplers draw differently, so compare them in distribution (S1):
    # every source s_i reaches the hub w.p. p; counts ~ Binomial(theta, p/n) for each.
    import dataclasses

    k, p = 60, 0.05
    frame = pl.DataFrame({"source": [f"s{i:02d}" for i in range(k)], "target": ["hub"] * k,
                          "p": [p] * k})
    g = to_probability_graph(frame)
    base = rr_shared(g, "ic")
    seeds = np.arange(1, 41, dtype=np.uint64)
    sizes = np.full(40, 4096, np.int64)
    theta = int(sizes.sum())
    skip, st_skip = _rr_task(dataclasses.replace(base, skip_min=0), seeds, sizes)
    coin, st_coin = _rr_task(dataclasses.replace(base, skip_min=10**9), seeds, sizes)
    assert st_skip[1] < st_coin[1] / 5  # skipping examines far fewer edges
    q = p / g.n
    sd = np.sqrt(theta * q * (1 - q))
    src = g.codes([f"s{i:02d}" for i in range(k)])
    # per-user z-scores of the difference, and the pooled totals
    z = (skip[src] - coin[src]) / (np.sqrt(2) * sd)
    assert np.abs(z).max() < 4.5
    assert abs(skip[src].sum() - coin[src].sum()) < 4 * np.sqrt(2 * k) * sd
