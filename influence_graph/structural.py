"""Structural baselines: degree, strength, PageRank, coreness and viral centrality.

These are the scores that papers and commercial tools compute from the shape of a
graph alone. They sit beside expected spread so that a researcher can see where
structure and diffusion agree. Every table has one row per user of the Dataset.

Direction follows DESIGN.md: an edge ``u → v`` means content moved from u to v
(follower graph: followee → follower; retweet: author → retweeter; mention:
mentioned → mentioner).

Examples
--------
>>> import polars as pl
>>> p = pl.DataFrame({"source": ["a", "b"], "target": ["b", "c"], "p": [0.5, 0.5]})
>>> viral_centrality(p)["viral_centrality"].round(3).to_list()
[0.75, 0.5, 0.0]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import polars as pl

from ._validation import bad_param, check_choice, check_int, check_number
from .exceptions import EstimatorError, InputValidationError

__all__ = [
    "structural_metrics",
    "viral_centrality",
    "spectral_radius",
    "GRAPHS",
    "LAYERS",
    "STRUCTURAL_SCHEMA",
]

#: Single graph layers, in DESIGN.md order.
LAYERS: tuple[str, ...] = ("follower", "retweet", "quote", "reply", "mention")
#: Engagement layers combined by ``graph="engagement"``.
ENGAGEMENT_LAYERS: tuple[str, ...] = ("retweet", "quote", "reply", "mention")
#: Every accepted ``graph`` value: a layer, the combined engagement graph, or the data
#: set's measured probability edges (``"given"``, weight = p).
GRAPHS: tuple[str, ...] = ("engagement", *LAYERS, "given")

_EDGE_SCHEMA = {"source": pl.String(), "target": pl.String(), "weight": pl.Float64()}

#: Columns and dtypes of :func:`structural_metrics`.
STRUCTURAL_SCHEMA: dict[str, pl.DataType] = {
    "user": pl.String(),
    "in_degree": pl.Int64(),
    "out_degree": pl.Int64(),
    "in_strength": pl.Float64(),
    "out_strength": pl.Float64(),
    "pagerank": pl.Float64(),
    "coreness": pl.Int64(),
}


# --------------------------------------------------------------------------- edges


def _is_dataset(data: Any) -> bool:
    from .dataset import Dataset

    return isinstance(data, Dataset)


def _is_graphs(data: Any) -> bool:
    return hasattr(data, "edges") and hasattr(data, "users") and hasattr(data, "follower")


def _universe(data: Any) -> pl.Series:
    """Return the sorted user universe of a Dataset, an InteractionGraphs or an edge table."""
    if _is_dataset(data) or _is_graphs(data):
        return data.users["user"].cast(pl.String).sort()
    if isinstance(data, pl.DataFrame):
        return (
            pl.concat([data["source"], data["target"]])
            .cast(pl.String)
            .unique()
            .sort()
            .rename("user")
        )
    raise TypeError(
        "data must be an influence_graph Dataset, an InteractionGraphs or a polars DataFrame "
        f"with source and target columns; got {type(data).__name__}"
    )


def _aggregate(edges: pl.DataFrame) -> pl.DataFrame:
    """Collapse repeated (source, target) pairs (weights summed), drop self-loops and nulls."""
    return (
        edges.filter(
            pl.col("source").is_not_null(),
            pl.col("target").is_not_null(),
            pl.col("source") != pl.col("target"),
        )
        .group_by("source", "target")
        .agg(pl.col("weight").sum())
        .sort("source", "target")
    )


def _dataset_layer(ds: Any, layer: str) -> pl.DataFrame | None:
    if layer == "follower":
        if ds.follows is None:
            return None
        return ds.follows.select(
            source=pl.col("followee"), target=pl.col("follower"), weight=pl.lit(1.0)
        )
    ev = ds.events.filter(pl.col("action").cast(pl.String) == layer)
    return ev.select(source=pl.col("target_user"), target=pl.col("user"), weight=pl.lit(1.0))


def _graphs_layer(g: Any, layer: str) -> pl.DataFrame | None:
    if getattr(g, layer, None) is None:
        return None
    e = g.edges(layer)
    if "weight" not in e.columns:
        e = e.with_columns(weight=pl.lit(1.0))
    return e.select(
        pl.col("source").cast(pl.String),
        pl.col("target").cast(pl.String),
        pl.col("weight").cast(pl.Float64),
    )


def _edge_table(data: Any, graph: str) -> pl.DataFrame | None:
    """Edges ``(source, target, weight)`` of one graph, aggregated, self-loops dropped.

    ``weight`` counts events (engagement layers; summed over layers for
    ``"engagement"``) or follow links (1 each), or is the measured p (``"given"``).
    Returns ``None`` when the data lack that graph (no follower table, no probabilities).
    """
    check_choice("graph", graph, GRAPHS)
    if isinstance(data, pl.DataFrame):
        from ._validation import check_columns

        check_columns(data, ["source", "target"], what="edges")
        wcol = "weight" if "weight" in data.columns else ("p" if "p" in data.columns else None)
        w = pl.col(wcol).cast(pl.Float64) if wcol else pl.lit(1.0)
        return _aggregate(
            data.select(
                pl.col("source").cast(pl.String), pl.col("target").cast(pl.String), weight=w
            )
        )
    if graph == "given":
        probs = getattr(data, "probabilities", None)
        if probs is None:
            return None
        return _aggregate(probs.select("source", "target", weight=pl.col("p").cast(pl.Float64)))
    layer_of = _dataset_layer if _is_dataset(data) else _graphs_layer
    if not (_is_dataset(data) or _is_graphs(data)):
        _universe(data)  # raises the TypeError
    layers = ENGAGEMENT_LAYERS if graph == "engagement" else (graph,)
    parts = [e for e in (layer_of(data, name) for name in layers) if e is not None]
    if not parts:
        if graph == "engagement":
            return pl.DataFrame(schema=_EDGE_SCHEMA)
        return None
    return _aggregate(pl.concat(parts))


def _missing_graph(graph: str) -> InputValidationError:
    return InputValidationError.single(
        "MISSING_GRAPH",
        f"the data have no {graph!r} graph",
        column="graph",
        value=graph,
        hint="choose graph='engagement' or a layer the data set has",
    )


def _codes(users: pl.Series, edges: pl.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes (positions in the sorted ``users``) of each edge's endpoints."""
    index = pl.DataFrame(
        {"user": users, "_i": pl.int_range(users.len(), dtype=pl.Int64, eager=True)}
    )
    coded = (
        edges.with_row_index("_row")
        .join(index.rename({"user": "source", "_i": "_s"}), on="source", how="left")
        .join(index.rename({"user": "target", "_i": "_t"}), on="target", how="left")
        .sort("_row")
    )
    if coded["_s"].null_count() or coded["_t"].null_count():
        bad = coded.filter(pl.col("_s").is_null() | pl.col("_t").is_null()).row(0, named=True)
        who = bad["source"] if bad["_s"] is None else bad["target"]
        raise InputValidationError.single(
            "UNKNOWN_USER",
            "edge endpoint is not in the user universe",
            record=int(bad["_row"]) + 1,
            column="source" if bad["_s"] is None else "target",
            value=str(who),
        )
    return coded["_s"].to_numpy().astype(np.int64), coded["_t"].to_numpy().astype(np.int64)


