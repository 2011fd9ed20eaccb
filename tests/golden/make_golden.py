"""Record (or check) the golden tables that guard behaviour across refactors.

    python tests/golden/make_golden.py          # rewrite the parquet files

Regenerate only on a deliberate ``model_version`` change; the test
``tests/test_golden.py`` compares the package's output with these files bit for bit.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import polars as pl

HERE = Path(__file__).resolve().parent


def golden_tables(congress: bool) -> dict[str, pl.DataFrame]:
    """name -> table, computed with the fixed seeds the golden files record."""
    import influence_graph as ig

    ds = ig.datasets.synthetic(n_users=2_000, seed=7)
    out: dict[str, pl.DataFrame] = {"influence_synthetic7": ig.influence(ds, seed=7)}
    act = ig.activity(ds)
    cmp = ig.compare_metrics(
        act.join(out["influence_synthetic7"], on="user"),
        ["actions", "followers", "retweets_received", "spread"],
        n_boot=200,
        seed=0,
    )
    out["compare_correlations"] = cmp.correlations
    out["compare_overlap"] = cmp.overlap
    out["compare_disagreement"] = cmp.disagreement
    small = ig.datasets.synthetic(n_users=600, seed=3)
    out["validity_synthetic3"] = ig.predictive_validity(small, n_boot=100, seed=0)
    if congress:
        # the measured probabilities (the default "learned" has no events to learn from)
        out["influence_congress"] = ig.influence(
            ig.datasets.congress(), probabilities="given", seed=0
        )
    return out


def main() -> int:
    congress = bool(os.environ.get("INFLUENCE_GRAPH_DATA"))
    for name, tab in golden_tables(congress).items():
        tab.write_parquet(HERE / f"{name}.parquet")
        print(f"{name}: {tab.shape}")
    if not congress:
        print("INFLUENCE_GRAPH_DATA unset: Congress golden not written", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
