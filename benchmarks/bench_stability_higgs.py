"""Benchmark: day-by-day scores on Higgs, and how much the 1–100 score moves day to day.

World: the Higgs Twitter log (``INFLUENCE_GRAPH_DATA``), ``scores_over_time`` with
``window="1d"`` (tumbling days, common random numbers, ``seed=1``, defaults otherwise)
for every user. Prints, in one run, the wall time and peak memory of the daily scores
and of one ``ig.influence(ds)`` call on the whole log, and their ratio (goal: the daily
scores under 2 minutes on 2 cores); then, over every pair of consecutive days, the
distribution of the change of the absolute score:

- for the users whose own data did not change: no event by them or aimed at them
  (``target_user``) in either day;
- for every user, and for the users with an event in both days.

Writes ``benchmarks/results/stability_higgs.csv`` (one row per day pair and group).

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_stability_higgs.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import polars as pl  # noqa: E402

import influence_graph as ig  # noqa: E402
from benchmarks._common import context, peak_rss_mib, reset_peak, write_results  # noqa: E402


def main() -> None:
    ds = ig.datasets.higgs()
    ig.influence(ig.datasets.synthetic(n_users=60, seed=1), seed=0)  # compile the kernels
    reset_peak()
    t0 = time.perf_counter()
    ig.influence(ds, seed=1)
    t_inf = time.perf_counter() - t0
    mem_inf = peak_rss_mib()
    reset_peak()
    t0 = time.perf_counter()
    over = ig.scores_over_time(ds, window="1d", seed=1)
    t_over = time.perf_counter() - t0
    mem_over = peak_rss_mib()
    days = over["window_start"].n_unique()
    print(f"Higgs, {ds.n_users:,} users: influence() {t_inf:.1f} s, peak {mem_inf:.0f} MiB; "
          f"scores_over_time(window='1d') {days} days {t_over:.1f} s (goal < 120 s), "
          f"peak {mem_over:.0f} MiB; ratio {t_over / t_inf:.1f}×")

    ev = ds.events.with_columns(day=pl.col("timestamp").dt.truncate("1d"))
    touched = pl.concat([
        ev.select("day", user="user"),
        ev.drop_nulls("target_user").select("day", user="target_user"),
    ]).unique()
    starts = over["window_start"].unique().sort().to_list()
    rows = []
    for a, b in zip(starts[:-1], starts[1:], strict=True):
        pa = over.filter(pl.col("window_start") == a).select("user", sa="score")
        pb = over.filter(pl.col("window_start") == b).select("user", sb="score")
        d = pa.join(pb, on="user").drop_nulls(["sa", "sb"])
        ta = set(touched.filter(pl.col("day") == a)["user"].to_list())
        tb = set(touched.filter(pl.col("day") == b)["user"].to_list())
        d = d.with_columns(
            change=(pl.col("sb") - pl.col("sa")).abs(),
            quiet=~pl.col("user").is_in(list(ta | tb)),
            active=pl.col("user").is_in(list(ta & tb)),
        )
        for group, part in (("unchanged own data", d.filter("quiet")),
                            ("active both days", d.filter("active")), ("all users", d)):
            c = part["change"]
            rows.append({"day_a": a.date().isoformat(), "day_b": b.date().isoformat(),
                         "group": group, "users": part.height,
                         "share_0_points": float((c == 0).mean()) if part.height else None,
                         "share_under_1_point": float((c < 1).mean()) if part.height else None,
                         "median_change": float(c.median()) if part.height else None,
                         "p99_change": float(c.quantile(0.99)) if part.height else None,
                         "max_change": float(c.max()) if part.height else None})
    tab = pl.DataFrame(rows)
    with pl.Config(tbl_rows=40, tbl_width_chars=160):
        print(tab)
    ctx = context(None)
    for r in rows:
        r.update(influence_seconds=round(t_inf, 2), over_time_seconds=round(t_over, 2),
                 influence_peak_mib=round(mem_inf), over_time_peak_mib=round(mem_over), **ctx)
    write_results(rows, "stability_higgs", out=None, quick=False)


if __name__ == "__main__":
    main()
