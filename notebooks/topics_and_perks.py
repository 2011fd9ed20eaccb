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
# # Topics and perks: who is passionate *and* influential about what
#
# The founding complaint of topic scores: a service decided that a travel blogger with
# 80,000 posts, almost none about basketball, was influential about a basketball star —
# one of his posts about the player had gone viral — and sent him a poster. What the
# users asked for: find the topics a person is **both passionate about and influential
# about**, and tie offers to those.
#
# `ig.topic_profile` measures the two separately for every (user, topic) pair:
# **passion** (how much of what the user writes is about the topic, shrunk by empirical
# Bayes so that one post never makes a passion) and **topical influence** (how far a
# post of theirs on the topic moves, under topic-specific probabilities learned from
# that topic's events). `ig.match_topic` asks for both. The engagement baseline
# (`method="engagement"`) is the 2010s rule: re-shares received on any post about the
# topic. The synthetic world plants the answer, including the failure case: one
# **topic expert** per topic, influential in their own topic, with **one viral post on
# another topic**.

# %%
import polars as pl

import influence_graph as ig
from influence_graph.report import plots
from influence_graph.report.plots import NotebookFigure

pl.Config(tbl_rows=12, tbl_cols=12, fmt_str_lengths=90, tbl_width_chars=160)

SEED = 1
ds = ig.datasets.synthetic(n_users=2_000, seed=SEED)
profile = ig.topic_profile(ds, seed=SEED)
profile.select("user", "topic", "posts", "all_posts", "passion", "passion_low",
               "passionate", "topical_spread", "spread_low", "spread_high",
               "cascade_reshares").head(8)

# %% [markdown]
# One row per (user, topic) on which the user posted or engaged. `passion` is the
# posterior mean of the share of the user's posts on the topic (0 when they never
# posted on it, with an upper bound); a user is `passionate` when the lower end of that
# interval is above the share of all posts on the topic. `topical_spread` is the
# expected number of users a post of theirs on the topic reaches (the user counted),
# with its interval.

# %% [markdown]
# ## The planted truth
#
# A user is planted as *passionate and influential about t* when at least half of
# their posts are drawn on `t` **and** their true spread under `t`'s probabilities is
# among the top 5 % of all users (`ds.truth.topic_leaders(t)`). Precision@10 is the
# share of the ten matched users in that set.

# %%
truth = ds.truth
rows = []
for topic in truth.topics:
    planted = set(truth.topic_leaders(topic)["user"])
    for method in ("both", "engagement"):
        top = ig.match_topic(profile, topic, k=10, method=method)["user"].to_list()
        rows.append({"topic": topic, "method": method, "planted users": len(planted),
                     "precision@10": sum(u in planted for u in top) / 10})
precision = pl.DataFrame(rows).pivot("method", index=["topic", "planted users"],
                                     values="precision@10")
precision

# %%
fig = NotebookFigure(figsize=(7, 3.4), layout="constrained")
ax = fig.add_subplot()
x = range(precision.height)
ax.bar([i - 0.2 for i in x], precision["both"], width=0.4, label="match_topic (both)",
       color="#1f77b4")
ax.bar([i + 0.2 for i in x], precision["engagement"], width=0.4,
       label="engagement baseline", color="#d62728", alpha=0.7)
ax.axhline(0.8, color="k", lw=0.8, ls="--")
ax.set_xticks(list(x), precision["topic"].to_list(), rotation=30)
ax.set_ylim(0, 1.05)
ax.set_ylabel("precision@10 vs planted truth")
ax.set_title(f"Synthetic world, seed {SEED}")
ax.legend(fontsize=8, loc="lower right")
fig

# %% [markdown]
# ## The expert with one viral off-topic post
#
# Each planted expert writes almost only about their topic, and once posted on another
# topic a post whose cascade was made to go viral. Counting re-shares (every generation
# credited to the original author, as a retweet counter does), the baseline puts the
# expert at the top of the *other* topic; `match_topic` does not, because one post is
# never a passion, and keeps the expert among the first on their own topic.

# %%
viral = truth.posts.filter(pl.col("viral")).select("user", viral_topic="topic",
                                                   viral_size="size")
