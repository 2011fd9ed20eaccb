"""Benchmark: seed-set selection (IMM, ``select_seeds``), k = 50, on the pipeline's probabilities.

Data sets: (a) ``ig.datasets.synthetic(n_users=100_000, seed=1)``; (b) Higgs
(``ig.datasets.higgs()``, files under ``$INFLUENCE_GRAPH_DATA``, default
``/work/shared/data``), skipped with a message when the files are not found.
Probabilities: the path ``ig.influence(ds)`` takes with its defaults — learned
probabilities (``spread_probabilities(g, "learned", graph=resolve_spread_graph(ds,
"auto"), pooling=resolve_pooling(ds, "auto"))``) on ``build_graphs(ds)``, indexed by
``probability_graph_on``.

Per (data set, ε) row: θ (selection RR sets), θ_eval, seconds of ``select_seeds`` (the
graph built beforehand, numba compiled on a tiny graph first), the guarantee
1 − 1/e − ε, the lower bound of OPT, the joint spread of the k seeds with its interval
(independent evaluation sample), the joint spread of the individual top-k on the same
sample with its interval, the gain of the set over the list, the overlap |set ∩ list|,
which set the safeguard returned, and the noise context (load average, n_jobs).

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_seeds.py                       # both, eps 0.1
    .venv/bin/python benchmarks/bench_seeds.py --higgs-eps 0.2 0.3   # Higgs at other eps
    .venv/bin/python benchmarks/bench_seeds.py --skip-higgs --quick  # synthetic, eps 0.3
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import (  # noqa: E402
    base_parser,
    context,
    data_dir,
    print_table,
    write_results,
)

NAME = "seeds"


def probability_graph(ds, seed: int):
    """The probability graph ``ig.influence(ds)`` estimates spread on (its defaults)."""
    from influence_graph.diffusion.choice import (
        resolve_pooling,
        resolve_spread_graph,
        spread_probabilities,
    )
    from influence_graph.diffusion.probability_graph import probability_graph_on
    from influence_graph.graphs import build_graphs

    g = build_graphs(ds)
    table = spread_probabilities(g, "learned", graph=resolve_spread_graph(ds, "auto"),
                                 seed=seed, pooling=resolve_pooling(ds, "auto"))
    return probability_graph_on(g, table)


def warm_up() -> None:
    """Compile the numba kernels (IC and LT) on a tiny graph, outside the timings."""
    import polars as pl

    import influence_graph as ig

    t = pl.DataFrame({"source": ["a", "a"], "target": ["b", "c"], "p": [0.5, 0.5]})
    for model in ("ic", "lt"):
        ig.select_seeds(t, 1, model=model, seed=0, n_jobs=1)


def run_one(name: str, pg, k: int, eps: float, seed: int, n_jobs: int | None) -> dict:
    """Time one ``select_seeds`` call and return its result row."""
    import influence_graph as ig

    t0 = time.perf_counter()
    sel = ig.select_seeds(pg, k, epsilon=eps, seed=seed, n_jobs=n_jobs)
    wall = time.perf_counter() - t0
    last = sel.table.row(-1, named=True)
    prov = sel.provenance
    return {
        "dataset": name, "n_users": pg.n, "n_edges": pg.m, "k": k, "epsilon": eps,
        "guarantee": round(sel.guarantee, 4), "theta": sel.theta, "theta_eval": sel.theta_eval,
        "seconds": round(wall, 2), "lower_bound": round(prov["lower_bound"], 2),
        "sampling_rounds": len(prov["sampling_rounds"]),
        "mean_rr_size": round(prov["mean_rr_size"], 2),
        "joint_spread": round(last["joint_spread"], 2), "joint_low": round(last["joint_low"], 2),
        "joint_high": round(last["joint_high"], 2),
        "list_joint_spread": round(sel.individual_joint_spread, 2),
        "list_joint_low": round(sel.individual_joint_low, 2),
        "list_joint_high": round(sel.individual_joint_high, 2),
        "set_minus_list": round(last["joint_spread"] - sel.individual_joint_spread, 2),
        "overlap": len(set(sel.seeds) & set(sel.individual_top_k)),
        "returned": prov["returned"],
        **context(n_jobs),
    }


def main(argv: list[str] | None = None) -> None:
    """Parse the flags, run the data sets and write ``benchmarks/results/seeds.csv``."""
    p = base_parser(__doc__.splitlines()[0], default_sizes=[100_000])
    p.add_argument("--k", type=int, default=50)
    p.add_argument("--eps", type=float, nargs="+", default=[0.1], help="epsilon, synthetic")
    p.add_argument("--higgs-eps", type=float, nargs="+", default=[0.1], help="epsilon, Higgs")
    p.add_argument("--skip-higgs", action="store_true")
    p.add_argument("--skip-synthetic", action="store_true")
    args = p.parse_args(argv)
    if args.quick:
        args.sizes, args.eps, args.higgs_eps = [10_000], [0.3], [0.3]
    import influence_graph as ig

    warm_up()
    rows = []
    if not args.skip_synthetic:
        for n in args.sizes:
            t0 = time.perf_counter()
            pg = probability_graph(ig.datasets.synthetic(n_users=n, seed=1), args.seed)
            print(f"synthetic n={n}: graph {pg.n:,} users, {pg.m:,} edges "
                  f"({time.perf_counter() - t0:.1f}s)")
            for eps in args.eps:
                rows.append(run_one(f"synthetic_{n}", pg, args.k, eps, args.seed, args.n_jobs))
                print(rows[-1])
    if not args.skip_higgs:
        data_dir()  # sets INFLUENCE_GRAPH_DATA if unset
        try:
            t0 = time.perf_counter()
            ds = ig.datasets.higgs(download=False)
        except Exception as err:  # any failure to find or read the files
            print(f"Higgs skipped: {type(err).__name__}: {err}")
        else:
            pg = probability_graph(ds, args.seed)
            print(f"higgs: graph {pg.n:,} users, {pg.m:,} edges ({time.perf_counter() - t0:.1f}s)")
            for eps in args.higgs_eps:
                rows.append(run_one("higgs", pg, args.k, eps, args.seed, args.n_jobs))
                print(rows[-1])
    print_table(rows, f"select_seeds, k = {args.k}",
                ["dataset", "epsilon", "guarantee", "theta", "seconds", "joint_spread",
                 "joint_low", "joint_high", "list_joint_spread", "set_minus_list", "overlap",
                 "returned"])
    write_results(rows, NAME, out=args.out, quick=args.quick)


if __name__ == "__main__":
    main()
