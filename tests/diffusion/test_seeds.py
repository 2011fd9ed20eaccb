"""Seed-set selection (IMM): stored RR sets, the guarantee on exact oracles, estimates."""

from __future__ import annotations

import itertools
import math

import numpy as np
import polars as pl
import pytest

import influence_graph as ig
from influence_graph._rng import task_seeds
from influence_graph.diffusion import _kernels as kn
from influence_graph.diffusion import to_probability_graph
from influence_graph.diffusion.exact import exact_spread
from influence_graph.diffusion.ris import BLOCK_SIZE, rr_shared
from influence_graph.diffusion.seeds import SCHEMA, _Sample, _choose, select_seeds
from influence_graph.exceptions import InputValidationError

E1 = 1.0 - 1.0 / math.e


def frame(rows) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={"source": pl.String, "target": pl.String, "p": pl.Float64},
                        orient="row")


def mixed_graph(seed: int, n: int = 300, m: int = 1500, lt: bool = False) -> pl.DataFrame:
    """Random graph whose users' in-edges fall in every sampler class (shared p, p = 1, mixed)."""
    rng = np.random.default_rng(seed)
    src = rng.integers(0, n, 3 * m)
    tgt = (rng.pareto(1.5, 3 * m) * 3).astype(np.int64) % n  # skewed in-degrees
    keep = src != tgt
    pairs = np.unique(np.stack([src[keep], tgt[keep]], 1), axis=0)[:m]
    kind = rng.integers(0, 4, n)  # per target: 0/1 shared small/large p, 2 p = 1, 3 mixed
    p = np.empty(len(pairs))
    for i, (_, t) in enumerate(pairs):
        p[i] = {0: 0.05, 1: 0.4, 2: 1.0, 3: rng.uniform(0.01, 0.9)}[int(kind[t])]
    if lt:  # weights: each user's in-weights sum to at most 0.95
        indeg = np.bincount(pairs[:, 1], minlength=n)
        p = np.where(kind[pairs[:, 1]] == 3, rng.uniform(0.2, 1.0, len(pairs)), 1.0)
        p = 0.95 * p / indeg[pairs[:, 1]]
    return pl.DataFrame({"source": [f"u{s}" for s in pairs[:, 0]],
                         "target": [f"u{t}" for t in pairs[:, 1]], "p": p})


# ---------------------------------------------------------------------------- kernel


@pytest.mark.parametrize("sampler", ["auto", "skip", "coin"])
def test_ic_sets_are_the_counted_sets(sampler):
    g = to_probability_graph(mixed_graph(1))
    lay = rr_shared(g, "ic", sampler=sampler).ic
    seeds, sizes = task_seeds(11, 3), np.array([2000, 700, 5], np.int64)
    counts, st_c = np.zeros(g.n, np.int64), np.zeros(2, np.int64)
    kn.rr_ic_counts(lay.pack, lay.shift, lay.table, lay.in_indices, lay.in_p, seeds, sizes,
                    counts, np.zeros(g.n, np.uint8), np.empty(g.n, np.int32), st_c)
    st_s, vis = np.zeros(2, np.int64), np.zeros(g.n, np.uint8)
    members, offsets = kn.rr_ic_sets(lay.pack, lay.shift, lay.table, lay.in_indices, lay.in_p,
                                     seeds, sizes, vis, np.empty(g.n, np.int32), st_s)
    assert offsets.shape[0] == sizes.sum() + 1 and offsets[-1] == members.shape[0]
    not_root = np.ones(members.shape[0], bool)
    not_root[offsets[:-1]] = False
    np.testing.assert_array_equal(np.bincount(members[not_root], minlength=g.n), counts)
    np.testing.assert_array_equal(st_s, st_c)
    assert not vis.any()
    for r in range(0, sizes.sum(), 97):  # every RR set holds distinct users
        s = members[offsets[r]:offsets[r + 1]]
        assert np.unique(s).shape[0] == s.shape[0]
    assert counts.sum() > 1000  # the graph is not trivial


def test_lt_sets_are_the_counted_sets():
    g = to_probability_graph(mixed_graph(2, lt=True))
    seeds, sizes = task_seeds(12, 2), np.array([3000, 1000], np.int64)
    sc, st_c = np.zeros((g.n, 2), np.int64), np.zeros(2, np.int64)
    kn.rr_lt_counts(g.in_indptr, g.in_indices, g.in_p, g.in_shared_p, seeds, sizes, sc, st_c,
                    np.empty(g.n, np.int32), np.zeros(1, np.int64))
    st_s, vis = np.zeros(2, np.int64), np.zeros(g.n, np.uint8)
    members, offsets = kn.rr_lt_sets(g.in_indptr, g.in_indices, g.in_p, g.in_shared_p, seeds,
                                     sizes, vis, np.empty(g.n, np.int32), st_s)
    not_root = np.ones(members.shape[0], bool)
    not_root[offsets[:-1]] = False
    np.testing.assert_array_equal(np.bincount(members[not_root], minlength=g.n), sc[:, 1])
    np.testing.assert_array_equal(st_s, st_c)
    assert not vis.any() and sc[:, 1].sum() > 1000


