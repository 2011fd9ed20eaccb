"""Data sets: the embedded synthetic world, a second generator built differently
(:func:`cascade_world`: independent cascades on a follower graph), loaders for the SNAP Higgs and Congress data, and
:func:`status` (where each real data file is looked for, and whether it is there and intact).

The loader functions are imported eagerly (this package itself is loaded lazily by
``influence_graph``), so ``ig.datasets.higgs`` is always the function even though a
module of the same name exists: import helpers from the modules with ``from
influence_graph.datasets.higgs import read_activity``.

>>> import influence_graph as ig
>>> sorted(ig.datasets.__all__)
['cascade_world', 'congress', 'higgs', 'status', 'synthetic']
>>> callable(ig.datasets.synthetic)
True
"""

from __future__ import annotations

from .cascade_world import cascade_world
from .congress import congress
from .higgs import higgs
from .status import status
from .synthetic import synthetic

__all__ = ["synthetic", "cascade_world", "higgs", "congress", "status"]
