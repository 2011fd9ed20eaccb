r"""Is a change real? A test per user and consecutive window pair, with false-discovery control.

For user ``u`` and windows ``a`` → ``b`` of :func:`~.over_time.scores_over_time`:

* ``delta = σ_b − σ_a`` (expected spread; ``score_delta`` and ``relative_delta`` the
  same for the two 1–100 scores);
* with the windows' paired replicates (``spread_replicates``: run r of window ``a``
  and run r of window ``b`` share their seed), ``d_r = σ_b,r − σ_a,r`` and
  ``se = sd(d_r)/√R``: the **paired** standard error, which carries the covariance
  that common random numbers create (where the evidence did not change, the runs'
  draws agree and ``d_r`` is 0); ``t = delta/se`` with R − 1 degrees of freedom.
  Without replicates (a table from elsewhere), ``se = sqrt(se_a² + se_b²)`` and a
  normal ``z``, which ignores that covariance and is conservative. Identical
  evidence gives ``delta = 0`` exactly either way (never flagged); ``se = 0`` with
  ``delta ≠ 0`` (every run agrees on the change) gives ``p = 0``;
* two-sided ``p_value``, and ``q_value`` by Benjamini–Hochberg over every tested
  (user, pair) when ``fdr=True``; ``verdict = "real"`` when the controlling value is
  ≤ ``alpha``, else ``"noise"``.

``cause`` names what moved the score, in the order it can be decided from the table:
``"none"`` (spread and both scores unchanged), ``"population"`` (the user's spread is
exactly unchanged but the renormalised score moved: others rose or fell around them),
``"spread"`` (the user's own expected spread changed). :func:`explain_change`-style
decompositions into engagers and edges are not part of this function.

Examples
--------
>>> import polars as pl
>>> from datetime import datetime, timezone
>>> w = [datetime(2024, 3, d, tzinfo=timezone.utc) for d in (1, 2)]
>>> t = pl.DataFrame({"user": ["a", "a", "b", "b"], "window_start": [w[0], w[1]] * 2,
...                   "window_end": [w[1], w[1]] * 2, "spread": [2.0, 2.0, 5.0, 9.0],
...                   "spread_se": [0.1, 0.1, 0.2, 0.2], "score": [8.4, 8.4, 18.3, 24.6],
...                   "relative_score": [25.75, 50.5, 75.25, 75.25]})
>>> score_changes(t).select("user", "delta", "verdict", "cause").rows()
[('a', 0.0, 'noise', 'population'), ('b', 4.0, 'real', 'spread')]
"""

from __future__ import annotations

import numpy as np
import polars as pl

from .._validation import check_columns, check_number

__all__ = ["score_changes", "benjamini_hochberg", "CHANGE_COLUMNS"]

#: Columns of :func:`score_changes`, in order.
CHANGE_COLUMNS: tuple[str, ...] = (
    "user", "window_a", "window_b", "before", "after", "delta", "se", "z", "p_value",
    "q_value", "verdict", "score_delta", "relative_delta", "cause",
)