experts = (truth.users.filter(pl.col("archetype") == "topic_expert")
           .select("user", own_topic="main_topic").join(viral, on="user"))


def rank_in(topic, user, method):
    full = ig.match_topic(profile, topic, k=10_000, method=method)
    hit = full.filter(pl.col("user") == user)["rank"].to_list()
    return hit[0] if hit else None


experts = experts.with_columns(
    own_rank=pl.struct("own_topic", "user").map_elements(
        lambda r: rank_in(r["own_topic"], r["user"], "both"), return_dtype=pl.Int64),
    viral_rank=pl.struct("viral_topic", "user").map_elements(
        lambda r: rank_in(r["viral_topic"], r["user"], "both"), return_dtype=pl.Int64),
    baseline_viral_rank=pl.struct("viral_topic", "user").map_elements(
        lambda r: rank_in(r["viral_topic"], r["user"], "engagement"), return_dtype=pl.Int64),
)
experts

# %% [markdown]
# `viral_rank` is empty where the expert fails the passion test on the viral post's
# topic (they are not a candidate at all). The rows of one expert on both topics show
# why: a topical spread on the viral topic comparable to their own, but one post of
# theirs there.

# %%
one = experts.row(0, named=True)
profile.filter(pl.col("user") == one["user"],
               pl.col("topic").is_in([one["own_topic"], one["viral_topic"]])).select(
    "topic", "posts", "all_posts", "passion", "passion_low", "passion_high", "passionate",
    "topical_spread", "spread_low", "cascade_reshares")

# %% [markdown]
# ## Passion against topical influence
#
# Each point is a user with a row on the topic. The matched users sit top right; the
# baseline's picks (open squares) include accounts far left — little passion, one big
# cascade.

# %%
topic = one["viral_topic"]
chosen = ig.match_topic(profile, topic, k=10)["user"].to_list()
base = ig.match_topic(profile, topic, k=10, method="engagement")["user"].to_list()
plots.topic_map(profile, topic, chosen=chosen, baseline=base)

# %%
topic = one["own_topic"]
plots.topic_map(profile, topic,
                chosen=ig.match_topic(profile, topic, k=10)["user"].to_list(),
                baseline=ig.match_topic(profile, topic, k=10, method="engagement")["user"]
                .to_list())

# %% [markdown]
# ## Why each match
#
# Every row says, in one sentence, the numbers behind its rank.

# %%
ig.match_topic(profile, one["own_topic"], k=5).select("rank", "user", "score", "why")

# %% [markdown]
# ## A brand's brief
#
# Several topics at once are merged into one: a post on any of them is a post on the
# brief, and the probabilities are learned from all their events.

# %%
ig.match_topic(ds, ["music", "#Film"], k=5, seed=SEED).select("rank", "user", "topic", "why")

# %% [markdown]
# ## A campaign, not a list
#
# Audiences overlap: the ten best individuals may share most of their followers.
# `select_campaign` picks the ten passionate users whose *joint* topical spread is
# largest (IMM on the RR-set sampler, guarantee 1 − 1/e − ε of the best set), and
# reports every pick's marginal gain with its interval, on RR sets independent of the
# ones it chose on; on the same sample, the joint spread of the ten with the largest
# individual spread.

# %%
camp = ig.select_campaign(ds, one["own_topic"], k=10, seed=SEED)
print(f"set: {camp.joint_spread:.1f} [{camp.joint_low:.1f}, {camp.joint_high:.1f}] users; "
      f"the list of the 10 largest individuals: {camp.individual_joint_spread:.1f} "
      f"[{camp.individual_joint_low:.1f}, {camp.individual_joint_high:.1f}]; "
      f"overlap {camp.overlap} of 10; guarantee {camp.guarantee:.3f} (ε = {camp.epsilon})")
camp.table.select("pick", "user", "marginal_gain", "gain_low", "gain_high", "joint_spread",
                  "individual_spread", "in_top_k")

# %% [markdown]
# ## Where it stands
#
# On seeds 1, 2, 3 of this world, and on `ig.datasets.cascade_world` (a world built
# differently: preferential attachment, persuasiveness × susceptibility × topic
# interest), `benchmarks/bench_topics_precision.py` measures every topic; the docs page
# *Topics* has the tables, including where the method falls short.
