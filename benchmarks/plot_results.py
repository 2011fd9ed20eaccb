"""Draw the benchmark figures from ``benchmarks/results/*.csv`` into ``docs/img/benchmarks_*.png``.

* ``benchmarks_scaling.png``: seconds vs n (log-log) per probability model and target, the
  fitted exponent in the legend, the 8 s and 60 s targets as dashed lines.
* ``benchmarks_peers.png``: all-user time at equal accuracy per method and n (log scale),
  with the extrapolation's standard error and the ratio to RIS printed on each bar.
* ``benchmarks_coverage.png``: interval coverage per estimator and sample size against the
  99 % acceptance band [0.932, 0.968] of 1000 replicates at nominal 95 %.

Usage::

    .venv/bin/python benchmarks/plot_results.py [--results DIR] [--out DIR]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import polars as pl  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


def _read(path: Path) -> pl.DataFrame | None:
    if not path.exists():
        print(f"skip: {path} not found")
        return None
    return pl.read_csv(path, infer_schema_length=None)


def plot_scaling(results: Path, out: Path) -> Path | None:
    df = _read(results / "spread_scaling.csv")
    if df is None or "seconds" not in df.columns:
        return None
    df = df.filter(pl.col("seconds").is_not_null()
                   & pl.col("target").is_in(["top100", "min_spread10"]))
    fits = _read(results / "spread_scaling_fit.csv")
    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    styles = {"wc": "-", "const": "--"}
    markers = {"top100": "o", "min_spread10": "s"}
    labels = {"wc": "weighted cascade", "const": "p = 0.01", "top100": "top-100 at 5 %",
              "min_spread10": "every user with spread ≥ 10 at 5 %"}
    for (model, target), g in df.group_by(["model", "target"], maintain_order=True):
        g = g.group_by("n").agg(pl.col("seconds").median()).sort("n")
        lab = f"{labels.get(model, model)}, {labels.get(target, target)}"
        if fits is not None:
            f = fits.filter((pl.col("model") == model) & (pl.col("target") == target))
            if f.height:
                lab += f" (b = {f['exponent_b'][0]:.2f})"
        ax.plot(g["n"], g["seconds"], styles.get(model, "-"), marker=markers.get(target, "o"),
                label=lab)
    for y, txt in ((8, "8 s target (top-100, 1M)"), (60, "60 s target (spread ≥ 10, 1M)")):
        ax.axhline(y, color="grey", lw=0.8, ls=":")
        ax.text(df["n"].min(), y * 1.08, txt, fontsize=7, color="grey")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("users n (edges ≈ 10 n)")
    ax.set_ylabel("seconds, end to end (table → result)")
    ax.set_title("expected_spread (RIS) on Static_Power_Law(n, 10n, 2.1, 2.5)", fontsize=9)
    ax.legend(fontsize=7)
    ax.grid(True, which="both", lw=0.3, alpha=0.5)
    return _save(fig, out / "benchmarks_scaling.png")


def _save(fig, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=130)
    plt.close(fig)
    return path


def plot_peers(results: Path, out: Path) -> Path | None:
    df = _read(results / "peers.csv")
    if df is None:
        return None
    sizes = sorted(df["n"].unique().to_list())
    methods = df["method"].unique(maintain_order=True).to_list()
    fig, ax = plt.subplots(figsize=(7.2, 4.4))
    width = 0.8 / max(len(methods), 1)
    for i, method in enumerate(methods):
        sub = df.filter(pl.col("method") == method)
        xs, ys, es, rs = [], [], [], []
        for j, n in enumerate(sizes):
            row = sub.filter(pl.col("n") == n)
            if row.height:
                xs.append(j + (i - (len(methods) - 1) / 2) * width)
                ys.append(row["seconds"][0])
                es.append(row["seconds_se"][0] or 0.0)
                rs.append(row["ratio_to_ris"][0])
        if not xs:
            continue
        ax.bar(xs, ys, width=width, yerr=es, label=method, capsize=2)
        for x, y, e, r in zip(xs, ys, es, rs):
            txt = f"{y:,.3g} s" + (f"\n×{r:,.0f}" if r and r >= 1.5 else "")
            ax.text(x, (y + e) * 1.6, txt, ha="center", va="bottom", fontsize=6.5)
    ax.set_xticks(range(len(sizes)), [f"n = {n:,}" for n in sizes])
    ax.set_yscale("log")
    lo, hi = ax.get_ylim()
    ax.set_ylim(lo, hi * 300)
    ax.set_ylabel("seconds for every user at equal accuracy")
    ax.set_title("All-user spread at equal accuracy (peers extrapolated from a seed sample;\n"
                 "×: times the RIS run)", fontsize=8)
    ax.legend(fontsize=7, loc="upper left")
    ax.grid(True, axis="y", which="major", lw=0.3, alpha=0.5)
    return _save(fig, out / "benchmarks_peers.png")


def plot_coverage(results: Path, out: Path) -> Path | None:
    df = _read(results / "coverage_summary.csv")
    if df is None:
        return None
    kinds = [k for k in ("wilson", "jeffreys", "student_t", "wald")
             if k in df["interval"].unique().to_list()]
    titles = {"wilson": "RIS, Wilson (default)", "jeffreys": "RIS, Jeffreys",
              "student_t": "Monte Carlo, Student t", "wald": "RIS, Wald (negative control)"}
    graphs = df["graph"].unique(maintain_order=True).to_list()
    fig, axes = plt.subplots(1, len(kinds), figsize=(3.0 * len(kinds), 3.6), sharey=True)
    axes = np.atleast_1d(axes)
    lo_y = min(0.9, float(df["coverage_min"].min()) - 0.01)
    for ax, kind in zip(axes, kinds):
        sub = df.filter(pl.col("interval") == kind)
        rs = sorted(sub["R"].unique().to_list())
        ax.axhspan(0.932, 0.968, color="tab:green", alpha=0.15)
        ax.axhline(0.95, color="tab:green", lw=0.8)
        for j, r in enumerate(rs):
            part = sub.filter(pl.col("R") == r)
            x = np.array([graphs.index(g) for g in part["graph"]]) + (j - 0.5) * 0.3
            med = part["coverage_median"].to_numpy()
            ax.errorbar(x, med, yerr=[med - part["coverage_min"].to_numpy(),
                                      part["coverage_max"].to_numpy() - med],
                        fmt="o" if j == 0 else "s", ms=4, capsize=2, label=f"R = {r:,}")
        ax.set_xticks(range(len(graphs)), graphs, rotation=45, fontsize=7)
        ax.set_title(titles.get(kind, kind), fontsize=8)
        ax.set_ylim(lo_y, 1.005)
        ax.legend(fontsize=6, loc="lower left")
        ax.grid(True, axis="y", lw=0.3, alpha=0.5)
    axes[0].set_ylabel("coverage of the 95 % interval\n(median over users; bar: min–max)",
                       fontsize=8)
    fig.suptitle("Interval coverage, 1000 independent replicates (band: 99 % acceptance "
                 "[0.932, 0.968])", fontsize=9)
    return _save(fig, out / "benchmarks_coverage.png")


TABLES = {
    "spread_scaling.csv": ["n", "m", "model", "target", "seconds", "cpu_seconds",
                           "sampling_seconds", "non_sampling_seconds", "rr_sets",
                           "rr_sets_per_s_per_thread", "rr_sets_per_cpu_s",
                           "edge_visits_per_s", "target_met", "rel_error_reached",
                           "users_spread_ge_10", "peak_rss_mib", "rss_increase_mib",
                           "rss_increase_bytes_per_edge", "library_estimate_mib", "refused",
                           "n_jobs", "loadavg_1m", "time_utc"],
    "spread_scaling_fit.csv": ["model", "target", "exponent_b", "r2", "exponent_b_cpu",
                               "r2_cpu", "sizes"],
    "peers.csv": ["n", "method", "seconds", "cpu_seconds", "extrapolated", "seconds_se",
                  "ratio_to_ris", "seeds_sampled", "mean_runs_needed", "check_z_abs_max",
                  "n_jobs", "loadavg_1m", "time_utc"],
    "congress.csv": ["method", "seconds", "users_timed", "ratio_to_ris", "rr_sets",
                     "target_met", "rel_error_outward", "rel_error_spread", "spearman_vs_vc",
                     "max_abs_diff_vs_reference", "n_jobs", "loadavg_1m", "time_utc"],
    "ingest.csv": ["what", "seconds", "load_s", "build_graphs_s", "activity_s", "events",
                   "peak_rss_mib", "table_bytes_per_edge", "csr_edge_bytes_per_edge",
                   "csr_bytes_per_edge_all_in", "spread_rss_bytes_per_edge", "loadavg_1m",
                   "time_utc"],
    "rr_rate.csv": ["n", "m", "model", "n_jobs", "layout_s", "rr_sets",
                    "rr_per_s_per_thread_best", "rr_per_s_per_thread_median", "mean_rr_size",
                    "users_per_s_per_thread", "loadavg_1m", "time_utc"],
    "min_spread_bound.csv": ["n", "estimator", "target_users", "pilot_rr_sets", "theta_max",
                             "theta_q999", "theta_median", "exact_part_check",
                             "users_near_threshold", "near_threshold_with_p1_out_edge",
                             "variance_ratio_near_threshold_median",
                             "rate_per_thread_n_jobs2", "predicted_seconds_2_threads",
                             "two_hop_seconds", "pilot_seconds", "loadavg_1m"],
    "coverage_summary.csv": ["graph", "estimator", "interval", "R", "R_used_median",
                             "users_checked",
                             "coverage_median", "coverage_min", "coverage_max",
                             "share_in_band", "max_one_sided_miss", "loadavg_1m"],
}


def _fmt(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        if v != v:
            return "nan"
        if v == 0 or 1e-3 <= abs(v) < 1e5:
            return f"{v:.4g}"
        return f"{v:.3g}"
    if isinstance(v, int) and abs(v) >= 10_000:
        return f"{v:,}"
    return str(v)


def markdown_tables(results: Path) -> str:
    """Markdown tables of the result CSVs (the columns quoted in docs/benchmarks.md)."""
    parts = []
    for name, cols in TABLES.items():
        df = _read(results / name)
        if df is None:
            continue
        cols = [c for c in cols if c in df.columns]
        lines = [f"**{name}**", "", "| " + " | ".join(cols) + " |",
                 "|" + "---|" * len(cols)]
        for row in df.select(cols).iter_rows():
            lines.append("| " + " | ".join(_fmt(v) for v in row) + " |")
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


def update_docs(results: Path, page: Path) -> None:
    """Replace each ``<!-- table:NAME -->`` … ``<!-- /table -->`` block of ``page``."""
    import re

    text = page.read_text()

    def block(match: re.Match) -> str:
        name = match.group(1)
        cols = TABLES.get(name)
        df = _read(results / name)
        body = "_(not run yet)_"
        if df is not None and cols:
            cols = [c for c in cols if c in df.columns]
            lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
            for row in df.select(cols).iter_rows():
                lines.append("| " + " | ".join(_fmt(v) for v in row) + " |")
            body = "\n".join(lines)
        return f"<!-- table:{name} -->\n{body}\n<!-- /table -->"

    new = re.sub(r"<!-- table:(\S+) -->.*?<!-- /table -->", block, text, flags=re.S)
    page.write_text(new)
    print(f"updated {page}")


def main(argv: list[str] | None = None) -> list[Path]:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--results", default=str(REPO / "benchmarks" / "results"))
    p.add_argument("--out", default=str(REPO / "docs" / "img"))
    p.add_argument("--markdown", action="store_true", help="also print markdown tables")
    p.add_argument("--docs", nargs="?", const=str(REPO / "docs" / "benchmarks.md"),
                   help="refresh the tables of docs/benchmarks.md (or the page given)")
    args = p.parse_args(argv)
    results, out = Path(args.results), Path(args.out)
    if args.markdown:
        print(markdown_tables(results))
    if args.docs:
        update_docs(results, Path(args.docs))
    out.mkdir(parents=True, exist_ok=True)
    made = [f(results, out) for f in (plot_scaling, plot_peers, plot_coverage)]
    made = [m for m in made if m is not None]
    for m in made:
        print(f"wrote {m}")
    return made


if __name__ == "__main__":
    sys.exit(0 if main() is not None else 1)
