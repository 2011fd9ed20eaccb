"""How many RR sets "every user with spread ≥ 10 at 5 %" needs, and whether exact parts help.

The issue's figure "every user with spread ≥ 10 at 5 % on the 1M-user weighted-cascade graph
in under 60 s" is limited by statistics before it is limited by code: a user with spread σ
is in an RR set from another root with probability q′ = (σ − 1)/n, and a relative
half-width ε at level z needs θ ≈ z²·n·(σ − 1)·(1 − q′)/(ε·σ)² RR sets — about 1.4×10⁸
for σ = 10 on a million users, whatever the sampler.

This script measures that requirement on the benchmark graph from a pilot sample, then
checks the one family of variance reductions that keeps RIS's "one sample for everyone":
replacing the part of a user's spread that lies within 1 or 2 live hops by its exact value
(control variates):

* ``A1(v) = Σ_u p(v, u)`` (the out-weight) is the expected number of users at live
  distance 1;
* ``A2(v) = Σ_{u ≠ v} [1 − (1 − p(v, u))·Π_x (1 − p(v, x)·p(x, u))]`` is the expected
  number within 2 hops (the paths v→u and v→x→u use distinct edges, so they are
  independent);
* stratified roots: every user is the root of one RR set per cycle (``--cycles``
  cycles), so a user's count per cycle has variance ``Σ_u p_u(1 − p_u)`` instead of the
  binomial ``Σ_u p_u``; the per-user variance is estimated from the independent cycles
  (noisy with few cycles, so read the median, not the maximum);

then only the members of an RR set at BFS depth > D from the root are counted, and
σ(v) = 1 + A_D(v) + n·Pr[depth(v) > D]. The pilot records every member's depth.

Printed and written (``benchmarks/results/min_spread_bound.csv``): per estimator, the largest,
99.9 % quantile and median θ over the target users (estimated spread ≥ 10); the users near
the threshold (spread in [10, 12)) and how many of them have an out-edge with p = 1 (for
them a Rao–Blackwellised last hop is the indicator itself); the check that the exact parts
agree with the pilot (ratio of sums ≈ 1), and the seconds θ would take at the sustained
rate measured by ``bench_rr_rate.py`` (read from ``benchmarks/results/rr_rate.csv``,
n_jobs = 2).

Usage::

    .venv/bin/python benchmarks/bench_min_spread_bound.py [--pilot 2000000] [--n 1000000]
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
from numba import njit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import (  # noqa: E402
    RESULTS,
    Timer,
    base_parser,
    context,
    power_law_edges,
    print_table,
    probability_table,
    user_ids,
    write_results,
)
from influence_graph.diffusion._kernels import next_u01, seed_state  # noqa: E402

NAME = "min_spread_bound"


@njit(cache=True, nogil=True)
def rr_depth_counts(in_indptr, in_indices, in_p, roots, seed, c1, c2, c3, vis, queue, lvl):
    """Plain RR sets (a coin per in-edge), one per entry of ``roots``, drawn from the stream
    of ``seed``; count members at BFS depth >= 1, 2, 3 from the root in ``c1, c2, c3``."""
    s = np.empty(4, np.uint64)
    seed_state(s, seed)
    for r in range(roots.shape[0]):
        root = roots[r]
        vis[root] = 1
        queue[0] = root
        lvl[0] = 0
        head = 0
        tail = 1
        while head < tail:
            w = queue[head]
            depth = lvl[head]
            head += 1
            for j in range(in_indptr[w], in_indptr[w + 1]):
                if next_u01(s) < in_p[j]:
                    u = in_indices[j]
                    if vis[u] == 0:
                        vis[u] = 1
                        queue[tail] = u
                        lvl[tail] = depth + 1
                        tail += 1
        vis[root] = 0
        for i in range(1, tail):
            u = queue[i]
            vis[u] = 0
            c1[u] += 1
            if lvl[i] >= 2:
                c2[u] += 1
            if lvl[i] >= 3:
                c3[u] += 1


@njit(cache=True, nogil=True)
def two_hop_exact(out_indptr, out_indices, out_p):
    """A2(v): expected number of users within two live hops of v (v excluded)."""
    n = out_indptr.shape[0] - 1
    res = np.zeros(n)
    acc = np.zeros(n)
    touched = np.empty(n, np.int64)
    mark = np.zeros(n, np.bool_)
    for v in range(n):
        nt = 0
        for j in range(out_indptr[v], out_indptr[v + 1]):
            x = out_indices[j]
            p = out_p[j]
            if not mark[x]:
                mark[x] = True
                touched[nt] = x
                nt += 1
            acc[x] += math.log1p(-p) if p < 1.0 else -np.inf
            for i in range(out_indptr[x], out_indptr[x + 1]):
                u = out_indices[i]
                if u == v:
                    continue
                q = p * out_p[i]
                if not mark[u]:
                    mark[u] = True
                    touched[nt] = u
                    nt += 1
                acc[u] += math.log1p(-q) if q < 1.0 else -np.inf
        tot = 0.0
        for i in range(nt):
            u = touched[i]
            tot += -math.expm1(acc[u])
            acc[u] = 0.0
            mark[u] = False
        res[v] = tot
    return res


def _workspace(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fresh (visit marks, queue, depth) arrays for :func:`rr_depth_counts`."""
    return np.zeros(n, np.uint8), np.empty(n, np.int32), np.empty(n, np.int32)


