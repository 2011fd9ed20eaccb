"""Alias of :mod:`influence_graph.compare.validity`, kept for one release (0.2) so old imports keep working.

The package is laid out along its flow (io → graphs → metrics/diffusion → compare →
report); import from :mod:`influence_graph.compare.validity` instead.
"""

from __future__ import annotations

from .compare.validity import (
    DEFAULT_METRICS,
    TARGETS,
    future_targets,
    paired_differences,
    predictive_validity,
    split_dataset,
)

__all__ = [
    "DEFAULT_METRICS", "TARGETS", "future_targets", "paired_differences",
    "predictive_validity", "split_dataset",
]
