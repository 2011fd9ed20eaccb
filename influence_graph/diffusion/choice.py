"""The choice of probabilities behind spread: one path from the graphs to the edge table.

:func:`influence_graph.influence`, :func:`influence_graph.channel_ablation` and
:func:`influence_graph.predictive_validity` all call :func:`spread_probabilities`, so
the same data, method, graph, prior and pooling give the same probabilities in all
three (and a change of rule is made once). These functions trust their arguments:
the public function that received them checked them once (:data:`POOLINGS`,
:data:`SPREAD_GRAPHS`).

Examples
--------
A star: a posts once, b and c retweet it.

>>> import polars as pl
>>> from datetime import datetime, timezone
>>> from influence_graph.io.dataset import make_dataset
>>> from influence_graph.graphs import build_graphs
>>> ds = make_dataset(events=pl.DataFrame({
...     "user": ["a", "b", "c"], "action": ["post", "retweet", "retweet"],
...     "target_user": [None, "a", "a"], "post_id": ["p", "r1", "r2"],
...     "parent_id": [None, "p", "p"],
...     "timestamp": [datetime(2024, 3, 1, h, tzinfo=timezone.utc) for h in (8, 9, 10)]}))
>>> resolve_pooling(ds, "auto")  # the log has post rows: A_u counts posts
'source'
>>> def p(pooling):
...     t = spread_probabilities(build_graphs(ds), "learned", graph="engagement",
...                              prior=(1.0, 49.0),
...                              pooling=pooling)
...     return t["p"].round(3).to_list()
>>> p("edge")  # (1 + 1) / (1 + 50): one post, adopted by each
[0.039, 0.039]
>>> p("auto")  # r_a = (2 + 1) / (1·2 + 50); p = (1 + 50·r_a) / (1 + 50)
[0.076, 0.076]
"""

from __future__ import annotations

import polars as pl

from .._rng import SeedLike
from .._validation import bad_param, require_events
from ..exceptions import InputValidationError
from ..graphs import GRAPHS, InteractionGraphs
from ..io.dataset import Dataset
from .probabilities import probabilities_on

__all__ = [
    "POOLINGS",
    "SPREAD_GRAPHS",
    "EMPIRICAL_PRIOR_POSTS",
    "resolve_pooling",
    "resolve_prior",
    "resolve_spread_graph",
    "spread_probabilities",
]

#: Accepted ``pooling`` values of learned probabilities, the default first.
POOLINGS: tuple[str, ...] = ("auto", "source", "edge")
#: Accepted graphs of spread's probabilities: ``"auto"`` (:func:`resolve_spread_graph`)
#: or one of the graphs of :func:`influence_graph.edge_probabilities`.
SPREAD_GRAPHS: tuple[str, ...] = ("auto", *GRAPHS)
#: Strength (in posts) of the ``prior="empirical"`` Beta prior of learned probabilities.
EMPIRICAL_PRIOR_POSTS = 20.0


def _has_posts(ds: Dataset) -> bool:
    return bool((ds.events["action"].cast(pl.String) == "post").any())


def resolve_spread_graph(ds: Dataset, spread_graph: str, fallback: str = "engagement") -> str:
    """The graph ``"auto"`` means: ``"follower"`` with follows *and* post rows, else ``fallback``.

    The follower graph is the exposure graph of the cascade model (an edge u → v
    where v could see u's posts, adopted or not); the engagement graph keeps only
    pairs where an adoption already happened, so it misses every exposure that did
    not convert. With post rows, source pooling (:func:`resolve_pooling`) lets each
    user's own adoption rate set the scale of their many evidence-free follower
    edges; on the synthetic world this recovers the planted expected spread best of
    the four graph × pooling choices (docs/observed-influence.md). Without post rows
    (Higgs) the per-edge prior would set every follower edge, and nothing was
    measured there, so the engagement graph is kept.

    Examples
    --------
    >>> import influence_graph as ig
    >>> resolve_spread_graph(ig.datasets.synthetic(n_users=100, seed=1), "auto")
    'follower'
    """
    if spread_graph != "auto":
        return spread_graph
    return "follower" if ds.follows is not None and _has_posts(ds) else fallback


