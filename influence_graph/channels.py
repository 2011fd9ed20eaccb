"""Alias of :mod:`influence_graph.graphs.weights` and :mod:`influence_graph.compare.ablation`, kept for one release (0.2).

Old imports keep working; the package is laid out along its flow (io → graphs →
metrics/diffusion → compare → report): import from those modules instead.
"""

from __future__ import annotations

from .compare.ablation import ChannelAblation, channel_ablation
from .graphs.layers import CHANNELS, DEFAULT_CHANNEL_WEIGHTS
from .graphs.weights import check_weights, restrict, weighted_edges

__all__ = [
    "CHANNELS", "DEFAULT_CHANNEL_WEIGHTS", "ChannelAblation", "channel_ablation",
    "check_weights", "restrict", "weighted_edges",
]
