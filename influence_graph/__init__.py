"""influence_graph: influence as the ability to move content, beside raw activity.

The public names are listed in ``__all__`` and loaded lazily, so ``import
influence_graph`` is fast and compiles no numba kernel until one is used.

Examples
--------
>>> import influence_graph as ig
>>> "expected_spread" in ig.__all__
True
>>> ig.InputValidationError.__mro__[1].__name__
'InfluenceGraphError'
"""

from __future__ import annotations

import importlib
from typing import Any

from ._version import __version__, model_version
from .exceptions import (
    ChecksumError,
    DataNotFoundError,
    EstimatorError,
    InfluenceGraphError,
    InputValidationError,
    MemoryBudgetError,
)

# public name -> module that defines it (relative to this package)
_LAZY: dict[str, str] = {
    "Dataset": ".io.dataset",
    "make_dataset": ".io.dataset",
    "IngestReport": ".io.report",
    "load_dataset": ".io.readers",
    "load_probabilities": ".io.readers",
    "datasets": ".datasets",
    "InteractionGraphs": ".graphs",
    "build_graphs": ".graphs",
    "activity": ".metrics.activity",
    "edge_probabilities": ".diffusion.probabilities",
    "expected_spread": ".diffusion.spread",
    "SpreadResult": ".diffusion.spread",
    "SpreadOptions": ".diffusion.options",
    "influence": ".influence",
    "observed_influence": ".metrics.observed",
    "cascades": ".metrics.cascades",
    "structural_metrics": ".metrics.structural",
    "viral_centrality": ".diffusion.viral",
    "channel_ablation": ".compare.ablation",
    "predictive_validity": ".compare.validity",
    "paired_differences": ".compare.validity",
    "calibration_table": ".compare.validity",
    "activity_vs_influence": ".compare.activity_vs_influence",
    "compare_metrics": ".compare.metrics",
    "MetricComparison": ".compare.metrics",
    "select_seeds": ".diffusion.seeds",
    "SeedSelection": ".diffusion.seeds",
    "topic_profile": ".topics",
    "match_topic": ".topics",
    "select_campaign": ".topics",
    "Campaign": ".topics",
    "inject": ".attacks",
    "Injection": ".attacks",
    "ATTACKS": ".attacks",
    "robustness_report": ".robustness",
    "inflation_exponents": ".robustness",
    "scores_over_time": ".temporal",
    "score_changes": ".temporal",
    "explain": ".temporal",
    "explain_change": ".temporal",
}

# Functions named like a module of this package (influence_graph.activity is both, via
# the one-release alias module activity.py): import them now, so the attribute is the
# function whatever is imported later. (Python binds a submodule on its package when it
# is first imported; done here, the function wins.)
from .activity import activity  # noqa: E402, F401
from .cascades import cascades  # noqa: E402, F401
from .influence import influence  # noqa: E402, F401

__all__ = [
    "__version__",
    "model_version",
    "InfluenceGraphError",
    "InputValidationError",
    "MemoryBudgetError",
    "DataNotFoundError",
    "ChecksumError",
    "EstimatorError",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'influence_graph' has no attribute {name!r}")
    mod = importlib.import_module(module, __name__)
    value = getattr(mod, name, mod)  # a function named like its module (activity, cascades) wins
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