def measured_rate(n: int) -> float | None:
    """Best sustained RR sets/s per thread at n_jobs=2 from rr_rate.csv."""
    import polars as pl

    path = RESULTS / "rr_rate.csv"
    if not path.exists():
        return None
    df = pl.read_csv(path).filter((pl.col("n") == n) & (pl.col("model") == "wc")
                                  & (pl.col("n_jobs") == 2))
    return float(df["rr_per_s_per_thread_best"].max()) if df.height else None


def measure(n: int, args) -> list[dict]:
    """Pilot, exact parts and stratified roots on the n-user benchmark graph: one row each."""
    from influence_graph._rng import as_generator, task_seeds
    from influence_graph.diffusion import to_probability_graph

    z = 1.959963984540054
    rows: list[dict] = []
    g = to_probability_graph(probability_table(power_law_edges(n, args.seed), n, "wc"),
                             users=user_ids(n))
    with Timer() as t_a2:
        a2 = two_hop_exact(g.out_indptr, g.out_indices, g.out_p)
    a1 = np.bincount(g.out_sources(), weights=g.out_p, minlength=n)
    theta = int(args.pilot)
    roots = as_generator(args.seed).integers(0, n, theta).astype(np.int32)
    c = [np.zeros(n, np.int64) for _ in range(3)]
    with Timer() as t_pilot:
        rr_depth_counts(g.in_indptr, g.in_indices, g.in_p, roots,
                        task_seeds(args.seed, 1)[0], *c, *_workspace(n))
    sigma = 1.0 + n * c[0] / theta
    target = sigma >= args.min_spread
    # users just above the threshold whose reach passes an out-edge with p = 1, for whom
    # conditioning on everything but their own out-edges changes nothing
    max_p = np.zeros(n)
    np.maximum.at(max_p, g.out_sources(), g.out_p)
    band = target & (sigma < 1.2 * args.min_spread)
    rate = measured_rate(n)

    def row(name: str, var: np.ndarray, rr_sets: int, seconds: float, **extra) -> dict:
        """θ needed per target user, from ``var``: the variance of a count over n RR sets."""
        nt = (z * z * n * var / (args.rel_error * sigma) ** 2)[target]
        r = {"n": n, "estimator": name, "target_users": int(target.sum()),
             "pilot_rr_sets": rr_sets, "theta_max": float(nt.max()),
             "theta_q999": float(np.quantile(nt, 0.999)),
             "theta_median": float(np.median(nt)),
             "users_near_threshold": int(band.sum()),
             "near_threshold_with_p1_out_edge": int((band & (max_p == 1.0)).sum()),
             "rate_per_thread_n_jobs2": rate,
             "predicted_seconds_2_threads": float(nt.max()) / (2 * rate) if rate else None,
             "two_hop_seconds": round(t_a2.seconds, 2), "pilot_seconds": round(seconds, 2)}
        r.update(extra)
        r.update({k: v for k, v in context(1).items() if k in ("time_utc", "loadavg_1m")})
        return r

    checks = {"plain": None,
              "exact 1 hop": float((n * (c[0] - c[1]) / theta).sum() / a1.sum()),
              "exact 2 hops": float((n * (c[0] - c[2]) / theta).sum() / a2.sum())}
    for name, cnt in zip(checks, c, strict=True):
        q = cnt / theta  # binomial: a count over n RR sets has variance n·q(1 − q)
        rows.append(row(name, n * q * (1.0 - q), theta, t_pilot.seconds,
                        exact_part_check=checks[name]))
    # stratified roots: every user is the root once per cycle; the count of v in a cycle
    # is a sum of independent Bernoullis (variance sum p(1-p) <= binomial's); the
    # cycles are independent replicates, so the per-user variance is estimated from them
    k = args.cycles
    s1, s2 = np.zeros(n), np.zeros(n)
    sweep = np.arange(n, dtype=np.int32)
    with Timer() as t_sweep:
        for seed in task_seeds(args.seed + 1, k):
            cnt = np.zeros(n, np.int64)
            rr_depth_counts(g.in_indptr, g.in_indices, g.in_p, sweep, seed, cnt,
                            np.zeros(n, np.int64), np.zeros(n, np.int64), *_workspace(n))
            s1 += cnt
            s2 += cnt.astype(np.float64) ** 2
    mean = s1 / k
    var = (s2 - k * mean * mean) / (k - 1)  # of a count over one cycle of n RR sets
    rows.append(row(f"stratified roots ({k} cycles)", var, k * n, t_sweep.seconds,
                    variance_ratio_near_threshold_median=float(
                        np.median(var[band] / np.maximum(mean[band], 1e-300)))))
    return rows


def main(argv: list[str] | None = None) -> None:
    p = base_parser(__doc__.splitlines()[0], default_sizes=(1_000_000,))
    p.add_argument("--pilot", type=int, default=2_000_000, help="pilot RR sets")
    p.add_argument("--min-spread", type=float, default=10.0)
    p.add_argument("--rel-error", type=float, default=0.05)
    p.add_argument("--cycles", type=int, default=10,
                   help="stratified-roots cycles (one RR set per user each)")
    args = p.parse_args(argv)
    rows = [r for n in ([10_000] if args.quick else args.sizes) for r in measure(n, args)]
    print_table(rows, f"RR sets needed: every user with spread >= {args.min_spread:g} "
                      f"at {args.rel_error:g}")
    write_results(rows, NAME, out=args.out, quick=args.quick)


if __name__ == "__main__":
    main()
