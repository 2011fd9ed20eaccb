"""The graph stage: the only place a Dataset becomes edges.

One user index (the Dataset's sorted users), per-layer coded edge tables, the channel
and platform weighting of the engagement graph, and the layer names, defined once.

>>> import influence_graph.graphs as gr
>>> gr.CHANNELS
('retweet', 'quote', 'reply', 'mention')
"""

from __future__ import annotations

from .edges import EDGE_SCHEMA, as_graphs, edge_table, missing_graph
from .exposure import with_exposure_source
from .interaction import InteractionGraphs, build_graphs, from_edges, graphs_of
from .layers import CHANNELS, DEFAULT_CHANNEL_WEIGHTS, GRAPHS, LAYERS
from .weights import (
    EngagementWeights,
    check_weights,
    drop_zero,
    engagement_edges,
    make_weights,
    restrict,
    weighted_edges,
)

__all__ = [
    "CHANNELS",
    "DEFAULT_CHANNEL_WEIGHTS",
    "EDGE_SCHEMA",
    "GRAPHS",
    "LAYERS",
    "EngagementWeights",
    "InteractionGraphs",
    "as_graphs",
    "build_graphs",
    "check_weights",
    "drop_zero",
    "edge_table",
    "engagement_edges",
    "from_edges",
    "graphs_of",
    "make_weights",
    "missing_graph",
    "restrict",
    "weighted_edges",
    "with_exposure_source",
]
