"""Edge probabilities: how likely content crosses each edge ``u → v``.

Five schemes: ``constant``, ``weighted_cascade``, ``trivalency``,
``given`` (a data set's measured probabilities) and ``learned`` from the event log
(Goyal, Bonchi & Lakshmanan 2010, with a Beta prior). Every table is validated by
:func:`validate_probabilities`, which the diffusion engine also uses: values outside
[0, 1], NaN, ±inf, missing ids and duplicate edges raise
:class:`~influence_graph.exceptions.InputValidationError`, never a silent fix.

Examples
--------
>>> import polars as pl
>>> edges = pl.DataFrame({"source": ["a", "b", "a"], "target": ["c", "c", "b"]})
>>> edge_probabilities(edges, method="weighted_cascade").rows()
[('a', 'b', 1.0, 1), ('a', 'c', 0.5, 2), ('b', 'c', 0.5, 2)]
"""

from __future__ import annotations

import hashlib

import numpy as np
import polars as pl

from .._rng import SeedLike, as_seed_sequence
from .._validation import bad_param, check_choice, check_number, check_probability
from ..exceptions import Failure, InputValidationError
from . import _probability_rules as rules
from ..graphs import (
    CHANNELS,
    GRAPHS,
    InteractionGraphs,
    as_graphs,
    edge_table,
    missing_graph,
)
from ..io.dataset import Dataset

__all__ = [
    "edge_probabilities",
    "adoption_counts",
    "validate_probabilities",
    "METHODS",
    "DEFAULT_PRIOR",
    "TRIVALENCY_LEVELS",
    "LT_SUM_TOLERANCE",
    "ADOPTIONS",
    "POOLINGS",
]

#: Accepted ``method`` values.
METHODS: tuple[str, ...] = ("constant", "weighted_cascade", "trivalency", "given", "learned")
#: Default Beta(a, b) prior of the learned estimator: mean 0.02, worth 50 pseudo-posts
#: (a 1-of-1 edge gets 2/51 ≈ 0.039). Why this value: docs/probabilities.md.
DEFAULT_PRIOR: tuple[float, float] = (1.0, 49.0)
#: The trivalency levels (Chen, Wang & Wang, KDD 2010).
TRIVALENCY_LEVELS: tuple[float, float, float] = (0.1, 0.01, 0.001)
#: Slack allowed on the LT rule Σ_u b(u, v) ≤ 1 (floating-point sums of 1/k).
LT_SUM_TOLERANCE = 1e-9
#: Actions on someone's content that count as an adoption for ``learned`` (default).
ADOPTIONS: tuple[str, ...] = ("retweet", "quote", "reply")
#: Accepted ``pooling`` values of ``learned``: one prior for every edge, or a prior
#: centred on the source's own adoption rate (partial pooling of u's edges).
POOLINGS: tuple[str, ...] = ("edge", "source")


# --------------------------------------------------------------------------- validation


