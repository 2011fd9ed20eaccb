"""Per-user metrics of the log and the graphs: activity, observed influence, cascades,
structural baselines. Each table has one row per user, keyed by ``user``.

>>> import influence_graph.metrics as m
>>> m.ACTIVITY_COLUMNS[:2]
('user', 'posts')
"""

from __future__ import annotations

from .activity import ACTIVITY_COLUMNS
from .cascades import CASCADE_USER_COLUMNS, CascadeResult, structural_virality
from .observed import OBSERVED_COLUMNS, observed_influence, received_counts
from .structural import STRUCTURAL_SCHEMA, baselines, pagerank, structural_metrics

__all__ = [
    "ACTIVITY_COLUMNS",
    "CASCADE_USER_COLUMNS",
    "OBSERVED_COLUMNS",
    "STRUCTURAL_SCHEMA",
    "CascadeResult",
    "baselines",
    "observed_influence",
    "pagerank",
    "received_counts",
    "structural_metrics",
    "structural_virality",
]
