"""Does the default spread predict? Issue 14's figures for the package's own defaults.

For each world (the synthetic world and cascade_world, seeds 1-3; cascade_world in both
export conventions) it prints, for ``spread`` and every raw count: Spearman with the
future mean cascade size per post, the paired-bootstrap gap of spread over the best
raw count (95 % interval), spread's calibration slope, and Spearman with the planted
true spread. Results go to benchmarks/results/predicts.csv (docs/predicts.md quotes them) and the
reliability figure to docs/img/predicts_reliability.png.

    python benchmarks/bench_predicts.py            # all worlds and the figure (about 2 minutes)
    python benchmarks/bench_predicts.py --figure   # only docs/img/predicts_reliability.png
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import polars as pl
from scipy.stats import spearmanr

import influence_graph as ig

RAW = ("followers", "out_degree", "retweets_received", "unique_engagers", "actions",
       "pagerank", "mean_cascade_size")
OUT = Path(__file__).resolve().parent / "results" / "predicts.csv"


def _truth(ds) -> pl.DataFrame:
    return ds.truth.spread.select("user", true_spread="spread")


def run(name: str, ds, seed: int) -> list[dict]:
    t0 = time.perf_counter()
    pv = ig.predictive_validity(ds, seed=seed, metrics=["spread", *RAW])
    pv = pv.filter(pl.col("target") == "mean_cascade_size", pl.col("subset") == "all")
    best = pv.filter(pl.col("metric") != "spread").sort("spearman", descending=True).row(0, named=True)
    gap = ig.paired_differences(ds, metric="spread", versus=[best["metric"]], seed=seed)
    sp = pv.filter(pl.col("metric") == "spread").row(0, named=True)
    # recovery of the planted truth, by the metrics learned on the whole log
    inf = ig.influence(ds, seed=seed).join(ig.activity(ds).select("user", "followers", "actions"),
                                           on="user").join(_truth(ds), on="user")
    truth = {m: float(spearmanr(inf[m].fill_null(0).to_numpy(), inf["true_spread"].to_numpy())
                      .statistic) for m in ("spread", *RAW)}
    best_truth = max((v, m) for m, v in truth.items() if m != "spread")
    g = gap.row(0, named=True)
    return [{
        "world": name, "seed": seed, "n": sp["n"], "spread": sp["spearman"],
        "best_raw": best["metric"], "best_raw_spearman": best["spearman"],
        "gap": g["difference"], "gap_low": g["difference_low"], "gap_high": g["difference_high"],
        "cal_slope": sp["cal_slope"], "observed_over_predicted": sp["observed_over_predicted"],
        "truth_spread": truth["spread"], "truth_best_raw": best_truth[1],
        "truth_best_raw_spearman": best_truth[0], "seconds": time.perf_counter() - t0,
    }]


def _figure() -> None:
    """Reliability of the default spread on both generators (seed 1): docs/img."""
    from matplotlib.figure import Figure

    from influence_graph.report import plots

    fig = Figure(figsize=(10, 4.2))
    axes = fig.subplots(1, 2)
    worlds = (("synthetic world, seed 1", ig.datasets.synthetic(n_users=2000, seed=1)),
              ("cascade_world, seed 1", ig.datasets.cascade_world(seed=1)))
    for ax, (title, ds) in zip(axes, worlds):
        plots.reliability(ig.calibration_table(ds, seed=1), log=True, ax=ax)
        ax.set_title(title)
    fig.suptitle("Default spread (before the split) against the mean cascade size per post after it")
    fig.tight_layout()
    out = Path(__file__).resolve().parents[1] / "docs" / "img" / "predicts_reliability.png"
    fig.savefig(out, dpi=110)


def main(argv: list[str]) -> int:
    if argv == ["--figure"]:
        _figure()
        return 0
    rows = []
    for s in (1, 2, 3):
        rows += run("synthetic", ig.datasets.synthetic(n_users=2000, seed=s), s)
        for conv in ("parent", "root"):
            rows += run(f"cascade_world/{conv}", ig.datasets.cascade_world(seed=s, attribution=conv), s)
        print(pl.DataFrame(rows).tail(3), flush=True)
    tab = pl.DataFrame(rows)
    OUT.parent.mkdir(exist_ok=True)
    _figure()
    tab.write_csv(OUT)
    with pl.Config(tbl_rows=50, tbl_cols=20, fmt_float="mixed"):
        print(tab)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
