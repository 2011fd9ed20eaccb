"""The topic profile: passion and topical influence of every (user, topic) pair, one table.

Examples
--------
>>> import influence_graph as ig
>>> ds = ig.datasets.synthetic(n_users=300, seed=1)
>>> prof = topic_profile(ds, seed=1)
>>> sorted(prof["topic"].unique())[:3]
['film', 'food', 'music']
>>> prof.select((pl.col("passion_low") <= pl.col("passion")).all()).item()
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from .._rng import SeedLike
from .._validation import check_dataset, check_int, check_number
from ..graphs import InteractionGraphs, graphs_of, make_weights
from ..io.dataset import Dataset
from .assign import TopicMapping, check_mapping, event_topics, no_topics_error
from .passion import fold_of, passion_table, passion_test
from .topical import (
    TopicProbabilities,
    cascade_reshares_by_topic,
    observed_by_topic,
    topic_probabilities,
    topical_spread,
)

__all__ = ["topic_profile", "TopicData", "topic_data", "profile_of", "PROFILE_COLUMNS"]

#: The profile's columns, in order (see :func:`topic_profile` for their meaning).
PROFILE_COLUMNS: tuple[str, ...] = (
    "user", "topic", "posts", "all_posts", "topic_share", "passion", "passion_low",
    "passion_high", "lift", "passionate", "reshares_received", "unique_engagers",
    "cascade_reshares", "engagements_made", "topical_spread", "spread_se", "spread_low",
    "spread_high", "spread_n_samples", "reach_low", "topic_items", "topic_adoptions",
    "topic_rate", "rate_low", "all_topic_rate", "topic_susceptibility", "population_share",
    "prior_a", "prior_b", "topic_strength", "receiver_shape",
)


@dataclass(frozen=True)
class TopicData:
    """A data set's graphs with every event's topics resolved (built once, then trusted).

    Attributes
    ----------
    graphs : InteractionGraphs
    events : polars.DataFrame
        ``graphs.events`` plus ``topic`` (List[String]).
    topics : tuple of str
        Every topic some event has, sorted.
    mapping : dict or None
        The checked ``topics=`` mapping.
    """

    graphs: InteractionGraphs
    events: pl.DataFrame
    topics: tuple[str, ...]
    mapping: TopicMapping | None


def topic_data(ds: Dataset, mapping: TopicMapping | None) -> TopicData:
    """Resolve the topics of ``ds``'s events; raise ``NO_TOPICS`` when none has one."""
    g = graphs_of(ds, make_weights(None, None))
    ev = g.events.with_columns(topic=event_topics(g.events, mapping))
    found = ev.select(pl.col("topic").explode().drop_nulls().unique().sort())["topic"].to_list()
    if not found:
        raise no_topics_error(mapping)
    return TopicData(graphs=g, events=ev, topics=tuple(found), mapping=mapping)


def _posts(ev: pl.DataFrame) -> pl.DataFrame:
    act = pl.col("action").cast(pl.String)
    own = ev.filter(act == "post")
    if own.height == 0:  # a log without post rows: what the user puts out is their "posts"
        own = ev.filter(act != "mention")
    return own.select("user", "topic")


