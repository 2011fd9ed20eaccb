"""Benchmark (a) and (d): all-user expected spread on seeded power-law graphs, and how cost grows.

Graphs: igraph ``Static_Power_Law(n, 10 n, exponent_out=2.1, exponent_in=2.5)`` drawn with
``influence_graph._rng.igraph_rng(seed)`` (cached as Parquet outside the repository), given to
``expected_spread`` as a polars (source, target, p) table with String ids ``"u<i>"`` and the
full user universe ``u0 … u{n-1}``. Probabilities: weighted cascade (p = 1/in-degree of the
target) and a constant p = 0.01.

Each measurement runs in a fresh subprocess; its memory high-water mark is reset just before
the timed call (Linux ``/proc/self/clear_refs``), so ``peak_rss_mib`` is the call's peak. Inside it:
read the cached edges and build the table (untimed), warm the numba kernels on a 50-node graph
(timed separately as ``jit_warmup_s``), then time ``expected_spread`` end to end — id mapping,
validation, CSR build, sampling, intervals and the result table — for two targets:

* ``top100``: ``top_k=100, rel_error=0.05`` (the top-100-at-5 % target);
* ``min_spread10``: ``top_k=None, min_spread=10, rel_error=0.05`` (every user with spread ≥ 10).

Reported per row: wall seconds and process CPU seconds, RR sets, RR sets/s per thread
(``rr_sets / (sampling_seconds · n_jobs)``, wall clock) and RR sets per CPU-second (which
the other users of a shared machine hardly change), edge visits/s (counters from
``SpreadResult.provenance["run"]``), peak RSS and the RSS increase over the
loaded table, whether the target was met, and the noise context (time of day, load average,
n_jobs), next to the library's own memory estimate. One more row checks the memory guard:
at the largest n, ``max_memory=--refusal-mib`` must raise ``MemoryBudgetError`` quickly,
before the graph is built. Afterwards (d): the fitted exponent b of ``seconds ≈ a · n^b``
per (model, target), over the runs that met their target (a run cut by ``--max-seconds``
would bend the fit).

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_spread_scaling.py --quick          # n = 10k only
    .venv/bin/python benchmarks/bench_spread_scaling.py                  # n = 10k, 100k, 1M
    .venv/bin/python benchmarks/bench_spread_scaling.py --sizes 100000 --models wc
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
    fit_power,
    peak_rss_mib,
    power_law_edges,
    print_table,
    probability_table,
    reset_peak,
    run_isolated,
    user_ids,
    write_results,
)

NAME = "spread_scaling"
TARGETS = {
    "top100": {"top_k": 100, "min_spread": None},
    "min_spread10": {"top_k": None, "min_spread": 10.0},
}
# counters looked up in SpreadResult.provenance (first name found wins)
_RR_KEYS = ("rr_sets", "n_rr_sets", "samples", "n_samples")
_VISIT_KEYS = ("edge_visits", "edges_visited", "n_edge_visits", "edge_checks")
_SAMPLING_KEYS = ("sampling_seconds", "seconds_sampling", "sample_seconds", "kernel_seconds")


def _first(prov: dict, keys: tuple[str, ...]):
    for k in keys:
        if k in prov and prov[k] is not None:
            return prov[k], k
    return None, None


def warm_up(n_jobs: int | None) -> float:
    """Compile (or load from cache) the numba kernels on a tiny graph; return seconds."""
    import numpy as np

    from influence_graph.diffusion.spread import expected_spread

    rng = np.random.default_rng(0)
    edges = rng.integers(0, 50, size=(200, 2)).astype(np.uint32)
    edges = edges[edges[:, 0] != edges[:, 1]]
    edges = np.unique(edges, axis=0)
    with Timer() as t:
        for model in ("wc", "const"):
            expected_spread(
                probability_table(edges, 50, model), users=user_ids(50), top_k=10,
                rel_error=0.2, seed=0, n_jobs=n_jobs,
            )
    return t.seconds


def measure(n: int, model: str, target: str, seed: int, n_jobs: int | None,
            max_seconds: float) -> dict:
    """One timed run (called in a subprocess by :func:`main`)."""
    from influence_graph.diffusion.spread import expected_spread

    edges = power_law_edges(n, seed)
    table = probability_table(edges, n, model)
    users = user_ids(n)
    m = table.height
    del edges
    jit = warm_up(n_jobs)
    est_mib = _estimate_mib(table, n, n_jobs)
    peak_setup = peak_rss_mib()
    reset_peak()  # from here on, the peak is the call's
    rss_before = current_rss_mib()
    ctx = context(n_jobs)
    with Timer() as t:
        res = expected_spread(
            table, users=users, model="ic", estimator="ris", rel_error=0.05, confidence=0.95,
            seed=seed, n_jobs=n_jobs, max_seconds=max_seconds, **TARGETS[target],
        )
    seconds = t.seconds
    prov = dict(getattr(res, "provenance", None) or {})
    prov.update(prov.get("run") or {})  # run statistics: rr_sets, edge_visits, sampling_seconds
    n_threads = ctx["n_jobs"]
    rr, rr_key = _first(prov, _RR_KEYS)
    if rr is None:
        rr, rr_key = res.n_samples, "n_samples"
    visits, visit_key = _first(prov, _VISIT_KEYS)
    samp_s, samp_key = _first(prov, _SAMPLING_KEYS)
    samp_s = float(samp_s) if samp_s is not None else None
    tbl = res.table
    n_certified = None
    if "spread" in tbl.columns:
        n_certified = int((tbl["spread"] >= 10).sum())
    return {
        "n": n,
        "m": m,
        "model": model,
        "target": target,
        "seconds": round(seconds, 4),
        "cpu_seconds": round(t.cpu, 3),
        "rr_sets_per_cpu_s": round(float(rr) / t.cpu, 1) if rr and t.cpu > 0 else None,
        "edge_visits_per_cpu_s": (
            round(float(visits) / t.cpu, 1) if visits is not None and t.cpu > 0 else None
        ),
        "library_seconds": getattr(res, "seconds", None),
        "sampling_seconds": samp_s,
        "non_sampling_seconds": (
            round(seconds - samp_s, 3) if samp_s is not None else None
        ),  # id mapping, validation, CSR build, intervals, result table
        "rr_sets": int(rr) if rr is not None else None,
        "rr_sets_per_s_per_thread": (
            round(float(rr) / ((samp_s or seconds) * n_threads), 1) if rr else None
        ),
        "rr_rate_basis": "sampling_seconds" if samp_s else "end_to_end_seconds",
        "edge_visits": int(visits) if visits is not None else None,
        "edge_visits_per_s": (
            round(float(visits) / (samp_s or seconds), 1) if visits is not None else None
        ),
        "target_met": bool(getattr(res, "target_met", False)),
        "rel_error_reached": getattr(res, "rel_error_reached", None),
        "stop_reason": str(getattr(res, "stop_reason", "")),
        "users_spread_ge_10": n_certified,
        "max_spread": float(tbl["spread"].max()) if "spread" in tbl.columns else None,
        "jit_warmup_s": round(jit, 3),
        "setup_peak_rss_mib": round(peak_setup, 1),
        "rss_before_mib": round(rss_before, 1),
        "peak_rss_mib": round(peak_rss_mib(), 1),
        "rss_increase_mib": round(peak_rss_mib() - rss_before, 1),
        "rss_increase_bytes_per_edge": round((peak_rss_mib() - rss_before) * 2**20 / m, 1),
        "library_estimate_mib": est_mib,
        "counter_keys": ",".join(k for k in (rr_key, visit_key, samp_key) if k),
        **ctx,
    }


def _estimate_mib(table, n: int, n_jobs: int | None) -> float | None:
    """The library's own peak-memory estimate for this call (``_budget.estimate_bytes``)."""
    try:
        from influence_graph.diffusion import _budget
        from influence_graph.parallel import resolve_n_jobs
    except ImportError:
        return None
    id_bytes = int(table["source"].str.len_bytes().sum() + table["target"].str.len_bytes().sum())
    est = _budget.estimate_bytes(n_rows=table.height, id_bytes=id_bytes, n_users=n,
                                 n_jobs=resolve_n_jobs(n_jobs))
    return round(est / 2**20, 1)


