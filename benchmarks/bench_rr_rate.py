"""Benchmark (a′): the sustained RR-set sampling rate of the IC kernel, per thread.

The end-to-end rows of ``bench_spread_scaling.py`` divide RR sets by the whole sampling
phase of a run, which for a short run includes the rounds' bookkeeping. This script
measures the kernel itself, the way a long run uses it: ``--rr-sets`` RR sets in blocks
of ``ris.BLOCK_SIZE``, split into ``4 · n_jobs`` tasks on ``n_jobs`` threads (exactly as
:func:`~influence_graph.diffusion.ris.ris_estimate` does), repeated ``--reps`` times;
the best and the median repetition are reported, since the machine is shared.

For every graph, ``n_jobs`` 1 and 2 side by side in one process.
Graphs as in ``bench_spread_scaling.py`` (seeded ``Static_Power_Law(n, 10 n, 2.1, 2.5)``;
weighted cascade and p = 0.01).

Columns: ``rr_per_s_per_thread_best`` / ``_median`` = RR sets / (wall seconds · n_jobs);
``users_per_s_per_thread`` = the same times the mean RR-set size; ``layout_s`` = time to
build the layout (classes, packed words) from the ProbabilityGraph.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_rr_rate.py                 # 10k, 100k, 1M
    .venv/bin/python benchmarks/bench_rr_rate.py --sizes 1000000 --models wc --reps 5
"""

from __future__ import annotations

import statistics
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

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

NAME = "rr_rate"


def rate(shared, rr_sets: int, n_jobs: int, reps: int, seed: int) -> dict:
    """Best and median RR sets/s per thread over ``reps`` repetitions."""
    from influence_graph._rng import task_seeds
    from influence_graph.diffusion.ris import BLOCK_SIZE, _rr_task

    nb = max(1, rr_sets // BLOCK_SIZE)
    sizes = np.full(nb, BLOCK_SIZE, np.int64)
    _rr_task(shared, task_seeds(seed, 1), np.array([256], np.int64))  # compile / warm
    rates, mean_size = [], 0.0
    with ThreadPoolExecutor(n_jobs) as pool:
        for r in range(reps):
            seeds = task_seeds(seed + 1 + r, nb)
            parts = np.array_split(np.arange(nb), min(nb, 4 * n_jobs))
            args = [(seeds[p], sizes[p]) for p in parts]
            with Timer() as t:
                out = list(pool.map(lambda a: _rr_task(shared, *a), args))
            total = sum(int(st[0]) for _, st in out)
            mean_size = total / float(sizes.sum())
            rates.append(float(sizes.sum()) / (t.seconds * n_jobs))
    return {
        "rr_sets": int(sizes.sum()),
        "rr_per_s_per_thread_best": max(rates),
        "rr_per_s_per_thread_median": statistics.median(rates),
        "mean_rr_size": mean_size,
        "users_per_s_per_thread": max(rates) * mean_size,
    }


def main(argv: list[str] | None = None) -> None:
    p = base_parser(__doc__.splitlines()[0], default_sizes=(10_000, 100_000, 1_000_000))
    p.add_argument("--models", nargs="+", default=["wc", "const"], choices=["wc", "const"])
    p.add_argument("--rr-sets", type=int, default=400_000)
    p.add_argument("--reps", type=int, default=3)
    args = p.parse_args(argv)
    from influence_graph.diffusion import to_probability_graph
    from influence_graph.diffusion.ris import rr_shared

    rows = []
    for n in ([10_000] if args.quick else args.sizes):
        edges = power_law_edges(n, args.seed)
        for model in args.models:
            g = to_probability_graph(probability_table(edges, n, model), users=user_ids(n))
            with Timer() as t:
                shared = rr_shared(g, "ic")
            for n_jobs in (1, 2):
                row = {"n": n, "m": g.m, "model": model, "n_jobs": n_jobs,
                       "layout_s": round(t.seconds, 3)}
                row.update(rate(shared, args.rr_sets // (10 if args.quick else 1), n_jobs,
                                args.reps, args.seed))
                ctx = context(n_jobs)
                row.update({"loadavg_1m": ctx.get("loadavg_1m"), "time_utc": ctx.get("time_utc")})
                rows.append(row)
                print_table([row], f"n={n} {model} n_jobs={n_jobs}")
    print_table(rows, "RR-set sampling rate (IC), per thread")
    write_results(rows, NAME, out=args.out, quick=args.quick)


if __name__ == "__main__":
    main()