def profile_of(
    td: TopicData, *, seed: SeedLike, confidence: float, prior: Any, **estimator: Any
) -> tuple[pl.DataFrame, TopicProbabilities]:
    """The profile on trusted, resolved data (what :func:`topic_profile` returns) and the
    per-topic probabilities behind it.
    """
    from scipy.stats import beta as beta_dist

    topics = list(td.topics)
    passion, priors = passion_table(_posts(td.events), topics=topics, confidence=confidence)
    observed = observed_by_topic(td.events).join(
        cascade_reshares_by_topic(td.graphs, td.events), on=["user", "topic"], how="full",
        coalesce=True,
    )
    probs = topic_probabilities(td.graphs, td.events, topics, prior=prior,
                                confidence=confidence)
    spread = topical_spread(td.graphs, probs, seed=seed, confidence=confidence, **estimator)
    keys = pl.concat([
        passion.filter(pl.col("posts") > 0).select("user", "topic"),
        observed.select("user", "topic"),
    ]).unique()
    shares = passion.group_by("topic").agg(pl.col("population_share").first())
    tab = (
        keys.join(passion.drop("population_share"), on=["user", "topic"], how="left")
        .join(shares, on="topic", how="left")
        .with_columns(pl.col("posts", "all_posts").fill_null(0),
                      pl.col("population_share").fill_null(0.0))
    )
    # users who never posted but engage on the topic: passion 0 with their prior's bound
    nopost = tab.filter(pl.col("prior_a").is_null()).select("user", "topic")
    nopost = nopost.with_columns(fold=fold_of(nopost["user"])).join(
        priors, on=["topic", "fold"], how="left")
    upper = beta_dist.ppf(confidence, nopost["prior_a"].to_numpy(), nopost["prior_b"].to_numpy())
    nopost = nopost.with_columns(passion_high=pl.Series(upper, dtype=pl.Float64))
    tab = tab.update(nopost.select("user", "topic", "fold", "prior_a", "prior_b", "passion_high"),
                     on=["user", "topic"], how="left")
    tab = tab.with_columns(
        passion=pl.col("passion").fill_null(0.0),
        passion_low=pl.col("passion_low").fill_null(0.0),
    ).with_columns(passionate=passion_test(pl.col("passion_low"), pl.col("population_share")))
    strengths = pl.DataFrame(
        {"topic": list(probs.strength), "topic_strength": list(probs.strength.values()),
         "receiver_shape": [probs.receiver_shape[t] for t in probs.strength]},
        schema={"topic": pl.String, "topic_strength": pl.Float64,
                "receiver_shape": pl.Float64},
    )
    tab = (
        tab.join(observed, on=["user", "topic"], how="left")
        .with_columns(pl.col("reshares_received", "unique_engagers", "cascade_reshares",
                             "engagements_made").fill_null(0))
        .join(spread, on=["user", "topic"], how="left")
        .join(probs.evidence, on=["user", "topic"], how="left")
        .with_columns(pl.col("topic_items", "topic_adoptions").fill_null(0))
        .join(strengths, on="topic", how="left")
        .with_columns(
            reach_low=(1.0 + (pl.col("spread_low") - 1.0).clip(lower_bound=0.0)
                       * (pl.col("rate_low") / pl.col("topic_rate")).fill_nan(1.0).fill_null(1.0))
        )
    )
    return tab.select(PROFILE_COLUMNS).sort("user", "topic"), probs


