"""Benchmark (b): all-user spread, influence_graph RIS beside forward Monte Carlo peers.

The same work — the expected IC spread of every user of a weighted-cascade power-law graph
(see ``bench_spread_scaling.py``) — done by

* ``influence_graph`` ``expected_spread(estimator="ris", min_spread=10, rel_error=0.05)``,
  timed end to end (polars table with String ids → result table);
* ``cynetdiff`` (Cython IC on CSR, one thread): forward Monte Carlo, one seed at a time,
  ``IndependentCascadeModel.compute_marginal_gains([v], [], R)``;
* ``ndlib`` ``IndependentCascadesModel`` (only at n ≤ ``--ndlib-max-n``, default 10k);
* a plain Python breadth-first Monte Carlo over a ``networkx.DiGraph``.

Equal accuracy, defined
-----------------------
RIS returns, for each user v, a spread ``s_v`` and a 95 % interval; its achieved relative
error is ``eps_v = h_v / s_v`` with half-width ``h_v = max(ci_high - s_v, s_v - ci_low)`` (the
library's definition, ``relative_to="spread"``). A forward Monte Carlo estimate of v from R
runs has half-width ``z · sd_v / sqrt(R)`` (z = 1.96), so matching v's relative error —
equivalently its half-width, on any scale — needs

    R_v = max(1, ceil((z · sd_v / h_v)²)) = max(1, ceil((z · sd_v / (eps_v · mu_v))²)),

with ``mu_v`` and ``sd_v`` the mean and standard deviation of v's cascade size, measured by a
pilot of ``--pilot-runs`` (1000) cynetdiff runs (R_v = 1 when the pilot shows no variance). The
pilot can miss rare large cascades of a user, which makes sd_v, and so the peer cost, too
small: again in the peers' favour. No minimum R is imposed on the peers (the package's own
Monte Carlo uses at least 1000) and the pilot is not charged to them, so the peer cost is a
lower bound: it favours the peers.

Extrapolation from a sample of seeds
------------------------------------
Running every user to equal accuracy with a peer would take hours, so ``--sample`` users are
drawn uniformly (seeded). For each, the peer's time per run ``t_v`` is measured (cynetdiff:
``compute_marginal_gains`` with ``--time-runs`` trials; ndlib and networkx: ``--slow-runs``
runs on the first ``--slow-sample`` users). The all-user peer time is
``n · mean_v(R_v · t_v)`` with standard error ``n · sd_v(R_v · t_v) / sqrt(sample)``; the
ratio to RIS is reported beside it, all in one run, with the load average.

Usage::

    .venv/bin/python benchmarks/bench_peers.py --quick            # n = 10k, small sample
    .venv/bin/python benchmarks/bench_peers.py                    # n = 10k and 100k
"""

from __future__ import annotations

import math
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from benchmarks._common import (  # noqa: E402
    Timer,
    base_parser,
    context,
    power_law_edges,
    print_table,
    probability_table,
    user_ids,
    write_results,
)

NAME = "peers"
Z95 = 1.959963984540054


# --------------------------------------------------------------------------- graph forms
def wc_probs(edges: np.ndarray, n: int) -> np.ndarray:
    indeg = np.bincount(edges[:, 1].astype(np.int64), minlength=n)
    return 1.0 / indeg[edges[:, 1]]


def cynetdiff_model(edges: np.ndarray, p: np.ndarray, n: int, seed: int):
    """CSR arrays (``starts`` of length n, uint32; probabilities float32) for cynetdiff."""
    from cynetdiff.models import IndependentCascadeModel

    order = np.lexsort((edges[:, 1], edges[:, 0]))
    src = edges[order, 0].astype(np.int64)
    starts = np.searchsorted(src, np.arange(n)).astype(np.uint32)
    targets = np.ascontiguousarray(edges[order, 1], dtype=np.uint32)
    probs = np.ascontiguousarray(p[order], dtype=np.float32)
    return IndependentCascadeModel(starts, targets, activation_probs=probs, rng=seed)


def networkx_graph(edges: np.ndarray, p: np.ndarray, n: int):
    import networkx as nx

    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    g.add_weighted_edges_from(
        zip(edges[:, 0].tolist(), edges[:, 1].tolist(), p.tolist()), weight="p"
    )
    return g


