"""Diffusion models (Kempe, Kleinberg & Tardos 2003) and their input checks.

* ``"ic"`` — independent cascade: each newly active ``u`` activates out-neighbour ``v``
  once, with probability ``p(u, v)``.
* ``"lt"`` — weighted linear threshold: ``p(u, v)`` is the weight ``b(u, v)``; the
  in-weights of each node must sum to at most 1 (plus a 1e-9 tolerance for rounding).

Examples
--------
>>> import polars as pl
>>> from influence_graph.diffusion import to_probability_graph
>>> g = to_probability_graph(pl.DataFrame({"source": ["a", "b"], "target": ["c", "c"],
...                                        "p": [0.7, 0.6]}))
>>> check_model(g, "lt")
Traceback (most recent call last):
...
influence_graph.exceptions.InputValidationError: probabilities: column 'p': '1.3' in-weights of 'c' sum to more than 1 under the linear threshold model [rule=LT_WEIGHT_SUM] ...
"""

from __future__ import annotations

import numpy as np

from .._validation import check_choice
from ..exceptions import Failure, InputValidationError
from ._build_kernels import row_sums
from .probability_graph import ProbabilityGraph

__all__ = ["MODELS", "LT_TOLERANCE", "check_model", "in_weight_sums"]

MODELS = ("ic", "lt")
#: Slack allowed above 1 for the in-weight sum of a node under LT.
LT_TOLERANCE = 1e-9


def in_weight_sums(g: ProbabilityGraph) -> np.ndarray:
    """Sum of in-edge weights per user (float64, ``n``), summed in in-CSR order."""
    return row_sums(g.in_indptr, g.in_p)


def check_model(g: ProbabilityGraph, model: str) -> str:
    """Validate ``model`` and, for LT, the in-weight sums; return the model name."""
    check_choice("model", model, MODELS)
    if model == "lt" and g.m:
        sums = in_weight_sums(g)
        bad = np.flatnonzero(sums > 1.0 + LT_TOLERANCE)
        if bad.size:
            names = g.users.gather(bad[:50]).to_list()
            fails = [
                Failure(rule="LT_WEIGHT_SUM", file="probabilities", column="p",
                        value=f"{sums[v]:.6g}",
                        message=f"in-weights of {name!r} sum to more than 1 under the linear "
                        "threshold model",
                        hint="normalise each node's in-weights (e.g. weighted cascade "
                        "1/in-degree) or use model='ic'")
                for v, name in zip(bad[:50].tolist(), names)
            ]
            raise InputValidationError(fails, counts={"LT_WEIGHT_SUM": int(bad.size)})
    return model
