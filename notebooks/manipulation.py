# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Manipulation: what fake accounts buy, metric by metric
#
# The commercial scores could be bought: people bought followers, "+K'd everything
# possible", joined pods that engage each other's posts. No score computed on a graph
# that an attacker can add accounts to is immune to sybils (Cheng & Friedman 2005), so
# this package does not claim immunity: it **injects the known attacks** into a log and
# **measures** how much each metric of the attacked user gains, and it offers a
# **defended score** that stops the cheap attacks and says which it cannot stop.
#
# - `ig.inject(ds, attack, target=…, size=k, seed=…)` adds one attack (A1–A12) to a copy
#   of the data set and labels every account, link and event it added.
# - `ig.robustness_report(ds, …)` runs attacks × sizes × metrics and reports `before`,
#   `after`, `gain`, `gain_per_100`, the target's ranks and, for expected spread, a
#   paired interval on the gain (the same random streams before and after).
# - `ig.influence(ds, defended=True)` adds `defended_spread`: learned expected spread
#   counted on the **credible** links only — a follow or engagement counts when the
#   account behind it has an audience the source does not already have, and is not a
#   pay-back inside a pod (the two engage each other, or the engager also re-shares
#   three or more of the source's mutual re-sharers).

# %%
import time

import polars as pl

import influence_graph as ig
from influence_graph.report import plots
from influence_graph.report.plots import NotebookFigure

pl.Config(tbl_rows=14, tbl_cols=14, fmt_str_lengths=40, tbl_width_chars=170)
SEED = 1

# %% [markdown]
# ## The synthetic world: every attack
#
# 2,000 users, seed 1. The target is the default: the honest user at the 25th
# percentile of learned spread among users with at least 3 posts and 3 followers — an
# ordinary account someone might want to promote. Every attack is run at 10 and 100
# fake accounts (or colluders, or actions).

# %%
ds = ig.datasets.synthetic(n_users=2_000, seed=SEED)
t0 = time.perf_counter()
report = ig.robustness_report(ds, sizes=(10, 100), seed=SEED)
print(f"{report.height} rows in {time.perf_counter() - t0:.0f} s; target {report['target'][0]}")
report.filter(pl.col("size") == 100, pl.col("attack_id").is_in(["A1", "A5"])).select(
    "attack_id", "metric", "before", "after", "gain", "gain_low", "gain_high",
    "rank_before", "rank_after")

# %% [markdown]
# Each cell below is one (attack, metric) at 100 fakes: the colour says how far up the
# ranking of honest users the attack carried the target (1 = to the very top), the
# number is the gain per 100 fakes in the metric's own unit. Counts (followers,
# retweets received, cascade sizes) turn red for every attack that adds what they
# count; weighted-cascade and constant-p spread inflate with every bought follower;
# learned spread resists passive fakes but not fake engagement (A3, A5); the defended
# column stays white for A1, A3, A4 and A5.

# %%
plots.inflation(report, size=100)

# %% [markdown]
# ## How gains grow with the attack
#
# A count that each fake raises by one grows linearly in the number of fakes (exponent
# b = 1 of gain ≈ c·size^b). The defended score's gain under the cheap attacks is zero
# at every size (b = 0). `ig.inflation_exponents` fits b for every (attack, metric).

# %%
exps = ig.inflation_exponents(report)
exps.pivot(on="metric", index=["attack_id", "attack"], values="exponent").select(
    "attack_id", "attack", "actions", "followers", "retweets_received", "spread_learned",
    "spread_wc", "spread_defended")

# %% [markdown]
# The same three attacks the defended score is built against, up to 1,000 fakes:

# %%
t0 = time.perf_counter()
sweep = ig.robustness_report(
    ds, attacks=["fake_followers", "sybil_ring", "retweet_ring"], sizes=(10, 100, 1000),
    metrics=["followers", "retweets_received", "spread_learned", "spread_wc",
             "spread_defended"], seed=SEED)
print(f"{sweep.height} rows in {time.perf_counter() - t0:.0f} s")
ig.inflation_exponents(sweep).pivot(on="metric", index=["attack_id", "attack"],
                                    values="exponent")

# %%
plots.inflation_curves(sweep, "retweet_ring")

