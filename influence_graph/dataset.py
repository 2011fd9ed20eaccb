"""Alias of :mod:`influence_graph.io.dataset`, kept for one release (0.2) so old imports keep working.

The package is laid out along its flow (io → graphs → metrics/diffusion → compare →
report); import from :mod:`influence_graph.io.dataset` instead.
"""

from __future__ import annotations

from .io.dataset import Dataset, conform, make_dataset

__all__ = ["Dataset", "conform", "make_dataset"]
