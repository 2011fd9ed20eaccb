"""Time and peak memory of ``topic_profile`` (all topics) against one all-topic ``influence()``.

On ``ig.datasets.synthetic(n_users=100_000, n_topics=8, seed=1)``. Each measurement runs
in a fresh subprocess (the data set generated there, so the peak resident memory is the
process's own); the rows are printed side by side and written to
benchmarks/results/topics_scale.csv. The ratio is the figure of merit: the machine is
shared, so absolute seconds drift between runs.

Run: ``python benchmarks/bench_topics_scale.py [n_users]``
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

CASES = {
    "influence (defaults: top 100 at 5 %)": "influence",
    "influence (top 20 at 10 %, the profile's precision)": "influence_same",
    "topic_profile (8 topics, top 20 of each at 10 %)": "profile",
}


def run(mode: str, n_users: int) -> dict:
    import influence_graph as ig

    ds = ig.datasets.synthetic(n_users=n_users, n_topics=8, seed=1)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    if mode == "influence":
        ig.influence(ds, seed=1, viral=False)
    elif mode == "influence_same":
        ig.influence(ds, seed=1, viral=False, rel_error=0.1, top_k=20)
    else:
        prof = ig.topic_profile(ds, seed=1)
        assert prof.height > 0
    secs = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": secs, "peak_rss_mib": peak, "rss_after_data_mib": base,
            "events": ds.events.height, "follows": ds.follows.height}


def main(n_users: int) -> None:
    import polars as pl

    rows = []
    for label, mode in CASES.items():
        out = subprocess.run([sys.executable, __file__, "--one", mode, str(n_users)],
                             check=True, capture_output=True, text=True)
        res = json.loads(out.stdout.strip().splitlines()[-1])
        rows.append({"case": label, "n_users": n_users, **res})
        print(label, res, flush=True)
    tab = pl.DataFrame(rows)
    ref = tab["seconds"][0]
    tab = tab.with_columns(ratio_to_influence=(pl.col("seconds") / ref).round(2))
    out = Path(__file__).parent / "results" / "topics_scale.csv"
    tab.write_csv(out)
    with pl.Config(tbl_cols=20, tbl_width_chars=200):
        print(tab)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--one":
        print(json.dumps(run(sys.argv[2], int(sys.argv[3]))))
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
