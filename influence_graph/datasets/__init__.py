"""Data sets: the embedded synthetic world and loaders for the SNAP Higgs and Congress data.

>>> import influence_graph as ig
>>> sorted(ig.datasets.__all__)
['congress', 'higgs', 'synthetic']
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["synthetic", "higgs", "congress"]

_LAZY = {"synthetic": ".synthetic", "higgs": ".higgs", "congress": ".congress"}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'influence_graph.datasets' has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name], __name__), name)
    globals()[name] = value
    return value
