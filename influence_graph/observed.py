"""Alias of :mod:`influence_graph.metrics.observed`, kept for one release (0.2) so old imports keep working.

The package is laid out along its flow (io → graphs → metrics/diffusion → compare →
report); import from :mod:`influence_graph.metrics.observed` instead.
"""

from __future__ import annotations

from .metrics.observed import OBSERVED_COLUMNS, observed_influence, received_counts

__all__ = ["OBSERVED_COLUMNS", "observed_influence", "received_counts"]
