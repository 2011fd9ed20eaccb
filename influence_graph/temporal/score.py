r"""The 1–100 score: a transparent, monotone map of expected spread, always with its interval.

Two variants, both computed from the expected spread σ (users a post reaches, the user
counted; :func:`influence_graph.influence`) and its interval:

* **score** (absolute, the default): a log scale fixed once for all data,

  .. math:: \text{score} = \min\Bigl(100,\ 1 + 99\,\frac{\log_{10}\sigma}{\log_{10} R}\Bigr),
            \qquad R = 10\,000

  so 1 = reaches nobody beyond oneself, 25.75 ≈ ten users, 50.5 = a hundred, 75.25 = a
  thousand, 100 = ten thousand or more. Each doubling of reach adds 7.45 points. It
  moves only when the user's own expected spread moves — their evidence or that of
  the accounts their content passes through — so a user can compare themselves with
  their past self. ``score_low``/``score_high`` are the interval of σ mapped through
  the same function.
* **relative_score** (population-renormalised): ``1 + 99·F(σ)`` with ``F`` the
  mid-rank share of the window's users with a smaller spread. It can move with **no
  change in the user's own data**: when others rise or fall around them.
  :func:`influence_graph.temporal.changes.score_changes` says so when that is the
  cause. Its interval maps σ's interval through the same window's ``F``.

Why log: reach is heavy-tailed (a few users reach thousands, most reach one or two),
so equal steps of the score are equal *ratios* of reach; why fixed ``R``: a scale fitted
to each population would renormalise the absolute score too.

Examples
--------
>>> import polars as pl
>>> absolute_score(pl.Series([1.0, 10.0, 100.0, 1e6])).round(2).to_list()
[1.0, 25.75, 50.5, 100.0]
>>> relative_score(pl.Series([1.0, 1.0, 5.0, 9.0]), pl.Series([1.0, 1.0, 5.0, 9.0])).to_list()
[25.75, 25.75, 62.875, 87.625]
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl

__all__ = ["SCORE_REFERENCE", "absolute_score", "relative_score"]

#: Reach that scores 100 (users), fixed for all data sets and windows.
SCORE_REFERENCE = 10_000.0


def absolute_score(spread: pl.Series) -> pl.Series:
    """``min(100, 1 + 99·log10(σ)/log10(SCORE_REFERENCE))`` for σ ≥ 1 (null stays null)."""
    v = spread.cast(pl.Float64).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        s = 1.0 + 99.0 * np.log10(np.maximum(v, 1.0)) / math.log10(SCORE_REFERENCE)
    s = np.minimum(s, 100.0)
    return pl.Series(spread.name, s, dtype=pl.Float64).set(spread.is_null(), None)


def relative_score(values: pl.Series, population: pl.Series) -> pl.Series:
    """``1 + 99·F(value)``, ``F`` the mid-rank share of ``population`` below ``value``.

    ``F(x) = (#{p < x} + ½·#{p = x}) / n`` over the non-null ``population``.
    """
    pop = np.sort(population.drop_nulls().cast(pl.Float64).to_numpy())
    v = values.cast(pl.Float64).to_numpy()
    if pop.size == 0:
        return pl.Series(values.name, np.full(v.size, np.nan)).fill_nan(None)
    below = np.searchsorted(pop, v, side="left")
    upto = np.searchsorted(pop, v, side="right")
    share = (below + 0.5 * (upto - below)) / pop.size
    return pl.Series(values.name, 1.0 + 99.0 * share, dtype=pl.Float64).set(values.is_null(), None)