def topic_profile(
    ds: Dataset,
    *,
    topics: Mapping[str, Any] | pl.DataFrame | None = None,
    seed: SeedLike = None,
    confidence: float = 0.95,
    rel_error: float = 0.1,
    top_k: int | None = 20,
    prior: tuple[float, float] | str | None = None,
    n_jobs: int | None = None,
    executor: Any = None,
) -> pl.DataFrame:
    """Who is passionate about what, and how far their content on it moves.

    Parameters
    ----------
    ds : Dataset
        Needs topics: the canonical ``topics`` column (hashtags, labels) or a
        ``topics=`` mapping onto its labels. A follower file makes the spread model's
        exposure graph (as in :func:`influence_graph.influence`).
    topics : mapping or polars.DataFrame, optional
        ``{keyword: topic}`` / ``{keyword: [topics]}`` or a table ``keyword``,
        ``topic``: keywords match labels case-insensitively with ``#`` optional
        (:func:`influence_graph.topics.assign.check_mapping`). None: every label is a
        topic.
    seed : int, SeedSequence, Generator or None
        Seeds the spread estimator; every topic uses the same seed (common random
        numbers across topics).
    confidence : float
        Level of every interval.
    rel_error, top_k : float, int or None
        Precision target of each topic's spread: the ``top_k`` largest users of each
        topic to ``rel_error`` (others get wider intervals, reported).
    prior : (float, float), "empirical" or None
        Beta prior of the learned probabilities (as in :func:`influence_graph.influence`).
    n_jobs, executor
        Threads or a Dask client for the estimator.

    Returns
    -------
    polars.DataFrame
        One row per (user, topic) with a post on the topic or engagement on it
        (given or received), sorted by (user, topic):

        - ``posts`` (Int64): the user's posts on the topic (k); ``all_posts``
          (Int64): all their posts (n), topiced or not
        - ``topic_share`` (Float64): k / n (null when n = 0)
        - ``passion``, ``passion_low``, ``passion_high`` (Float64): empirical-Bayes
          shrunken share and its interval (:mod:`influence_graph.topics.passion`);
          0 with an upper bound when k = 0
        - ``lift`` (Float64): topic_share / population share
        - ``passionate`` (Boolean): ``passion_low > population_share``
        - ``reshares_received``, ``unique_engagers`` (Int64): retweets and quotes of
          the user's content on the topic; distinct users who re-shared or replied to it
        - ``cascade_reshares`` (Int64): adopters of every generation in the cascades
          started by the user's items on the topic (a retweet counter on the original)
        - ``engagements_made`` (Int64): the user's own re-shares and replies of
          content on the topic
        - ``topical_spread`` (Float64, users incl. the seed, ≥ 1), ``spread_se``,
          ``spread_low``, ``spread_high`` (the estimator's interval at
          ``confidence``), ``spread_n_samples`` (Int64, RR sets): expected IC spread
          of a post on the topic under the topic's probabilities
          (:mod:`influence_graph.topics.topical`)
        - ``reach_low`` (Float64, ≥ 1): the pessimistic spread used for ranking,
          ``1 + (spread_low − 1)·rate_low/topic_rate``: the sampling bound scaled by
          the lower credible bound of the user's own topic rate (first order: a
          cascade from the user starts with the user's edges, so its outward part
          scales with their rate), so thin evidence cannot rank on a lucky streak
        - evidence: ``topic_items`` (Int64, the user's items on the topic seen by the
          learner), ``topic_adoptions`` (Int64, adoptions of them), ``topic_rate``,
          ``rate_low`` and ``all_topic_rate`` (Float64, the source's adoption rate per
          exposure on the topic, its lower credible bound, and the rate over all
          topics), ``topic_susceptibility`` (Float64, the user's multiplier as a
          receiver of the topic's content; null for a user with no in-edge)
        - ``population_share`` (π_t over every user); ``prior_a``, ``prior_b``: the
          cross-fitted Beta prior of the user's passion (fitted on the other fold of
          users, :mod:`influence_graph.topics.passion`); ``topic_strength`` (κ_t,
          exposures) of the topic-rate shrinkage and ``receiver_shape`` (c_t) of the
          susceptibility prior

    Raises
    ------
    InputValidationError
        ``NO_TOPICS`` when no event has a topic (naming the ``topics`` column and the
        ``topics=`` mapping); ``BAD_PARAM`` for a malformed mapping (naming the entry)
        or a bad parameter.

    Notes
    -----
    Passion and topical influence are separate columns on purpose: a viral post
    off one's subject raises topical spread on that topic without passion, and a
    user who writes about nothing else may move nobody. :func:`influence_graph.match_topic`
    asks for both.
    """
    check_dataset("ds", ds)
    mapping = check_mapping(topics)
    check_number("confidence", confidence, low=0.0, high=1.0, low_open=True, high_open=True)
    check_number("rel_error", rel_error, low=0.0, low_open=True)
    check_int("top_k", top_k, low=1, allow_none=True)
    check_int("n_jobs", n_jobs, low=1, allow_none=True)
    td = topic_data(ds, mapping)
    tab, _ = profile_of(td, seed=seed, confidence=confidence, prior=prior, model="ic",
                        rel_error=rel_error, top_k=top_k, n_jobs=n_jobs, executor=executor)
    return tab
