"""Ranking, rank correlation and top-k helpers shared by the compare stage and the plots.

One home for the ranking code: :mod:`.metrics` (compare_metrics), :mod:`.validity`
(predictive validity), :mod:`.ablation` (channel ablation) and
:mod:`influence_graph.report.plots` all rank with these functions, so the same data
give the same ranks and correlations everywhere.

Examples
--------
>>> import numpy as np
>>> min_rank_desc(np.array([3.0, 1.0, 3.0])).tolist()
[1, 3, 1]
>>> round(spearman(np.array([1.0, 2.0, 3.0]), np.array([1.0, 3.0, 2.0])), 3)
0.5
"""

from __future__ import annotations

import numpy as np
from scipy import stats

__all__ = [
    "descending_order",
    "min_rank_desc",
    "pearson_rows",
    "percentile_interval",
    "prefix_overlaps",
    "ranks",
    "resample_ranks",
    "spearman",
    "spearman_rows",
    "top_k",
]


def descending_order(values: np.ndarray) -> np.ndarray:
    """Positions sorted by value descending, ties by position (rows are sorted by user)."""
    # rows are sorted by user, so a stable sort on -value breaks ties by user ascending
    return np.argsort(-values, kind="stable")


def top_k(values: np.ndarray, k: int) -> set[int]:
    """Positions of the ``k`` largest values (ties at the cut broken by position)."""
    return set(descending_order(values)[:k].tolist())


def prefix_overlaps(va: np.ndarray, vb: np.ndarray) -> np.ndarray:
    """X_d = |top_d(a) ∩ top_d(b)| for d = 1..n, in O(n log n).

    Examples
    --------
    >>> prefix_overlaps(np.array([3.0, 2.0, 1.0]), np.array([1.0, 2.0, 3.0])).tolist()
    [0.0, 1.0, 3.0]
    """
    n = va.size
    ra = np.empty(n, dtype=np.int64)
    rb = np.empty(n, dtype=np.int64)
    ra[descending_order(va)] = np.arange(1, n + 1)
    rb[descending_order(vb)] = np.arange(1, n + 1)
    # an item is in both top-d prefixes iff max(rank_a, rank_b) <= d
    return np.cumsum(np.bincount(np.maximum(ra, rb), minlength=n + 1)[1:]).astype(float)


def min_rank_desc(values: np.ndarray) -> np.ndarray:
    """Competition rank, 1 = largest value; ties share the best rank."""
    return stats.rankdata(-values, method="min").astype(np.int64)


def ranks(x: np.ndarray) -> np.ndarray:
    """Average ranks along the last axis (ties share the mean rank)."""
    return stats.rankdata(x, axis=-1)


def pearson_rows(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pearson correlation of ``a`` and ``b`` along the last axis (NaN when constant)."""
    a = a - a.mean(axis=-1, keepdims=True)
    b = b - b.mean(axis=-1, keepdims=True)
    den = np.sqrt((a * a).sum(axis=-1) * (b * b).sum(axis=-1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, (a * b).sum(axis=-1) / den, np.nan)


def spearman_rows(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Spearman correlation of ``x`` and ``y`` along the last axis (e.g. per resample)."""
    return pearson_rows(ranks(x), ranks(y))


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman correlation of two vectors; NaN below 3 values or for a constant one."""
    if len(a) < 3 or np.all(a == a[0]) or np.all(b == b[0]):
        return float("nan")
    return float(spearman_rows(a, b))


def percentile_interval(draws: np.ndarray, confidence: float) -> tuple[float, float]:
    """Equal-tailed percentile interval of the finite ``draws`` (NaN, NaN when none)."""
    draws = draws[np.isfinite(draws)]
    if draws.size == 0:
        return float("nan"), float("nan")
    alpha = 1.0 - confidence
    lo, hi = np.quantile(draws, [alpha / 2, 1 - alpha / 2])
    return float(lo), float(hi)


def resample_ranks(x: np.ndarray, boot: np.ndarray) -> np.ndarray:
    """``ranks(x[boot])`` — average ranks within each resample row — in O(B·n).

    The values are sorted once; each resample's ranks follow from how many times it
    drew each tied group (counting, not sorting). The result equals
    ``scipy.stats.rankdata(x[boot], axis=-1)`` exactly: both are
    ``(before + after + 1) / 2`` on integer counts.

    Examples
    --------
    >>> x = np.array([3.0, 1.0, 3.0, 2.0])
    >>> boot = np.array([[0, 0, 1, 3], [2, 1, 1, 1]])
    >>> resample_ranks(x, boot).tolist()
    [[3.5, 3.5, 1.0, 2.0], [4.0, 2.0, 2.0, 2.0]]
    >>> bool((resample_ranks(x, boot) == ranks(x[boot])).all())
    True
    """
    if np.isnan(x).any():  # rankdata's NaN rule, not a count
        return ranks(x[boot])
    n = x.shape[0]
    _, group = np.unique(x, return_inverse=True)  # tied values share a group, in value order
    n_groups = int(group.max()) + 1 if n else 0
    rows, m = boot.shape
    g = group[boot]  # (rows, m) group of each draw
    flat = (g + (np.arange(rows) * n_groups)[:, None]).ravel()
    counts = np.bincount(flat, minlength=rows * n_groups).reshape(rows, n_groups)
    after = np.cumsum(counts, axis=1)
    before = after - counts
    mid = (before + after + 1) / 2.0  # float64, exact for integer counts
    return np.take_along_axis(mid, g, axis=1)
