"""Alias of :mod:`influence_graph.metrics.activity`, kept for one release (0.2) so old imports keep working.

The package is laid out along its flow (io → graphs → metrics/diffusion → compare →
report); import from :mod:`influence_graph.metrics.activity` instead.
"""

from __future__ import annotations

from .metrics.activity import ACTIVITY_COLUMNS, activity

__all__ = ["ACTIVITY_COLUMNS", "activity"]
