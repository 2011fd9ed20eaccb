"""The demo behind ``influence-graph demo``: the synthetic world's activity-vs-influence report.

It builds the embedded synthetic world, scores every user (activity, observed influence,
structural baselines, expected spread with intervals), compares the metrics with
:func:`~influence_graph.compare.compare_metrics`, checks how well each recovers the
planted truth, and writes a report folder:

``index.html``
    Self-contained page (figures embedded as PNG; no external requests).
``users.csv`` / ``users.parquet``
    One row per user: every metric, the planted truth, the loud/quiet flags.
``correlations.csv``, ``overlap.csv``, ``disagreement.csv``, ``recovery.csv``
    The comparison tables.
``figures/*.png``
    The figures, also as files.

Every CSV is written with :func:`~influence_graph.io.safe_csv.write_safe_csv` (text
cells that a spreadsheet would run as a formula get a leading ``'``), and every string
on the page is HTML-escaped.
``provenance.json``
    Package and model version, seed entropy, settings, ingest report.
"""

from __future__ import annotations

import json
import platform
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import polars as pl

from . import _html
from .._rng import seed_entropy
from ..compare.activity_vs_influence import activity_vs_influence
from ..compare.metrics import compare_metrics
from ..datasets.synthetic import synthetic
from ..influence import influence
from ..io.safe_csv import write_safe_csv
from ..metrics.activity import activity
from . import plots
from .._version import __version__, model_version

__all__ = ["run_demo", "DEMO_METRICS"]

#: Metrics compared in the demo (columns of the per-user table).
DEMO_METRICS: tuple[str, ...] = (
    "actions",
    "followers",
    "retweets_received",
    "unique_engagers",
    "pagerank",
    "spread",
    "true_spread",
)


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[str], Any]]:
    """Yield ``step(description)``, a context manager showing a rich status line per step."""
    from rich.console import Console

    console = Console(stderr=True, quiet=not enabled)
    t0 = time.perf_counter()

    @contextmanager
    def step(description: str) -> Iterator[None]:
        start = time.perf_counter()
        with console.status(f"[bold]{description}…"):
            yield
        console.log(f"{description} [dim]({time.perf_counter() - start:.1f} s)[/dim]")

    yield step
    console.log(f"[bold green]done in {time.perf_counter() - t0:.1f} s")


def _recovery(cmp: Any, metrics: list[str]) -> pl.DataFrame:
    """Each metric against the planted true spread: correlations with intervals, top-k overlap."""
    pairs = pl.col("metric_a").is_in(["true_spread"]) | pl.col("metric_b").is_in(["true_spread"])
    other = (
        pl.when(pl.col("metric_a") == "true_spread").then(pl.col("metric_b")).otherwise(pl.col("metric_a"))
    ).alias("metric")
    corr = cmp.correlations.filter(pairs).with_columns(other)
    keep = ["metric", "n", "spearman", "spearman_low", "spearman_high", "kendall", "kendall_low", "kendall_high"]
    corr = corr.select([c for c in keep if c in corr.columns])
    ov = cmp.overlap.filter(pairs).with_columns(other).pivot(on="k", index="metric", values="jaccard")
    ov = ov.rename({c: f"top{c}_jaccard" for c in ov.columns if c != "metric"})
    return (
        corr.filter(pl.col("metric").is_in(metrics))
        .join(ov, on="metric", how="left")
        .sort("spearman", descending=True)
    )


def run_demo(out: str | Path = "demo-report", *, n_users: int = 2000, seed: int = 7, progress: bool = True) -> Path:
    """Build the synthetic world, compare activity with influence, write the report.

    Parameters
    ----------
    out : str or Path
        Report folder (created; existing files of the same names are replaced).
    n_users : int
        Users in the synthetic world.
    seed : int
        Seed of the world and of every estimate: the same seed gives the same report.
    progress : bool
        Show a progress line per step on stderr.

    Returns
    -------
    Path
        The report's ``index.html``.
    """
    out = Path(out)
    (out / "figures").mkdir(parents=True, exist_ok=True)
    t_start = time.perf_counter()
    with _progress(progress) as step:
        with step(f"Building the synthetic world ({n_users:,} users, seed {seed})"):
            ds = synthetic(n_users=n_users, seed=seed)
        with step("Counting activity"):
            act = activity(ds)
        with step("Scoring influence: observed, structural, expected spread with intervals"):
            inf = influence(ds, seed=seed)
        with step("Computing the planted true spread"):
            truth = ds.truth.spread_table().select("user", pl.col("spread").alias("true_spread"),
                                                  "archetype")
        table = act.join(inf, on="user", how="left", suffix="_inf").join(truth, on="user", how="left")
        metrics = [m for m in DEMO_METRICS if m in table.columns and m != "true_spread"]
        with step("Comparing metrics (Spearman, Kendall τ-b, top-k overlap, bootstrap intervals)"):
            cmp = compare_metrics(table, [*metrics, "true_spread"], k=(10, 50, 100), n_boot=500, seed=seed)
            recovery = _recovery(cmp, metrics)
        with step("Finding the loud and the quiet"):
            flags = activity_vs_influence(table)
            table = table.join(flags.select("user", "flag"), on="user", how="left")
        with step("Drawing figures and writing the report"):
            figs = {
                "rank_rank": (plots.rank_rank(table, "actions", "spread"),
                              "Activity rank vs expected-spread rank (log axes); each dot is a user."),
                "heatmap": (plots.correlation_heatmap(cmp), "Spearman correlations with 95% bootstrap intervals."),
                "overlap": (plots.overlap_curve(cmp, reference="true_spread"),
                            "Top-k overlap (Jaccard) of each metric with the planted true spread as k grows."),
                "spread": (plots.spread_intervals(table, top=30), "Top 30 users by expected spread, 95% intervals."),
                "loud_quiet": (plots.activity_vs_spread(table), "Activity vs expected spread; loud and quiet highlighted."),
            }
            pngs = {}
            for name, (fig, caption) in figs.items():
                pngs[name] = (plots.png_bytes(fig, dpi=110, tight=True), caption)
                (out / "figures" / f"{name}.png").write_bytes(pngs[name][0])
            write_safe_csv(table, out / "users.csv")
            table.write_parquet(out / "users.parquet")
            write_safe_csv(cmp.correlations, out / "correlations.csv")
            write_safe_csv(cmp.overlap, out / "overlap.csv")
            write_safe_csv(cmp.disagreement, out / "disagreement.csv")
            write_safe_csv(recovery, out / "recovery.csv")
            provenance = {
                "package": "influence_graph",
                "version": __version__,
                "model_version": model_version,
                "seed": seed_entropy(seed),
                "n_users": n_users,
                "python": platform.python_version(),
                "polars": pl.__version__,
                "dataset": repr(ds),
                "ingest": str(ds.ingest),
                "seconds": round(time.perf_counter() - t_start, 2),
            }
            (out / "provenance.json").write_text(json.dumps(provenance, indent=2, default=str))
            index = out / "index.html"
            index.write_text(_render(table, cmp, recovery, pngs, provenance), encoding="utf-8")
    return index


