"""Alias of :mod:`influence_graph.report.demo`, kept for one release (0.2) so old imports keep working.

The package is laid out along its flow (io → graphs → metrics/diffusion → compare →
report); import from :mod:`influence_graph.report.demo` instead.
"""

from __future__ import annotations

from .report.demo import run_demo

__all__ = ["run_demo"]
