"""Activity vs influence: users whose activity rank and influence rank disagree.

"Loud" users sit in the top of activity but the bottom of influence, "quiet" users the
reverse — and a flag is raised only when the influence estimate's interval keeps the
user on their side of the threshold, so noise alone never makes someone loud or quiet.

Examples
--------
>>> import polars as pl
>>> tab = pl.DataFrame({
...     "user": list("abcdefghij"),
...     "actions": [100, 1, 2, 3, 4, 5, 6, 7, 8, 9],
...     "spread": [1.0, 50.0, 2.0, 2.0, 2.0, 3.0, 3.0, 4.0, 4.0, 5.0],
...     "ci_low": [1.0, 45.0, 1.5, 1.5, 1.5, 2.5, 2.5, 3.5, 3.5, 4.5],
...     "ci_high": [1.0, 55.0, 2.5, 2.5, 2.5, 3.5, 3.5, 4.5, 4.5, 5.5]})
>>> flags = activity_vs_influence(tab)
>>> flags.filter(pl.col("flag").is_not_null()).select("user", "flag").rows()
[('a', 'loud'), ('b', 'quiet')]
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl

from .._validation import bad_param, check_columns, check_number
from ..influence import influence as _influence
from ..io.dataset import Dataset
from ..metrics.activity import activity as _activity

__all__ = ["activity_vs_influence"]


def activity_vs_influence(
    table_or_ds: pl.DataFrame | Dataset,
    *,
    activity: str = "actions",
    influence: str = "spread",
    low: str | None = "ci_low",
    high: str | None = "ci_high",
    top: float = 0.1,
    bottom: float = 0.5,
    **influence_kwargs,
) -> pl.DataFrame:
    """Flag users whose activity and influence ranks disagree beyond the uncertainty.

    - **loud**: activity in the top ``top`` share of users *and* influence in the bottom
      ``bottom`` share, with the influence interval's upper end (``high``) still at or
      below the bottom-share threshold — even the most generous reading of their
      influence keeps them in the bottom.
    - **quiet**: activity in the bottom ``bottom`` share *and* influence in the top
      ``top`` share, with the interval's lower end (``low``) above every estimate
      outside the top share.

    Parameters
    ----------
    table_or_ds : polars.DataFrame or Dataset
        A table with ``user``, the ``activity`` and ``influence`` columns (and the
        interval columns), e.g. ``activity(ds).join(influence(ds), on="user")``; or a
        Dataset, for which that table is built (``influence_kwargs`` go to
        :func:`influence_graph.influence`).
    activity, influence : str
        Column names; higher = more active / more influential.
    low, high : str or None
        Interval columns of ``influence``; None treats the estimate as exact.
    top, bottom : float
        Shares in (0, 1): top 10 % and bottom 50 % by default.

    Returns
    -------
    polars.DataFrame
        One row per user of the input, sorted by ``user``:

        - ``user``; the ``activity`` and ``influence`` columns and their interval
        - ``activity_rank``, ``influence_rank`` (UInt32, 1 = most; ties share the
          lowest rank)
        - ``activity_pct``, ``influence_pct`` (Float64 in (0, 1]: share of users at or
          above the user's value; small = near the top, 1 = tied with the bottom)
        - ``influence_pct_low``, ``influence_pct_high`` (Float64): the range the
          interval allows — the share of estimates at or above the interval's upper
          end, resp. lower end
        - ``flag`` (String): ``"loud"``, ``"quiet"`` or null.

    Raises
    ------
    InputValidationError
        Missing columns (``MISSING_COLUMN``) or shares outside (0, 1) (``BAD_PARAM``).

    Notes
    -----
    Ties never split arbitrarily. The top share holds the ⌈top·n⌉ largest values, and
    a tied group belongs to it only if the whole group fits. The bottom share holds
    every user at or below the ``bottom`` quantile (lower interpolation), so the many
    users tied at the minimum (spread exactly 1) are all in it. A loud user's upper
    end must stay at or below that quantile; a quiet user's lower end must exceed
    every estimate outside the top share. Users whose influence is null are never
    flagged.
    """
    top = check_number("top", top, low=0.0, high=1.0, low_open=True, high_open=True)  # type: ignore[assignment]
    bottom = check_number("bottom", bottom, low=0.0, high=1.0, low_open=True, high_open=True)  # type: ignore[assignment]
    if top + bottom > 1.0:
        raise bad_param(
            "bottom", bottom, f"leave room for the top share (top + bottom <= 1; top={top})"
        )
    if isinstance(table_or_ds, Dataset):

        ds = table_or_ds
        table = _activity(ds).join(_influence(ds, **influence_kwargs), on="user", how="left")
    elif isinstance(table_or_ds, pl.DataFrame):
        table = table_or_ds
    else:
        raise TypeError(
            f"table_or_ds must be a polars DataFrame or a Dataset; got {type(table_or_ds).__name__}"
        )
    need = ["user", activity, influence] + [c for c in (low, high) if c is not None]
    check_columns(table, need, what="activity_vs_influence table")
    lo_c = low if low is not None else influence
    hi_c = high if high is not None else influence
    t = table.select(
        "user",
        pl.col(activity).cast(pl.Float64).fill_null(0.0).alias(activity),
        pl.col(influence).cast(pl.Float64).alias(influence),
        pl.col(lo_c).cast(pl.Float64).alias("_lo"),
        pl.col(hi_c).cast(pl.Float64).alias("_hi"),
    )
    n = t.height
    if n == 0:
        return t.with_columns(flag=pl.lit(None, pl.String))
    inf = t[influence].drop_nulls()
    # threshold values: top share and bottom share of the estimates
    bottom_thr = inf.quantile(bottom, interpolation="lower") if inf.len() else None
    srt = inf.sort()

    def pct_of(col: str) -> pl.Series:
        # share of estimates at or above the value (at least one): the percentile
        # rank (from the top) that this value would get among the estimates
        vals = t[col].to_numpy()
        at_or_above = srt.len() - np.searchsorted(srt.to_numpy(), vals, side="left")
        return pl.Series(np.maximum(at_or_above, 1) / max(srt.len(), 1), dtype=pl.Float64)

    t = t.with_columns(
        activity_rank=pl.col(activity).rank("min", descending=True).cast(pl.UInt32),
        influence_rank=pl.col(influence).rank("min", descending=True).cast(pl.UInt32),
    ).with_columns(
        activity_pct=pl.col(activity).rank("max", descending=True) / n,
        influence_pct=pl.col(influence).rank("max", descending=True) / n,
        influence_pct_low=pct_of("_hi"),
        influence_pct_high=pct_of("_lo"),
    )
    k_top = max(1, math.ceil(top * n))
    act = t[activity]
    act_bottom_thr = act.quantile(bottom, interpolation="lower")
    # a tied group is in the top share only if all of it fits (rank "max")
    t = t.with_columns(
        _act_top=pl.col(activity).rank("max", descending=True) <= k_top,
        _inf_top=pl.col(influence).rank("max", descending=True) <= k_top,
    )
    outside = t.filter(~pl.col("_inf_top").fill_null(False))[influence].drop_nulls()
    outside_max = float(outside.max()) if outside.len() else float("-inf")  # type: ignore[arg-type]
    loud = pl.col("_act_top") & (pl.col(influence) <= bottom_thr) & (pl.col("_hi") <= bottom_thr)
    quiet = (
        (pl.col(activity) <= act_bottom_thr) & pl.col("_inf_top") & (pl.col("_lo") > outside_max)
    )
    t = t.with_columns(
        flag=pl.when(loud).then(pl.lit("loud")).when(quiet).then(pl.lit("quiet")).otherwise(None)
    )
    out_cols = ["user", activity, influence]
    rename = {}
    if low is not None:
        out_cols.append("_lo")
        rename["_lo"] = low
    if high is not None:
        out_cols.append("_hi")
        rename["_hi"] = high
    out = t.select(
        *out_cols,
        "activity_rank",
        "influence_rank",
        "activity_pct",
        "influence_pct",
        "influence_pct_low",
        "influence_pct_high",
        "flag",
    ).rename(rename)
    return out.sort("user")
