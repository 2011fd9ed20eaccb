"""Benchmark: ``ig.robustness_report`` on the synthetic world or Higgs, default metrics.

World: ``ig.datasets.synthetic(n_users=2000, seed=1)``; attacks A1–A12, sizes (10, 100),
the default metrics and target (:func:`influence_graph.robustness.default_target`),
``seed=1``. Prints the wall time (goal: under 2 minutes on 2 cores), the skipped
combinations and a pivot of ``gain_per_100`` (attack × metric, size 100, then size 10),
and writes the report to ``benchmarks/results/robustness.csv`` (with the wall time and
the noise context — load average, n_jobs, CPUs — on every row). It also prints the
growth exponent of every metric's gain in the attack size
(:func:`influence_graph.robustness.inflation_exponents`).

``--dataset higgs`` runs on the Higgs log instead (``INFLUENCE_GRAPH_DATA``), by default
with the three attacks that need no follower table and move content — A5 retweet ring,
A7 engagement pod, A10 compromised accounts — at sizes (10, 100, 1000), and writes
``benchmarks/results/robustness_higgs.csv``.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_robustness.py            # the benchmark
    .venv/bin/python benchmarks/bench_robustness.py --quick    # 300 users, CSV to the cache
    .venv/bin/python benchmarks/bench_robustness.py --profile  # cProfile, top 25 by cumtime
    .venv/bin/python benchmarks/bench_robustness.py --dataset higgs
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import CACHE, RESULTS, base_parser, context  # noqa: E402


def main() -> None:
    p = base_parser(__doc__.splitlines()[0], default_sizes=(10, 100))
    p.add_argument("--users", type=int, default=2000)
    p.add_argument("--profile", action="store_true", help="print a cProfile summary")
    p.add_argument("--dataset", choices=("synthetic", "higgs"), default="synthetic")
    p.add_argument("--attacks", nargs="+", default=None, help="attack names (default: all)")
    p.set_defaults(seed=1)
    args = p.parse_args()

    import polars as pl

    import influence_graph as ig
    from influence_graph.robustness import inflation_exponents

    higgs = args.dataset == "higgs"
    attacks = tuple(args.attacks) if args.attacks else (
        ("retweet_ring", "engagement_pod", "compromised_accounts") if higgs else ig.ATTACKS)
    if higgs and args.sizes == [10, 100]:
        args.sizes = [10, 100, 1000]
    if higgs:
        ds = ig.datasets.higgs()
        n_users = ds.n_users
    else:
        n_users = 300 if args.quick else args.users
        ds = ig.datasets.synthetic(n_users=n_users, seed=1)
    # compile the numba kernels on a tiny world first: the timing is of the report
    ig.robustness_report(ig.datasets.synthetic(n_users=60, seed=1), attacks=["fake_followers"],
                         sizes=[2], seed=0, n_jobs=args.n_jobs)
    prof = None
    if args.profile:
        import cProfile

        prof = cProfile.Profile()
        prof.enable()
    t0 = time.perf_counter()
    rep = ig.robustness_report(ds, attacks=attacks, sizes=tuple(args.sizes), seed=args.seed,
                               n_jobs=args.n_jobs, progress=True)
    seconds = time.perf_counter() - t0
    if prof is not None:
        import pstats

        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
    target = rep["target"][0] if rep.height else None
    print(f"robustness_report on {ds.name}: {n_users:,} users, {len(attacks)} attacks, sizes "
          f"{tuple(args.sizes)}, target {target}: {rep.height} rows in {seconds:.1f} s"
          + ("" if higgs else " (goal < 120 s)"))
    if rep.skipped.height:
        print("skipped:")
        for row in rep.skipped.iter_rows(named=True):
            print(f"  {row['attack_id']} size {row['size']}: {row['reason'][:110]}")
    metrics = list(dict.fromkeys(rep["metric"].to_list()))
    with pl.Config(tbl_rows=40, tbl_cols=len(metrics) + 2, tbl_width_chars=250,
                   float_precision=2, tbl_hide_dataframe_shape=True):
        for size in sorted(args.sizes, reverse=True):
            piv = (rep.filter(pl.col("size") == size)
                   .pivot(on="metric", index=["attack_id", "attack"], values="gain_per_100")
                   .select("attack_id", "attack", *metrics))
            print(f"gain_per_100, size {size}:")
            print(piv)
        if len(args.sizes) > 1:
            exps = (inflation_exponents(rep)
                    .pivot(on="metric", index=["attack_id", "attack"], values="exponent"))
            exps = exps.select("attack_id", "attack", *[m for m in metrics if m in exps.columns])
            print("growth exponent b of the gain (gain ≈ c·size^b; 0 = no growth):")
            print(exps)
    ctx = context(args.n_jobs)
    out = rep.with_columns(pl.lit(n_users).alias("n_users"),
                           pl.lit(round(seconds, 2)).alias("report_seconds"),
                           *[pl.lit(v).alias(k) for k, v in ctx.items()])
    path = (Path(args.out) if args.out else
            CACHE / "results" / "robustness_quick.csv" if args.quick else
            RESULTS / ("robustness_higgs.csv" if higgs else "robustness.csv"))
    path.parent.mkdir(parents=True, exist_ok=True)
    out.write_csv(path)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
