"""A topical campaign of k = 50 on a 100,000-user synthetic world (``select_campaign``).

Prints the selection's θ, seconds, ε and guarantee, the set's joint spread with its
interval against the joint spread of the 50 passionate users with the largest individual
spread (same evaluation RR sets), and their overlap; writes
benchmarks/results/topics_campaign.csv. (Higgs has no topics: its k = 50 all-topic
selection is in ``bench_seeds.py``.)

Run: ``python benchmarks/bench_topics_campaign.py [n_users] [topic]``
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import polars as pl

import influence_graph as ig


def main(n_users: int, topic: str) -> None:
    ds = ig.datasets.synthetic(n_users=n_users, n_topics=8, seed=1)
    t0 = time.perf_counter()
    c = ig.select_campaign(ds, topic, k=50, seed=1)
    secs = time.perf_counter() - t0
    row = {"n_users": n_users, "topic": topic, "k": 50, "candidates": c.candidates,
           "theta": c.theta, "theta_eval": c.theta_eval, "seconds_incl_profile": round(secs, 1),
           "epsilon": c.epsilon, "guarantee": round(c.guarantee, 4),
           "joint_spread": round(c.joint_spread, 1), "joint_low": round(c.joint_low, 1),
           "joint_high": round(c.joint_high, 1),
           "list_joint_spread": round(c.individual_joint_spread, 1),
           "list_joint_low": round(c.individual_joint_low, 1),
           "list_joint_high": round(c.individual_joint_high, 1), "overlap": c.overlap}
    tab = pl.DataFrame([row])
    tab.write_csv(Path(__file__).parent / "results" / "topics_campaign.csv")
    with pl.Config(tbl_cols=20, tbl_width_chars=220):
        print(tab)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000,
         sys.argv[2] if len(sys.argv) > 2 else "music")
