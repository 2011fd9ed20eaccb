"""The report's planted-truth section: on a generated world (``ds.truth``), how well each
compared metric recovers the planted true expected spread.

Real logs carry no planted truth, and for them the section is left out altogether (it is
not a property of the data that could be missing, only of generated worlds). The table
``recovery`` has one row per metric: the rank correlations with the true spread, with
bootstrap intervals, and the top-k overlap (Jaccard) at k = 10, 50 and 100.
"""

from __future__ import annotations

from typing import Any

import polars as pl

import influence_graph as ig

from . import _html, plots
from .analysis import Analysis, ReportOptions
from .sections import Section, render_figure

__all__ = ["truth_section", "recovery_table"]


def recovery_table(comparison: Any, metrics: list[str]) -> pl.DataFrame:
    """Each metric against ``true_spread``: correlations with intervals, top-k overlap,
    best first (from a :class:`~influence_graph.compare.metrics.MetricComparison` that
    includes ``true_spread``)."""
    pairs = (pl.col("metric_a") == "true_spread") | (pl.col("metric_b") == "true_spread")
    other = (pl.when(pl.col("metric_a") == "true_spread").then(pl.col("metric_b"))
             .otherwise(pl.col("metric_a"))).alias("metric")
    corr = comparison.correlations.filter(pairs).with_columns(other)
    keep = ["metric", "n", "spearman", "spearman_low", "spearman_high", "kendall",
            "kendall_low", "kendall_high"]
    corr = corr.select([c for c in keep if c in corr.columns])
    ov = comparison.overlap.filter(pairs).with_columns(other).pivot(
        on="k", index="metric", values="jaccard")
    ov = ov.rename({c: f"top{c}_jaccard" for c in ov.columns if c != "metric"})
    return (corr.filter(pl.col("metric").is_in(metrics)).join(ov, on="metric", how="left")
            .sort("spearman", descending=True))


def truth_section(a: Analysis, opts: ReportOptions) -> Section | None:
    """The planted-truth section, or None when ``a.ds`` has no planted truth."""
    truth = getattr(a.ds, "truth", None)
    if truth is None or not a.metrics:
        return None
    true = truth.spread_table().select("user", pl.col("spread").alias("true_spread"))
    metrics = list(a.metrics)
    table = a.users.select("user", *metrics).join(true, on="user", how="inner")
    cmp = ig.compare_metrics(table, [*metrics, "true_spread"], k=(10, 50, 100),
                             n_boot=opts.n_boot, seed=opts.seed)
    recovery = recovery_table(cmp, metrics)
    figs: dict[str, tuple[bytes, str]] = {}
    best = recovery.row(0, named=True)
    parts = [
        "<p>This world was generated with a planted truth: every user's true expected "
        "spread under the generator's own probabilities. Each metric is ranked against it "
        f"over {table.height:,} users (95% bootstrap intervals). Best: "
        f"{_html.escape(best['metric'])}, Spearman {best['spearman']:.3f} "
        f"[{best['spearman_low']:.3f}, {best['spearman_high']:.3f}].</p>",
        _html.wide_table_html(recovery),
        render_figure(figs, "truth_overlap", plots.overlap_curve(cmp, reference="true_spread"),
                      "Top-k overlap (Jaccard) of each metric with the planted true spread as "
                      "k grows."),
    ]
    return Section("truth", "Planted truth: which metric recovers it", "".join(parts),
                   figures=figs, tables={"recovery": recovery})
