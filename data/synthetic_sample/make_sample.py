"""Regenerate the tiny synthetic sample in this folder, or time the world's build.

    python data/synthetic_sample/make_sample.py              # rewrite the CSV files
    python data/synthetic_sample/make_sample.py --benchmark  # print build times

The sample is ``ig.datasets.synthetic(n_users=80, seed=7, days=3)`` written as CSV in
the canonical schema (``topics`` one field separated by ``;``, timestamps ISO 8601 UTC),
plus the planted truth tables. Nothing here is read by the package or its tests.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import polars as pl

from influence_graph.datasets.synthetic import synthetic

HERE = Path(__file__).resolve().parent
ISO = "%Y-%m-%dT%H:%M:%S%.6fZ"


def write_sample() -> None:
    ds = synthetic(80, seed=7, days=3)
    ds.events.with_columns(
        pl.col("timestamp").dt.strftime(ISO),
        pl.col("topics").list.join(";"),
        pl.col("action").cast(pl.String),
    ).write_csv(HERE / "events.csv")
    ds.follows.with_columns(pl.col("since").dt.strftime(ISO)).write_csv(HERE / "follows.csv")
    t = ds.truth
    t.users.write_csv(HERE / "truth_users.csv", float_precision=6)
    t.passions.write_csv(HERE / "truth_passions.csv", float_precision=6)
    t.probabilities.write_csv(HERE / "truth_probabilities.csv", float_precision=6)
    t.cascades.write_csv(HERE / "truth_cascades.csv")
    print(ds)


def benchmark() -> None:
    t0 = time.perf_counter()
    synthetic(100, seed=0).truth.spread  # noqa: B018  (warm imports and the engine's numba JIT)
    print(f"warm-up (imports, numba compilation): {time.perf_counter() - t0:.2f} s")
    for n in (2_000, 20_000):
        t0 = time.perf_counter()
        ds = synthetic(n, seed=7)
        built = time.perf_counter() - t0
        t0 = time.perf_counter()
        ds.truth.spread  # noqa: B018  (lazy true spread, p-bar)
        spread = time.perf_counter() - t0
        print(f"synthetic(n_users={n:,}): build {built:.2f} s, truth.spread {spread:.2f} s; {ds!r}")


if __name__ == "__main__":
    benchmark() if "--benchmark" in sys.argv else write_sample()