# ---------------------------------------------------------------------------- exact oracle


def random_small(seed: int, n: int = 8, m: int = 13) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    pairs = [(u, v) for u in range(n) for v in range(n) if u != v]
    pick = rng.choice(len(pairs), m, replace=False)
    return frame([(f"v{pairs[i][0]}", f"v{pairs[i][1]}", float(rng.uniform(0.05, 0.95)))
                  for i in pick])


def exact_joint_ic(t: pl.DataFrame, users: list[str], subset: tuple[str, ...]) -> float:
    """σ(S) = σ(super-source) − 1, the super-source joined to S by p = 1 edges."""
    extra = frame([("~S", u, 1.0) for u in subset])
    g = to_probability_graph(pl.concat([t, extra]), users=users)
    spread, _ = exact_spread(g, "ic")
    return float(spread[g.codes(["~S"])[0]]) - 1.0


def exact_joint_lt_all(t: pl.DataFrame, users: list[str], k: int) -> dict[tuple, float]:
    """σ(S) of every k-subset under LT by enumerating live-edge worlds (≤ 1 in-edge each)."""
    idx = {u: i for i, u in enumerate(users)}
    ins: dict[int, list[tuple[int, float]]] = {i: [] for i in range(len(users))}
    for s, d, p in t.iter_rows():
        ins[idx[d]].append((idx[s], p))
    options = []
    for v in range(len(users)):
        opts = [(u, p) for u, p in ins[v]]
        rest = 1.0 - sum(p for _, p in opts)
        if rest > 1e-12:
            opts.append((-1, rest))
        options.append(opts)
    subsets = list(itertools.combinations(range(len(users)), k))
    acc = dict.fromkeys(subsets, 0.0)
    for world in itertools.product(*options):
        w = math.prod(p for _, p in world)
        out = [0] * len(users)
        for v, (u, _) in enumerate(world):
            if u >= 0:
                out[u] |= 1 << v
        reach = []
        for v in range(len(users)):
            seen = front = 1 << v
            while front:
                new = 0
                for u in range(len(users)):
                    if front >> u & 1:
                        new |= out[u]
                front = new & ~seen
                seen |= front
            reach.append(seen)
        for s in subsets:
            m = 0
            for v in s:
                m |= reach[v]
            acc[s] += w * bin(m).count("1")
    return {tuple(users[v] for v in s): x for s, x in acc.items()}


@pytest.mark.parametrize("gseed,k", [(0, 2), (1, 3), (2, 2), (3, 1)])
def test_ic_guarantee_on_exact_oracle(gseed, k):
    t = random_small(gseed)
    users = sorted(set(t["source"]) | set(t["target"]))
    joint = {s: exact_joint_ic(t, users, s) for s in itertools.combinations(users, k)}
    single, _ = exact_spread(to_probability_graph(t), "ic")  # the trick agrees with σ(v)
    for i, u in enumerate(users):
        assert exact_joint_ic(t, users, (u,)) == pytest.approx(single[i], abs=1e-12)
    opt = max(joint.values())
    sel = select_seeds(t, k, seed=gseed, n_jobs=1)
    assert joint[tuple(sorted(sel.seeds))] >= (E1 - 0.1) * opt
    assert sel.guarantee == pytest.approx(E1 - 0.1)


def test_ic_guarantee_relative_to_candidates():
    t = random_small(4)
    users = sorted(set(t["source"]) | set(t["target"]))
    cand = users[1::2]
    joint = {s: exact_joint_ic(t, users, s) for s in itertools.combinations(cand, 2)}
    sel = select_seeds(t, 2, candidates=cand, seed=3, n_jobs=1)
    assert set(sel.seeds) <= set(cand) and set(sel.individual_top_k) <= set(cand)
    assert joint[tuple(sorted(sel.seeds))] >= (E1 - 0.1) * max(joint.values())


@pytest.mark.parametrize("gseed", [5, 6])
def test_lt_guarantee_on_exact_oracle(gseed):
    rng = np.random.default_rng(gseed)
    t = random_small(gseed, n=7, m=11)
    indeg = t.group_by("target").len()
    t = t.join(indeg, on="target").with_columns(
        p=pl.col("p") / pl.col("len") * float(rng.uniform(0.7, 1.0))).drop("len")
    users = sorted(set(t["source"]) | set(t["target"]))
    joint = exact_joint_lt_all(t, users, 2)
    single, _ = exact_spread(to_probability_graph(t), "lt")
    ones = exact_joint_lt_all(t, users, 1)
    for i, u in enumerate(users):
        assert ones[(u,)] == pytest.approx(single[i], abs=1e-12)
    sel = select_seeds(t, 2, model="lt", seed=gseed, n_jobs=1)
    assert joint[tuple(sorted(sel.seeds))] >= (E1 - 0.1) * max(joint.values())


