"""The influence table: observed, cascade, structural and expected-spread columns, one row per user.

Examples
--------
A chain a → b → c (b retweets a's post, c retweets b's retweet), then d mentions c:

>>> import polars as pl
>>> from datetime import datetime, timezone
>>> from influence_graph.io.dataset import make_dataset
>>> ds = make_dataset(events=pl.DataFrame({
...     "user": ["a", "b", "c", "d"], "action": ["post", "retweet", "retweet", "mention"],
...     "target_user": [None, "a", "b", "c"], "post_id": ["p", "r1", "r2", None],
...     "parent_id": [None, "p", "r1", None],
...     "timestamp": [datetime(2024, 3, 1, h, tzinfo=timezone.utc) for h in range(4)]}))
>>> tab = influence(ds, probabilities="constant", seed=3)
>>> tab.select("user", "retweets_received", "max_cascade_size", "out_degree").rows()
[('a', 1, 3, 1), ('b', 1, None, 1), ('c', 0, None, 1), ('d', 0, None, 0)]
>>> tab.filter(pl.col("user") == "d").select("spread", "se", "spread_rank").row(0)
(1.0, 0.0, 4)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from ._rng import SeedLike
from ._validation import bad_param, check_choice, check_dataset, check_number
from .diffusion.choice import (
    POOLINGS,
    SPREAD_GRAPHS,
    resolve_pooling,
    resolve_spread_graph,
    spread_probabilities,
)
from .diffusion.options import SpreadOptions, spread_options
from .graphs import GRAPHS, drop_zero, graphs_of, make_weights
from .graphs.credible import credible_dataset
from .io.dataset import Dataset
from .metrics.cascades import CASCADE_USER_COLUMNS, cascades_of, check_cascade_actions
from .metrics.observed import OBSERVED_COLUMNS, observed_influence
from .metrics.structural import baselines

__all__ = [
    "influence",
    "STRUCTURAL_COLUMNS",
    "SPREAD_COLUMNS",
    "DEFENDED_COLUMNS",
    "SPREAD_DEFAULTS",
    "VIRAL_AUTO_MAX_USERS",
]

STRUCTURAL_COLUMNS: tuple[str, ...] = (
    "in_degree",
    "out_degree",
    "in_strength",
    "out_strength",
    "pagerank",
    "coreness",
)
SPREAD_COLUMNS: tuple[str, ...] = (
    "spread",
    "outward",
    "se",
    "ci_low",
    "ci_high",
    "spread_rank",
    "spread_n_samples",
)
DEFENDED_COLUMNS: tuple[str, ...] = (
    "defended_spread",
    "defended_se",
    "defended_low",
    "defended_high",
    "defended_rank",
)
#: With ``viral=None``, viral centrality is computed for data sets up to this many
#: users (or whenever the probabilities were measured, ``probabilities="given"``) ...
VIRAL_AUTO_MAX_USERS = 50_000
#: ... and on larger ones when the spectral radius of the probability matrix is below
#: this: message passing then converges geometrically (and is accurate, Fink et al. 2023).
#: Higgs with learned probabilities: radius 0.55, 9 steps, about 6 s for 304,691 users.
VIRAL_AUTO_MAX_RADIUS = 0.9
_PROB_METHODS = ("learned", "weighted_cascade", "constant", "trivalency", "given")
#: influence()'s own defaults of the spread settings (see :class:`SpreadOptions`).
SPREAD_DEFAULTS: dict[str, Any] = {
    "model": "ic", "rel_error": 0.05, "confidence": 0.95, "top_k": 100,
    "max_seconds": None, "n_jobs": None, "executor": None,
}


def influence(
    ds: Dataset,
    *,
    graph: str = "engagement",
    spread_graph: str = "auto",
    probabilities: str = "learned",
    prior: tuple[float, float] | str | None = None,
    pooling: str = "auto",
    spread: bool = True,
    defended: bool = False,
    model: str = "ic",
    rel_error: float = 0.05,
    confidence: float = 0.95,
    top_k: int | None = 100,
    max_seconds: float | None = None,
    viral: bool | None = None,
    vc_tol: float = 1e-3,
    channel_weights: Mapping[str, float] | None = None,
    platform_weights: Mapping[str, float] | None = None,
    cascade_actions: tuple[str, ...] = ("retweet", "quote"),
    seed: SeedLike = None,
    n_jobs: int | None = None,
    executor: Any = None,
    options: SpreadOptions | None = None,
) -> pl.DataFrame:
    """One table of influence measures, one row per user of ``ds``.

    Observed evidence from the log, cascades, structural baselines on ``graph`` and
    the model's expected spread on edge probabilities estimated from the same data.

    Parameters
    ----------
    ds : Dataset
    graph : {"engagement", "follower", "retweet", "quote", "reply", "mention", "given"}
        Graph of the structural baselines (degrees, strengths, PageRank, coreness);
        also of the edge probabilities when ``spread_graph="auto"`` does not pick the
        follower graph. ``"engagement"`` combines the four channels with
        ``channel_weights``.
    spread_graph : {"auto", "engagement", "follower", "retweet", "quote", "reply", \
"mention", "given"}
        Graph of the edge probabilities behind ``spread`` and ``viral_centrality``.
        ``"auto"`` (default): the **follower graph when the data set has follows and
        post rows**, else ``graph``. The follower graph is the exposure graph of the
        cascade model (v could see u's posts, whether or not v adopted any), while
        the engagement graph keeps only pairs where an adoption already happened;
        with post rows, source pooling (``pooling``) lets each user's own adoption
        rate set the scale of their evidence-free follower edges. Without post rows
        (Higgs) the engagement graph is kept (see Notes for the measurements).
    probabilities : {"learned", "weighted_cascade", "constant", "trivalency", "given"}
        How edge probabilities are obtained (:func:`influence_graph.edge_probabilities`);
        ``"given"`` uses the data set's measured table (Congress).
    prior : (float, float), "empirical" or None
        Beta prior of ``learned`` probabilities: None for the estimator's default
        (Beta(1, 49): mean 0.02, worth 50 posts;
        :data:`influence_graph.diffusion.probabilities.DEFAULT_PRIOR`), a pair
        (a, b), or ``"empirical"`` (the pooled adoption rate of the data, worth 20
        posts; :func:`influence_graph.diffusion.choice.resolve_prior`). On a
        follower graph, where most edges carry no evidence, the prior mean decides
        the spread's scale.
    pooling : {"auto", "source", "edge"}
        How ``learned`` probabilities share evidence
        (:func:`influence_graph.edge_probabilities`). ``"source"``: each user's
        edges share a prior centred on the user's own adoption rate; ``"edge"``: one
        prior for every edge (on a follower graph it outweighs a user's few posts of
        evidence and spread mostly re-ranks follower counts). ``"auto"`` (default):
        ``"source"`` when the log has post rows (A_u counts posts), ``"edge"`` when it
        has none (Higgs: A_u is only a lower bound, the most engagements any one user
        made, and a source rate over it is inflated several-fold; there source
        pooling predicted later cascades worse, Spearman 0.395 vs 0.440 at the 4 July
        split). The same rule as :func:`influence_graph.predictive_validity` and
        :func:`influence_graph.channel_ablation`.
    spread : bool
        Compute expected spread (the slow part); False leaves those columns null.
    defended : bool
        Also compute the **defended score** (``defended_*`` columns; null otherwise):
        the same expected spread, same probability method and seed, on the data set's
        *credible* links only — a follow or engagement counts when the account behind
        it has an audience the source does not already have and is not a pay-back
        inside an engagement pod (:mod:`influence_graph.graphs.credible`). Bought followers, retweet bots and
        sybil rings whose audience is the target's own add nothing to it; compromised
        or collusive real accounts still do (docs: manipulation). Costs one more
        spread estimate. Not available with ``probabilities="given"`` (measured
        probabilities come without the links behind them).
    model, rel_error, confidence, top_k, max_seconds, n_jobs, executor
        Passed to :func:`influence_graph.expected_spread` (IC/LT, precision target,
        time budget, threads, a Dask client); or give them all at once as
        ``options``.
    options : SpreadOptions, optional
        The estimator settings as one checked object
        (:class:`influence_graph.diffusion.SpreadOptions`); the keywords above must
        then stay at their defaults.
    viral : bool or None
        Compute viral centrality on the same probabilities. ``None`` (default): when
        ``probabilities="given"``, when the data set has at most
        :data:`VIRAL_AUTO_MAX_USERS` users, or when the probabilities' spectral radius
        is below :data:`VIRAL_AUTO_MAX_RADIUS` (message passing runs once per user and
        converges slowly near radius 1: weighted cascade on Higgs, radius 1.0, took
        834 s); the columns are null when it is not computed.
    vc_tol : float
        Convergence tolerance of viral centrality (1e-3 = the published value).
    channel_weights : mapping, optional
        Weight per channel (retweet, quote, reply, mention), default 1 each
        (:data:`influence_graph.graphs.DEFAULT_CHANNEL_WEIGHTS`). Weights multiply
        each event's contribution to the engagement graph's strengths and PageRank;
        a weight of 0 removes the channel's events everywhere (observed counts,
        cascades, probabilities, spread).
    platform_weights : mapping, optional
        Weight per ``platform`` value, default 1; same rules as channels.
    cascade_actions : tuple of str
        Actions that adopt content in cascades (:func:`influence_graph.cascades`).
    seed : int, SeedSequence, Generator or None
        Seeds the spread estimator (and trivalency draws).

    Returns
    -------
    polars.DataFrame
        One row per user, sorted by ``user``. Observed (log) columns, higher = more
        influence unless said otherwise:

        - ``retweets_received``, ``quotes_received``, ``replies_received``,
          ``mentions_received``, ``total_engagement`` (Int64, events)
        - ``unique_engagers`` (Int64, users who retweeted, quoted or replied)
        - ``posts`` (Int64, post rows; null when the log has no posts),
          ``engagement_per_post`` (Float64, engagements per post; null when posts are
          unknown or 0)
        - ``audience_reach`` (Int64, users: followers of the user's retweeters; null
          without a follower graph)

        Cascade columns (:func:`influence_graph.cascades`):

        - ``cascades_started`` (Int64, cascades), ``mean_cascade_size`` (Float64,
          users incl. the root), ``max_cascade_size`` (Int64, users),
          ``total_adopters`` (Int64, users), ``max_depth`` (Int64, hops),
          ``structural_virality`` (Float64, mean hops between cascade members of the
          largest cascade); the size/depth/virality columns are null for users who
          started no cascade (virality also for a single-node largest cascade).

        Structural baselines on ``graph`` (:func:`influence_graph.structural_metrics`):

        - ``in_degree`` (Int64, users whose content reached this user — *consumption*,
          not influence), ``out_degree`` (Int64, users this user's content reached)
        - ``in_strength``, ``out_strength`` (Float64, weighted events)
        - ``pagerank`` (Float64, probability mass, sums to 1; computed on the reversed
          graph, so a user whose content many well-ranked users take ranks high)
        - ``coreness`` (Int64, k-core index of the undirected projection)

        Diffusion columns on the edge probabilities:

        - ``viral_centrality`` (Float64, users reached besides the seed, message-passing
          approximation of IC; Fink et al. 2023), ``vc_converged`` (Boolean); null when
          not computed (see ``viral``)
        - ``spread`` (Float64, expected users reached incl. the seed, ≥ 1),
          ``outward`` (Float64, ``spread − 1``), ``se`` (Float64, standard error),
          ``ci_low``, ``ci_high`` (Float64, interval at ``confidence``),
          ``spread_rank`` (UInt32, 1 = largest spread, ties share the lowest rank),
          ``spread_n_samples`` (Int64, RR sets or cascades behind the estimate); null
          when ``spread=False``.
        - ``defended_spread`` (Float64, expected users reached over credible links,
          ≥ 1), ``defended_se``, ``defended_low``, ``defended_high`` (Float64, its
          standard error and interval), ``defended_rank`` (UInt32); null unless
          ``defended=True``.

    Raises
    ------
    InputValidationError
        Bad parameters (``BAD_PARAM``), a graph the data lack (``MISSING_GRAPH``),
        ``probabilities="given"`` on a data set without them (``NO_PROBABILITIES``),
        another method on a data set with measured probabilities and no events to learn
        from (``NO_EVENTS``, :func:`influence_graph.diffusion.choice.spread_probabilities`:
        Congress needs ``probabilities="given"``).

    Notes
    -----
    Every column is one user's value on the whole window of ``ds``. Expected spread
    uses the precision target ``rel_error`` for the ``top_k`` largest users; the
    other users carry wider intervals, which ``se``/``ci_*`` report.

    Defaults of ``spread_graph`` and ``pooling`` (measured on the synthetic world,
    2,000 users, seeds 7 / 1 / 2, model version 2026.11.4; Spearman of ``spread``
    with the planted true expected spread, docs/observed-influence.md): engagement
    graph with the per-edge prior (the defaults before model version 2026.11.2)
    0.638 / 0.608 / 0.644; engagement, source pooling 0.666 / 0.637 / 0.680;
    follower graph, per-edge prior 0.676 / 0.637 / 0.656; **follower graph, source
    pooling (the defaults now) 0.748 / 0.724 / 0.759**, ahead of each other choice
    by 0.07–0.12 with paired bootstrap intervals above 0 at every seed; follower
    counts reach 0.496 / 0.448 / 0.475 and retweets received 0.736 / 0.706 / 0.727.
    On Higgs (no follows, no post rows) both rules keep the earlier choice, so its
    figures are unchanged.
    These defaults change numbers on data with posts or follows, hence
    :data:`influence_graph._version.model_version` 2026.11.2: a score difference
    across model versions is not a change in the user.
    """
    check_dataset("ds", ds)
    check_choice("graph", graph, GRAPHS)
    check_choice("probabilities", probabilities, _PROB_METHODS)
    check_choice("pooling", pooling, POOLINGS)
    check_choice("spread_graph", spread_graph, SPREAD_GRAPHS)
    check_number("vc_tol", vc_tol, low=0.0, high=1.0, low_open=True, high_open=True)
    if not isinstance(defended, bool):
        raise TypeError(f"The 'defended' parameter must be a bool; got {defended!r}")
    if defended and probabilities == "given":
        raise bad_param(
            "defended", defended,
            "be False with probabilities='given': the defended score re-learns "
            "probabilities on the credible links, and measured probabilities come "
            "without them",
        )
    cascade_actions = check_cascade_actions("cascade_actions", cascade_actions)
    opts = spread_options(
        options, SPREAD_DEFAULTS, model=model, rel_error=rel_error, confidence=confidence,
        top_k=top_k, max_seconds=max_seconds, n_jobs=n_jobs, executor=executor,
    )
    weights = make_weights(channel_weights, platform_weights)
    d = drop_zero(ds, weights)
    g = graphs_of(d, weights)
    out = observed_influence(d)
    out = out.join(cascades_of(d, actions=cascade_actions).users, on="user", how="left")
    out = out.join(baselines(g, graph), on="user", how="left")
    # lazy: the estimators load numba and scipy.stats; `import influence_graph` imports
    # this module (ig.influence is also a module name) and must stay fast
    from .diffusion.probability_graph import probability_graph_on
    from .diffusion.spread import expected_spread
    from .diffusion.viral import spectral_radius, viral_centrality

    probs = None
    prob_kwargs = dict(
        graph=resolve_spread_graph(d, spread_graph, fallback=graph),
        seed=seed,
        prior=prior,
        pooling=resolve_pooling(d, pooling),
    )
    if viral is not False or spread:
        table = spread_probabilities(g, probabilities, **prob_kwargs)
        has_edges = table.height > 0
        # validated and indexed once, shared by the spectral radius, viral centrality
        # and the spread estimator
        probs = probability_graph_on(g, table)
    if viral is None:
        viral = probabilities == "given" or ds.n_users <= VIRAL_AUTO_MAX_USERS
        if not viral and probs is not None and has_edges:
            viral = spectral_radius(probs) < VIRAL_AUTO_MAX_RADIUS
    if viral:
        vc = viral_centrality(probs, tol=vc_tol).select(
            "user", "viral_centrality", "vc_converged"
        )
        out = out.join(vc, on="user", how="left")
    else:
        out = out.with_columns(
            viral_centrality=pl.lit(None, pl.Float64), vc_converged=pl.lit(None, pl.Boolean)
        )
    if spread:
        res = expected_spread(probs, seed=seed, **opts.estimator_kwargs())
        sp = res.table.select(
            "user",
            "spread",
            "outward",
            "se",
            "ci_low",
            "ci_high",
            spread_rank="rank",
            spread_n_samples="n_samples",
        )
        out = out.join(sp, on="user", how="left")
    else:
        out = out.with_columns(
            *[
                pl.lit(None, pl.Float64).alias(c)
                for c in ("spread", "outward", "se", "ci_low", "ci_high")
            ],
            spread_rank=pl.lit(None, pl.UInt32),
            spread_n_samples=pl.lit(None, pl.Int64),
        )
    if defended:
        # the same method, graph, pooling and seed on the credible links: the two
        # estimates share their RR-set streams (common random numbers)
        g_def = graphs_of(credible_dataset(d), weights)
        probs_def = probability_graph_on(
            g_def, spread_probabilities(g_def, probabilities, **prob_kwargs)
        )
        dres = expected_spread(probs_def, seed=seed, **opts.estimator_kwargs())
        out = out.join(
            dres.table.select(
                "user",
                defended_spread="spread",
                defended_se="se",
                defended_low="ci_low",
                defended_high="ci_high",
                defended_rank="rank",
            ),
            on="user",
            how="left",
        )
    else:
        out = out.with_columns(
            *[pl.lit(None, pl.Float64).alias(c) for c in DEFENDED_COLUMNS[:-1]],
            defended_rank=pl.lit(None, pl.UInt32),
        )
    cols = [
        "user",
        *OBSERVED_COLUMNS,
        *CASCADE_USER_COLUMNS,
        *STRUCTURAL_COLUMNS,
        "viral_centrality",
        "vc_converged",
        *SPREAD_COLUMNS,
        *DEFENDED_COLUMNS,
    ]
    return out.select(cols).sort("user")
