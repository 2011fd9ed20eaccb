"""What an estimator returns before it becomes a table: per-user arrays and run facts.

>>> import numpy as np
>>> e = Estimate(np.ones(2), np.zeros(2), np.ones(2), np.ones(2), 0, True, 0.0, "exact")
>>> e.stop_reason, e.extra
('exact', {})
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