# --------------------------------------------------------------------------- peers
def cynetdiff_pilot(model, v: int, runs: int) -> tuple[float, float]:
    """Mean and sd of v's cascade size over ``runs`` independent cynetdiff runs."""
    model.set_seeds([int(v)])
    sizes = np.empty(runs)
    for r in range(runs):
        model.reset_model()
        model.advance_until_completion()
        sizes[r] = model.get_num_activated_nodes()
    return float(sizes.mean()), float(sizes.std(ddof=1)) if runs > 1 else 0.0


def cynetdiff_time_per_run(model, v: int, runs: int) -> float:
    t0 = time.perf_counter()
    model.compute_marginal_gains([int(v)], [], runs)
    return (time.perf_counter() - t0) / runs


def networkx_bfs_cascade(g, v: int, rng: random.Random) -> int:
    """One IC cascade from v by breadth-first search with a coin per tried edge."""
    succ = g._succ
    active = {v}
    frontier = [v]
    while frontier:
        nxt = []
        for u in frontier:
            for w, d in succ[u].items():
                if w not in active and rng.random() < d["p"]:
                    active.add(w)
                    nxt.append(w)
        frontier = nxt
    return len(active)


def networkx_time_per_run(g, v: int, runs: int, seed: int) -> float:
    rng = random.Random(seed)
    t0 = time.perf_counter()
    for _ in range(runs):
        networkx_bfs_cascade(g, int(v), rng)
    return (time.perf_counter() - t0) / runs


def _six_shim() -> None:
    """ndlib imports ``six`` (only ``six.add_metaclass``) without declaring it; shim if absent."""
    try:
        import six  # noqa: F401
    except ImportError:
        import types

        def add_metaclass(metaclass):
            def wrap(cls):
                body = {k: v for k, v in vars(cls).items() if k not in ("__dict__", "__weakref__")}
                return metaclass(cls.__name__, cls.__bases__, body)
            return wrap

        sys.modules["six"] = types.SimpleNamespace(add_metaclass=add_metaclass)


def ndlib_model(g, seed: int):
    _six_shim()
    import ndlib.models.ModelConfig as mc
    from ndlib.models.epidemics import IndependentCascadesModel

    model = IndependentCascadesModel(g, seed=seed)  # ndlib seeds numpy's global generator
    cfg = mc.Configuration()
    for u, w, p in g.edges(data="p"):
        cfg.add_edge_configuration("threshold", (u, w), p)
    first = next(iter(g.nodes))
    cfg.add_model_initial_configuration("Infected", [first])
    model.set_initial_status(cfg)
    return model


def ndlib_run(model, v: int) -> int:
    model.reset(infected_nodes=[int(v)])
    while True:
        it = model.iteration(node_status=False)
        if it["iteration"] > 0 and it["node_count"].get(1, 0) == 0:
            return int(it["node_count"].get(2, 0))


def ndlib_time_per_run(model, v: int, runs: int) -> float:
    t0 = time.perf_counter()
    for _ in range(runs):
        ndlib_run(model, v)
    return (time.perf_counter() - t0) / runs


# --------------------------------------------------------------------------- one size
def runs_needed(sd: float, half_width: float) -> int:
    """R_v = max(1, ceil((z·sd/h_v)²)); 1 when the pilot has no variance or h_v is not finite."""
    if sd <= 0 or not math.isfinite(half_width):
        return 1
    if half_width <= 0:  # should not happen (RIS gives width 0 only to exact users)
        print("warning: zero-width RIS interval for a user with random spread", file=sys.stderr)
        return 1
    return max(1, math.ceil((Z95 * sd / half_width) ** 2))


def extrapolate(n: int, cost: np.ndarray) -> tuple[float, float]:
    m = len(cost)
    return float(n * cost.mean()), float(n * cost.std(ddof=1) / math.sqrt(m)) if m > 1 else 0.0


