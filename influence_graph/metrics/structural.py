"""Structural baselines: degree, strength, PageRank and coreness of every user.

These are the scores that papers and commercial tools compute from the shape of a
graph alone. They sit beside expected spread so that a researcher can see where
structure and diffusion agree. Every table has one row per user of the Dataset.

Direction follows the package convention: an edge ``u → v`` means content moved from
u to v (follower graph: followee → follower; retweet: author → retweeter; mention:
mentioned → mentioner).

Examples
--------
>>> import polars as pl
>>> star = pl.DataFrame({"source": ["hub"] * 2, "target": ["a", "b"]})
>>> structural_metrics(star)["out_degree"].to_list()
[0, 0, 2]
"""

from __future__ import annotations

import numpy as np
import polars as pl

from .._validation import check_choice, check_number
from ..graphs import GRAPHS, InteractionGraphs, as_graphs, edge_table, missing_graph
from ..io.dataset import Dataset

__all__ = ["structural_metrics", "baselines", "pagerank", "STRUCTURAL_SCHEMA"]


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


def structural_metrics(
    data: Dataset | InteractionGraphs | pl.DataFrame,
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
    teleport uniformly (igraph's PRPACK convention); computed by :func:`pagerank`,
    coreness with python-igraph.

    References
    ----------
    Brin & Page (1998), "The anatomy of a large-scale hypertextual web search engine".
    Batagelj & Zaversnik (2003), "An O(m) algorithm for cores decomposition of networks".
    """
    check_choice("graph", graph, GRAPHS)
    check_number("damping", damping, low=0.0, high=1.0, high_open=True)
    if weights is not None:
        check_choice("weights", weights, ("weight",))
    return baselines(as_graphs(data), graph, damping=damping, weighted=weights is not None)


def baselines(
    g: InteractionGraphs, graph: str, *, damping: float = 0.85, weighted: bool = True
) -> pl.DataFrame:
    """:func:`structural_metrics` on trusted input (checked graphs, graph name and damping)."""
    import igraph

    edges = edge_table(g, graph)
    if edges is None:
        raise missing_graph(graph)
    users = g.users["user"]
    n = users.len()
    src, tgt = g.codes(edges)
    w = edges["weight"].to_numpy().astype(np.float64)

    in_deg = np.bincount(tgt, minlength=n)
    out_deg = np.bincount(src, minlength=n)
    in_str = np.bincount(tgt, weights=w, minlength=n)
    out_str = np.bincount(src, weights=w, minlength=n)

    pr = pagerank(tgt, src, w if weighted else np.ones_like(w), n, damping)
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
    check_number("damping", damping, low=0.0, high=1.0, high_open=True)
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