# %%
plots.inflation_curves(sweep, "sybil_ring")

# %% [markdown]
# ## What the defended score cannot stop
#
# The credibility rule asks whether an engaging account brings an audience of its own.
# Accounts that **have** one pass it:
#
# - **A10, compromised accounts**: real, well-followed accounts retweeting the target
#   move real people — the defended score inflates as much as learned spread does;
# - **A6, collusive humans**: existing users retweeting at human delays are real
#   engagement by real audiences;
# - fakes that first build audiences of their own (each followed by other accounts
#   outside the target's reach) would pass too: the rule raises the price of an attack,
#   it does not make one impossible.

# %%
(report.filter(pl.col("attack_id").is_in(["A6", "A10"]),
               pl.col("metric").is_in(["spread_learned", "spread_defended"]))
 .select("attack_id", "size", "metric", "before", "gain", "gain_low", "gain_high",
         "rank_before", "rank_after"))

# %% [markdown]
# ## What it costs honest users
#
# On a clean log the defended score should agree with learned spread: a link is dropped
# only when its receiver's whole audience is already reached by the source.

# %%
def cost(table: pl.DataFrame) -> dict[str, float]:
    both = table.drop_nulls(["spread", "defended_spread"])
    rho = both.select(pl.corr("spread", "defended_spread", method="spearman")).item()
    top = set(both.sort(["spread", "user"], descending=[True, False]).head(100)["user"])
    dtop = set(both.sort(["defended_spread", "user"], descending=[True, False])
               .head(100)["user"])
    return {"spearman": round(float(rho), 4), "top100_demoted": len(top - dtop)}


clean = ig.influence(ds, defended=True, seed=SEED)
print("synthetic, clean:", cost(clean))

# %%
fig = NotebookFigure(figsize=(5.2, 4.2), layout="constrained")
ax = fig.add_subplot()
ax.scatter(clean["spread"], clean["defended_spread"], s=5, alpha=0.4)
lim = [1, float(clean["spread"].max()) * 1.1]
ax.plot(lim, lim, color="k", lw=0.7, ls="--")
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("learned expected spread")
ax.set_ylabel("defended spread")
ax.set_title("Clean synthetic world: the defended score on the diagonal")
fig

# %% [markdown]
# ## Higgs: attacks injected into a real log
#
# The Higgs Twitter log (1–7 July 2012) records who retweeted, replied to and mentioned
# whom, with no posts and (here) no follower table. The attacks that need follow links
# (A1–A4) cannot run on it; the ones that move content can. In a log without posts a
# user's content is known only through its being re-shared, so each distinct moment at
# which the target's content was re-shared stands for a post, and the injected
# retweets carry no post id, like the log's own. Three attacks at 100 accounts (sizes
# 10, 100 and 1,000 are in `benchmarks/bench_robustness.py --dataset higgs` and the docs):
# a bot retweet ring (A5), an engagement pod (A7) and compromised accounts (A10, the 100
# accounts with the most engagement received).

# %%
higgs = ig.datasets.higgs()
t0 = time.perf_counter()
h_report = ig.robustness_report(
    higgs, attacks=["retweet_ring", "engagement_pod", "compromised_accounts"],
    metrics=["actions", "retweets_received", "unique_engagers", "pagerank",
             "spread_learned", "spread_defended"],
    sizes=(100,), seed=SEED)
print(f"{h_report.height} rows in {time.perf_counter() - t0:.0f} s; "
      f"target {h_report['target'][0]} of {higgs.n_users:,} users")
(h_report.filter(pl.col("size") == 100)
 .select("attack_id", "metric", "before", "after", "gain", "gain_low", "gain_high",
         "rank_before", "rank_after"))

# %%
plots.inflation(h_report, size=100)

# %% [markdown]
# On Higgs the cost to honest users is larger than on the synthetic world, and the
# reason is the data: without follow links an account's audience is only the accounts
# that engaged with it, so many engagers have no audience outside the source's and
# their links are not credible.

# %%
h_clean = ig.influence(higgs, defended=True, seed=SEED)
print("Higgs, clean:", cost(h_clean))
plots.rank_rank(h_clean, "spread", "defended_spread")
