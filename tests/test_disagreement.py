"""activity_vs_influence: loud and quiet flags only beyond the interval."""

from __future__ import annotations

import polars as pl
import pytest

from influence_graph.compare.activity_vs_influence import activity_vs_influence
from influence_graph.exceptions import InputValidationError


def _table(spread, lo, hi, actions):
    n = len(spread)
    return pl.DataFrame(
        {
            "user": [f"u{i:02d}" for i in range(n)],
            "actions": actions,
            "spread": spread,
            "ci_low": lo,
            "ci_high": hi,
        }
    )


def test_loud_and_quiet_hand_built():
    spread = [1.0, 40.0] + [2.0 + i for i in range(18)]
    actions = [500, 0] + list(range(1, 19))
    tab = _table(spread, [s - 0.1 for s in spread], [s + 0.1 for s in spread], actions)
    out = activity_vs_influence(tab)
    flags = dict(zip(out["user"].to_list(), out["flag"].to_list(), strict=True))
    assert flags["u00"] == "loud" and flags["u01"] == "quiet"
    assert sum(f is not None for f in flags.values()) == 2
    row = out.filter(pl.col("user") == "u00").row(0, named=True)
    assert row["activity_rank"] == 1 and row["influence_rank"] == 20
    assert row["influence_pct"] == pytest.approx(1.0)


def test_wide_interval_blocks_the_flag():
    spread = [1.0, 40.0] + [2.0 + i for i in range(18)]
    actions = [500, 0] + list(range(1, 19))
    lo = [s - 0.1 for s in spread]
    hi = [s + 0.1 for s in spread]
    hi[0] = 30.0  # loud user's spread could be high: no flag
    lo[1] = 1.0  # quiet user's spread could be low: no flag
    out = activity_vs_influence(_table(spread, lo, hi, actions))
    assert out["flag"].null_count() == out.height
    # without intervals both flags come back
    out2 = activity_vs_influence(_table(spread, lo, hi, actions), low=None, high=None)
    assert sorted(out2["flag"].drop_nulls().to_list()) == ["loud", "quiet"]


def test_ties_at_spread_one_count_as_bottom():
    # most users cannot reach anyone: spread exactly 1, se 0 (as on Higgs)
    spread = [1.0] * 15 + [5.0, 6.0, 7.0, 8.0, 9.0]
    actions = [100] + [1] * 14 + [1, 1, 1, 1, 1]
    out = activity_vs_influence(_table(spread, spread, spread, actions))
    assert out.filter(pl.col("flag") == "loud")["user"].to_list() == ["u00"]


def test_one_row_per_user_and_errors():
    tab = _table([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], [1.0, 2.0, 3.0], [3, 2, 1])
    assert activity_vs_influence(tab).height == 3
    with pytest.raises(InputValidationError, match="MISSING_COLUMN"):
        activity_vs_influence(tab.drop("ci_low"))
    with pytest.raises(InputValidationError, match="top"):
        activity_vs_influence(tab, top=1.5)
    with pytest.raises(TypeError):
        activity_vs_influence([1, 2])  # type: ignore[arg-type]
