"""The compare stage: do measures rank users alike, and which predicts content moving later?

- :mod:`.metrics`: :func:`compare_metrics` (rank correlations with bootstrap intervals,
  top-k overlap, the users two measures disagree on);
- :mod:`.activity_vs_influence`: loud-but-not-influential and quiet-but-influential users;
- :mod:`.validity`: :func:`predictive_validity` and :func:`paired_differences`;
- :mod:`.ablation`: :func:`channel_ablation`;
- :mod:`._ranking`: the ranking, Spearman and bootstrap helpers they share.

>>> from influence_graph.compare import compare_metrics
>>> compare_metrics.__module__
'influence_graph.compare.metrics'
"""

from __future__ import annotations

from .ablation import ChannelAblation, channel_ablation
from .activity_vs_influence import activity_vs_influence
from .metrics import (
    BOOT_SIZE,
    DegenerateMetricWarning,
    MetricComparison,
    compare_metrics,
    default_metrics,
    rank_biased_overlap,
)
from .validity import IN_TARGET_UNITS, calibration_table, paired_differences, predictive_validity

__all__ = [
    "BOOT_SIZE",
    "IN_TARGET_UNITS",
    "calibration_table",
    "ChannelAblation",
    "DegenerateMetricWarning",
    "MetricComparison",
    "activity_vs_influence",
    "channel_ablation",
    "compare_metrics",
    "default_metrics",
    "paired_differences",
    "predictive_validity",
    "rank_biased_overlap",
]
