"""Target users and relative precision, shared by the RIS and Monte Carlo stopping rules.

Relative error is the larger half of the interval over the estimate:
``max(ci_high − spread, spread − ci_low) / spread`` by default, or over ``outward``
(spread − 1, the stricter criterion of Nguyen et al. 2017) with
``relative_to="outward"`` (``inf`` while outward is 0). Users that cannot reach anyone
(no out-edge with p > 0) are known exactly (spread 1) and never targets.

Target users:

* ``min_spread`` given: every candidate whose ``ci_high ≥ min_spread`` (so users near
  the threshold stay in until their interval leaves it);
* else ``top_k`` given: the ``top_k`` candidates with the largest current estimate
  (ties broken by user order);
* else every candidate.

Examples
--------
>>> import numpy as np
>>> s, lo, hi = np.array([3.0, 1.0]), np.array([2.5, 1.0]), np.array([3.6, 1.2])
>>> relative_half_width(s, lo, hi, "outward").tolist()
[0.3, inf]
>>> np.round(relative_half_width(s, lo, hi, "spread"), 3).tolist()
[0.2, 0.2]
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = [
    "RELATIVE_TO", "MAX_JUMP_LOG2", "relative_half_width", "target_mask", "precision_reached",
    "describe_target", "next_round", "StopRule",
]


RELATIVE_TO = ("spread", "outward")


def relative_half_width(
    spread: np.ndarray, lo: np.ndarray, hi: np.ndarray, relative_to: str = "spread"
) -> np.ndarray:
    """Largest half of the interval over spread (or outward; ``inf`` where outward is 0)."""
    half = np.maximum(hi - spread, spread - lo)
    if relative_to == "spread":
        return half / spread
    out = spread - 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(out > 0, half / np.where(out > 0, out, 1.0), np.inf)
    return rel


def target_mask(
    spread: np.ndarray, hi: np.ndarray, candidates: np.ndarray, top_k: int | None,
    min_spread: float | None,
) -> np.ndarray:
    """Boolean mask of the target users (see module docstring)."""
    if min_spread is not None:
        return candidates & (hi >= min_spread)
    if top_k is None:
        return candidates.copy()
    idx = np.flatnonzero(candidates)
    mask = np.zeros(spread.shape[0], dtype=bool)
    if idx.size <= top_k:
        mask[idx] = True
        return mask
    # largest estimates first; stable sort keeps user order among ties
    order = np.argsort(-spread[idx], kind="stable")[:top_k]
    mask[idx[order]] = True
    return mask


def precision_reached(
    spread: np.ndarray, lo: np.ndarray, hi: np.ndarray, candidates: np.ndarray,
    top_k: int | None, min_spread: float | None, relative_to: str = "spread",
) -> tuple[int, float]:
    """One round's check, shared by the estimators: (number of target users, worst
    relative half-width among them; 0 when there is no target user)."""
    tmask = target_mask(spread, hi, candidates, top_k, min_spread)
    rel = relative_half_width(spread[tmask], lo[tmask], hi[tmask], relative_to)
    return int(tmask.sum()), float(rel.max()) if rel.size else 0.0


def describe_target(
    top_k: int | None, min_spread: float | None, rel_error: float, relative_to: str = "spread"
) -> str:
    """Human-readable target, e.g. ``'top_k=100 at rel_error=0.05'``.

    Examples
    --------
    >>> describe_target(None, 10, 0.05)
    'min_spread=10 at rel_error=0.05'
    """
    if min_spread is not None:
        what = f"min_spread={min_spread:g}"
    elif top_k is not None:
        what = f"top_k={top_k}"
    else:
        what = "all users"
    tail = "" if relative_to == "spread" else " of outward"
    return f"{what} at rel_error={rel_error:g}{tail}"


#: A round adds at most (2**MAX_JUMP_LOG2 - 1) times what is done (8× in all).
MAX_JUMP_LOG2 = 3


def next_round(done: int, rel_reached: float, rel_error: float) -> int:
    """Units (blocks or cascades) to add in the next round.

    The predicted total (relative width ∝ 1/√θ, plus 5 %) minus what is done, at least a
    sixteenth more (a round costs one interval pass over all users; a larger minimum
    step made long runs overshoot their target by up to a quarter) and at most 8× in all.
    """
    if not math.isfinite(rel_reached):
        return done * (2**MAX_JUMP_LOG2 - 1)
    need = math.ceil(done * (rel_reached / rel_error) ** 2 * 1.05)
    return int(min(max(need - done, -(-done // 16), 1), done * (2**MAX_JUMP_LOG2 - 1)))


@dataclass(frozen=True)
class StopRule:
    """When a sampling estimator stops: the precision target and the budgets.

    Checked by :func:`influence_graph.expected_spread` before it is made; the
    estimators (:func:`~influence_graph.diffusion.ris.ris_estimate`,
    :func:`~influence_graph.diffusion.monte_carlo.mc_estimate`) trust it.

    Attributes
    ----------
    rel_error, confidence : float
        Target relative half-width and the interval's level.
    top_k : int or None
        The users held to ``rel_error`` (None with no ``min_spread``: every user that
        can reach anyone).
    min_spread : float or None
        Instead: every user whose interval reaches ``min_spread``.
    max_samples : int or None
        Cap on θ (RIS) or R (Monte Carlo).
    max_seconds : float or None
        Time left for sampling.
    relative_to : {"spread", "outward"}
        What ``rel_error`` is relative to.
    """

    rel_error: float = 0.05
    confidence: float = 0.95
    top_k: int | None = 100
    min_spread: float | None = None
    max_samples: int | None = None
    max_seconds: float | None = None
    relative_to: str = "spread"
