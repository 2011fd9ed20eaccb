"""Edge tables of one graph of an :class:`~influence_graph.graphs.InteractionGraphs`.

:func:`edge_table` is the one place a graph name (``"engagement"``, a layer or
``"given"``) becomes ``source → target`` edges with a weight; :func:`as_graphs` is the
one conversion of what a public function received (a Dataset, the graphs, or a raw
edge table) into :class:`~influence_graph.graphs.InteractionGraphs`.

Examples
--------
>>> import polars as pl
>>> g = as_graphs(pl.DataFrame({"source": ["a", "a"], "target": ["b", "b"]}))
>>> edge_table(g, "engagement").rows()
[('a', 'b', 2.0)]
"""

from __future__ import annotations

import polars as pl

from ..exceptions import InputValidationError
from ..io.dataset import Dataset
from .interaction import InteractionGraphs, build_graphs, from_edges
from ._rows import aggregate
from .layers import CHANNELS
from .weights import engagement_edges

__all__ = ["as_graphs", "edge_table", "missing_graph", "EDGE_SCHEMA"]

#: Columns and dtypes of :func:`edge_table`.
EDGE_SCHEMA = {"source": pl.String(), "target": pl.String(), "weight": pl.Float64()}


def as_graphs(data: Dataset | InteractionGraphs | pl.DataFrame) -> InteractionGraphs:
    """The graphs of ``data``: built from a Dataset or an edge table, or returned as given.

    Raises
    ------
    TypeError
        ``data`` is none of the three.
    """
    if isinstance(data, InteractionGraphs):
        return data
    if isinstance(data, Dataset):
        return build_graphs(data)
    if isinstance(data, pl.DataFrame):
        return from_edges(data)
    raise TypeError(
        "data must be an influence_graph Dataset, an InteractionGraphs or a polars DataFrame "
        f"with source and target columns; got {type(data).__name__}"
    )


def edge_table(g: InteractionGraphs, graph: str) -> pl.DataFrame | None:
    """Edges ``(source, target, weight)`` of one graph, aggregated, self-loops dropped.

    ``graph`` is trusted (one of :data:`~influence_graph.graphs.layers.GRAPHS`).
    ``weight`` counts events (a channel layer) or follow links (1 each); on
    ``"engagement"`` it sums the four channels with the graphs' channel and platform
    weights (each event weighs 1 by default); on ``"given"`` it is the measured p.
    Graphs built from an edge table have one graph, returned whatever ``graph`` is.

    Returns
    -------
    polars.DataFrame or None
        ``source``, ``target`` (String), ``weight`` (Float64), sorted by (source,
        target); ``None`` when the data lack that graph (no follower table, no
        probabilities).
    """
    if g.edge_list is not None:
        return g.edge_list
    ds = g.dataset
    if graph == "given":
        if ds.probabilities is None:
            return None
        return aggregate(
            ds.probabilities.select("source", "target", weight=pl.col("p").cast(pl.Float64))
        )
    if graph == "engagement":
        return engagement_edges(g.events, g.weights, CHANNELS).select(
            pl.col("source").cast(pl.String), pl.col("target").cast(pl.String), "weight"
        )
    if graph in g.layers:
        return g.edges(graph).with_columns(pl.col("weight").cast(pl.Float64))
    # a channel without events is an empty graph; a missing follower table is no graph
    return None if graph == "follower" else pl.DataFrame(schema=EDGE_SCHEMA)


def missing_graph(graph: str) -> InputValidationError:
    """The error for a graph the data set lacks (``MISSING_GRAPH``)."""
    return InputValidationError.single(
        "MISSING_GRAPH",
        f"the data have no {graph!r} graph",
        column="graph",
        value=graph,
        hint="choose graph='engagement' or a layer the data set has",
    )
