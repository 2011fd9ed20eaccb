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
# # US Congress: expected spread on measured transmission probabilities
#
# The SNAP *congress-twitter* data set (Fink et al. 2023) is unusual: for each pair of
# members it gives the **measured** share of B's tweets that A retweeted, quoted, replied
# to or mentioned between 9 February and 9 June 2022. That is an independent-cascade
# transmission probability observed from real engagement, so each member's expected
# spread is well defined without assuming any probability scheme.
#
# We compare it with what a naive influence ranking would use: how much members tweet,
# how many colleagues engage with them (in-degree), PageRank, and viral centrality, the
# message-passing approximation the data set's authors proposed.
#
# The data are read through `ig.datasets.congress()`, which finds them in
# `$INFLUENCE_GRAPH_DATA/congress` (or downloads and verifies them).

# %%
import polars as pl

import influence_graph as ig
from influence_graph.report import plots

pl.Config(tbl_rows=20, tbl_cols=12, fmt_str_lengths=40)

SEED = 2022
ds = ig.datasets.congress()
ds

# %%
p = ds.probabilities
p.describe()

# %% [markdown]
# ## Expected spread of every member
#
# Reverse influence sampling estimates every member's spread from one shared sample,
# with a confidence interval per member (`ci_low`, `ci_high`). Spread counts the member
# (`spread ≥ 1`); `outward = spread − 1` is the number of colleagues reached.

# %%
sp = ig.expected_spread(p, users=ds.users["user"], seed=SEED)
spread = sp.table
spread.sort("spread", descending=True).head(10)

# %%
plots.spread_intervals(spread, top=30)

# %% [markdown]
# ## The baselines
#
# `tweets` (activity, recovered by the loader from the weights' denominators),
# in-degree and PageRank on the measured-probability graph, and viral centrality
# (tolerance 1e-3, as in the published figure).

# %%
structural = ig.structural_metrics(ds, graph="given")
vc = ig.viral_centrality(p, users=ds.users["user"])
table = (
    ds.users.select("user", "tweets")
    .join(
        structural.select("user", "in_degree", "out_degree", "out_strength", "pagerank"),
        on="user",
    )
    .join(vc.select("user", "viral_centrality"), on="user")
    .join(spread.select("user", "spread", "outward", "ci_low", "ci_high"), on="user")
)
table.sort("spread", descending=True).head(8)

# %% [markdown]
# In this orientation an edge B → A means content moved from B to A, so a member's
# **out**-degree counts the colleagues who engaged with them. In-degree counts the
# colleagues a member engages with — what a follower-count style ranking would see if the
# graph were read the other way round.

# %%
METRICS = ["tweets", "in_degree", "out_degree", "pagerank", "viral_centrality", "spread"]
cmp = ig.compare_metrics(table, METRICS, k=(10, 50), n_boot=1000, seed=SEED)
cmp.correlations.with_columns(pl.selectors.float().round(3))

# %%
vs_spread = cmp.correlations.filter(pl.col("metric_b") == "spread")
for row in vs_spread.iter_rows(named=True):
    print(f"{row['metric_a']:>17}: Spearman {row['spearman']:+.2f} "
          f"[{row['spearman_low']:+.2f}, {row['spearman_high']:+.2f}], "
          f"Kendall {row['kendall']:+.2f} [{row['kendall_low']:+.2f}, {row['kendall_high']:+.2f}]")

# %%
cmp.plot("heatmap")

# %%
cmp.overlap.with_columns(pl.selectors.float().round(3)).filter(pl.col("metric_b") == "spread")

# %%
cmp.plot("overlap")

# %% [markdown]
# ## Where tweet counts and spread disagree
#
# Members ranked high by how much they tweet and low by how far their content is
# expected to travel, and the other way round — with the spread interval of each.

# %%
cmp.disagreement.filter((pl.col("metric_a") == "tweets") & (pl.col("metric_b") == "spread")).select(
    "user", "rank_a", "rank_b", "value_a", "value_b", "ci_low_b", "ci_high_b", "higher_by"
).head(12)

# %%
plots.rank_rank(table, "tweets", "spread")

# %% [markdown]
# ## Viral centrality against Monte Carlo spread
#
# The weights are small (spectral radius ≈ 0.2), so message passing should be accurate
# here: viral centrality and `outward` should agree up to the sampling error.

# %%
plots.rank_rank(table, "viral_centrality", "outward")

# %%
table.select(
    pl.corr("viral_centrality", "outward", method="spearman").alias("spearman(vc, outward)"),
    (pl.col("viral_centrality") - pl.col("outward")).abs().max().alias("max |vc − outward|"),
)