# --------------------------------------------------------------------------- structural


def structural_metrics(
    data: Any,
    *,
    graph: str = "engagement",
    damping: float = 0.85,
    weights: str | None = "weight",
) -> pl.DataFrame:
    """Degree, strength, PageRank and coreness of every user on one graph.

    Parameters
    ----------
    data : Dataset, InteractionGraphs or polars.DataFrame
        A Dataset (edges built from its tables), the graphs of
        :func:`influence_graph.build_graphs`, or an edge table with ``source``,
        ``target`` and optionally ``weight`` (else ``p``, else 1 per edge).
    graph : {"engagement", "follower", "retweet", "quote", "reply", "mention", "given"}
        Which edges. ``"engagement"`` sums the retweet, quote, reply and mention
        layers (each event weighs 1); ``"given"`` uses the data set's measured
        probabilities as weights (Congress). Ignored for an edge table.
    damping : float
        PageRank damping factor in [0, 1).
    weights : {"weight", None}
        Use edge weights in PageRank (``"weight"``) or treat every edge alike (``None``).
        Strength always sums weights.

    Returns
    -------
    polars.DataFrame
        One row per user (sorted), columns:

        - ``user`` (String)
        - ``in_degree`` (Int64): distinct users whose content reached this user
          (follower graph: accounts the user follows; engagement: users it engaged with).
        - ``out_degree`` (Int64): distinct users this user's content reached
          (follower graph: followers; engagement: distinct engagers, mentioners included).
        - ``in_strength``, ``out_strength`` (Float64): the same, summing edge weights
          (events, follow links, or p for ``"given"``).
        - ``pagerank`` (Float64, sums to 1): PageRank on the **reversed** graph, so
          attention flows from the receiver back to the source of content and
          sources that many (well-ranked) users take content from rank high.
        - ``coreness`` (Int64): k-core index on the undirected simple projection
          (an edge in either direction counts once; weights ignored).

    Raises
    ------
    InputValidationError
        ``BAD_PARAM`` for an unknown ``graph``/``weights`` or a damping outside [0, 1);
        ``MISSING_GRAPH`` when the data lack the chosen graph.

    Examples
    --------
    >>> import polars as pl
    >>> star = pl.DataFrame({"source": ["hub"] * 3, "target": ["a", "b", "c"]})
    >>> m = structural_metrics(star)
    >>> m.select("user", "out_degree", "coreness").rows()
    [('a', 0, 1), ('b', 0, 1), ('c', 0, 1), ('hub', 3, 1)]
    >>> m.filter(pl.col("user") == "hub")["pagerank"].round(3).item()
    0.542

    Notes
    -----
    With ``u → v`` = content moved from u to v, a retweet or a follow is v's
    endorsement of u. PageRank's random surfer must therefore walk from v to u —
    the reversed graph — for a user whose content many users take to rank high.
    On the unreversed graph PageRank would reward *consumers* of content.
    Users with no out-edge in the reversed graph (they took no one's content)
    teleport uniformly (igraph's PRPACK default). Computed with python-igraph.

    References
    ----------
    Brin & Page (1998), "The anatomy of a large-scale hypertextual web search engine".
    Batagelj & Zaversnik (2003), "An O(m) algorithm for cores decomposition of networks".
    """
    import igraph

    check_choice("graph", graph, GRAPHS)
    check_number("damping", damping, low=0.0, high=1.0, high_open=True)
    if weights is not None:
        check_choice("weights", weights, ("weight",))
    users = _universe(data)
    edges = _edge_table(data, graph)
    if edges is None:
        raise _missing_graph(graph)
    n = users.len()
    src, tgt = _codes(users, edges)
    w = edges["weight"].to_numpy().astype(np.float64)

    in_deg = np.bincount(tgt, minlength=n)
    out_deg = np.bincount(src, minlength=n)
    in_str = np.bincount(tgt, weights=w, minlength=n)
    out_str = np.bincount(src, weights=w, minlength=n)

    pr = pagerank(tgt, src, w if weights else np.ones_like(w), n, damping)
    pair = np.unique(np.minimum(src, tgt) * max(n, 1) + np.maximum(src, tgt))
    und = igraph.Graph(n=n, directed=False)
    und.add_edges(np.ascontiguousarray(np.column_stack([pair // max(n, 1), pair % max(n, 1)])))
    core = np.asarray(und.coreness(), dtype=np.int64)
    return pl.DataFrame(
        {
            "user": users,
            "in_degree": in_deg.astype(np.int64),
            "out_degree": out_deg.astype(np.int64),
            "in_strength": in_str.astype(np.float64),
            "out_strength": out_str.astype(np.float64),
            "pagerank": pr.astype(np.float64),
            "coreness": core,
        },
        schema=STRUCTURAL_SCHEMA,
    )


def pagerank(
    src: np.ndarray, tgt: np.ndarray, w: np.ndarray, n: int, damping: float, *, tol: float = 1e-13
) -> np.ndarray:
    """PageRank of the graph ``src → tgt`` (weights ``w``) by power iteration, bit-reproducible.

    A surfer at u follows an out-edge with probability ``damping`` (chosen in
    proportion to its weight) and teleports uniformly otherwise; users without
    out-edges teleport uniformly (igraph's PRPACK convention). Computed with
    sequential sums (``numpy.bincount``), so the result is the same to the last bit on
    every run: igraph's PRPACK solver sums in parallel threads and differs in the last
    digits from run to run. Stops when the L1 change per step is below ``tol`` (or
    after 100,000 steps).

    Examples
    --------
    >>> import numpy as np
    >>> pagerank(np.array([0, 1, 2]), np.array([1, 2, 0]), np.ones(3), 3, 0.85).round(6)
    array([0.333333, 0.333333, 0.333333])
    """
    if n == 0:
        return np.zeros(0)
    out_w = np.bincount(src, weights=w, minlength=n)
    dangling = out_w <= 0
    share = np.divide(w, out_w[src], out=np.zeros_like(w), where=out_w[src] > 0)
    x = np.full(n, 1.0 / n)
    for _ in range(100_000):
        moved = np.bincount(tgt, weights=x[src] * share, minlength=n)
        leak = (1.0 - damping) + damping * float(x[dangling].sum())
        y = damping * moved + leak / n
        y /= y.sum()
        done = float(np.abs(y - x).sum()) < tol
        x = y
        if done:
            break
    return x


# --------------------------------------------------------------------------- viral centrality


def _probability_csr(
    probabilities: pl.DataFrame, users: Sequence[str] | pl.Series | pl.DataFrame | None
) -> tuple[pl.Series, np.ndarray, np.ndarray, np.ndarray]:
    """Validate a probability table and return (users, indptr, targets, p) by source.

    Uses the diffusion engine's :func:`~influence_graph.diffusion.to_probability_graph`,
    so viral centrality accepts and rejects exactly the tables ``expected_spread`` does.
    """
    from .diffusion._csr import to_probability_graph

    if isinstance(users, pl.DataFrame):
        users = users["user"]
    g = to_probability_graph(probabilities, users=users)
    return (
        g.users,
        np.asarray(g.out_indptr, dtype=np.int64),
        np.asarray(g.out_indices, dtype=np.int64),
        np.asarray(g.out_p, dtype=np.float64),
    )


def spectral_radius(
    probabilities: pl.DataFrame,
    *,
    users: Sequence[str] | pl.Series | None = None,
    beta: float = 1.0,
) -> float:
    """Leading eigenvalue (spectral radius) of the weighted adjacency β·P.

    Viral centrality (message passing) ignores correlations between paths, so it is
    exact on trees and accurate when cycles are weak, i.e. when this value is well
    below 1 (≈ 0.21 on the Congress network).

    Parameters
    ----------
    probabilities : polars.DataFrame or ProbabilityGraph
        ``source``, ``target``, ``p`` (validated as in :func:`viral_centrality`).
    users : sequence of str, optional
        Extra users (isolated users do not change the value).
    beta : float
        Multiplier of every p.

    Returns
    -------
    float
        ρ(β·P) ≥ 0; 0 for a graph without cycles. Computed per strongly connected
        component (dense eigenvalues up to 64 users, ARPACK above).

    Raises
    ------
    EstimatorError
        ARPACK failed to converge on a block of more than 5000 users.

    Examples
    --------
    >>> import polars as pl
    >>> cyc = pl.DataFrame({"source": ["a", "b"], "target": ["b", "a"], "p": [0.5, 0.5]})
    >>> round(spectral_radius(cyc), 6)
    0.5
    """
    import scipy.sparse as sp
    from scipy.sparse.csgraph import connected_components

    beta = check_number("beta", beta, low=0.0, low_open=True)  # type: ignore[assignment]
    universe, indptr, tgt, p = _probability_csr(probabilities, users)
    n = universe.len()
    keep = p > 0
    if n == 0 or not keep.any():
        return 0.0
    a = sp.csr_matrix((beta * p, tgt, indptr), shape=(n, n))
    a.eliminate_zeros()
    # ρ(A) is the largest ρ over the strongly connected components (block-triangular form);
    # singletons carry no cycle (self-loops are refused), so a DAG gives 0.
    n_comp, label = connected_components(a, directed=True, connection="strong")
    sizes = np.bincount(label, minlength=n_comp)
    best = 0.0
    for comp in np.flatnonzero(sizes > 1):
        idx = np.flatnonzero(label == comp)
        sub = a[idx][:, idx]
        best = max(best, _perron_root(sub))
    return float(best)


def _perron_root(sub: Any) -> float:
    """Spectral radius of one irreducible non-negative sparse block."""
    m = sub.shape[0]
    if m <= 64:
        return float(np.max(np.abs(np.linalg.eigvals(sub.toarray()))))
    from scipy.sparse.linalg import ArpackNoConvergence, eigs

    try:
        vals = eigs(
            sub, k=1, which="LM", return_eigenvectors=False, tol=1e-12, maxiter=max(1000, 20 * m)
        )
        return float(np.max(np.abs(vals)))
    except ArpackNoConvergence:  # pragma: no cover - ARPACK rarely fails on these blocks
        if m <= 5000:
            return float(np.max(np.abs(np.linalg.eigvals(sub.toarray()))))
        raise EstimatorError(
            f"ARPACK did not converge on a strongly connected block of {m} users"
        ) from None


def _vc_kernel():
    """Compile (once) and return the numba viral-centrality kernel."""
    global _VC_KERNEL
    if _VC_KERNEL is not None:
        return _VC_KERNEL
    import numba

    @numba.njit(cache=True, nogil=True)
    def one_seed(s, indptr, tgt, bw, tol, use_tol, max_steps, U, last, prod, flag, reached, lists):
        # lists rows: 0 reached list, 1 active, 2 touched, 3 new active
        n_reached = 1
        lists[0, 0] = s
        reached[s] = True
        n_act = 1
        lists[1, 0] = s
        U[s] = 0.0
        last[s] = 1.0
        maxrel = 1.0  # the reference's first check: seed went from 1 to 0
        t = 0
        converged = False
        while True:
            if use_tol and not (maxrel > tol):
                converged = True
                break
            if t >= max_steps:
                break
            # push each newly infected probability along out-edges
            n_t = 0
            for k in range(n_act):
                a = lists[1, k]
                x = last[a]
                for e in range(indptr[a], indptr[a + 1]):
                    v = tgt[e]
                    prod[v] *= 1.0 - x * bw[e]
                    if not flag[v]:
                        flag[v] = True
                        lists[2, n_t] = v
                        n_t += 1
            for k in range(n_act):
                last[lists[1, k]] = 0.0
            maxrel = -1.0
            n_new = 0
            for k in range(n_t):
                v = lists[2, k]
                prev = U[v]
                cur = (1.0 - prod[v]) * prev
                U[v] = prev - cur
                last[v] = cur
                if prev > 0.0:
                    rel = (prev - U[v]) / prev
                    if rel > maxrel:
                        maxrel = rel
                if cur != 0.0:
                    lists[3, n_new] = v
                    n_new += 1
                prod[v] = 1.0
                flag[v] = False
                if not reached[v]:
                    reached[v] = True
                    lists[0, n_reached] = v
                    n_reached += 1
            for k in range(n_new):
                lists[1, k] = lists[3, k]
            n_act = n_new
            t += 1
        total = 0.0
        for k in range(n_reached):
            v = lists[0, k]
            total += 1.0 - U[v]
            U[v] = 1.0
            last[v] = 0.0
            reached[v] = False
        return total - 1.0, t, converged

    @numba.njit(cache=True, parallel=True)
    def all_seeds(indptr, tgt, bw, tol, use_tol, max_steps, n_chunks, out, steps, conv):
        n = indptr.shape[0] - 1
        for c in numba.prange(n_chunks):
            U = np.ones(n)
            last = np.zeros(n)
            prod = np.ones(n)
            flag = np.zeros(n, dtype=np.bool_)
            reached = np.zeros(n, dtype=np.bool_)
            lists = np.empty((4, n), dtype=np.int64)
            for s in range(c, n, n_chunks):
                val, t, ok = one_seed(
                    s, indptr, tgt, bw, tol, use_tol, max_steps, U, last, prod, flag, reached, lists
                )
                out[s] = val
                steps[s] = t
                conv[s] = ok

    _VC_KERNEL = all_seeds
    return all_seeds


_VC_KERNEL = None


def viral_centrality(
    probabilities: pl.DataFrame,
    *,
    users: Sequence[str] | pl.Series | pl.DataFrame | None = None,
    beta: float = 1.0,
    tol: float | None = 1e-3,
    max_steps: int | None = 1000,
) -> pl.DataFrame:
    """Viral centrality (Fink et al. 2023) of every user: message-passing IC outward spread.

    For each seed s the algorithm tracks, per user v, U_v (probability v is still
    uninfected) and Δ_v (probability v was newly infected at the last step). One step
    sets Δ′_v = (1 − Π_u (1 − Δ_u·β·p(u,v)))·U_v and U_v ← U_v − Δ′_v, starting from
    U_s = 0, Δ_s = 1. The score is Σ_v (1 − U_v) − 1: the expected number of users
    activated besides the seed (our ``outward = spread − 1``).

    Parameters
    ----------
    probabilities : polars.DataFrame or ProbabilityGraph
        ``source``, ``target``, ``p``: IC transmission probabilities, validated as by
        :func:`influence_graph.expected_spread` (one shared check: p in [0, 1], no NaN,
        no duplicate edge, no self-loop).
    users : sequence of str, polars.Series or DataFrame with ``user``, optional
        Users to include besides the edge endpoints (users without edges score 0).
    beta : float
        Multiplier of every p (the reference's ``beta``); β·max(p) must be ≤ 1.
    tol : float or None
        Relative tolerance, as in the reference implementation: iterate while the
        largest relative drop (U_prev − U)/U_prev over users with U_prev > 0 exceeds
        ``tol``; the step whose largest drop is ≤ ``tol`` is still counted. 1e-3 is
        the value of the published Congress figure. ``None`` runs exactly
        ``max_steps`` steps (the reference's ``Niter`` mode).
    max_steps : int or None
        Cap on the number of steps per seed (``vc_converged`` is False for a seed
        stopped by the cap). Required when ``tol`` is None.

    Returns
    -------
    polars.DataFrame
        One row per user (sorted):

        - ``user`` (String)
        - ``viral_centrality`` (Float64, ≥ 0): expected users activated besides the
          seed, in users.
        - ``vc_steps`` (Int64): message-passing steps run for this seed.
        - ``vc_converged`` (Boolean): the tolerance was met (null when ``tol`` is None).

    Raises
    ------
    InputValidationError
        Bad probabilities (``P_RANGE``, ``P_NAN``, ``DUP_EDGE``, ``SELF_LOOP``, …) or
        parameters (``BAD_PARAM``).

    Examples
    --------
    >>> import polars as pl
    >>> chain = pl.DataFrame({"source": ["a", "b"], "target": ["b", "c"], "p": [0.5, 0.5]})
    >>> viral_centrality(chain, tol=1e-9).rows()
    [('a', 0.75, 3, True), ('b', 0.5, 2, True), ('c', 0.0, 1, True)]

    Notes
    -----
    A vectorised transcription of ``viral_centrality.py`` in
    gsprint23/CongressionalTwitterNetwork (Niter < 1 mode): the same update, the same
    stopping rule and score, computed by a numba kernel in parallel over seeds. Each
    step pushes Δ only along out-edges of users with Δ ≠ 0 (the reference restricts
    work to a breadth-first ring; both touch the same users, so the values agree up
    to floating-point order, ~1e-15). Message passing ignores correlations between
    paths: it is exact on a directed forest (each user has at most one in-edge) and
    accurate when the spectral radius of β·P (:func:`spectral_radius`) is well below 1.

    References
    ----------
    Fink, Fullin, Gutierrez, Omodt, Zinnecker, Sprint & McCulloch (2023), "A centrality
    measure for quantifying spread on weighted, directed networks", Physica A 626:129083
    (arXiv 2303.09684).
    """
    beta = check_number("beta", beta, low=0.0, low_open=True)  # type: ignore[assignment]
    if tol is not None:
        tol = check_number("tol", tol, low=0.0, high=1.0, low_open=True, high_open=True)
    if max_steps is not None:
        max_steps = check_int("max_steps", max_steps, low=1)
    if tol is None and max_steps is None:
        raise bad_param("max_steps", None, "be an integer >= 1 when tol is None")
    universe, indptr, tgt, p = _probability_csr(probabilities, users)
    bw = beta * p
    if len(bw) and bw.max() > 1.0:
        raise bad_param("beta", beta, f"keep beta*p <= 1 (max p is {p.max():g})")
    n = universe.len()
    out = np.zeros(n)
    steps = np.zeros(n, dtype=np.int64)
    conv = np.zeros(n, dtype=np.bool_)
    if n:
        import numba

        kernel = _vc_kernel()
        n_chunks = int(min(n, 4 * numba.get_num_threads(), max(1, 4e8 // (48 * n))))
        kernel(
            indptr,
            tgt,
            bw,
            float(tol or 0.0),
            tol is not None,
            np.int64(max_steps if max_steps is not None else np.iinfo(np.int64).max),
            n_chunks,
            out,
            steps,
            conv,
        )
    return pl.DataFrame(
        {
            "user": universe,
            "viral_centrality": out,
            "vc_steps": steps,
            "vc_converged": pl.Series(conv, dtype=pl.Boolean)
            if tol is not None
            else pl.Series([None] * n, dtype=pl.Boolean),
        }
    )
