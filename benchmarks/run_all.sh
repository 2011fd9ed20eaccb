#!/usr/bin/env bash
# Run every benchmark at full size, then draw the figures and refresh docs/benchmarks.md.
# From the repository root:  bash benchmarks/run_all.sh   (about 30-40 min on 2 busy cores)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
export INFLUENCE_GRAPH_DATA=${INFLUENCE_GRAPH_DATA:-../shared/data}
"$PY" benchmarks/bench_rr_rate.py --reps 5
"$PY" benchmarks/bench_spread_scaling.py --max-seconds 300 "$@"
"$PY" benchmarks/bench_min_spread_bound.py
"$PY" benchmarks/bench_peers.py
"$PY" benchmarks/bench_congress.py
"$PY" benchmarks/bench_ingest.py
"$PY" benchmarks/bench_coverage.py
"$PY" benchmarks/plot_results.py --docs
