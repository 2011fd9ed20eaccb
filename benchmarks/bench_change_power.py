"""Power of ``score_changes``: a planted doubling of some users' re-shares, found or not.

World: one week of ``ig.datasets.synthetic(n_users=2000, days=7, seed=s)``, then the
same week again (shifted by 7 days), for s = 3, 4, 5. In the copy, ``n_planted`` users
get every re-share of their posts doubled: each retweet of one of their posts is joined
by a retweet of the same post from another follower of theirs who had not re-shared it
(so their per-post adoption rate doubles where they have spare followers). Nothing else
changes in the log.

**Minimal size.** A planted user has ≥ 3 posts, a follower and ≥ ``MIN_RESHARES`` = 2
re-shares of their posts in the week, so that doubling adds at least 2 events (doubling
0 re-shares adds nothing, and no method can detect a change that is not there: before
this rule, 15 of 40 planted users got no extra event at all). The power is also
reported by the number of re-shares actually added (1 can happen when a user has no
spare follower left).

Prints, with and without common random numbers, the share of planted users flagged
"real" (FDR 5 %), by added re-shares; the share flagged among the **re-sharers** (the
followers who made the added re-shares: their own data changed too, since each re-share
is content they pass on that nobody re-shares in turn, so their learned rate falls);
and among the **untouched** users (the rest, whose spread can still move through a
re-sharer further along); writes benchmarks/results/change_power.csv and change_power_by_size.csv.

Run: ``python benchmarks/bench_change_power.py [n_planted [min_reshares]]`` (another
``min_reshares`` writes ``change_power_min<k>.csv`` and ``…_by_size.csv`` instead)
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

#: Re-shares a planted user must have in the week (doubling adds as many).
MIN_RESHARES = 2
#: Worlds (generator seeds).
SEEDS = (3, 4, 5)


def planted_world(n_planted: int, seed: int = 3, min_reshares: int = MIN_RESHARES):
    ds = ig.datasets.synthetic(n_users=2000, days=7, seed=seed)
    ev = ds.events
    again = ev.with_columns(pl.col("timestamp") + timedelta(days=7), pl.col("event_id") + "_2",
                            pl.col("post_id") + "_2", pl.col("parent_id") + "_2")
    posts = again.filter(pl.col("action").cast(pl.String) == "post")
    followers = ds.follows.group_by("followee").agg(pl.col("follower"))
    got = (again.filter(pl.col("action").cast(pl.String) == "retweet",
                        pl.col("parent_id").is_in(posts["post_id"].implode()))
           .group_by("target_user").len().rename({"target_user": "user", "len": "reshares"}))
    cand = (posts.group_by("user").len().filter(pl.col("len") >= 3)
            .join(got.filter(pl.col("reshares") >= min_reshares), on="user")
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
    added = extra_df.group_by("target_user").len().rename({"target_user": "user",
                                                             "len": "added"})
    sizes = pl.DataFrame({"user": planted}).join(added, on="user", how="left").with_columns(
        pl.col("added").fill_null(0))
    return both, sizes, sorted(set(extra_df["user"].to_list()))


def _bucket(added: pl.Expr) -> pl.Expr:
    return (pl.when(added <= 1).then(pl.lit("1")).when(added == 2).then(pl.lit("2"))
            .when(added <= 4).then(pl.lit("3-4")).otherwise(pl.lit("5+")))


def main(n_planted: int, min_reshares: int = MIN_RESHARES) -> None:
    rows, parts = [], []
    for seed in SEEDS:
        ds, sizes, resharers = planted_world(n_planted, seed, min_reshares)
        planted = sizes["user"]
        for crn in (True, False):
            t0 = time.perf_counter()
            over = ig.scores_over_time(ds, window="7d", seed=1, crn=crn)
            ch = ig.score_changes(over, alpha=0.05)
            secs = time.perf_counter() - t0
            hit = ch.filter(pl.col("user").is_in(planted.implode())).join(sizes, on="user")
            rest = ch.filter(~pl.col("user").is_in(planted.implode()),
                             ~pl.col("user").is_in(resharers))
            parts.append(hit.select("user", "added", "delta", "verdict",
                                    world=pl.lit(seed), crn=pl.lit(crn)))
            rows.append({
                "world": seed, "crn": crn, "planted": len(planted),
                "retweets_added": int(sizes["added"].sum()),
                "planted_flagged": float((hit["verdict"] == "real").mean()),
                "planted_median_delta": float(hit["delta"].median()),
                "planted_median_score_delta": float(hit["score_delta"].median()),
                "resharers": len(resharers),
                "resharers_flagged": float((ch.filter(pl.col("user").is_in(resharers))[
                    "verdict"] == "real").mean()),
                "untouched_flagged": float((rest["verdict"] == "real").mean()),
                "untouched_changed": float((rest["delta"] != 0).mean()),
                "seconds": round(secs, 1),
            })
    tab = pl.DataFrame(rows)
    allp = pl.concat(parts)
    total = allp.group_by("crn").agg(
        planted=pl.len(), flagged=(pl.col("verdict") == "real").mean()).sort("crn")
    by_size = allp.group_by("crn", _bucket(pl.col("added")).alias("added")).agg(
        planted=pl.len(), flagged=(pl.col("verdict") == "real").mean(),
        median_delta=pl.col("delta").median()).sort("crn", "added")
    out = Path(__file__).parent / "results"
    stem = "change_power" if min_reshares == MIN_RESHARES else f"change_power_min{min_reshares}"
    tab.write_csv(out / f"{stem}.csv")
    by_size.write_csv(out / f"{stem}_by_size.csv")
    with pl.Config(tbl_cols=20, tbl_width_chars=200, tbl_rows=30):
        print(tab)
        print(total)
        print(by_size)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 40,
         int(sys.argv[2]) if len(sys.argv) > 2 else MIN_RESHARES)
