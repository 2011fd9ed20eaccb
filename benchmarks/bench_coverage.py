"""Coverage of the 95 % intervals over 1000 independent replicates (docs/benchmarks.md).

For each estimator and each sample size R ∈ {min R, 10·min R}, run
``expected_spread`` with 1000 independent seeds at a fixed budget (``max_samples=R`` and a
relative-error target too small to stop earlier) and count, for every user, how often the
95 % interval ``[ci_low, ci_high]`` contains the exact expected spread (enumeration of all
live-edge worlds, ``estimator="exact"``). With 1000 replicates the 99 % binomial acceptance
region of a 95 % interval is **[0.932, 0.968]**; each one-sided miss rate must be ≤ 0.05.

Graphs (every one has at most 16 uncertain edges, so the exact oracle applies):

* ``cycle4``: a directed 4-cycle, p = 0.5;
* ``dag``: a diamond with a tail, mixed p;
* ``mixed01``: p ∈ {0, 1} beside fractional p, a cycle through a certain edge;
* ``random8``: 8 users, 12 random edges, p ~ U(0.05, 0.95) (seeded);
* ``small_sigma`` (small σ(v)/n, where Wald intervals fail): 1000 users, edges only among
  the first 6, so most σ(v)/n < 0.01
  (Wilson/Jeffreys intervals must still cover).

Intervals scored: RIS with Wilson (default) and Jeffreys, Monte Carlo with Student t, and —
as the negative control for small proportions, from the same RIS replicates — Wald
``spread ± z·se``. Users whose
interval is degenerate in every replicate (spread exactly 1, no uncertain out-edge) are
listed but kept out of the band verdict. For RIS the count is exactly Binomial(θ, q′) with
q′ = (σ − 1)/n, so each RIS row also carries ``coverage_exact``: the interval's true
coverage at that θ, a finite sum over the counts (no simulation noise); it tells a
replicate-noise miss from a real one. With many users per cell, a few cells outside the
99 % band are expected by chance alone (about 1 in 100). Output: one row per (graph, estimator,
R, interval, user) with a random spread in ``coverage.csv`` and one per (graph, estimator,
interval, R) in ``coverage_summary.csv``.

Usage::

    .venv/bin/python benchmarks/bench_coverage.py             # 1000 replicates
    .venv/bin/python benchmarks/bench_coverage.py --quick     # 100 replicates, 2 graphs
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import polars as pl  # noqa: E402

from benchmarks._common import (  # noqa: E402
    Timer,
    base_parser,
    context,
    print_table,
    write_results,
)

NAME = "coverage"
BAND = (0.932, 0.968)
ONE_SIDED_MAX = 0.05


def _table(edges: list[tuple[str, str, float]]) -> pl.DataFrame:
    return pl.DataFrame(edges, schema={"source": pl.String, "target": pl.String, "p": pl.Float64},
                        orient="row")


def graphs(seed: int) -> dict[str, tuple[pl.DataFrame, list[str]]]:
    """The test graphs: name → (probability table, user universe)."""
    out = {}
    out["cycle4"] = _table([("a", "b", 0.5), ("b", "c", 0.5), ("c", "d", 0.5), ("d", "a", 0.5)])
    out["dag"] = _table([("a", "b", 0.3), ("a", "c", 0.6), ("b", "d", 0.5), ("c", "d", 0.8),
                         ("d", "e", 0.4)])
    out["mixed01"] = _table([("a", "b", 1.0), ("b", "c", 0.5), ("c", "a", 0.25), ("a", "d", 0.0),
                             ("d", "e", 0.7), ("c", "f", 1.0), ("f", "g", 0.1)])
    rng = np.random.default_rng(seed)
    pairs = set()
    while len(pairs) < 12:
        u, v = rng.integers(0, 8, size=2)
        if u != v:
            pairs.add((int(u), int(v)))
    out["random8"] = _table([(f"r{u}", f"r{v}", float(np.round(rng.uniform(0.05, 0.95), 3)))
                             for u, v in sorted(pairs)])
    small = [("s0000", "s0001", 0.3), ("s0001", "s0002", 0.6), ("s0002", "s0000", 0.2),
             ("s0003", "s0004", 0.5), ("s0004", "s0005", 0.9), ("s0003", "s0005", 0.15)]
    out["small_sigma"] = _table(small)
    res = {}
    for name, t in out.items():
        users = sorted(set(t["source"].to_list()) | set(t["target"].to_list()))
        if name == "small_sigma":
            users = [f"s{i:04d}" for i in range(1000)]
        res[name] = (t, users)
    return res


def min_samples(estimator: str, override: int | None) -> int:
    """The estimator's enforced minimum: Monte Carlo's floor ``MIN_REPS`` (1000 cascades
    per user); for RIS ``MIN_RR_SETS`` (the first round, 32,768 RR sets shared by all
    users). A run stops below them only with an explicit smaller ``max_samples``."""
    if override:
        return override
    if estimator == "monte_carlo":
        from influence_graph.diffusion.monte_carlo import MIN_REPS

        return int(MIN_REPS)
    from influence_graph.diffusion.ris import MIN_RR_SETS

    return int(MIN_RR_SETS)


def exact_count_coverage(kind: str, theta: int, q: np.ndarray) -> np.ndarray:
    """True coverage of the RIS interval ``kind`` (wilson, jeffreys or wald) for counts
    ``c ~ Binomial(theta, q)``: the probability of the counts whose interval holds ``q``."""
    from scipy import stats

    from influence_graph.diffusion.intervals import jeffreys, wilson, z_value

    def wald(c, t, conf):
        qh = c / t
        half = z_value(conf) * np.sqrt(qh * (1 - qh) / t)
        return qh - half, qh + half

    f = {"wilson": wilson, "jeffreys": jeffreys, "wald": wald}[kind]
    out = np.empty(len(q))
    for i, qi in enumerate(np.asarray(q, float)):
        lam = theta * qi
        c = np.arange(max(0, int(lam - 15 * np.sqrt(lam + 1) - 20)),
                      min(theta, int(lam + 15 * np.sqrt(lam + 1) + 20)) + 1)
        lo, hi = f(c, theta, 0.95)
        out[i] = stats.binom.pmf(c, theta, qi)[(lo <= qi) & (qi <= hi)].sum()
    return out


def one_cell(table, users, exact: np.ndarray, estimator: str, R: int, reps: int,
             seed0: int) -> tuple[dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]],
                                  np.ndarray, list[int]]:
    """Run ``reps`` replicates; per interval kind the (coverage, low miss, high miss) arrays.

    ``estimator`` is ``"ris"`` (Wilson), ``"ris_jeffreys"`` or ``"monte_carlo"`` (Student t).
    RIS runs also score the Wald interval ``spread ± z·se`` from the same replicates: the
    negative control for small proportions.
    """
    from influence_graph.diffusion.spread import expected_spread

    z = 1.959963984540054
    n = len(users)
    kinds = {"ris": ["wilson", "wald"], "ris_jeffreys": ["jeffreys"],
             "monte_carlo": ["student_t"]}[estimator]
    acc = {k: [np.zeros(n), np.zeros(n), np.zeros(n)] for k in kinds}
    degenerate = np.ones(n, bool)
    used = []
    us = pl.Series("user", users)
    est = "monte_carlo" if estimator == "monte_carlo" else "ris"
    extra = {"interval": "jeffreys"} if estimator == "ris_jeffreys" else {}
    for i in range(reps):
        res = expected_spread(table, users=us, estimator=est, max_samples=R, rel_error=1e-9,
                              top_k=None, min_spread=None, seed=seed0 + i, n_jobs=1, **extra)
        t = res.table.sort("user")
        s_, se = t["spread"].to_numpy(), t["se"].to_numpy()
        for k in kinds:
            if k == "wald":
                lo, hi = s_ - z * se, s_ + z * se
            else:
                lo, hi = t["ci_low"].to_numpy(), t["ci_high"].to_numpy()
            a = acc[k]
            a[0] += (lo <= exact + 1e-12) & (exact - 1e-12 <= hi)
            a[1] += exact < lo - 1e-12
            a[2] += exact > hi + 1e-12
        degenerate &= t["ci_high"].to_numpy() - t["ci_low"].to_numpy() <= 1e-12
        used.append(int(res.n_samples))
    return {k: (a[0] / reps, a[1] / reps, a[2] / reps) for k, a in acc.items()}, degenerate, used


def main(argv: list[str] | None = None) -> list[dict]:
    from influence_graph.diffusion.spread import expected_spread

    p = base_parser(__doc__.splitlines()[0], default_sizes=[0])
    p.add_argument("--reps", type=int, default=1000)
    p.add_argument("--estimators", nargs="+", default=["ris", "ris_jeffreys", "monte_carlo"],
                   choices=["ris", "ris_jeffreys", "monte_carlo"])
    p.add_argument("--graphs", nargs="+", default=None)
    p.add_argument("--min-r", type=int, default=None, help="override the minimum R")
    args = p.parse_args(argv)
    gs = graphs(args.seed)
    if args.quick:
        args.reps = min(args.reps, 100)
        args.graphs = args.graphs or ["cycle4", "small_sigma"]
    if args.graphs:
        gs = {k: v for k, v in gs.items() if k in args.graphs}
    rows, summary = [], []
    cell = 0
    for gname, (table, users) in gs.items():
        ex = expected_spread(table, users=pl.Series("user", users), estimator="exact").table
        exact = ex.sort("user")["spread"].to_numpy()
        for est in args.estimators:
            r0 = min_samples("monte_carlo" if est == "monte_carlo" else "ris", args.min_r)
            for R in (r0, 10 * r0):
                ctx = context(1)
                cell += 1
                with Timer() as t:
                    by_kind, deg, used = one_cell(table, users, exact, est, R, args.reps,
                                                  seed0=args.seed * 1000 + cell * 100_000)
                sigma_over_n = exact / len(users)
                live = ~deg
                for kind, (cov, lo, hi) in by_kind.items():
                    cov_x = (exact_count_coverage(kind, R, (exact - 1.0) / len(users))
                             if est != "monte_carlo" else np.full(len(users), np.nan))
                    for k, u in enumerate(users):
                        if deg[k]:  # exact users (spread 1, zero width): counted in summary
                            continue
                        rows.append({
                            "graph": gname, "estimator": est, "interval": kind, "R": R,
                            "user": u, "exact_spread": round(float(exact[k]), 6),
                            "sigma_over_n": round(float(sigma_over_n[k]), 5),
                            "coverage": float(cov[k]),
                            "coverage_exact": None if np.isnan(cov_x[k])
                            else round(float(cov_x[k]), 4),
                            "miss_low": float(lo[k]),
                            "miss_high": float(hi[k]), "degenerate": bool(deg[k]),
                            "in_band": bool(BAND[0] <= cov[k] <= BAND[1]),
                            "one_sided_ok": bool(lo[k] <= ONE_SIDED_MAX
                                                 and hi[k] <= ONE_SIDED_MAX),
                            "replicates": args.reps,
                        })
                    c = cov[live]
                    ok = c.size > 0
                    summary.append({
                        "graph": gname, "estimator": est, "interval": kind, "R": R,
                        "R_used_median": int(np.median(used)), "replicates": args.reps,
                        "users_checked": int(live.sum()), "users_degenerate": int(deg.sum()),
                        "min_sigma_over_n": round(float(sigma_over_n[live].min()), 5)
                        if ok else None,
                        "coverage_median": round(float(np.median(c)), 4) if ok else None,
                        "coverage_min": round(float(c.min()), 4) if ok else None,
                        "coverage_max": round(float(c.max()), 4) if ok else None,
                        "coverage_pooled": round(float(c.mean()), 4) if ok else None,
                        "share_in_band": round(float(((c >= BAND[0]) & (c <= BAND[1])).mean()),
                                               3) if ok else None,
                        "coverage_exact_min": round(float(cov_x[live].min()), 4)
                        if ok and est != "monte_carlo" else None,
                        "coverage_exact_max": round(float(cov_x[live].max()), 4)
                        if ok and est != "monte_carlo" else None,
                        "max_one_sided_miss": round(float(max(lo[live].max(),
                                                              hi[live].max())), 4)
                        if ok else None,
                        "seconds": round(t.seconds, 2), **ctx,
                    })
                    print({k: summary[-1][k] for k in (
                        "graph", "estimator", "interval", "R", "coverage_median",
                        "coverage_min", "coverage_max", "share_in_band", "seconds")},
                        flush=True)
    print_table(summary, "95 % interval coverage over replicates", [
        "graph", "estimator", "interval", "R", "R_used_median", "users_checked",
        "min_sigma_over_n", "coverage_median",
        "coverage_min", "coverage_max", "share_in_band", "max_one_sided_miss", "seconds",
    ])
    write_results(rows, NAME, out=args.out, quick=args.quick)
    out = None if args.out is None else str(Path(args.out).with_name(
        Path(args.out).stem + "_summary.csv"))
    write_results(summary, NAME + "_summary", out=out, quick=args.quick)
    return summary


if __name__ == "__main__":
    main()