def benjamini_hochberg(p: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (q-values), in the input's order.

    Examples
    --------
    >>> benjamini_hochberg(np.array([0.01, 0.04, 0.03, 0.5])).round(3).tolist()
    [0.04, 0.053, 0.053, 0.5]
    """
    p = np.asarray(p, dtype=np.float64)
    n = p.size
    if n == 0:
        return p
    order = np.argsort(p, kind="stable")
    ranked = p[order] * n / np.arange(1, n + 1)
    q = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(n)
    out[order] = np.minimum(q, 1.0)
    return out


def score_changes(
    over_time: pl.DataFrame, *, alpha: float = 0.05, fdr: bool = True
) -> pl.DataFrame:
    """Per user and consecutive window pair: the change, its test and its cause.

    Parameters
    ----------
    over_time : polars.DataFrame
        A :func:`~.over_time.scores_over_time` table (``user``, ``window_start``,
        ``spread``, ``spread_se``, ``score``, ``relative_score``).
    alpha : float
        Level of the test (of the false-discovery rate with ``fdr=True``).
    fdr : bool
        Control the false-discovery rate across every tested (user, pair) by
        Benjamini–Hochberg (default); False: each test at ``alpha`` on its own.

    Returns
    -------
    polars.DataFrame
        :data:`CHANGE_COLUMNS`, sorted by (window_a, user): ``window_a``/``window_b``
        the two windows' starts, ``before``/``after``/``delta`` the expected spread,
        ``se``, ``z``, ``p_value``, ``q_value`` (null with ``fdr=False``),
        ``verdict``, ``score_delta``, ``relative_delta``, ``cause`` (module
        docstring). Pairs where either window measured nothing are left out.

    Raises
    ------
    InputValidationError
        Missing columns, or ``alpha`` outside (0, 1) (``BAD_PARAM``).
    """
    from scipy.stats import norm
    from scipy.stats import t as t_dist

    from ..diffusion.replicates import paired_gain

    check_columns(over_time, ["user", "window_start", "spread", "spread_se", "score",
                              "relative_score"], what="over_time")
    check_number("alpha", alpha, low=0.0, high=1.0, low_open=True, high_open=True)
    t = over_time.sort("user", "window_start")
    has_reps = "spread_replicates" in t.columns
    if has_reps:
        t = t.with_columns(reps_b=pl.col("spread_replicates").shift(-1).over("user"))
    pairs = t.with_columns(
        window_b=pl.col("window_start").shift(-1).over("user"),
        after=pl.col("spread").shift(-1).over("user"),
        se_b=pl.col("spread_se").shift(-1).over("user"),
        score_b=pl.col("score").shift(-1).over("user"),
        rel_b=pl.col("relative_score").shift(-1).over("user"),
    ).filter(pl.col("window_b").is_not_null(), pl.col("spread").is_not_null(),
             pl.col("after").is_not_null())
    pairs = pairs.select(
        "user", window_a="window_start", window_b="window_b", before="spread", after="after",
        delta=pl.col("after") - pl.col("spread"),
        se0=(pl.col("spread_se") ** 2 + pl.col("se_b") ** 2).sqrt(),
        score_delta=pl.col("score_b") - pl.col("score"),
        relative_delta=pl.col("rel_b") - pl.col("relative_score"),
        reps_a=pl.col("spread_replicates") if has_reps else pl.lit(None, pl.List(pl.Float64)),
        reps_b=pl.col("reps_b") if has_reps else pl.lit(None, pl.List(pl.Float64)),
    )
    d = pairs["delta"].to_numpy()
    se = pairs["se0"].to_numpy().copy()
    df = np.full(len(d), np.inf)  # normal unless paired
    if has_reps and pairs.height:
        paired = pairs.select(
            ok=pl.col("reps_a").is_not_null() & pl.col("reps_b").is_not_null()
            & (pl.col("reps_a").list.len() == pl.col("reps_b").list.len())
            & (pl.col("reps_a").list.len() > 1))["ok"].to_numpy()
        if paired.any():
            sub = pairs.filter(pl.Series(paired))
            r = int(sub["reps_a"].list.len().max())
            if (sub["reps_a"].list.len() == r).all():
                a = sub["reps_a"].list.to_array(r).to_numpy().T  # (R, pairs)
                b = sub["reps_b"].list.to_array(r).to_numpy().T
                se[paired] = paired_gain(a, b, confidence=0.95)[1]
                df[paired] = r - 1
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(d == 0.0, 0.0, np.where(se > 0, d / np.where(se > 0, se, 1.0), np.inf))
    paired_df = np.where(np.isinf(df), 1.0, df)
    p = np.where(np.isinf(df), 2.0 * norm.sf(np.abs(z)), 2.0 * t_dist.sf(np.abs(z), paired_df))
    pairs = pairs.drop("se0", "reps_a", "reps_b").with_columns(se=pl.Series(se, dtype=pl.Float64))
    q = benjamini_hochberg(p) if fdr else None
    decide = q if q is not None else p
    cause = np.where(
        d != 0.0, "spread",
        np.where(pairs["relative_delta"].fill_null(0.0).to_numpy() != 0.0, "population", "none"),
    )
    out = pairs.with_columns(
        z=pl.Series(z, dtype=pl.Float64), p_value=pl.Series(p, dtype=pl.Float64),
        q_value=pl.Series(q, dtype=pl.Float64) if q is not None else pl.lit(None, pl.Float64),
        verdict=pl.Series(np.where(decide <= alpha, "real", "noise"), dtype=pl.String),
        cause=pl.Series(cause, dtype=pl.String),
    )
    return out.select(CHANGE_COLUMNS).sort("window_a", "user")
