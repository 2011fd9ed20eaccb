"""Benchmark: ``influence-graph report --dataset higgs`` (goal: under 5 minutes on 2 cores).

Runs the report the command writes (:func:`influence_graph.report.user_report.run_report`
with the command's defaults, seed 1) on the Higgs log (``INFLUENCE_GRAPH_DATA``) into a
temporary folder, and prints its wall time, peak memory, the time of each step (the
report's own progress lines) and the size of the folder. Writes
``benchmarks/results/report_higgs.csv`` (one row, with the noise context: load average,
n_jobs, CPUs).

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_report_higgs.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import influence_graph as ig  # noqa: E402
from benchmarks._common import context, peak_rss_mib, reset_peak, write_results  # noqa: E402
from influence_graph.report.analysis import ReportOptions  # noqa: E402
from influence_graph.report.user_report import run_report  # noqa: E402


def main() -> None:
    ds = ig.datasets.higgs()
    ig.influence(ig.datasets.synthetic(n_users=60, seed=1), seed=0)  # compile the kernels
    reset_peak()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report"
        t0 = time.perf_counter()
        res = run_report(ds, out, ReportOptions(seed=1), command="bench_report_higgs",
                         progress=True)
        seconds = time.perf_counter() - t0
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    peak = peak_rss_mib()
    print(f"report --dataset higgs: {seconds:.1f} s (goal < 300 s), peak {peak:,.0f} MiB, "
          f"folder {size / 2**20:,.0f} MiB; sections "
          + ", ".join(f"{k}={'yes' if v else 'no'}" for k, v in res.sections))
    write_results([{"users": ds.n_users, "events": ds.events.height,
                    "report_seconds": round(seconds, 1), "peak_mib": round(peak),
                    "folder_mib": round(size / 2**20, 1), **context(None)}],
                  "report_higgs", out=None, quick=False)


if __name__ == "__main__":
    main()
