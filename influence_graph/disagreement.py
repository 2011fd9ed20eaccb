"""Alias of :mod:`influence_graph.compare.activity_vs_influence`, kept for one release (0.2) so old imports keep working.

The package is laid out along its flow (io → graphs → metrics/diffusion → compare →
report); import from :mod:`influence_graph.compare.activity_vs_influence` instead.
"""

from __future__ import annotations

from .compare.activity_vs_influence import activity_vs_influence

__all__ = ["activity_vs_influence"]
