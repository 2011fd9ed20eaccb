"""Package and model versions.

``model_version`` changes whenever an algorithm or a default that changes numbers
changes, so a score difference across model versions is never reported as a user's
change.
"""

__all__ = ["__version__", "model_version"]

__version__ = "0.1.0"
# 2026.11.2: influence() and channel_ablation() learn spread's probabilities with
# pooling="auto" (source pooling when the log has posts) on the follower graph when
# the data have follows and posts (docs/observed-influence.md).
# 2026.11.3: Monte Carlo enforces at least R = 1000 cascades per user (was 100), so its
# intervals cover at the minimum (docs/benchmarks.md, coverage); RIS numbers unchanged.
# 2026.11.4: the IC RR-set sampler draws from a packed layout with binomial inversion,
# and every RR set from a random stream of its own (influence_graph/diffusion/_rr_layout.py,
# _kernels.rr_ic_counts): the same distribution, different random draws, so RIS numbers
# move within their intervals.
# 2026.12.1: engagements are credited to the author of the re-shared item when
# parent_id resolves to an item of the log (graphs/exposure.py: logs that name the
# cascade's original author as every re-sharer's target_user now give the same graphs
# and learned probabilities as logs naming the parent's author); PageRank by a
# deterministic power iteration (igraph's PRPACK differed in the last bits between runs).
# Unchanged on the synthetic world, Higgs and Congress.
# 2026.12.2: the defended score also drops an engager that closes a pod (re-shares the
# source and >= 3 of its mutual re-sharers; graphs/credible.py); scores_over_time draws
# edge-keyed coins at one fixed number of RR sets for every window (temporal/over_time.py).
# influence()'s spread and every other estimate are unchanged.
model_version = "2026.12.2"