def test_intervals_cover_exact_joint_spread():
    t = random_small(7)
    users = sorted(set(t["source"]) | set(t["target"]))
    cache: dict[tuple, float] = {}

    def sigma(s):
        key = tuple(sorted(s))
        if key not in cache:
            cache[key] = exact_joint_ic(t, users, key) if key else 0.0
        return cache[key]

    hits_joint = hits_gain = total = 0
    for seed in range(40):
        sel = select_seeds(t, 2, seed=seed, n_jobs=1, epsilon=0.3)
        for row in sel.table.iter_rows(named=True):
            prefix = sel.seeds[:row["pick"]]
            truth, before = sigma(prefix), sigma(prefix[:-1])
            hits_joint += row["joint_low"] <= truth <= row["joint_high"]
            hits_gain += row["gain_low"] <= truth - before <= row["gain_high"]
            total += 1
        ind = sigma(sel.individual_top_k)
        hits_joint += sel.individual_joint_low <= ind <= sel.individual_joint_high
    assert hits_joint / (total + 40) >= 0.85
    assert hits_gain / total >= 0.85


# ---------------------------------------------------------------------------- set vs list


def overlapping_hubs() -> pl.DataFrame:
    """Hubs h0..h2 share one audience; h3 has a smaller one of its own."""
    rows = [(f"h{h}", f"a{i}", 0.8) for h in range(3) for i in range(10)]
    rows += [("h3", f"b{i}", 0.8) for i in range(6)]
    return frame(rows)


