"""Alias of :mod:`influence_graph.report.plots`, kept for one release (0.2) so old imports keep working.

The package is laid out along its flow (io → graphs → metrics/diffusion → compare →
report); import from :mod:`influence_graph.report.plots` instead.
"""

from __future__ import annotations

from .report.plots import (
    NotebookFigure,
    activity_vs_spread,
    correlation_heatmap,
    overlap_curve,
    png_bytes,
    rank_rank,
    spread_intervals,
)

__all__ = [
    "NotebookFigure", "activity_vs_spread", "correlation_heatmap", "overlap_curve",
    "png_bytes", "rank_rank", "spread_intervals",
]
