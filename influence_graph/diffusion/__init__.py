"""Diffusion: edge probabilities, IC/LT models and spread estimators (exact, Monte Carlo, RIS).

>>> import influence_graph.diffusion as d
>>> "expected_spread" in d.__all__
True
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "edge_probabilities": ".probabilities",
    "expected_spread": ".spread",
    "SpreadResult": ".spread",
    "SpreadOptions": ".options",
    "ProbabilityGraph": ".probability_graph",
    "to_probability_graph": ".probability_graph",
    "viral_centrality": ".viral",
    "spectral_radius": ".viral",
    "select_seeds": ".seeds",
    "SeedSelection": ".seeds",
}
__all__ = list(_LAZY)


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'influence_graph.diffusion' has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name], __name__), name)
    globals()[name] = value
    return value