def refusal(n: int, seed: int, n_jobs: int | None, budget_mib: int) -> dict:
    """Time to refuse a run over ``max_memory`` and the memory it allocated meanwhile."""
    from influence_graph.diffusion.spread import expected_spread
    from influence_graph.exceptions import MemoryBudgetError

    table = probability_table(power_law_edges(n, seed), n, "wc")
    users = user_ids(n)
    reset_peak()
    rss_before = current_rss_mib()
    ctx = context(n_jobs)
    message = ""
    with Timer() as t:
        try:
            expected_spread(table, users=users, seed=seed, n_jobs=n_jobs,
                            max_memory=budget_mib * 2**20)
            refused = False
        except MemoryBudgetError as exc:
            refused = True
            message = str(exc)
    return {"n": n, "m": table.height, "model": "wc", "target": f"max_memory={budget_mib}MiB",
            "seconds": round(t.seconds, 4), "refused": refused, "message": message[:200],
            "library_estimate_mib": _estimate_mib(table, n, n_jobs),
            "rss_before_mib": round(rss_before, 1), "peak_rss_mib": round(peak_rss_mib(), 1),
            "rss_increase_mib": round(peak_rss_mib() - rss_before, 1), **ctx}


def main(argv: list[str] | None = None) -> list[dict]:
    p = base_parser(__doc__.splitlines()[0], default_sizes=[10_000, 100_000, 1_000_000])
    p.add_argument("--models", nargs="+", default=["wc", "const"], choices=["wc", "const"])
    p.add_argument("--targets", nargs="+", default=list(TARGETS), choices=list(TARGETS))
    p.add_argument("--max-seconds", type=float, default=300.0,
                   help="budget passed to expected_spread so a run cannot hang")
    p.add_argument("--repeats", type=int, default=1)
    p.add_argument("--refusal-mib", type=int, default=100,
                   help="also check that max_memory=<MiB> is refused early at the largest n "
                        "(0: skip)")
    args = p.parse_args(argv)
    if args.quick:
        args.sizes = [s for s in args.sizes if s <= 10_000] or [10_000]
        args.refusal_mib = min(args.refusal_mib, 1)
    rows: list[dict] = []
    for n in sorted(args.sizes):
        with Timer() as tg:
            power_law_edges(n, args.seed)  # draw + cache outside the measured subprocess
        print(f"graph n={n}: ready in {tg.seconds:.1f} s", flush=True)
        for model in args.models:
            for target in args.targets:
                for rep in range(args.repeats):
                    try:
                        row = run_isolated(
                            "benchmarks.bench_spread_scaling:measure", n=n, model=model,
                            target=target, seed=args.seed + rep, n_jobs=args.n_jobs,
                            max_seconds=args.max_seconds,
                        )
                    except Exception as exc:  # noqa: BLE001 - record and go on
                        row = {"n": n, "model": model, "target": target, "error": str(exc)[-300:],
                               **context(args.n_jobs)}
                        print(row["error"], file=sys.stderr)
                    row["repeat"] = rep
                    rows.append(row)
                    print({k: row.get(k) for k in ("n", "model", "target", "seconds",
                                                   "rr_sets_per_s_per_thread", "target_met",
                                                   "peak_rss_mib", "loadavg_1m")}, flush=True)
    # Memory: a budget below the estimate is refused before anything big is allocated
    if args.refusal_mib:
        n = max(args.sizes)
        try:
            row = run_isolated("benchmarks.bench_spread_scaling:refusal", n=n, seed=args.seed,
                               n_jobs=args.n_jobs, budget_mib=args.refusal_mib)
        except Exception as exc:  # noqa: BLE001
            row = {"n": n, "target": "refusal", "error": str(exc)[-300:], **context(args.n_jobs)}
        row["repeat"] = 0
        rows.append(row)
        print({k: row.get(k) for k in ("n", "target", "seconds", "refused", "rss_increase_mib",
                                       "message")}, flush=True)
    # (d) fitted exponent of cost vs n
    fits = []
    for model in args.models:
        for target in args.targets:
            ok = [r for r in rows
                  if r.get("model") == model and r.get("target") == target and r.get("seconds")
                  and not r.get("error") and r.get("target_met")]  # budget-cut runs excluded
            if len({r["n"] for r in ok}) >= 2:
                ns = [r["n"] for r in ok]
                b, a, r2 = fit_power(ns, [r["seconds"] for r in ok])
                bc, _, r2c = fit_power(ns, [r["cpu_seconds"] for r in ok])
                fits.append({"model": model, "target": target, "exponent_b": round(b, 3),
                             "log_a": round(a, 3), "r2": round(r2, 4),
                             "exponent_b_cpu": round(bc, 3), "r2_cpu": round(r2c, 4),
                             "sizes": " ".join(str(n) for n in ns)})
    print_table(rows, "expected_spread, RIS, all users (a)", [
        "n", "model", "target", "seconds", "cpu_seconds", "rr_sets", "rr_sets_per_s_per_thread",
        "rr_sets_per_cpu_s", "edge_visits_per_s", "target_met", "users_spread_ge_10",
        "peak_rss_mib",
        "rss_increase_mib", "n_jobs", "loadavg_1m", "time_utc",
    ])
    write_results(rows, NAME, out=args.out, quick=args.quick)
    if fits:
        print_table(fits, "cost vs n: seconds ≈ a·n^b (d)")
        out = None if args.out is None else str(Path(args.out).with_name(
            Path(args.out).stem + "_fit.csv"))
        write_results(fits, NAME + "_fit", out=out, quick=args.quick)
    return rows


if __name__ == "__main__":
    main()