def one_size(n: int, args) -> tuple[list[dict], list[dict]]:
    from influence_graph.diffusion.spread import expected_spread

    edges = power_law_edges(n, args.seed)
    p = wc_probs(edges, n)
    table = probability_table(edges, n, "wc")
    users = user_ids(n)

    # --- influence_graph: warm the kernels, then time the all-user run
    expected_spread(table.head(2000), top_k=10, rel_error=0.2, seed=0, n_jobs=args.n_jobs)
    ctx = context(args.n_jobs)
    with Timer() as t:
        res = expected_spread(
            table, users=users, estimator="ris", rel_error=0.05, top_k=None, min_spread=10.0,
            seed=args.seed, n_jobs=args.n_jobs, max_seconds=args.max_seconds,
        )
    ris_seconds = t.seconds
    tbl = res.table
    # id "u<i>" -> i
    idx = np.array([int(u[1:]) for u in tbl["user"].to_list()])
    spread = np.empty(n)
    half = np.empty(n)
    s_, lo_, hi_ = (tbl[c].to_numpy() for c in ("spread", "ci_low", "ci_high"))
    spread[idx] = s_
    half[idx] = np.maximum(hi_ - s_, s_ - lo_)
    eps_all = np.divide(half, spread, out=np.full(n, np.inf), where=spread > 0)

    # --- sample of seeds
    rng = np.random.default_rng(args.seed + n)
    sample = rng.choice(n, size=min(args.sample, n), replace=False)
    cyn = cynetdiff_model(edges, p, n, seed=args.seed)
    per_seed = []
    for j, v in enumerate(sample):
        mu, sd = cynetdiff_pilot(cyn, int(v), args.pilot_runs)
        r_v = runs_needed(sd, float(half[v]))
        t_c = cynetdiff_time_per_run(cyn, int(v), args.time_runs)
        se_both = math.sqrt(sd**2 / args.pilot_runs + (half[v] / Z95) ** 2)
        per_seed.append({"n": n, "user": f"u{v}", "ris_spread": float(spread[v]),
                         "z_pilot_vs_ris": (mu - spread[v]) / se_both if se_both > 0 else 0.0,
                         "ris_rel_error": float(eps_all[v]),
                         "ris_half_width": float(half[v]), "mc_mean": mu, "mc_sd": sd,
                         "runs_needed": r_v, "cynetdiff_s_per_run": t_c,
                         "networkx_s_per_run": None, "ndlib_s_per_run": None})
        if j < args.check_seeds:  # long independent run: does forward MC agree with RIS?
            mu_l, sd_l = cynetdiff_pilot(cyn, int(v), args.check_runs)
            se_l = math.sqrt(sd_l**2 / args.check_runs + (half[v] / Z95) ** 2)
            per_seed[-1].update({"check_mc_mean": mu_l, "check_mc_runs": args.check_runs,
                                 "z_check_vs_ris": (mu_l - spread[v]) / se_l if se_l > 0
                                 else 0.0})
        if j % 50 == 0:
            print(f"  n={n} seed {j}/{len(sample)}", flush=True)

    # --- slow peers on the first slow_sample seeds
    slow = per_seed[: args.slow_sample]
    g = networkx_graph(edges, p, n)
    for s in slow:
        s["networkx_s_per_run"] = networkx_time_per_run(g, int(s["user"][1:]), args.slow_runs,
                                                        args.seed)
    do_ndlib = n <= args.ndlib_max_n
    if do_ndlib:
        nd = ndlib_model(g, args.seed)
        for s in slow:
            s["ndlib_s_per_run"] = ndlib_time_per_run(nd, int(s["user"][1:]), args.slow_runs)

    rows = [{
        "n": n, "m": len(edges), "method": "influence_graph RIS (min_spread=10, 5%)",
        "seconds": round(ris_seconds, 3), "cpu_seconds": round(t.cpu, 3), "extrapolated": False,
        "seconds_se": 0.0,
        "ratio_to_ris": 1.0, "seeds_sampled": n, "mean_runs_needed": None,
        "rr_sets": int(res.n_samples), "target_met": bool(res.target_met), **ctx,
    }]
    # cynetdiff: direct extrapolation from the whole sample
    rv = np.array([s["runs_needed"] for s in per_seed], float)
    tc = np.array([s["cynetdiff_s_per_run"] for s in per_seed], float)
    cyn_est, cyn_se = extrapolate(n, rv * tc)
    rows.append({
        "n": n, "m": len(edges), "method": "cynetdiff forward MC", "seconds": round(cyn_est, 3),
        "extrapolated": True, "seconds_se": round(cyn_se, 3),
        "ratio_to_ris": round(cyn_est / ris_seconds, 1), "seeds_sampled": len(per_seed),
        "mean_runs_needed": round(float(rv.mean()), 1), "rr_sets": None, "target_met": None,
        **context(args.n_jobs),
    })
    # slow peers: ratio estimator against cynetdiff on the same seeds (lower variance than a
    # direct extrapolation from the small subset); SE by bootstrap over that subset, combined
    # in quadrature with cynetdiff's relative SE
    peers = [("networkx BFS MC (pure Python)", "networkx_s_per_run")]
    if do_ndlib:
        peers.append(("ndlib IndependentCascadesModel", "ndlib_s_per_run"))
    rs = np.array([s["runs_needed"] for s in slow], float)
    tcs = np.array([s["cynetdiff_s_per_run"] for s in slow], float)
    boot = np.random.default_rng(args.seed)
    for label, key in peers:
        tp = np.array([s[key] for s in slow], float)
        ratio = float((rs * tp).sum() / (rs * tcs).sum())
        bs = []
        for _ in range(400):
            i = boot.integers(0, len(slow), len(slow))
            den = (rs[i] * tcs[i]).sum()
            if den > 0:
                bs.append((rs[i] * tp[i]).sum() / den)
        rel_se = math.hypot(float(np.std(bs)) / ratio if bs else 0.0,
                            cyn_se / cyn_est if cyn_est else 0.0)
        est = cyn_est * ratio
        rows.append({
            "n": n, "m": len(edges), "method": label, "seconds": round(est, 3),
            "extrapolated": True, "seconds_se": round(est * rel_se, 3),
            "ratio_to_ris": round(est / ris_seconds, 1), "seeds_sampled": len(slow),
            "mean_runs_needed": round(float(rs.mean()), 1), "rr_sets": None,
            "target_met": None, "time_per_run_vs_cynetdiff": round(ratio, 1),
            **context(args.n_jobs),
        })
    r = rv
    zs = [s_["z_check_vs_ris"] for s_ in per_seed if "z_check_vs_ris" in s_]
    print(f"n={n}: mean R_v over {len(r)} seeds = {r.mean():.1f}, max {r.max():.0f}; "
          f"check vs RIS on {len(zs)} seeds: z = {np.round(zs, 2).tolist()}")
    rows[0]["check_z_abs_max"] = round(float(np.max(np.abs(zs))), 2) if zs else None
    return rows, per_seed


