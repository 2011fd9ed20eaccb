"""Power of ``score_changes``: a planted doubling of some users' re-shares, found or not.

World: one week of ``ig.datasets.synthetic(n_users=2000, days=7, seed=3)``, then the same
week again (shifted by 7 days). In the copy, ``n_planted`` users (with ≥ 3 posts and a
follower) get every re-share of their posts doubled: each retweet of one of their posts
is joined by a retweet of the same post from another follower of theirs who had not
re-shared it (so their per-post adoption rate doubles where they have spare followers).
Nothing else changes. Prints the share of planted users flagged "real" (FDR 5 %) and
the share of the other users flagged, with and without common random numbers; writes
benchmarks/results/change_power.csv.

Run: ``python benchmarks/bench_change_power.py [n_planted]``
"""

from __future__ import annotations

import sys
import time
from datetime import timedelta
from pathlib import Path

import numpy as np
import polars as pl

import influence_graph as ig
from influence_graph.io.dataset import make_dataset


def planted_world(n_planted: int, seed: int = 3):
    ds = ig.datasets.synthetic(n_users=2000, days=7, seed=seed)
    ev = ds.events
    again = ev.with_columns(pl.col("timestamp") + timedelta(days=7), pl.col("event_id") + "_2",
                            pl.col("post_id") + "_2", pl.col("parent_id") + "_2")
    posts = again.filter(pl.col("action").cast(pl.String) == "post")
    followers = ds.follows.group_by("followee").agg(pl.col("follower"))
    cand = (posts.group_by("user").len().filter(pl.col("len") >= 3)
            .join(followers, left_on="user", right_on="followee").sort("user"))
    rng = np.random.default_rng(seed)
    planted = sorted(rng.choice(cand["user"].to_list(), size=n_planted, replace=False).tolist())
    rts = again.filter(pl.col("action").cast(pl.String) == "retweet",
                       pl.col("target_user").is_in(planted),
                       pl.col("parent_id").is_in(posts["post_id"].implode()))
    fol = dict(zip(followers["followee"], followers["follower"], strict=True))
    done = set(zip(rts["user"], rts["parent_id"], strict=True))
    extra = []
    for i, r in enumerate(rts.iter_rows(named=True)):
        spare = [f for f in fol.get(r["target_user"], []) if (f, r["parent_id"]) not in done]
        if not spare:
            continue
        f = spare[rng.integers(len(spare))]
        done.add((f, r["parent_id"]))
        extra.append({**r, "user": f, "event_id": f"xp{i}", "post_id": f"xp{i}",
                      "timestamp": r["timestamp"] + timedelta(minutes=1)})
    extra_df = pl.DataFrame(extra, schema=again.schema)
    both = make_dataset(events=pl.concat([ev, again, extra_df]), follows=ds.follows,
                        users=ds.users, name="planted change")
    return both, planted, len(extra)


def main(n_planted: int) -> None:
    ds, planted, added = planted_world(n_planted)
    rows = []
    for crn in (True, False):
        t0 = time.perf_counter()
        over = ig.scores_over_time(ds, window="7d", seed=1, crn=crn)
        ch = ig.score_changes(over, alpha=0.05)
        hit = ch.filter(pl.col("user").is_in(planted))
        rest = ch.filter(~pl.col("user").is_in(planted))
        rows.append({
            "crn": crn, "planted": len(planted), "retweets_added": added,
            "planted_flagged": float((hit["verdict"] == "real").mean()),
            "planted_median_delta": float(hit["delta"].median()),
            "planted_median_score_delta": float(hit["score_delta"].median()),
            "others_flagged": float((rest["verdict"] == "real").mean()),
            "others_changed": float((rest["delta"] != 0).mean()),
            "seconds": round(time.perf_counter() - t0, 1),
        })
    tab = pl.DataFrame(rows)
    tab.write_csv(Path(__file__).parent / "results" / "change_power.csv")
    with pl.Config(tbl_cols=20, tbl_width_chars=200):
        print(tab)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 40)
