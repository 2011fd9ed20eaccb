"""Alias of :mod:`influence_graph.metrics.structural` and :mod:`influence_graph.diffusion.viral`, kept for one release (0.2).

Old imports keep working; the package is laid out along its flow (io → graphs →
metrics/diffusion → compare → report): import from those modules instead.
"""

from __future__ import annotations

from .diffusion.viral import spectral_radius, viral_centrality
from .graphs.layers import GRAPHS, LAYERS
from .metrics.structural import STRUCTURAL_SCHEMA, structural_metrics

__all__ = [
    "GRAPHS", "LAYERS", "STRUCTURAL_SCHEMA", "spectral_radius", "structural_metrics",
    "viral_centrality",
]