def main(argv: list[str] | None = None) -> list[dict]:
    p = base_parser(__doc__.splitlines()[0], default_sizes=[10_000, 100_000])
    p.add_argument("--sample", type=int, default=400, help="seeds sampled uniformly")
    p.add_argument("--pilot-runs", type=int, default=1000, help="cynetdiff runs per seed for sd")
    p.add_argument("--time-runs", type=int, default=200, help="cynetdiff runs timed per seed")
    p.add_argument("--slow-sample", type=int, default=100,
                   help="seeds timed for ndlib and networkx")
    p.add_argument("--slow-runs", type=int, default=5, help="runs per seed, ndlib/networkx")
    p.add_argument("--ndlib-max-n", type=int, default=10_000)
    p.add_argument("--check-seeds", type=int, default=12,
                   help="seeds re-run with --check-runs cynetdiff cascades to compare with RIS")
    p.add_argument("--check-runs", type=int, default=20_000)
    p.add_argument("--max-seconds", type=float, default=300.0)
    args = p.parse_args(argv)
    if args.quick:
        args.sizes = [s for s in args.sizes if s <= 10_000] or [10_000]
        args.sample, args.pilot_runs, args.time_runs = 60, 100, 100
        args.slow_sample, args.slow_runs = 15, 3
        args.check_seeds, args.check_runs = 5, 5000
    rows, seeds = [], []
    for n in sorted(args.sizes):
        r, s = one_size(n, args)
        rows += r
        seeds += s
    print_table(rows, "all-user spread at equal accuracy: RIS vs forward Monte Carlo (b)", [
        "n", "method", "seconds", "extrapolated", "seconds_se", "ratio_to_ris",
        "seeds_sampled", "mean_runs_needed", "n_jobs", "loadavg_1m", "time_utc",
    ])
    write_results(rows, NAME, out=args.out, quick=args.quick)
    out = None if args.out is None else str(Path(args.out).with_name(
        Path(args.out).stem + "_seeds.csv"))
    write_results(seeds, NAME + "_seeds", out=out, quick=args.quick)
    return rows


if __name__ == "__main__":
    main()
