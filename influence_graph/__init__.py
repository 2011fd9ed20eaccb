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
    "Dataset": ".dataset",
    "make_dataset": ".dataset",
    "IngestReport": ".io.report",
    "load_dataset": ".io.readers",
    "datasets": ".datasets",
    "InteractionGraphs": ".graphs",
    "build_graphs": ".graphs",
    "activity": ".activity",
    "edge_probabilities": ".diffusion.probabilities",
    "expected_spread": ".diffusion.spread",
    "SpreadResult": ".diffusion.spread",
    "influence": ".influence",
    "observed_influence": ".observed",
    "cascades": ".cascades",
    "structural_metrics": ".structural",
    "viral_centrality": ".structural",
    "channel_ablation": ".channels",
    "predictive_validity": ".validity",
    "paired_differences": ".validity",
    "activity_vs_influence": ".disagreement",
    "compare_metrics": ".compare",
    "MetricComparison": ".compare",
}

# Functions named like their own module (influence_graph.activity is both): import them
# now, so the attribute is the function whatever is imported later. (Python binds a
# submodule on its package when it is first imported; done here, the function wins.)
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
