"""Load time of a 500k-row events CSV, against a bare polars read of the same file.

Absolute times depend on the machine and its load, so the benchmark prints validation's
cost relative to polars reading every column as a string (the least any explicit-schema
reader must do), both measured in the same run.

    .venv/bin/python benchmarks/bench_reader.py [--rows 500000]
"""

from __future__ import annotations

import time

import numpy as np
import polars as pl
import argparse
import os
import tempfile
from pathlib import Path

import influence_graph as ig

N = 500_000


def make_events_csv(path, n: int = N, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    i = np.arange(n)
    post = rng.random(n) < 0.3
    parent = (i * rng.random(n)).astype(np.int64)  # an earlier row
    ts = (np.datetime64("2024-03-01T00:00:00", "s") + i.astype("timedelta64[s]")).astype(str)

    def ids(prefix: str, values: np.ndarray) -> np.ndarray:
        return np.char.add(prefix, values.astype(str))

    frame = pl.DataFrame(
        {
            "event_id": ids("ev", i),
            "user": ids("u", rng.integers(0, 50_000, n)),
            "action": np.where(post, "post", np.where(rng.random(n) < 0.8, "retweet", "reply")),
            "target_user": pl.Series(ids("u", rng.integers(0, 50_000, n))),
            "post_id": ids("p", i),
            "parent_id": pl.Series(ids("p", parent)),
            "timestamp": np.char.add(ts, "Z"),
            "topics": np.where(rng.random(n) < 0.5, "higgs;physics", ""),
            "platform": ["twitter"] * n,
        }
    )
    frame = frame.with_columns(
        target_user=pl.when(pl.Series(post)).then(None).otherwise(pl.col("target_user")),
        parent_id=pl.when(pl.Series(post)).then(None).otherwise(pl.col("parent_id")),
    )
    frame.write_csv(path)


def best_of(f, k: int = 2) -> float:
    times = []
    for _ in range(k):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=N)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "events.csv"
        make_events_csv(path, args.rows)
        ds = ig.load_dataset(events=path)
        assert ds.ingest.records_read == args.rows and ds.ingest.balanced
        bare = best_of(lambda: pl.read_csv(path, infer_schema=False))
        cpu0 = time.process_time()
        full = best_of(lambda: ig.load_dataset(events=path))
        cpu = (time.process_time() - cpu0) / 2
    print(
        f"{args.rows:,}-row events CSV: load_dataset {full:.2f} s wall ({cpu:.2f} s CPU), "
        f"bare polars read {bare:.2f} s (ratio {full / bare:.1f}); load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
