"""Benchmark: Higgs end to end — read, validate, build all graphs, activity — time and memory.

Each repeat runs in a fresh subprocess (``ru_maxrss`` is that run's alone) and times

1. ``influence_graph.datasets.higgs()`` — read the SNAP files, verify checksums, validate and
   map every record to the canonical event table;
2. ``influence_graph.build_graphs(ds)`` — all interaction graphs on one vertex index;
3. ``influence_graph.activity(ds)`` — per-user activity counts;

and reports their sum (the figure quoted against the 5 s target), the peak RSS and the RSS
after imports. A second subprocess measures the *bare* read-and-build baseline (polars
``read_csv`` of the activity file and one igraph graph per kind, no validation), so the cost of
validation is visible. A third measures the probability graph: the weighted-cascade
``edge_probabilities`` table of the retweet graph — its bytes per edge in polars — and the
bytes per edge of the engine's CSR graph (``ProbabilityGraph`` arrays), and the resident
memory added by one ``expected_spread`` run on it (``top_k=100``, after a kernel warm-up),
per edge.

Usage::

    .venv/bin/python benchmarks/bench_ingest.py            # 3 repeats
    .venv/bin/python benchmarks/bench_ingest.py --quick    # 1 repeat
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import (  # noqa: E402
    Timer,
    base_parser,
    context,
    current_rss_mib,
    data_dir,
    peak_rss_mib,
    print_table,
    reset_peak,
    run_isolated,
    write_results,
)

NAME = "ingest"


def end_to_end(n_jobs: int | None = None) -> dict:
    """Timed load of Higgs through the package (runs in a subprocess)."""
    import influence_graph as ig
    from influence_graph import datasets

    ig.build_graphs, ig.activity  # noqa: B018 - import the modules before timing
    rss0 = current_rss_mib()
    ctx = context(n_jobs)
    with Timer() as t_load:
        ds = datasets.higgs(data_dir() / "higgs")
    with Timer() as t_graphs:
        graphs = ig.build_graphs(ds)
    with Timer() as t_act:
        act = ig.activity(ds)
    n_events = ds.events.height if hasattr(ds, "events") else None
    edges = {}
    for kind in ("retweet", "mention", "reply", "quote", "follower"):
        g = getattr(graphs, kind, None)
        if g is not None:
            edges[f"{kind}_edges"] = g.ecount()
    return {
        "what": "influence_graph end to end",
        "seconds": round(t_load.seconds + t_graphs.seconds + t_act.seconds, 3),
        "load_s": round(t_load.seconds, 3),
        "build_graphs_s": round(t_graphs.seconds, 3),
        "activity_s": round(t_act.seconds, 3),
        "events": n_events,
        "users": act.height,
        **edges,
        "rss_after_imports_mib": round(rss0, 1),
        "peak_rss_mib": round(peak_rss_mib(), 1),
        **ctx,
    }


def bare_baseline() -> dict:
    """Read the activity file with polars and build one igraph graph per kind, no checks."""
    import igraph
    import polars as pl

    rss0 = current_rss_mib()
    ctx = context(None)
    with Timer() as t:
        df = pl.read_csv(
            data_dir() / "higgs" / "higgs-activity_time.txt.gz", separator=" ",
            has_header=False, new_columns=["a", "b", "t", "kind"],
            schema_overrides={"a": pl.Int64, "b": pl.Int64, "t": pl.Int64, "kind": pl.String},
        )
        codes = pl.concat([df["a"], df["b"]]).unique().sort()
        n = codes.len()
        df = df.with_columns(
            a=codes.search_sorted(df["a"]).cast(pl.Int64),
            b=codes.search_sorted(df["b"]).cast(pl.Int64),
        )
        counts = {}
        for kind in ("RT", "MT", "RE"):
            e = df.filter(pl.col("kind") == kind).group_by("b", "a").len()
            g = igraph.Graph(n=n, edges=list(zip(e["b"].to_list(), e["a"].to_list())),
                             directed=True)
            g.es["weight"] = e["len"].to_list()
            counts[kind] = g.ecount()
    return {"what": "bare polars read + igraph build (no validation)",
            "seconds": round(t.seconds, 3), "events": df.height, "users": n,
            "retweet_edges": counts["RT"], "mention_edges": counts["MT"],
            "reply_edges": counts["RE"], "rss_after_imports_mib": round(rss0, 1),
            "peak_rss_mib": round(peak_rss_mib(), 1), **ctx}


def probability_table_file() -> dict:
    """Build the WC probability table of the Higgs retweet graph; save it as Parquet."""
    import influence_graph as ig
    from influence_graph import datasets

    from benchmarks._common import CACHE

    ds = datasets.higgs(data_dir() / "higgs")
    graphs = ig.build_graphs(ds)
    probs = ig.edge_probabilities(graphs, method="weighted_cascade", graph="retweet")
    path = CACHE / "higgs_retweet_wc.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    probs.write_parquet(path)
    return {"path": str(path), "columns": probs.columns}


def probability_memory(path: str, n_jobs: int | None = None) -> dict:
    """Bytes per edge of the WC probability table and of one expected_spread run on it.

    Runs in its own subprocess after :func:`probability_table_file`, so the high-water mark
    of loading Higgs does not hide the memory the spread run adds.
    """
    import polars as pl

    import influence_graph as ig

    from benchmarks.bench_spread_scaling import warm_up
    from influence_graph.diffusion.probability_graph import to_probability_graph

    probs = pl.read_parquet(path)
    m = probs.height
    table_bytes = probs.select("source", "target", "p").estimated_size()
    g = to_probability_graph(probs)
    edge_arrays = ("out_indices", "out_p", "in_indices", "in_p")
    user_arrays = ("out_indptr", "in_indptr", "in_shared_p")
    edge_bytes = sum(getattr(g, a).nbytes for a in edge_arrays)
    user_bytes = sum(getattr(g, a).nbytes for a in user_arrays) + g.users.estimated_size()
    n_users = g.n
    del g
    jit = warm_up(n_jobs)  # compile / load the kernels first: LLVM memory is not the graph's
    reset_peak()
    rss0 = current_rss_mib()
    ctx = context(n_jobs)
    with Timer() as t:
        res = ig.expected_spread(probs, top_k=100, rel_error=0.05, seed=1, n_jobs=n_jobs)
    peak1 = peak_rss_mib()
    added = max(peak1 - rss0, 0.0)
    out = {"what": "retweet WC probability graph, expected_spread top_k=100",
           "seconds": round(t.seconds, 3), "prob_edges": m,
           "users": n_users, "table_bytes_per_edge": round(table_bytes / m, 1),
           "csr_edge_bytes_per_edge": round(edge_bytes / m, 1),
           "csr_user_bytes_per_user": round(user_bytes / n_users, 1),
           "csr_bytes_per_edge_all_in": round((edge_bytes + user_bytes) / m, 1),
           "jit_warmup_s": round(jit, 3),
           "spread_rss_added_mib": round(added, 1),
           "spread_rss_bytes_per_edge": round(added * 2**20 / m, 1),
           "rr_sets": int(res.n_samples), "peak_rss_mib": round(peak1, 1), **ctx}
    prov = dict(getattr(res, "provenance", None) or {})
    prov.update(prov.get("run") or {})
    for key in ("csr_bytes", "memory_estimate_bytes", "estimated_bytes", "bytes_per_edge"):
        if key in prov:
            out[key] = prov[key]
    return out


def main(argv: list[str] | None = None) -> list[dict]:
    p = base_parser(__doc__.splitlines()[0], default_sizes=[0])
    p.add_argument("--repeats", type=int, default=3)
    args = p.parse_args(argv)
    if args.quick:
        args.repeats = 1
    rows = []
    for rep in range(args.repeats):
        for target in ("end_to_end", "bare_baseline"):
            kw = {"n_jobs": args.n_jobs} if target == "end_to_end" else {}
            try:
                row = run_isolated(f"benchmarks.bench_ingest:{target}", **kw)
            except Exception as exc:  # noqa: BLE001 - record and go on
                row = {"what": target, "error": str(exc)[-300:], **context(args.n_jobs)}
                print(row["error"], file=sys.stderr)
            row["repeat"] = rep
            rows.append(row)
            print({k: row.get(k) for k in ("what", "seconds", "peak_rss_mib")}, flush=True)
    try:
        made = run_isolated("benchmarks.bench_ingest:probability_table_file")
        row = run_isolated("benchmarks.bench_ingest:probability_memory", path=made["path"],
                           n_jobs=args.n_jobs)
    except Exception as exc:  # noqa: BLE001
        row = {"what": "probability_memory", "error": str(exc)[-300:], **context(args.n_jobs)}
        print(row["error"], file=sys.stderr)
    rows.append(row)
    print_table(rows, "Higgs: load, validate, build graphs, activity", [
        "what", "seconds", "load_s", "build_graphs_s", "activity_s", "events",
        "retweet_edges", "peak_rss_mib", "table_bytes_per_edge", "csr_edge_bytes_per_edge",
        "csr_bytes_per_edge_all_in", "spread_rss_bytes_per_edge",
        "n_jobs", "loadavg_1m", "time_utc",
    ])
    write_results(rows, NAME, out=args.out, quick=args.quick)
    return rows


if __name__ == "__main__":
    main()
