"""Precision@10 of match_topic (method "both") and the engagement baseline against the
planted passionate-and-influential users of two worlds generated differently
(``ig.datasets.synthetic`` and ``ig.datasets.cascade_world``, seeds 1, 2, 3).

Planted set: ``ds.truth.topic_leaders(topic)`` (post share ≥ 0.5 and true topic spread in
the top 5 %). Also checks, on the synthetic world, the planted expert with one viral
off-topic post: in the top 10
of their own topic, never in the top 10 of the viral post's topic. Writes
benchmarks/results/topics_precision.csv.

Run: ``python benchmarks/bench_topics_precision.py [seeds…]``
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import polars as pl

import influence_graph as ig

WORLDS = {"synthetic": ig.datasets.synthetic, "cascade_world": ig.datasets.cascade_world}


def evaluate(world: str, seed: int, k: int = 10) -> pl.DataFrame:
    ds = WORLDS[world](seed=seed)
    truth = ds.truth
    t0 = time.perf_counter()
    prof = ig.topic_profile(ds, seed=seed)
    secs = time.perf_counter() - t0
    if "archetype" in truth.users.columns:
        experts = truth.users.filter(pl.col("archetype") == "topic_expert")
        viral = truth.posts.filter(pl.col("viral")).select("user", viral_topic="topic")
        experts = experts.join(viral, on="user", how="left")
    else:  # no planted experts in this world
        experts = pl.DataFrame(schema={"user": pl.String, "main_topic": pl.String,
                                       "viral_topic": pl.String})
    rows = []
    for topic in truth.topics:
        planted = set(truth.topic_leaders(topic)["user"])
        own = experts.filter(pl.col("main_topic") == topic)["user"].to_list()
        off = experts.filter(pl.col("viral_topic") == topic)["user"].to_list()
        for method in ("both", "engagement", "truth"):
            if method == "truth":  # the planted facts' own ranking: true share × true outward
                top = truth_ranking(truth, topic)[:k]
            else:
                top = ig.match_topic(prof, topic, k=k, method=method)["user"].to_list()
            rows.append({
                "world": world, "seed": seed, "topic": topic, "method": method, "k": k,
                "precision": sum(u in planted for u in top) / k,
                "returned": len(top),
                "planted": len(planted),
                "own_expert_in_top": all(u in top for u in own) if own else None,
                "viral_expert_in_top": any(u in top for u in off) if off else None,
                "profile_seconds": round(secs, 2),
            })
    return pl.DataFrame(rows), experts_table(world, seed, prof, truth, experts)


def _shares(truth, topic: str) -> pl.DataFrame:
    if hasattr(truth, "passions"):
        return truth.passions.filter(pl.col("topic") == topic).select("user", "post_share")
    return truth.interests.filter(pl.col("topic") == topic).select(
        "user", post_share="interest")


def _true_spread(truth, topic: str) -> pl.DataFrame:
    if hasattr(truth, "spread_table"):
        return truth.spread_table(topic).select("user", "outward")
    return truth.topic_spread(topic).select("user", "outward")


def truth_ranking(truth, topic: str) -> list[str]:
    """Users by true share of posts on the topic × true outward spread on it."""
    return (
        _true_spread(truth, topic).join(_shares(truth, topic), on="user")
        .with_columns(s=pl.col("post_share") * pl.col("outward"))
        .sort(["s", "user"], descending=[True, False])["user"].to_list()
    )


def _rank_of(table: pl.DataFrame, user: str) -> int | None:
    hit = table.filter(pl.col("user") == user)["rank"].to_list()
    return hit[0] if hit else None


def experts_table(world, seed, prof, truth, experts) -> pl.DataFrame:
    """Where each planted expert ranks: own topic and the viral post's topic, both methods,
    and where the truth itself ranks them (true share × true outward spread)."""
    rows = []
    for user, own, viral in experts.select("user", "main_topic", "viral_topic").rows():
        oracle = pl.DataFrame({"user": truth_ranking(truth, own)}).with_row_index(
            "rank", offset=1)
        rank = {}
        for topic, key in ((own, "own"), (viral, "viral")):
            for method in ("both", "engagement"):
                full = ig.match_topic(prof, topic, k=10_000, method=method)
                rank[f"{key}_{method}"] = _rank_of(full, user)
        rows.append({"world": world, "seed": seed, "user": user, "own_topic": own,
                     "viral_topic": viral, "own_rank_both": rank["own_both"],
                     "own_rank_engagement": rank["own_engagement"],
                     "own_rank_truth": _rank_of(oracle, user),
                     "viral_rank_both": rank["viral_both"],
                     "viral_rank_engagement": rank["viral_engagement"],
                     "in_planted_set": user in set(truth.topic_leaders(own)["user"])})
    return pl.DataFrame(rows, schema={"world": pl.String, "seed": pl.Int64, "user": pl.String,
                                      "own_topic": pl.String, "viral_topic": pl.String,
                                      "own_rank_both": pl.Int64, "own_rank_engagement": pl.Int64,
                                      "own_rank_truth": pl.Int64, "viral_rank_both": pl.Int64,
                                      "viral_rank_engagement": pl.Int64,
                                      "in_planted_set": pl.Boolean})


def main(seeds: list[int]) -> None:
    parts = [evaluate(w, s) for w in WORLDS for s in seeds]
    res = pl.concat([p[0] for p in parts])
    experts = pl.concat([p[1] for p in parts])
    out = Path(__file__).parent / "results" / "topics_precision.csv"
    out.parent.mkdir(exist_ok=True)
    res.write_csv(out)
    experts.write_csv(out.with_name("topics_experts.csv"))
    with pl.Config(tbl_rows=100, tbl_cols=20):
        print(res)
        print(res.group_by("world", "seed", "method").agg(
            pl.col("precision").min().alias("min_p@10"),
            pl.col("precision").mean().alias("mean_p@10"),
        ).sort("world", "method", "seed"))
        print(experts)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1, 2, 3])