def validate_probabilities(
    table: pl.DataFrame, *, what: str = "probabilities", model: str = "ic"
) -> pl.DataFrame:
    """Check a probability table and return it with canonical dtypes.

    Parameters
    ----------
    table : polars.DataFrame
        ``source``, ``target`` (String ids) and ``p`` (numeric); other columns are kept.
    what : str
        Name used in error messages (e.g. a file name).
    model : {"ic", "lt"}
        ``"lt"`` also checks the linear-threshold rule Σ_u b(u, v) ≤ 1 for every v
        (with slack :data:`LT_SUM_TOLERANCE` for floating-point sums).

    Returns
    -------
    polars.DataFrame
        The same rows and columns, ``source``/``target`` String and ``p`` Float64.

    Raises
    ------
    InputValidationError
        One error listing every failure (first 50 shown, all counted per rule), with
        1-based ``record`` = row number: ``MISSING_COLUMN``; ``ID_TYPE`` (ids that are
        not strings); ``P_TYPE`` (non-numeric p); ``ID_MISSING`` (null id);
        ``P_MISSING`` (null p); ``P_NAN``; ``P_RANGE`` (p < 0, p > 1 or ±inf);
        ``SELF_LOOP`` (source == target); ``DUP_EDGE_CONFLICT`` (a (source, target)
        pair on several rows with different p) or ``DUP_EDGE`` (identical copies:
        still an error here — deduplicating is the reader's job); ``LT_WEIGHT_SUM``
        (model ``"lt"``: the in-weights of a user sum above 1, naming the user and
        the sum). The rules and codes are those of the diffusion engine's own check
        (:func:`influence_graph.diffusion.to_probability_graph`), except that the
        engine reports every duplicate as ``DUP_EDGE``.

    Examples
    --------
    >>> import polars as pl
    >>> t = pl.DataFrame({"source": ["a", "b"], "target": ["c", "c"], "p": [0.7, 0.6]})
    >>> validate_probabilities(t).height
    2
    >>> validate_probabilities(t, model="lt")
    Traceback (most recent call last):
    ...
    influence_graph.exceptions.InputValidationError: probabilities: column 'p': '1.3' in-weights \
    of user 'c' sum to more than 1 (LT needs Σ_u b(u, v) ≤ 1) [rule=LT_WEIGHT_SUM] ...
    """
    check_choice("model", model, ("ic", "lt"))
    frame = rules.canonical(table, what)
    table = table.with_columns(frame["source"], frame["target"], frame["p"])
    rules.raise_failures(frame, what, conflicts=True)
    failures: list[Failure] = []
    counts: dict[str, int] = {}
    t = frame.with_row_index("_record", offset=1)
    if model == "lt":
        sums = t.group_by("target").agg(pl.col("p").sum().alias("total"), pl.col("_record").min())
        over = sums.filter(pl.col("total") > 1 + LT_SUM_TOLERANCE).sort("target")
        if over.height:
            counts["LT_WEIGHT_SUM"] = over.height
            failures += [
                Failure(
                    rule="LT_WEIGHT_SUM",
                    file=what,
                    column="p",
                    value=f"{r['total']:.6g}",
                    message=f"in-weights of user {r['target']!r} sum to more than 1 "
                    "(LT needs Σ_u b(u, v) ≤ 1)",
                    hint="use weighted_cascade, or normalise the in-weights of these users "
                    "explicitly",
                )
                for r in over.head(50).iter_rows(named=True)
            ]
    if failures:
        raise InputValidationError(failures, counts)
    return table


# --------------------------------------------------------------------------- schemes


def _stable_hash(ids: pl.Series) -> pl.DataFrame:
    """64-bit BLAKE2b hash of each distinct id: stable across runs, platforms, versions."""
    uniq = ids.unique().sort()
    h = [
        int.from_bytes(hashlib.blake2b(s.encode("utf-8"), digest_size=8).digest(), "little")
        for s in uniq
    ]
    return pl.DataFrame({"id": uniq, "h": pl.Series(h, dtype=pl.UInt64)})


