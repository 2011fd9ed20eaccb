r"""Topical influence: observed engagement and expected spread under topic-specific probabilities.

**Observed**, per (user, topic): ``reshares_received`` — retweets and quotes of the
user's content on the topic (credited to the exposure source, the author of the
re-shared item, as everywhere in the package); ``unique_engagers`` — distinct users
who retweeted, quoted or replied to it.

**Expected spread per topic.** The edges are those of the spread graph of
:func:`influence_graph.influence` (the follower graph with follows and post rows),
and the all-topic estimate is the one ``influence()`` uses: learned probabilities
with source pooling, ``r_u`` the source's adoption rate per exposure under the
learner's Beta(a, b) prior. Topic ``t``'s evidence is the events about ``t`` only
(:mod:`.assign`): ``n_ut`` items of ``u`` on ``t`` (what each follower was exposed
to), ``K_uv,t`` adoptions by ``v`` of them, ``K_ut = Σ_v K_uv,t`` over ``u``'s
``d_u`` edges and ``E_ut = n_ut·d_u`` exposures. Two levels of shrinkage:

.. math:: r_{ut} = \frac{K_{ut} + \kappa_t\, r_u}{E_{ut} + \kappa_t}, \qquad
          q_{vt} = \frac{c_t + A_{vt}}{c_t + X_{vt}}, \qquad
          p_{uv,t} = \min\Bigl(1,\; \frac{K_{uv,t} + (a+b)\, r_{ut}\, q_{vt}}
          {n_{ut} + a + b}\Bigr)

* **source**: the source's topic rate is pulled towards the source's all-topic rate
  with a strength ``κ_t`` (exposures) that maximises the Beta–Binomial marginal
  likelihood of every source's ``K_ut`` out of ``E_ut`` under
  Beta(κ_t r_u, κ_t(1 − r_u)) — the data of topic ``t`` decide how much a user's
  topic differs from their average; a user with no item on the topic gets
  ``r_ut = r_u``;
* **receiver**: ``v``'s susceptibility to the topic is how many of the topic's
  items reaching ``v`` it adopted, ``A_vt = Σ_u K_uv,t``, against what the source
  rates expect, ``X_vt = Σ_u n_ut r_ut`` over ``v``'s in-edges; the multiplier
  ``q_vt ~ Gamma(c_t, c_t)`` (mean 1) has its shape ``c_t`` fitted by the
  negative-binomial marginal likelihood of every receiver's ``A_vt``
  (:func:`.shrinkage.fit_shape`), so a follower who never adopts the topic's
  content lowers every edge into them in proportion to the evidence (followers
  not interested in a topic do not carry it on), and one without evidence keeps 1;
* **edge**: each edge is pulled towards ``r_ut·q_vt`` exactly as the all-topic
  learner pulls it towards ``r_u`` (prior worth ``a + b`` items).

This is the topic-aware independent cascade of Barbieri, Bonchi & Manco
("Topic-aware social influence propagation models", ICDM 2012) with the per-topic
edge probabilities factorised into a source and a receiver part and estimated by
empirical Bayes instead of EM, so that it is fast and needs no topic count.

(The all-topic rate ``r_u`` contains topic ``t``'s evidence too; as a prior mean it
is used once, a mild pull towards the average the data already favour.)

The rate's uncertainty: ``rate_low`` is the lower ``(1 − confidence)/2`` quantile of
Beta(r_ut·m, (1 − r_ut)·m) with ``m = E_ut + min(κ_t, E_u + a + b)`` exposures: the
topic's own plus the prior's, which cannot be worth more than the all-topic evidence
``E_u`` (+ the learner's prior) that it summarises. The profile's ``reach_low`` uses
it to carry the parameter uncertainty into the ranking (the estimator's interval
holds only the sampling error of spread at fixed probabilities). Spread is
then :func:`influence_graph.expected_spread` (IC, RIS) on each topic's probabilities,
every topic with the **same seed**: RR sets have the same roots and draw from the
same per-RR-set streams, so a user's estimates on two topics share their sampling
noise where the topics' probabilities agree (common random numbers).

Without post rows (``pooling="edge"``) ``r_u`` is the prior mean for everyone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from .._rng import SeedLike
from ..diffusion.choice import resolve_pooling, resolve_prior, resolve_spread_graph
from ..diffusion.probabilities import ADOPTIONS, DEFAULT_PRIOR, adoption_counts, probabilities_on
from ..graphs import InteractionGraphs
from .shrinkage import fit_shape, fit_strength

__all__ = [
    "TopicProbabilities",
    "topic_probabilities",
    "observed_by_topic",
    "cascade_reshares_by_topic",
    "topical_spread",
    "SPREAD_RENAMES",
]

#: Columns of :func:`influence_graph.expected_spread`'s table → the profile's names.
SPREAD_RENAMES: dict[str, str] = {
    "spread": "topical_spread", "se": "spread_se", "ci_low": "spread_low",
    "ci_high": "spread_high", "n_samples": "spread_n_samples",
}


@dataclass(frozen=True)
class TopicProbabilities:
    """Per-topic edge probabilities and the evidence behind them.

    Attributes
    ----------
    tables : dict of str to polars.DataFrame
        Topic → ``source``, ``target``, ``p`` (the spread graph's edges, sorted).
    evidence : polars.DataFrame
        ``user``, ``topic``, ``topic_items`` (n_ut), ``topic_adoptions`` (K_ut),
        ``topic_rate`` (r_ut), ``all_topic_rate`` (r_u) for every source with an
        item or an adoption on the topic, and ``topic_susceptibility`` (q_vt) for
        every receiver on the spread graph.
    strength : dict of str to float
        Topic → fitted κ_t (exposures); NaN when no source has an exposure on the topic.
    receiver_shape : dict of str to float
        Topic → fitted Gamma shape c_t of the receivers' topic susceptibility; NaN
        when no receiver adopted anything on the topic (then every susceptibility is 1).
    graph, pooling : str
        The spread graph and pooling used.
    prior : (float, float)
        The learner's Beta prior (a, b).
    """

    tables: dict[str, pl.DataFrame]
    evidence: pl.DataFrame
    strength: dict[str, float]
    receiver_shape: dict[str, float]
    graph: str
    pooling: str
    prior: tuple[float, float]


def _topic_events(events: pl.DataFrame, topic: str) -> pl.DataFrame:
    return events.filter(pl.col("topic").list.contains(topic))


def _receiver_sums(e: pl.DataFrame) -> pl.DataFrame:
    """Per target: ``A`` (adoptions) and ``X`` (Σ items × topic rate), summed in a fixed order.

    numpy's bincount adds in row order (``e`` is sorted by source, target), so the float
    sums — and the fits on them — give the same bits whatever the input's row order or
    the thread count (a parallel group-by would add partial sums in varying order).
    """
    targets, inverse = np.unique(e["target"].to_numpy(), return_inverse=True)
    n = len(targets)
    adopted = np.bincount(inverse, weights=e["engagements"].to_numpy().astype(np.float64),
                          minlength=n)
    expected = np.bincount(inverse, weights=(e["items"] * e["topic_rate"]).to_numpy(),
                           minlength=n)
    return pl.DataFrame({"target": pl.Series(targets, dtype=pl.String),
                         "A": adopted.round().astype(np.int64), "X": expected})


def topic_probabilities(
    g: InteractionGraphs,
    events: pl.DataFrame,
    topics: Sequence[str],
    *,
    prior: tuple[float, float] | str | None = None,
    confidence: float = 0.95,
) -> TopicProbabilities:
    """Topic-specific IC probabilities on the spread graph (see the module docstring).

    ``events`` are ``g.events`` with a ``topic`` (List[String]) column; trusted.
    """
    from scipy.stats import beta as beta_dist

    tail = (1.0 - confidence) / 2.0
    ds = g.dataset
    graph = resolve_spread_graph(ds, "auto")
    pooling = resolve_pooling(ds, "auto")
    resolved = resolve_prior(g, graph, prior)
    ab = DEFAULT_PRIOR if resolved is None else resolved
    a, b = ab
    base = probabilities_on(g, "learned", graph=graph, prior=ab, pooling=pooling)
    if "source_rate" not in base.columns:
        base = base.with_columns(source_rate=pl.lit(a / (a + b), pl.Float64))
    edges = base.select("source", "target", "source_rate").with_columns(
        degree=pl.len().over("source").cast(pl.Int64)
    )
    # the evidence behind r_u: adoptions over exposures, plus the prior's a + b
    rates = base.group_by("source").agg(
        pl.col("source_rate").first(),
        all_evidence=(pl.col("posts").first() * pl.len() + a + b).cast(pl.Float64),
    )
    tables: dict[str, pl.DataFrame] = {}
    strength: dict[str, float] = {}
    receiver: dict[str, float] = {}
    evidence = []
    for t in topics:
        pair, per_user = adoption_counts(_topic_events(events, t), ADOPTIONS)
        e = (
            edges.join(pair, on=["source", "target"], how="left")
            .join(per_user.select("source", items="posts"), on="source", how="left")
            .with_columns(pl.col("engagements", "items").fill_null(0))
            .with_columns(pl.min_horizontal("engagements", "items").alias("engagements"))
            .sort("source", "target")  # joins do not keep order; float sums below need one
        )
        src = (
            e.group_by("source")
            .agg(pl.col("engagements").sum().alias("K"), pl.col("items", "degree",
                                                                 "source_rate").first())
            .with_columns(E=pl.col("items") * pl.col("degree"))
            .with_columns(pl.min_horizontal("K", "E").alias("K"))
            .sort("source")  # a fixed order: the fit's sums give the same bits every run
        )
        has = src.filter(pl.col("E") > 0)
        kappa = (
            fit_strength(has["K"].to_numpy(), has["E"].to_numpy(),
                         np.clip(has["source_rate"].to_numpy(), 1e-12, 1 - 1e-12))
            if has.height else float("nan")
        )
        strength[t] = kappa
        kap = 0.0 if not np.isfinite(kappa) else kappa
        src = src.join(rates.select("source", "all_evidence"), on="source", how="left")
        src = src.with_columns(
            topic_rate=pl.when(pl.col("E") > 0)
            .then((pl.col("K") + kap * pl.col("source_rate")) / (pl.col("E") + kap))
            .otherwise(pl.col("source_rate")),
            # exposures behind r_ut: the topic's own plus the prior, which cannot be
            # worth more than the all-topic evidence it summarises
            rate_evidence=pl.col("E") + pl.min_horizontal(pl.lit(kap), "all_evidence"),
        )
        lo = beta_dist.ppf(tail, src["topic_rate"] * src["rate_evidence"],
                           (1.0 - src["topic_rate"]) * src["rate_evidence"])
        src = src.with_columns(rate_low=pl.Series(np.nan_to_num(lo), dtype=pl.Float64))
        e = e.join(src.select("source", "topic_rate"), on="source", how="left",
                   maintain_order="left")
        rcv = _receiver_sums(e)
        seen = rcv.filter(pl.col("X") > 0)
        shape = (fit_shape(seen["A"].to_numpy(), seen["X"].to_numpy())
                 if seen.filter(pl.col("A") > 0).height else float("nan"))
        receiver[t] = shape
        c = 0.0 if not np.isfinite(shape) else shape
        rcv = rcv.with_columns(
            susceptibility=pl.when((pl.col("X") > 0) & (c > 0))
            .then((c + pl.col("A")) / (c + pl.col("X")))
            .otherwise(pl.lit(1.0))
        )
        e = e.join(rcv.select("target", "susceptibility"), on="target", how="left")
        tables[t] = e.select(
            "source", "target",
            p=((pl.col("engagements")
                + (a + b) * pl.col("topic_rate") * pl.col("susceptibility"))
               / (pl.col("items") + a + b)).clip(upper_bound=1.0).cast(pl.Float64),
        ).sort("source", "target")
        sus = rcv.select(user="target", topic_susceptibility="susceptibility")
        items_all = per_user.select(user="source", topic_items="posts")
        adopted = pair.group_by("source").agg(topic_adoptions=pl.col("engagements").sum())
        evidence.append(
            items_all.join(adopted.rename({"source": "user"}), on="user", how="full",
                           coalesce=True)
            .join(src.select(user="source", topic_rate="topic_rate", rate_low="rate_low"),
                  on="user", how="left")
            .join(rates.select(user="source", all_topic_rate="source_rate"), on="user",
                  how="left")
            .join(sus, on="user", how="full", coalesce=True)
            .with_columns(pl.col("topic_items", "topic_adoptions").fill_null(0).cast(pl.Int64),
                          topic=pl.lit(t))
            .select("user", "topic", "topic_items", "topic_adoptions", "topic_rate",
                    "rate_low", "all_topic_rate", "topic_susceptibility")
        )
    ev = pl.concat(evidence) if evidence else pl.DataFrame(schema={"user": pl.String,
                                                                    "topic": pl.String})
    return TopicProbabilities(tables=tables, evidence=ev, strength=strength,
                              receiver_shape=receiver, graph=graph,
                              pooling=pooling, prior=(float(a), float(b)))


def observed_by_topic(events: pl.DataFrame) -> pl.DataFrame:
    """Per (user, topic): ``reshares_received``, ``unique_engagers``, ``engagements_made``.

    ``events``: the graphs' exposure-resolved events with a ``topic`` column (trusted).
    ``engagements_made`` counts the user's own retweets, quotes and replies of content
    on the topic (engagement *on* the topic, which gives a row to users who never post).
    """
    act = pl.col("action").cast(pl.String)
    eng = events.filter(
        act.is_in(["retweet", "quote", "reply"]), pl.col("source").is_not_null(),
        pl.col("source") != pl.col("user"),
    ).select("user", "source", "topic", reshare=act.is_in(["retweet", "quote"])).explode(
        "topic").drop_nulls("topic")
    received = eng.group_by(pl.col("source").alias("user"), "topic").agg(
        reshares_received=pl.col("reshare").sum().cast(pl.Int64),
        unique_engagers=pl.col("user").n_unique().cast(pl.Int64),
    )
    made = eng.group_by("user", "topic").agg(engagements_made=pl.len().cast(pl.Int64))
    return received.join(made, on=["user", "topic"], how="full", coalesce=True).with_columns(
        pl.col("reshares_received", "unique_engagers", "engagements_made").fill_null(0)
    )


def cascade_reshares_by_topic(g: InteractionGraphs, events: pl.DataFrame) -> pl.DataFrame:
    """Per (user, topic): ``cascade_reshares``, adopters of every generation in the
    cascades rooted at the user's items on the topic (:func:`influence_graph.cascades`).

    What a retweet counter on the original post shows (on Twitter a retweet of a
    retweet counts for the original), and what the 2010s scores credited to its
    author; ``events`` carry the resolved ``topic`` column.
    """
    from ..metrics.cascades import cascades_of

    res = cascades_of(g.dataset)
    items = (
        events.filter(pl.col("action").cast(pl.String).is_in(["post", "retweet", "quote"]))
        .drop_nulls("post_id")
        .group_by("post_id").agg(pl.col("topic").first())
    )
    return (
        res.cascades.filter(pl.col("size") > 1)
        .join(items, left_on="cascade_id", right_on="post_id", how="inner")
        .select(user="root_user", topic="topic", adopters=pl.col("size") - 1)
        .explode("topic").drop_nulls("topic")
        .group_by("user", "topic").agg(cascade_reshares=pl.col("adopters").sum().cast(pl.Int64))
    )


def topical_spread(
    g: InteractionGraphs, probs: TopicProbabilities, *, seed: SeedLike, **estimator: Any
) -> pl.DataFrame:
    """Expected spread of every user under each topic's probabilities, one seed for all topics.

    Returns ``user``, ``topic``, ``topical_spread``, ``spread_se``, ``spread_low``,
    ``spread_high``, ``spread_n_samples``; ``estimator`` goes to
    :func:`influence_graph.expected_spread`.
    """
    from ..diffusion.probability_graph import probability_graph_on
    from ..diffusion.spread import expected_spread

    parts = []
    for t, table in probs.tables.items():
        res = expected_spread(probability_graph_on(g, table), seed=seed, **estimator)
        parts.append(
            res.table.select("user", pl.lit(t).alias("topic"), *SPREAD_RENAMES)
            .rename(SPREAD_RENAMES)
        )
    if not parts:
        return pl.DataFrame(schema={"user": pl.String, "topic": pl.String})
    return pl.concat(parts)