def selection_coverage(t: pl.DataFrame, seed: int, theta: int, sets: list[tuple[str, ...]]):
    """Coverage of each seed set on the selection RR sets, regenerated from the seed."""
    g = to_probability_graph(t)
    stream = np.random.SeedSequence(seed).spawn(3)[1]
    nb = -(-theta // BLOCK_SIZE)
    sizes = np.full(nb, BLOCK_SIZE, np.int64)
    sizes[-1] = theta - BLOCK_SIZE * (nb - 1)
    lay = rr_shared(g, "ic").ic
    members, offsets = kn.rr_ic_sets(lay.pack, lay.shift, lay.table, lay.in_indices, lay.in_p,
                                     task_seeds(stream, nb), sizes, np.zeros(g.n, np.uint8),
                                     np.empty(g.n, np.int32), np.zeros(2, np.int64))
    set_id = np.repeat(np.arange(theta), np.diff(offsets))
    out = []
    for s in sets:
        hit = np.isin(members, g.codes(list(s)))
        out.append(np.unique(set_id[hit]).shape[0])
    return out


def test_set_covers_at_least_the_individual_top_k():
    t = overlapping_hubs()
    sel = select_seeds(t, 2, seed=5, n_jobs=1)
    assert set(sel.individual_top_k) < {"h0", "h1", "h2"}  # the list doubles up
    assert "h3" in sel.seeds and len(set(sel.seeds) & {"h0", "h1", "h2"}) == 1
    cov_set, cov_list = selection_coverage(t, 5, sel.theta, [sel.seeds, sel.individual_top_k])
    assert cov_set >= cov_list
    prov = sel.provenance["selection_coverage"]
    assert (prov["greedy"], prov["individual_top_k"]) == (cov_set, cov_list)
    last = sel.table.row(-1, named=True)
    assert last["joint_low"] > sel.individual_joint_high  # 9 + 5.8 vs 9 + 2.6
    total = sel.table["marginal_gain"].sum()
    assert total == pytest.approx(last["joint_spread"])


@pytest.mark.parametrize("gseed", [3, 4])
def test_coverage_not_below_list_on_random_graphs(gseed):
    t = mixed_graph(gseed, n=400, m=1200)
    sel = select_seeds(t, 8, seed=gseed, epsilon=0.4, n_jobs=1)
    cov_set, cov_list = selection_coverage(t, gseed, sel.theta, [sel.seeds, sel.individual_top_k])
    assert cov_set >= cov_list
    assert sel.table["joint_spread"].to_list() == sorted(sel.table["joint_spread"].to_list())


def test_safeguard_returns_the_list_when_it_covers_more():
    # greedy (ties to the smallest code) takes 0, then 1, then 3: 7 of 8 sets; the
    # individual top-3 (0, 4, 3) covers all 8
    rr = [[1, 4], [4], [0, 4], [0, 3], [3], [0, 4], [0], [1, 3]]
    members = np.array([u for r in rr for u in r], np.int32)
    offsets = np.concatenate([[0], np.cumsum([len(r) for r in rr])]).astype(np.int64)
    sample = _Sample(members, offsets, 1, np.zeros(2, np.int64))
    picks, top, returned, cov_greedy, cov_top = _choose(sample, 5, np.ones(5, bool), 3)
    assert (returned, cov_greedy, cov_top) == ("individual_top_k", 7, 8)
    assert sorted(top.tolist()) == [0, 3, 4] and sorted(picks.tolist()) == [0, 3, 4]
    picks, _, returned, _, _ = _choose(sample, 5, np.array([1, 1, 0, 1, 1], bool), 2)
    assert returned == "greedy" and picks.tolist() == [0, 1]


# ---------------------------------------------------------------------------- API


def test_table_schema_and_reproducibility():
    t = mixed_graph(8, n=400, m=1500)
    a = select_seeds(t, 5, seed=9, n_jobs=1, epsilon=0.3)
    b = select_seeds(t, 5, seed=9, n_jobs=2, epsilon=0.3)
    assert dict(a.table.schema) == SCHEMA
    assert a.table["pick"].to_list() == [1, 2, 3, 4, 5]
    assert a.table.equals(b.table)
    assert (a.theta, a.theta_eval, a.individual_top_k, a.individual_joint_spread) == (
        b.theta, b.theta_eval, b.individual_top_k, b.individual_joint_spread)
    assert a.provenance["seed"] == {"entropy": 9, "spawn_key": []}
    assert a.provenance["estimator"] == "imm" and a.provenance["ell"] > 1.0
    assert a.theta_eval >= max(a.theta, 2**15)
    row = a.table.row(0, named=True)
    assert row["joint_spread"] == row["individual_spread"] == row["marginal_gain"]


def test_lt_reproducible_across_threads():
    t = mixed_graph(9, n=400, m=1500, lt=True)
    a = select_seeds(t, 4, model="lt", seed=1, n_jobs=1, epsilon=0.3)
    b = select_seeds(t, 4, model="lt", seed=1, n_jobs=2, epsilon=0.3)
    assert a.table.equals(b.table) and a.model == "lt"


def test_candidates_forms_agree():
    t = mixed_graph(10, n=300, m=1000)
    g = to_probability_graph(t)
    names = g.users.to_list()[::3]
    mask = np.zeros(g.n, bool)
    mask[::3] = True
    by_list = select_seeds(g, 4, candidates=names, seed=2, n_jobs=1, epsilon=0.3)
    by_series = select_seeds(g, 4, candidates=pl.Series(names), seed=2, n_jobs=1, epsilon=0.3)
    by_mask = select_seeds(g, 4, candidates=mask, seed=2, n_jobs=1, epsilon=0.3)
    assert set(by_list.seeds) <= set(names)
    assert by_list.table.equals(by_series.table) and by_list.table.equals(by_mask.table)
    assert by_list.provenance["settings"]["n_candidates"] == len(names)


def test_cap_voids_the_guarantee():
    t = mixed_graph(11, n=300, m=1000)
    sel = select_seeds(t, 3, seed=0, n_jobs=1, max_rr_sets=5000)
    assert sel.theta <= 5000 and math.isnan(sel.guarantee) and sel.provenance["capped"]


def test_exported():
    assert ig.select_seeds is select_seeds
    assert "SeedSelection" in ig.diffusion.__all__


@pytest.mark.parametrize("kwargs,param", [
    ({"k": 0}, "k"),
    ({"k": 5, "candidates": ["a", "b"]}, "k"),
    ({"k": 1, "candidates": ["a", "nobody"]}, "candidates"),
    ({"k": 1, "candidates": np.ones(4, bool)}, "candidates"),
    ({"k": 1, "epsilon": 0.0}, "epsilon"),
    ({"k": 1, "epsilon": 0.7}, "epsilon"),
    ({"k": 1, "confidence": 1.0}, "confidence"),
    ({"k": 1, "max_rr_sets": 0}, "max_rr_sets"),
    ({"k": 1, "model": "sir"}, "model"),
    ({"k": 1, "ell": 0.0}, "ell"),
    ({"k": 50}, "k"),
])
def test_bad_arguments_name_the_parameter(kwargs, param):
    t = frame([("a", "b", 0.5), ("b", "c", 0.5)])
    k = kwargs.pop("k")
    with pytest.raises(InputValidationError) as err:
        select_seeds(t, k, seed=0, n_jobs=1, **kwargs)
    assert err.value.column == param


def test_wrong_types():
    t = frame([("a", "b", 0.5)])
    with pytest.raises(TypeError):
        select_seeds(t, 1.5)
    with pytest.raises(TypeError):
        select_seeds(t, 1, candidates="a")
    with pytest.raises(TypeError):
        select_seeds({"source": ["a"]}, 1)
