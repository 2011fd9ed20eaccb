"""Alias of :mod:`influence_graph.metrics.cascades`, kept for one release (0.2) so old imports keep working.

The package is laid out along its flow (io → graphs → metrics/diffusion → compare →
report); import from :mod:`influence_graph.metrics.cascades` instead.
"""

from __future__ import annotations

from .metrics.cascades import (
    CASCADE_USER_COLUMNS,
    CascadeResult,
    cascades,
    structural_virality,
    tree_stats,
)

__all__ = ["CASCADE_USER_COLUMNS", "CascadeResult", "cascades", "structural_virality", "tree_stats"]