def _splitmix(x: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser on a uint64 array (wrap-around arithmetic)."""
    x = x + np.uint64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _trivalency(edges: pl.DataFrame, seed: SeedLike) -> pl.DataFrame:
    key = np.uint64(as_seed_sequence(seed).generate_state(1, dtype=np.uint64)[0])
    hashes = _stable_hash(pl.concat([edges["source"], edges["target"]]))
    e = edges.join(hashes.rename({"id": "source", "h": "_hs"}), on="source", how="left").join(
        hashes.rename({"id": "target", "h": "_ht"}), on="target", how="left"
    )
    with np.errstate(over="ignore"):
        x = _splitmix(
            _splitmix(_splitmix(np.full(e.height, key, dtype=np.uint64)) ^ e["_hs"].to_numpy())
            ^ e["_ht"].to_numpy()
        )
    level = ((x >> np.uint64(32)) * np.uint64(3)) >> np.uint64(32)  # unbiased-enough 0, 1, 2
    p = np.asarray(TRIVALENCY_LEVELS)[level.astype(np.int64)]
    return e.select("source", "target", p=pl.Series(p, dtype=pl.Float64))


def adoption_counts(
    events: pl.DataFrame, adoptions: tuple[str, ...]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A_{u→v} per (source=u, target=v) and A_u with its rule per source u.

    ``events`` carry ``source``, the exposure source of each adoption, resolved once by
    the graphs (``InteractionGraphs.events``): the author of the re-shared item when
    ``parent_id`` resolves, else ``target_user``.
    """
    eng = events.filter(
        pl.col("action").cast(pl.String).is_in(list(adoptions)),
        pl.col("source").is_not_null(),
        pl.col("source") != pl.col("user"),
    ).select("source", target=pl.col("user"), parent=pl.col("parent_id"))
    pair = eng.group_by("source", "target").agg(
        engagements=(pl.col("parent").drop_nulls().n_unique() + pl.col("parent").null_count()).cast(
            pl.Int64
        )
    )
    # A log that credits re-shares to the re-sharer (some engagement's parent_id is the
    # post_id of a retweet or quote) makes u's retweets and quotes posts of u, too.
    reshares = events.filter(
        pl.col("action").cast(pl.String).is_in(["retweet", "quote"])
    ).drop_nulls("post_id")
    credited = bool(reshares.height) and bool(
        events.select(
            pl.col("parent_id").drop_nulls().is_in(reshares["post_id"].implode()).any()
        ).item()
    )
    shared = ["post", "retweet", "quote"] if credited else ["post"]
    posts = events.filter(pl.col("action").cast(pl.String).is_in(shared)).select(
        source=pl.col("user"), pid=pl.col("post_id")
    )
    # any engagement with a parent_id proves that post of its target exists
    engaged = (
        events.filter(
            pl.col("action").cast(pl.String) != "post",
            pl.col("source").is_not_null(),
            pl.col("source") != pl.col("user"),
        )
        .select("source", pid=pl.col("parent_id"))
        .drop_nulls("pid")
    )
    known_ids = pl.concat([posts.drop_nulls("pid"), engaged])
    known = known_ids.group_by("source").agg(known=pl.col("pid").n_unique().cast(pl.Int64))
    anon_posts = (
        posts.filter(pl.col("pid").is_null()).group_by("source").agg(anon=pl.len().cast(pl.Int64))
    )
    has_posts = posts.select("source").unique().with_columns(has_posts=pl.lit(True))
    has_parent = engaged.select("source").unique().with_columns(has_parent=pl.lit(True))
    max_eng = pair.group_by("source").agg(max_engager=pl.col("engagements").max())
    sources = pl.concat([pair.select("source"), posts.select("source")]).unique()
    per_user = (
        sources.join(known, on="source", how="left")
        .join(anon_posts, on="source", how="left")
        .join(has_posts, on="source", how="left")
        .join(has_parent, on="source", how="left")
        .join(max_eng, on="source", how="left")
        .with_columns(
            pl.col("known", "anon", "max_engager").fill_null(0),
            pl.col("has_posts", "has_parent").fill_null(False),
        )
        .select(
            "source",
            posts=pl.max_horizontal(pl.col("known") + pl.col("anon"), pl.col("max_engager")),
            denominator=pl.when(pl.col("has_posts"))
            .then(pl.lit("posts"))
            .when(pl.col("has_parent"))
            .then(pl.lit("engaged_posts"))
            .otherwise(pl.lit("max_engager")),
        )
    )
    return pair, per_user


def _learned(
    edges: pl.DataFrame,
    events: pl.DataFrame,
    prior: tuple[float, float],
    confidence: float,
    adoptions: tuple[str, ...],
    pooling: str = "edge",
) -> pl.DataFrame:
    from scipy.stats import beta as beta_dist

    a, b = prior
    pair, per_user = adoption_counts(events, adoptions)
    e = (
        edges.select("source", "target")
        .join(pair, on=["source", "target"], how="left")
        .join(per_user, on="source", how="left")
        .with_columns(
            pl.col("engagements", "posts").fill_null(0).cast(pl.Int64),
            pl.col("denominator").fill_null("none"),
        )
    )
    if pooling == "source":
        # source rate r_u = (Σ_v A_{u→v} + a) / (A_u · out-degree(u) + a + b): u's
        # adoptions over u's exposures (posts × edges of this graph), under Beta(a, b)
        e = e.with_columns(
            source_rate=(
                (pl.col("engagements").sum().over("source") + a)
                / (pl.col("posts").sum().over("source") + a + b)
            ).cast(pl.Float64)
        )
        r = e["source_rate"].to_numpy()
        a_e, b_e = (a + b) * r, (a + b) * (1.0 - r)
    else:
        a_e = np.full(e.height, a)
        b_e = np.full(e.height, b)
    k = e["engagements"].to_numpy().astype(np.float64)
    n = e["posts"].to_numpy().astype(np.float64)
    alpha = (1.0 - confidence) / 2.0
    lo = beta_dist.ppf(alpha, k + a_e, n - k + b_e) if e.height else np.zeros(0)
    hi = beta_dist.ppf(1.0 - alpha, k + a_e, n - k + b_e) if e.height else np.zeros(0)
    out = e.select(
        "source",
        "target",
        p=pl.Series((k + a_e) / (n + a_e + b_e), dtype=pl.Float64),
        engagements="engagements",
        posts="posts",
        p_low=pl.Series(lo, dtype=pl.Float64),
        p_high=pl.Series(hi, dtype=pl.Float64),
        denominator="denominator",
    )
    return out.with_columns(source_rate=e["source_rate"]) if pooling == "source" else out


def _check_adoptions(adoptions: object) -> tuple[str, ...]:
    allowed = CHANNELS  # the adoptable actions are the engagement channels
    if isinstance(adoptions, str) or not isinstance(adoptions, (tuple, list)) or not adoptions:
        raise bad_param(
            "adoptions", adoptions, "be a non-empty tuple of " + ", ".join(map(repr, allowed))
        )
    for a in adoptions:
        check_choice("adoptions", a, allowed)
    return tuple(dict.fromkeys(adoptions))


def _check_prior(prior: object) -> tuple[float, float]:
    if not isinstance(prior, (tuple, list)) or len(prior) != 2:
        raise bad_param("prior", prior, "be a pair (a, b) of positive numbers")
    a = check_number("prior", prior[0], low=0.0, low_open=True)
    b = check_number("prior", prior[1], low=0.0, low_open=True)
    return float(a), float(b)  # type: ignore[arg-type]


def edge_probabilities(
    data: Dataset | InteractionGraphs | pl.DataFrame,
    method: str = "weighted_cascade",
    *,
    graph: str | None = None,
    p: float = 0.1,
    prior: tuple[float, float] = DEFAULT_PRIOR,
    confidence: float = 0.95,
    adoptions: tuple[str, ...] = ADOPTIONS,
    pooling: str = "edge",
    seed: SeedLike = None,
) -> pl.DataFrame:
    """Transmission probability p(u, v) of every edge ``u → v`` of one graph.

    Parameters
    ----------
    data : Dataset, InteractionGraphs or polars.DataFrame
        Where the edges come from. An edge table needs ``source`` and ``target``.
        ``given`` and ``learned`` need a Dataset (probabilities, events).
    method : {"weighted_cascade", "constant", "trivalency", "given", "learned"}
        The scheme (see Notes).
    graph : {"follower", "engagement", "retweet", "quote", "reply", "mention", "given"}, optional
        Which edges get a probability. Default: ``"follower"`` when the data have a
        follower graph, else ``"engagement"`` (retweet, quote, reply and mention edges
        combined). Ignored for ``method="given"`` and for an edge table.
    p : float
        The probability of ``constant``.
    prior : (float, float)
        Beta(a, b) prior of ``learned``; default (1, 49): mean 0.02, worth 50 posts,
        so a 1-of-1 edge gets 2/51 ≈ 0.039 and users with many posts are scored
        on their own evidence.
    confidence : float
        Level of the ``p_low``/``p_high`` interval of ``learned``.
    adoptions : tuple of str
        Actions that count as v adopting u's post for ``learned``; any of
        ``"retweet"``, ``"quote"``, ``"reply"``, ``"mention"``. Default: retweet,
        quote and reply (Goyal, Bonchi & Lakshmanan 2010). ``("retweet", "quote")`` counts re-shares
        only (see docs/probabilities.md for how the two compare).
    pooling : {"edge", "source"}
        How ``learned`` shares evidence between the edges of one source. ``"edge"``
        (default): every edge has the same Beta(a, b) prior, so on a graph where most
        edges carry no engagement (a follower graph) the prior, not the data, sets
        each user's total out-probability. ``"source"``: partial pooling — u's edges
        share a prior centred on u's own adoption rate (see Notes), so what u's
        followers did with u's posts moves all of u's edges.
    seed : int, SeedSequence, Generator or None
        Key of the ``trivalency`` draws.

    Returns
    -------
    polars.DataFrame
        One row per edge, sorted by (``source``, ``target``): ``source``, ``target``
        (String), ``p`` (Float64 in [0, 1]), then the evidence of the method:

        - ``constant``, ``trivalency``: none.
        - ``weighted_cascade``: ``in_degree`` (Int64), distinct in-neighbours of the target.
        - ``given``: any extra columns of the data set's table.
        - ``learned``: ``engagements`` (Int64, A_{u→v}: distinct posts of u that v
          retweeted, quoted or replied to), ``posts`` (Int64, A_u), ``p_low``,
          ``p_high`` (Float64, equal-tailed Beta posterior interval at ``confidence``)
          and ``denominator`` (String: how A_u was obtained — ``posts``,
          ``engaged_posts``, ``max_engager`` or ``none``); with
          ``pooling="source"`` also ``source_rate`` (Float64, r_u, see Notes).

    Raises
    ------
    InputValidationError
        ``BAD_PARAM`` (unknown method or graph, p outside [0, 1], bad prior, a method
        that needs a Dataset), ``MISSING_GRAPH`` (no such graph in the data),
        ``NO_PROBABILITIES`` (``given`` on a data set without measured p), and the
        rules of :func:`validate_probabilities` for a bad ``given`` table.

    Examples
    --------
    >>> import polars as pl
    >>> e = pl.DataFrame({"source": ["a", "a"], "target": ["b", "c"]})
    >>> edge_probabilities(e, "constant", p=0.2)["p"].to_list()
    [0.2, 0.2]
    >>> t = edge_probabilities(e, "trivalency", seed=1)
    >>> same = t.equals(edge_probabilities(e.reverse(), "trivalency", seed=1))
    >>> set(t["p"]) <= {0.1, 0.01, 0.001}, same
    (True, True)

    Notes
    -----
    - ``constant``: p for every edge.
    - ``weighted_cascade``: 1/indeg(v) (Kempe, Kleinberg & Tardos 2003); in-weights
      of every user sum to 1, so these are also valid LT weights.
    - ``trivalency``: a uniform draw from {0.1, 0.01, 0.001} keyed on
      (seed, BLAKE2b(source), BLAKE2b(target)) through SplitMix64: reproducible for a
      seed, independent of row order and of the other edges.
    - ``given``: the data set's measured table, validated, never repaired.
    - ``learned``: the Bernoulli estimate of Goyal, Bonchi & Lakshmanan (2010),
      A_{u→v}/A_u, smoothed by the Beta(a, b) prior to the posterior mean
      (A_{u→v} + a)/(A_u + a + b), with the Beta(A_{u→v} + a, A_u − A_{u→v} + b)
      interval. A_{u→v} counts distinct ``parent_id`` values of v's retweets,
      quotes and replies of u (``adoptions``; each event without ``parent_id``
      counts as one post). A_u = max(|u's post ids ∪ parent ids engaged with on u|
      (+ post rows without id), max_v A_{u→v}), so A_u ≥ A_{u→v} always; u's
      retweets and quotes are posts of u when the log credits re-shares to the
      re-sharer (some ``parent_id`` is a retweet's or quote's ``post_id``).
      ``denominator`` says which evidence there was: ``posts`` (u has post rows),
      ``engaged_posts`` (no post
      rows; only posts someone engaged with are known — a lower bound),
      ``max_engager`` (no posts and no parent ids, e.g. Higgs: A_u = the most
      engagements any one user made on u, the fewest posts consistent with the log
      since a user retweets a post at most once — a lower bound, so p is biased
      upward) or ``none`` (no evidence: p = a/(a + b), the prior mean). By
      default mentions name a handle, not a post, and do not count.
      See docs/probabilities.md.
    - ``learned`` with ``pooling="source"`` (two-level empirical Bayes): u's rate
      r_u = (Σ_v A_{u→v} + a)/(A_u·d_u + a + b), d_u = u's out-edges in the graph
      (u's adoptions per exposure, under the Beta(a, b) prior); each edge then gets
      the prior Beta((a + b)·r_u, (a + b)·(1 − r_u)): p = (A_{u→v} + (a + b)·r_u)/
      (A_u + a + b), interval from Beta(A_{u→v} + (a + b)·r_u, A_u − A_{u→v} +
      (a + b)·(1 − r_u)). A source without evidence gets r_u = a/(a + b), the same
      p as ``"edge"``. On the synthetic world (posts known, follower graph) it
      out-predicts the per-edge prior; docs/probabilities.md has the comparison.

    References
    ----------
    Goyal, Bonchi & Lakshmanan (2010), "Learning influence probabilities in social
    networks", WSDM. Kempe, Kleinberg & Tardos (2003), KDD. Chen, Wang & Wang (2010), KDD.
    """
    check_choice("method", method, METHODS)
    if graph is not None:
        check_choice("graph", graph, GRAPHS)
    if method in ("given", "learned") and not isinstance(data, (Dataset, InteractionGraphs)):
        raise bad_param("data", type(data).__name__, f"be a Dataset for method={method!r}")
    if method == "constant":
        p = check_probability("p", p)
    if method == "learned":
        prior = _check_prior(prior)
        adoptions = _check_adoptions(adoptions)
        check_choice("pooling", pooling, POOLINGS)
        confidence = check_number(
            "confidence", confidence, low=0.0, high=1.0, low_open=True, high_open=True
        )  # type: ignore[assignment]
    g = as_graphs(data)
    if method in ("given", "learned") and g.dataset is None:
        raise bad_param("data", type(data).__name__, f"be a Dataset for method={method!r}")
    if graph is None:
        graph = "follower" if g.edge_list is None and "follower" in g.layers else "engagement"
    out = probabilities_on(
        g, method, graph=graph, p=p, prior=prior, confidence=confidence,
        adoptions=adoptions, pooling=pooling, seed=seed,
    )
    what = f"{g.dataset.name} probabilities" if method == "given" else f"{method} probabilities"
    return validate_probabilities(out, what=what)


def probabilities_on(
    g: InteractionGraphs,
    method: str,
    *,
    graph: str,
    p: float = 0.1,
    prior: tuple[float, float] = DEFAULT_PRIOR,
    confidence: float = 0.95,
    adoptions: tuple[str, ...] = ADOPTIONS,
    pooling: str = "edge",
    seed: SeedLike = None,
) -> pl.DataFrame:
    """:func:`edge_probabilities` on trusted input: checked graphs and options.

    Returns the table unvalidated: the pipeline validates it once, when it becomes a
    :class:`~influence_graph.diffusion.ProbabilityGraph`.
    """
    if method == "given":
        ds = g.dataset
        table = ds.probabilities
        if table is None:
            raise InputValidationError.single(
                "NO_PROBABILITIES",
                f"data set {ds.name!r} has no measured probabilities",
                column="method",
                value="given",
                hint="choose method='learned', 'weighted_cascade', 'trivalency' or 'constant'",
            )
        return table.sort("source", "target")
    edges = edge_table(g, graph)
    if edges is None:
        raise missing_graph(graph)
    edges = edges.select("source", "target")
    if method == "constant":
        out = edges.with_columns(p=pl.lit(p, dtype=pl.Float64))
    elif method == "weighted_cascade":
        indeg = edges.group_by("target").agg(in_degree=pl.len().cast(pl.Int64))
        out = edges.join(indeg, on="target", how="left").select(
            "source",
            "target",
            p=(1.0 / pl.col("in_degree")).cast(pl.Float64),
            in_degree="in_degree",
        )
    elif method == "trivalency":
        out = _trivalency(edges, seed)
    else:
        out = _learned(edges, g.events, prior, confidence, adoptions, pooling)
    return out.sort("source", "target")
