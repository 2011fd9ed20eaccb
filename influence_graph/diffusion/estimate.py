"""What an estimator returns before it becomes a table: per-user arrays and run facts.

>>> import numpy as np
>>> e = Estimate.exact(np.array([1.0, 2.5]), n_samples=4, stop_reason="exact")
>>> e.ci_high.tolist(), e.se.tolist(), e.target_met
([1.0, 2.5], [0.0, 0.0], True)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["Estimate"]


@dataclass
class Estimate:
    """Per-user arrays (length n) and run facts, before they become a table."""

    spread: np.ndarray
    se: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    n_samples: int
    target_met: bool
    rel_error_reached: float
    stop_reason: str
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def exact(
        cls, spread: np.ndarray, *, n_samples: int, stop_reason: str,
        extra: dict[str, Any] | None = None,
    ) -> "Estimate":
        """A zero-width estimate: the spreads are known exactly (interval = the point)."""
        return cls(spread=spread, se=np.zeros(spread.shape[0]), ci_low=spread.copy(),
                   ci_high=spread.copy(), n_samples=n_samples, target_met=True,
                   rel_error_reached=0.0, stop_reason=stop_reason, extra=extra or {})