def _render(table: pl.DataFrame, cmp: Any, recovery: pl.DataFrame, pngs: dict, prov: dict) -> str:
    top = (
        table.sort("spread", descending=True)
        .head(15)
        .select([c for c in ["user", "archetype", "spread", "ci_low", "ci_high", "actions", "followers"] if c in table.columns])
    )
    loud = table.filter(pl.col("flag") == "loud").sort("actions", descending=True)
    quiet = table.filter(pl.col("flag") == "quiet").sort("spread", descending=True)
    cols = ["user", "archetype", "actions", "followers", "spread", "ci_low", "ci_high"]
    corr = cmp.correlations.select(
        [c for c in ["metric_a", "metric_b", "n", "spearman", "spearman_low", "spearman_high", "kendall",
                     "kendall_low", "kendall_high"] if c in cmp.correlations.columns]
    )
    planted = table.group_by("archetype").agg(
        pl.len().alias("users"),
        (pl.col("flag") == "loud").sum().alias("flagged_loud"),
        (pl.col("flag") == "quiet").sum().alias("flagged_quiet"),
    ).sort("archetype")
    f = {k: _html.figure_html(png, cap) for k, (png, cap) in pngs.items()}
    e = _html.escape
    return _html.page(
        "influence_graph demo: activity vs influence",
        [
            "<h1>Activity vs influence in the synthetic world</h1>",
            f"<p class='note'>influence_graph {e(prov['version'])}, model {e(prov['model_version'])}, "
            f"seed {e(prov['seed']['entropy'])}; {e(prov['dataset'])}; built in {prov['seconds']} s. "
            "Every number below is reproducible from the seed.</p>",
            "<p>Activity counts what a user <em>does</em>; expected spread estimates how far content "
            "starting at the user <em>moves</em> (independent cascade on learned probabilities, "
            "with 95% intervals). The synthetic world plants the truth, so we can check which "
            "metric recovers it.</p>",
            "<h2>Which metric recovers the planted influence?</h2>",
            "<p>Spearman and Kendall τ-b of each metric with the planted true expected spread, "
            "with bootstrap intervals over users, and the overlap of their top-k lists.</p>",
            _html.table_html(recovery),
            "<h2>How the metrics agree</h2>",
            f["rank_rank"],
            f["heatmap"],
            _html.table_html(corr, max_rows=60),
            f["overlap"],
            "<h2>Top users by expected spread</h2>",
            f["spread"],
            _html.table_html(top.rename({"archetype": "planted"}) if "archetype" in top.columns else top),
            "<h2>The loud and the quiet</h2>",
            "<p><b>Loud</b>: top 10% by activity yet in the bottom half by spread, even at the upper "
            "end of the interval. <b>Quiet</b>: bottom half by activity yet in the top 10% by spread, "
            "even at the lower end of the interval.</p>",
            f["loud_quiet"],
            "<h3>Flags against planted archetypes</h3>",
            _html.table_html(planted),
            f"<h3>Loud ({loud.height})</h3>",
            _html.table_html(loud.select([c for c in cols if c in loud.columns]), max_rows=20),
            f"<h3>Quiet ({quiet.height})</h3>",
            _html.table_html(quiet.select([c for c in cols if c in quiet.columns]), max_rows=20),
            "<h2>Provenance</h2>",
            f"<pre>{e(json.dumps(prov, indent=2, default=str))}</pre>",
            "<p class='note'>Tables: users.csv, correlations.csv, overlap.csv, disagreement.csv, "
            "recovery.csv; figures in figures/.</p>",
        ],
    )
