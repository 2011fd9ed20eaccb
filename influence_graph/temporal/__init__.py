"""Scores over time: windows, the 1–100 score, and tests of whether a change is real.

:mod:`.windows` (tumbling and sliding windows), :mod:`.score` (the absolute and the
renormalised 1–100 score), :mod:`.over_time` (every metric per user and window, with
common random numbers), :mod:`.changes` (per-pair tests with false-discovery control) and
:mod:`.explain` (why a score is what it is, and why it moved, in parts that add up).
"""

from __future__ import annotations

from .changes import score_changes
from .explain import explain, explain_change
from .over_time import scores_over_time

__all__ = ["scores_over_time", "score_changes", "explain", "explain_change"]