def resolve_pooling(ds: Dataset, pooling: str) -> str:
    """The pooling ``"auto"`` stands for on ``ds``: ``"source"`` with post rows, else ``"edge"``.

    Source pooling centres each user's edges on the user's own adoption rate
    K_u / (A_u·d_u); it needs A_u (u's posts) to be a count, which it is only when the
    log has ``post`` rows. Without them (Higgs) A_u is a lower bound (the most
    engagements any one user made on u), the rate is inflated several-fold, and the
    per-edge prior is kept. docs/observed-influence.md has the measurements.
    """
    if pooling != "auto":
        return pooling
    return "source" if _has_posts(ds) else "edge"


def resolve_prior(
    g: InteractionGraphs, graph: str, prior: tuple[float, float] | str | None
) -> tuple[float, float] | None:
    """The Beta (a, b) prior of learned probabilities: a pair, None (the estimator's default).

    ``"empirical"``: the pooled adoption rate r = Σ A_{u→v} / Σ A_u over the edges of
    ``graph`` with evidence, clipped to [1e-4, 0.5] (0.1 when no edge has any), worth
    :data:`EMPIRICAL_PRIOR_POSTS` posts: (r·20, (1 − r)·20) — a prior whose mean is
    what the data show on average.

    Raises
    ------
    InputValidationError
        A string other than ``"empirical"`` (``BAD_PARAM``).
    """
    if not isinstance(prior, str):
        return prior
    if prior != "empirical":
        raise bad_param("prior", prior, "be a pair (a, b), None or 'empirical'")
    ev = probabilities_on(g, "learned", graph=graph).filter(pl.col("posts") > 0)
    n = float(ev["posts"].sum()) if ev.height else 0.0
    rate = float(ev["engagements"].sum()) / n if n > 0 else 0.1
    rate = min(max(rate, 1e-4), 0.5)
    return (rate * EMPIRICAL_PRIOR_POSTS, (1.0 - rate) * EMPIRICAL_PRIOR_POSTS)


def spread_probabilities(
    g: InteractionGraphs,
    method: str,
    *,
    graph: str,
    seed: SeedLike = None,
    prior: tuple[float, float] | str | None = None,
    pooling: str = "auto",
) -> pl.DataFrame:
    """Edge probabilities of the graphs ``g`` on ``graph``: ``source``, ``target``, ``p``.

    Parameters
    ----------
    g : InteractionGraphs
        The graphs of the data set (:func:`influence_graph.build_graphs`).
    method : str
        ``method`` of :func:`influence_graph.edge_probabilities`; ``"given"`` reads
        the data set's measured table whatever ``graph`` is.
    graph : str
        The edges that get a probability; ``"auto"``: :func:`resolve_spread_graph`.
    seed : int, SeedSequence, Generator or None
        Key of the ``trivalency`` draws.
    prior : (float, float), "empirical" or None
        Beta prior of ``learned`` (:func:`resolve_prior`); None: the estimator's
        default.
    pooling : {"auto", "source", "edge"}
        Evidence sharing of ``learned`` (:func:`resolve_pooling`); ignored by other
        methods.

    Returns
    -------
    polars.DataFrame
        ``source``, ``target`` (String), ``p`` (Float64), sorted by (source, target);
        not yet validated (that happens once, in
        :func:`~influence_graph.diffusion.to_probability_graph`).

    Raises
    ------
    InputValidationError
        ``NO_EVENTS``: a method other than ``"given"`` on a data set with measured
        probabilities and no events (Congress); naming ``probabilities='given'``.
    """
    ds = g.dataset
    if method != "given":
        # nothing to learn from while the data set measured its probabilities (Congress):
        # every spread would silently be 1.0
        require_events(ds, needed_for="learn probabilities from", column="probabilities",
                       value=method, hint="use probabilities='given'")
    pooling = resolve_pooling(ds, pooling)
    graph = resolve_spread_graph(ds, graph)
    if method != "learned":
        return probabilities_on(g, method, graph=graph, seed=seed).select("source", "target", "p")
    kw: dict[str, object] = {"pooling": pooling}
    resolved = resolve_prior(g, graph, prior)
    if resolved is not None:
        kw["prior"] = resolved
    out = probabilities_on(g, "learned", graph=graph, **kw)  # type: ignore[arg-type]
    return out.select("source", "target", "p")
