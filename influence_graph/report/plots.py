"""Matplotlib figures for comparisons and spread tables, safe without a display.

Every function builds a :class:`matplotlib.figure.Figure` directly (no pyplot state,
no backend switch), so it works headless, in notebooks and in the docs build. Each
accepts ``ax=None``: pass an axes to draw into an existing figure; the function
returns that axes' figure.

Examples
--------
>>> import polars as pl
>>> from influence_graph.plots import spread_intervals
>>> sp = pl.DataFrame({"user": ["a", "b", "c"], "spread": [3.0, 1.0, 2.0],
...                    "ci_low": [2.5, 1.0, 1.5], "ci_high": [3.5, 1.2, 2.5]})
>>> fig = spread_intervals(sp, top=2)
>>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
['a', 'c']
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import polars as pl
from matplotlib.figure import Figure

from .._validation import bad_param, check_choice, check_columns, check_int
from ..compare._ranking import min_rank_desc, prefix_overlaps
from ..compare.validity import calibration_table

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes


class Comparison(Protocol):
    """What the comparison figures read of a :class:`~influence_graph.MetricComparison`."""

    correlations: pl.DataFrame
    data: pl.DataFrame
    metrics: tuple[str, ...]
    settings: dict[str, Any]

__all__ = [
    "rank_rank",
    "correlation_heatmap",
    "overlap_curve",
    "spread_intervals",
    "activity_vs_spread",
    "reliability",
    "topic_map",
    "inflation",
    "inflation_curves",
    "NotebookFigure",
    "png_bytes",
    "score_timeline",
]

_FLAG_COLOURS = {"loud": "#d62728", "quiet": "#1f77b4"}
_OTHER_COLOURS = ["#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2"]


def png_bytes(fig: Figure, *, dpi: int = 100, tight: bool = False) -> bytes:
    """Render ``fig`` to PNG bytes with Agg (no pyplot, no backend switch).

    Examples
    --------
    >>> png_bytes(Figure(figsize=(1, 1)))[:4]
    b'\\x89PNG'
    """
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight" if tight else None)
    return buf.getvalue()


class NotebookFigure(Figure):
    """A :class:`~matplotlib.figure.Figure` that shows itself in Jupyter as a PNG.

    A figure built without pyplot has no display hook, so a notebook would print its
    ``repr``; ``_repr_png_`` renders it (Agg) wherever IPython displays rich output,
    with no backend switch and no pyplot state.

    Examples
    --------
    >>> fig = NotebookFigure(figsize=(1, 1))
    >>> fig._repr_png_()[:4]
    b'\\x89PNG'
    """

    def _repr_png_(self) -> bytes:
        return png_bytes(self)


def _axes(ax: "Axes | None", figsize: tuple[float, float]) -> tuple[Figure, "Axes"]:
    if ax is not None:
        return ax.figure, ax  # type: ignore[return-value]
    fig = NotebookFigure(figsize=figsize, layout="constrained")
    return fig, fig.add_subplot()


def rank_rank(
    table: pl.DataFrame, a: str, b: str, *, highlight: Sequence[str] = (), ax: "Axes | None" = None
) -> Figure:
    """Rank–rank scatter of two metrics on log axes (rank 1 = largest value).

    Users on the diagonal are ranked alike; users far above it are ranked high by
    ``a`` and low by ``b``. Users missing either value are left out (the title says
    how many).

    Parameters
    ----------
    table : polars.DataFrame
        ``user`` plus the columns ``a`` and ``b``.
    a, b : str
        Metric columns (larger is better).
    highlight : sequence of str
        Users to mark and label.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import polars as pl
    >>> t = pl.DataFrame({"user": list("abcd"), "x": [4, 3, 2, None], "y": [1, 2, 3, 4]})
    >>> fig = rank_rank(t, "x", "y", highlight=["a"])
    >>> fig.axes[0].get_xscale(), fig.axes[0].get_title()
    ('log', 'x vs y: 3 users (1 dropped)')
    """
    check_columns(table, ["user", a, b], what="table")
    sub = table.select("user", pl.col(a).cast(pl.Float64), pl.col(b).cast(pl.Float64))
    sub = sub.with_columns(pl.col(a, b).fill_nan(None)).drop_nulls()
    dropped = table.height - sub.height

    ra = min_rank_desc(sub[a].to_numpy())
    rb = min_rank_desc(sub[b].to_numpy())
    fig, ax = _axes(ax, (5.0, 5.0))
    ax.scatter(ra, rb, s=6, alpha=0.4, color="#555555", linewidths=0, rasterized=sub.height > 5000)
    n = max(sub.height, 1)
    ax.plot([1, n], [1, n], color="#999999", lw=0.8, ls="--")
    if highlight:
        users = sub["user"].to_list()
        pos = {u: i for i, u in enumerate(users)}
        for u in highlight:
            if u in pos:
                i = pos[u]
                ax.scatter([ra[i]], [rb[i]], s=30, color="#d62728", zorder=3)
                ax.annotate(
                    str(u), (ra[i], rb[i]), fontsize=7, xytext=(3, 3), textcoords="offset points"
                )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.invert_xaxis()
    ax.invert_yaxis()
    ax.set_xlabel(f"rank by {a} (1 = highest)")
    ax.set_ylabel(f"rank by {b} (1 = highest)")
    ax.set_title(f"{a} vs {b}: {sub.height} users ({dropped} dropped)")
    return fig


def correlation_heatmap(
    comparison: Comparison, *, method: str | None = None, ax: "Axes | None" = None
) -> Figure:
    """Heat map of pairwise rank correlations, each cell annotated with its interval.

    Parameters
    ----------
    comparison : MetricComparison
        From :func:`influence_graph.compare_metrics`.
    method : {"spearman", "kendall"}, optional
        Which correlation (the comparison's first method by default).
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
        The heat map axes and its colour bar.

    Examples
    --------
    >>> import polars as pl
    >>> from influence_graph import compare_metrics
    >>> t = pl.DataFrame({"user": list("abcde"), "x": [1, 2, 3, 4, 5],
    ...                   "y": [2, 1, 4, 3, 5], "z": [5, 3, 4, 1, 2]})
    >>> fig = correlation_heatmap(compare_metrics(t, k=2, n_boot=20, seed=0))
    >>> len(fig.axes), len(fig.axes[0].texts)
    (2, 9)
    """
    methods = comparison.settings.get("methods", ("spearman",))
    method = method or methods[0]
    if method not in methods:
        must = "be one of the comparison's methods " + ", ".join(methods)
        raise bad_param("method", method, must)
    names = list(dict.fromkeys(comparison.metrics))
    idx = {m: i for i, m in enumerate(names)}
    k = len(names)
    val = np.eye(k)
    lo = np.eye(k)
    hi = np.eye(k)
    for row in comparison.correlations.iter_rows(named=True):
        i, j = idx[row["metric_a"]], idx[row["metric_b"]]
        for arr, col in ((val, method), (lo, f"{method}_low"), (hi, f"{method}_high")):
            v = row[col]
            arr[i, j] = arr[j, i] = np.nan if v is None else v
    fig, ax = _axes(ax, (1.2 * k + 2.5, 1.0 * k + 1.5))
    im = ax.imshow(val, cmap="RdBu_r", vmin=-1, vmax=1)
    symbol = "ρ" if method == "spearman" else "τ"
    for i in range(k):
        for j in range(k):
            if i == j:
                text = "1"
            elif np.isnan(val[i, j]):
                text = "n/a"
            else:
                text = f"{val[i, j]:.2f}"
                if np.isfinite(lo[i, j]) and np.isfinite(hi[i, j]):
                    text += f"\n[{lo[i, j]:.2f}, {hi[i, j]:.2f}]"
            colour = "white" if np.isfinite(val[i, j]) and abs(val[i, j]) > 0.6 else "black"
            ax.text(j, i, text, ha="center", va="center", fontsize=8, color=colour)
    ax.set_xticks(range(k), names, rotation=45, ha="right")
    ax.set_yticks(range(k), names)
    level = comparison.settings.get("confidence", 0.95)
    ax.set_title(f"{method} {symbol} with {level:.0%} bootstrap intervals")
    fig.colorbar(im, ax=ax, shrink=0.8, label=symbol)
    return fig


def overlap_curve(
    comparison: Comparison,
    *,
    reference: str | None = None,
    n_points: int = 40,
    ax: "Axes | None" = None,
) -> Figure:
    """Top-k Jaccard overlap of each metric pair as k grows (log-spaced k).

    Parameters
    ----------
    comparison : MetricComparison
    reference : str, optional
        Draw only the pairs that include this metric (one line per other metric), which
        keeps the figure readable when many metrics are compared.
    n_points : int
        Number of k values between 1 and the number of users.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
        One line per metric pair; the comparison's own k are marked.

    Examples
    --------
    >>> import polars as pl
    >>> from influence_graph import compare_metrics
    >>> t = pl.DataFrame({"user": list("abcdef"), "x": [1, 2, 3, 4, 5, 6],
    ...                   "y": [2, 1, 4, 3, 6, 5], "z": [6, 5, 4, 3, 2, 1]})
    >>> fig = overlap_curve(compare_metrics(t, k=2, n_boot=0))
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['x vs y', 'x vs z', 'y vs z']
    >>> fig = overlap_curve(compare_metrics(t, k=2, n_boot=0), reference="z")
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['x vs z', 'y vs z']
    """

    n_points = int(check_int("n_points", n_points, low=2))  # type: ignore[arg-type]
    if reference is not None:
        check_choice("reference", reference, tuple(comparison.metrics))
    data = comparison.data
    fig, ax = _axes(ax, (6.0, 4.0))
    for row in comparison.correlations.iter_rows(named=True):
        a, b = row["metric_a"], row["metric_b"]
        if reference is not None and reference not in (a, b):
            continue
        va = data[a].cast(pl.Float64).fill_null(float("nan")).to_numpy()
        vb = data[b].cast(pl.Float64).fill_null(float("nan")).to_numpy()
        ok = ~(np.isnan(va) | np.isnan(vb))
        n = int(ok.sum())
        if n < 1:
            continue
        x = prefix_overlaps(va[ok], vb[ok])
        marks = np.array([min(k, n) for k in comparison.settings.get("k", ())], dtype=int)
        ks = np.unique(np.concatenate([np.geomspace(1, n, n_points).astype(int), marks]))
        jac = x[ks - 1] / (2 * ks - x[ks - 1])
        (line,) = ax.plot(ks, jac, label=f"{a} vs {b}")
        if marks.size:
            jm = x[marks - 1] / (2 * marks - x[marks - 1])
            ax.plot(marks, jm, "o", color=line.get_color(), ms=4)
    ax.set_xscale("log")
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("k (top-k users)")
    ax.set_ylabel("Jaccard overlap of top-k sets")
    ax.set_title("Do the metrics pick the same top users?")
    ax.legend(fontsize=7, loc="lower right")
    return fig


def spread_intervals(
    spread_table: pl.DataFrame,
    top: int = 30,
    *,
    value: str = "spread",
    low: str = "ci_low",
    high: str = "ci_high",
    ax: "Axes | None" = None,
) -> Figure:
    """Top users by expected spread, with their confidence intervals as error bars.

    Parameters
    ----------
    spread_table : polars.DataFrame
        ``user``, ``value``, ``low``, ``high`` (e.g. ``SpreadResult.table``).
    top : int
        Number of users shown, best at the top (ties broken by user).
    value, low, high : str
        Column names of the estimate and its interval.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import polars as pl
    >>> sp = pl.DataFrame({"user": ["a", "b"], "spread": [2.0, 1.0],
    ...                    "ci_low": [1.5, 1.0], "ci_high": [2.5, 1.1]})
    >>> len(spread_intervals(sp).axes[0].get_yticklabels())
    2
    """
    check_columns(spread_table, ["user", value, low, high], what="spread table")
    top = int(check_int("top", top, low=1))  # type: ignore[arg-type]
    t = (
        spread_table.select("user", value, low, high)
        .drop_nulls(value)
        .sort([value, "user"], descending=[True, False])
        .head(top)
    )
    v = t[value].cast(pl.Float64).to_numpy()
    lo = t[low].cast(pl.Float64).to_numpy()
    hi = t[high].cast(pl.Float64).to_numpy()
    err = np.vstack([np.clip(v - lo, 0, None), np.clip(hi - v, 0, None)])
    fig, ax = _axes(ax, (6.0, 0.22 * t.height + 1.5))
    y = np.arange(t.height)
    ax.errorbar(v, y, xerr=err, fmt="o", ms=3, color="#1f77b4", ecolor="#7f7f7f", capsize=2)
    ax.set_yticks(y, [str(u) for u in t["user"].to_list()], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel(f"{value} (with {low}–{high})")
    ax.set_title(f"Top {t.height} users by {value}")
    return fig


def activity_vs_spread(
    table: pl.DataFrame,
    *,
    x: str = "actions",
    y: str = "spread",
    flag: str = "flag",
    ax: "Axes | None" = None,
) -> Figure:
    """Log–log scatter of activity against spread with the loud and the quiet highlighted.

    Parameters
    ----------
    table : polars.DataFrame
        ``user``, ``x``, ``y`` and optionally ``flag``: a String column whose non-null
        values (e.g. ``"loud"``, ``"quiet"``) mark groups to highlight, or Boolean
        columns named ``loud`` / ``quiet``.
    x, y : str
        Activity and influence columns. A column with zeros or negatives is drawn as
        ``value + 1`` (the axis label says so), since log axes need positive values.
    flag : str
        Name of the group column (ignored when absent).
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
        Grey points for all users plus one coloured layer per group, with a legend.

    Examples
    --------
    >>> import polars as pl
    >>> t = pl.DataFrame({"user": list("abcd"), "actions": [0, 5, 50, 2],
    ...                   "spread": [9.0, 1.0, 1.2, 2.0],
    ...                   "flag": ["quiet", None, "loud", None]})
    >>> fig = activity_vs_spread(t)
    >>> fig.axes[0].get_xlabel(), len(fig.axes[0].collections)
    ('actions + 1', 3)
    """
    check_columns(table, ["user", x, y], what="table")
    groups: dict[str, pl.Series] = {}
    if flag in table.columns and table.schema[flag] != pl.Boolean:
        for g in table[flag].drop_nulls().unique().sort().to_list():
            if str(g) not in ("", "none", "consistent", "agree"):
                groups[str(g)] = table[flag] == g
    for name in ("loud", "quiet"):
        if name not in groups and name in table.columns and table.schema[name] == pl.Boolean:
            groups[name] = table[name].fill_null(False)
    fig, ax = _axes(ax, (6.0, 4.5))
    labels = {}
    cols = {}
    for c in (x, y):
        v = table[c].cast(pl.Float64).to_numpy()
        shift = bool(np.nanmin(v) <= 0) if v.size else False
        cols[c] = v + 1 if shift else v
        labels[c] = f"{c} + 1" if shift else c
    xv, yv = cols[x], cols[y]
    ax.scatter(xv, yv, s=5, alpha=0.3, color="#7f7f7f", linewidths=0, label="all users",
               rasterized=table.height > 5000)
    for i, (name, mask) in enumerate(groups.items()):
        m = mask.fill_null(False).to_numpy()
        colour = _FLAG_COLOURS.get(name, _OTHER_COLOURS[i % len(_OTHER_COLOURS)])
        ax.scatter(xv[m], yv[m], s=16, color=colour, label=f"{name} ({int(m.sum())})", zorder=3)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(labels[x])
    ax.set_ylabel(labels[y])
    ax.set_title(f"Activity ({x}) vs influence ({y})")
    ax.legend(fontsize=7)
    return fig


_RELIABILITY_COLUMNS = ("predicted_mean", "observed_mean", "observed_low", "observed_high")


def reliability(
    table_or_calibration: pl.DataFrame,
    *,
    predicted: str = "spread",
    observed: str = "mean_cascade_size",
    bins: int = 10,
    log: bool = False,
    ax: "Axes | None" = None,
) -> Figure:
    """Reliability (calibration) plot: mean observed against mean predicted, per bin.

    Each point is one bin of users with similar predictions, at (mean prediction,
    mean observed value), with the interval of the observed mean as a vertical bar;
    the dashed diagonal is perfect calibration (points below it: the prediction is too
    high there).

    Parameters
    ----------
    table_or_calibration : polars.DataFrame
        Either the result of :func:`influence_graph.compare.validity.calibration_table`
        (columns ``predicted_mean``, ``observed_mean``, ``observed_low``,
        ``observed_high``; ``metric`` and ``target`` name the axes when present), or a
        per-user table with the columns ``predicted`` and ``observed``, binned here
        with that function.
    predicted, observed : str
        Columns of a per-user table (ignored for a calibration table).
    bins : int
        Number of bins of a per-user table (ignored for a calibration table).
    log : bool
        Log–log axes (cascade sizes are skewed; every value must then be positive).
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import polars as pl
    >>> t = pl.DataFrame({"spread": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
    ...                   "future": [0.5, 1.5, 1.0, 2.0, 3.5, 2.5]})
    >>> fig = reliability(t, observed="future", bins=3)
    >>> ax = fig.axes[0]
    >>> ax.get_xlabel()
    'predicted spread (bin mean)'
    >>> ax.get_lines()[1].get_xydata().tolist()   # [0] is the diagonal, [1] the bins
    [[1.5, 1.0], [3.5, 1.5], [5.5, 3.0]]
    """
    cal = table_or_calibration
    if not isinstance(cal, pl.DataFrame):
        raise bad_param(
            "table_or_calibration", type(cal).__name__,
            "be a polars DataFrame (a calibration_table or a per-user table)",
        )
    if not all(c in cal.columns for c in _RELIABILITY_COLUMNS):
        cal = calibration_table(cal, predicted=predicted, observed=observed, bins=bins)
    x_name = str(cal["metric"][0]) if "metric" in cal.columns and cal.height else predicted
    y_name = str(cal["target"][0]) if "target" in cal.columns and cal.height else observed
    vals = {
        c: cal[c].cast(pl.Float64).fill_null(float("nan")).to_numpy() for c in _RELIABILITY_COLUMNS
    }
    px, py = vals["predicted_mean"], vals["observed_mean"]
    lo, hi = vals["observed_low"], vals["observed_high"]
    err = np.vstack([np.clip(py - lo, 0, None), np.clip(hi - py, 0, None)])
    err = np.nan_to_num(err, nan=0.0)
    fig, ax = _axes(ax, (5.0, 5.0))
    finite = np.concatenate([px, py, lo, hi])
    finite = finite[np.isfinite(finite)]
    if log:
        finite = finite[finite > 0]
    if finite.size:
        a, b = float(finite.min()), float(finite.max())
    else:
        a, b = (1.0, 10.0) if log else (0.0, 1.0)
    ax.plot([a, b], [a, b], color="#999999", lw=0.8, ls="--", label="calibrated")
    ax.errorbar(px, py, yerr=err, fmt="o-", ms=4, color="#1f77b4", ecolor="#7f7f7f",
                capsize=2, label="bins")
    if log:
        ax.set_xscale("log")
        ax.set_yscale("log")
    ax.set_xlabel(f"predicted {x_name} (bin mean)")
    ax.set_ylabel(f"observed {y_name} (bin mean)")
    n = int(cal["n"].sum()) if "n" in cal.columns else None
    users = f"{n} users, " if n is not None else ""
    ax.set_title(f"Calibration of {x_name}: {users}{cal.height} bins")
    ax.legend(fontsize=7, loc="upper left")
    return fig


def topic_map(
    profile: pl.DataFrame,
    topic: str,
    *,
    chosen: Sequence[str] = (),
    baseline: Sequence[str] = (),
    ax: "Axes | None" = None,
) -> Figure:
    """Passion against topical influence on one topic, the matched users marked.

    Parameters
    ----------
    profile : polars.DataFrame
        A :func:`influence_graph.topic_profile` table (``user``, ``topic``,
        ``passion``, ``topical_spread``, ``passionate``).
    topic : str
        The topic to draw.
    chosen, baseline : sequence of str
        Users picked by :func:`influence_graph.match_topic` and by its engagement
        baseline; drawn as filled circles and open squares.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
        x: passion (shrunken share of posts on the topic), y: topical spread (log);
        grey: users who fail the passion test, blue: users who pass it.

    Examples
    --------
    >>> p = pl.DataFrame({"user": list("abc"), "topic": ["x"] * 3,
    ...                   "passion": [0.9, 0.1, 0.5], "topical_spread": [8.0, 20.0, 1.5],
    ...                   "passionate": [True, False, True]})
    >>> fig = topic_map(p, "x", chosen=["a"], baseline=["b"])
    >>> fig.axes[0].get_xlabel(), len(fig.axes[0].collections)
    ('passion (share of posts on x, shrunk)', 4)
    """
    check_columns(profile, ["user", "topic", "passion", "topical_spread", "passionate"],
                  what="profile")
    t = profile.filter(pl.col("topic") == topic)
    if t.height == 0:
        raise bad_param("topic", topic, "be a topic of the profile")
    fig, ax = _axes(ax, (6.0, 4.5))
    x = t["passion"].to_numpy()
    y = t["topical_spread"].fill_null(1.0).to_numpy()
    ok = t["passionate"].fill_null(False).to_numpy()
    ax.scatter(x[~ok], y[~ok], s=6, alpha=0.35, color="#7f7f7f", linewidths=0,
               label=f"fails the passion test ({int((~ok).sum())})")
    ax.scatter(x[ok], y[ok], s=8, alpha=0.6, color="#9ecae1", linewidths=0,
               label=f"passionate ({int(ok.sum())})")
    users = t["user"]
    for names, style in ((chosen, {"s": 46, "color": "#1f77b4", "marker": "o",
                                   "label": "match_topic"}),
                         (baseline, {"s": 70, "facecolors": "none", "edgecolors": "#d62728",
                                     "marker": "s", "label": "engagement baseline"})):
        m = users.is_in(list(names)).to_numpy()
        ax.scatter(x[m], y[m], zorder=3, linewidths=1.2, **style)
    ax.set_yscale("log")
    ax.set_xlabel(f"passion (share of posts on {topic}, shrunk)")
    ax.set_ylabel(f"topical spread of a {topic} post (users)")
    ax.set_title(f"Who is passionate and influential about {topic}")
    ax.legend(fontsize=7, loc="upper left")
    return fig


_METRIC_LABELS = {
    "actions": "actions",
    "posts": "posts",
    "followers": "followers",
    "pagerank": "PageRank",
    "follower_pagerank": "follower PageRank",
    "retweets_received": "retweets received",
    "unique_engagers": "unique engagers",
    "total_engagement": "total engagement",
    "mean_cascade_size": "mean cascade",
    "max_cascade_size": "max cascade",
    "spread_learned": "spread (learned)",
    "spread_wc": "spread (WC)",
    "spread_constant": "spread (p const.)",
    "spread_defended": "defended",
    "viral_centrality": "viral centrality",
}


def _report(report: pl.DataFrame) -> pl.DataFrame:
    check_columns(report, ["attack", "attack_id", "size", "target", "metric", "before",
                           "gain", "gain_per_100", "rank_before", "rank_after"],
                  what="robustness report")
    if report.height == 0:
        raise bad_param("report", "an empty table", "hold at least one row")
    return report


def inflation(
    report: pl.DataFrame,
    *,
    size: int | None = None,
    target: str | None = None,
    ax: "Axes | None" = None,
) -> Figure:
    """Attack × metric map of what each attack buys the target, at one attack size.

    The colour is the **rank climb**, unit-free so that metrics compare:
    (rank_before − rank_after) / (rank_before − 1), 1 when the attack carries the target
    to rank 1, 0 when it gains no place, negative when it loses places. The number in
    each cell is ``gain_per_100`` (the metric's own unit per 100 fake accounts or
    actions); a dot marks a combination the report skipped or could not rank.

    Parameters
    ----------
    report : polars.DataFrame
        A :func:`influence_graph.robustness_report` table.
    size : int, optional
        The attack size shown; the largest in the report by default.
    target : str, optional
        The target shown; the report's first by default.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
        Rows: attacks in report order; columns: metrics in report order.

    Examples
    --------
    >>> rep = pl.DataFrame({"attack": ["fake_followers"] * 2, "attack_id": ["A1"] * 2,
    ...                     "size": [100, 100], "target": ["t", "t"],
    ...                     "metric": ["followers", "spread_defended"],
    ...                     "before": [5.0, 2.0], "gain": [100.0, 0.0],
    ...                     "gain_per_100": [100.0, 0.0], "rank_before": [900, 800],
    ...                     "rank_after": [1, 800]})
    >>> ax = inflation(rep).axes[0]
    >>> [t.get_text() for t in ax.get_xticklabels()], [t.get_text() for t in ax.texts]
    (['followers', 'defended'], ['100', '0'])
    """
    rep = _report(report)
    sizes = sorted(set(rep["size"].to_list()))
    size = sizes[-1] if size is None else int(check_int("size", size, low=1))  # type: ignore[arg-type]
    if size not in sizes:
        raise bad_param("size", size, f"be a size of the report ({sizes})")
    targets = list(dict.fromkeys(rep["target"].to_list()))
    target = targets[0] if target is None else target
    if target not in targets:
        raise bad_param("target", target, f"be a target of the report ({targets})")
    t = rep.filter(pl.col("size") == size, pl.col("target") == target)
    attacks = list(dict.fromkeys(zip(t["attack_id"].to_list(), t["attack"].to_list(),
                                     strict=True)))
    metrics = list(dict.fromkeys(t["metric"].to_list()))
    climb = np.full((len(attacks), len(metrics)), np.nan)
    fig, ax = _axes(ax, (0.78 * len(metrics) + 2.8, 0.36 * len(attacks) + 1.6))
    row = {a[0]: i for i, a in enumerate(attacks)}
    col = {m: j for j, m in enumerate(metrics)}
    for r in t.iter_rows(named=True):
        i, j = row[r["attack_id"]], col[r["metric"]]
        rb, ra, g = r["rank_before"], r["rank_after"], r["gain_per_100"]
        if rb is not None and ra is not None:
            climb[i, j] = (rb - ra) / (rb - 1) if rb > 1 else 0.0
        dark = bool(abs(climb[i, j]) > 0.6)  # NaN compares False
        ax.text(j, i, "·" if g is None else _short(g), ha="center", va="center",
                fontsize=6.5, color="white" if dark else "black")
    from matplotlib.colors import TwoSlopeNorm

    im = ax.imshow(np.clip(climb, -1, 1), cmap="RdBu_r", aspect="auto",
                   norm=TwoSlopeNorm(vmin=-1.0, vcenter=0.0, vmax=1.0))
    ax.set_xticks(range(len(metrics)), [_METRIC_LABELS.get(m, m) for m in metrics],
                  rotation=40, ha="right", fontsize=7)
    ax.set_yticks(range(len(attacks)), [f"{a} {name}" for a, name in attacks], fontsize=7)
    ax.set_title(f"What {size} fake accounts or actions buy {target} "
                 "(colour: rank climb; number: gain per 100)", fontsize=8)
    fig.colorbar(im, ax=ax, shrink=0.8, label="rank climb (1 = to the top)")
    return fig


def _short(x: float) -> str:
    """A compact label: 3 significant digits, no exponent below a million."""
    a = abs(x)
    if a == 0:
        return "0"
    if a >= 1e6 or a < 1e-3:
        return f"{x:.1e}"
    if a >= 100:
        return f"{x:.0f}"
    return f"{x:.3g}"


def inflation_curves(
    report: pl.DataFrame,
    attack: str,
    *,
    metrics: Sequence[str] | None = None,
    target: str | None = None,
    ax: "Axes | None" = None,
) -> Figure:
    """Gain of each metric against the attack size, log–log, with the growth exponent.

    A metric that each fake raises by the same amount climbs a line of slope 1; a
    defended metric stays flat. Gains at or below zero are drawn at the floor of
    :func:`influence_graph.inflation_exponents` (a thousandth of the target's score),
    so "no gain" sits at the bottom instead of vanishing from the log axis.

    Parameters
    ----------
    report : polars.DataFrame
        A :func:`influence_graph.robustness_report` table with at least two sizes.
    attack : str
        Attack name or id (``"retweet_ring"`` or ``"A5"``).
    metrics : sequence of str, optional
        Metrics drawn, all of the report's by default.
    target : str, optional
        The report's first target by default.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
        One line per metric; the legend gives its exponent b (gain ≈ c·size^b).

    Examples
    --------
    >>> rep = pl.DataFrame({"attack": ["fake_followers"] * 4, "attack_id": ["A1"] * 4,
    ...                     "size": [10, 100] * 2, "target": ["t"] * 4,
    ...                     "metric": ["followers"] * 2 + ["spread_defended"] * 2,
    ...                     "before": [5.0, 5.0, 2.0, 2.0], "gain": [10.0, 100.0, 0.0, 0.0],
    ...                     "gain_per_100": [100.0] * 2 + [0.0] * 2,
    ...                     "rank_before": [9] * 4, "rank_after": [1] * 4})
    >>> [t.get_text() for t in inflation_curves(rep, "A1").axes[0].get_legend().get_texts()]
    ['followers (b = 1.00)', 'defended (b = 0.00)']
    """
    from ..robustness import inflation_exponents  # lazy: robustness imports the estimators

    rep = _report(report)
    by_id = dict(zip(rep["attack_id"].to_list(), rep["attack"].to_list(), strict=True))
    names = set(by_id.values())
    if attack not in names and attack not in by_id:
        raise bad_param("attack", attack, f"be an attack of the report ({sorted(names)})")
    name = by_id.get(attack, attack)
    t = rep.filter(pl.col("attack") == name)
    targets = list(dict.fromkeys(t["target"].to_list()))
    target = targets[0] if target is None else target
    if target not in targets:
        raise bad_param("target", target, f"be a target of the report ({targets})")
    t = t.filter(pl.col("target") == target)
    known = list(dict.fromkeys(t["metric"].to_list()))
    if metrics is None:
        metrics = known
    for m in metrics:
        if m not in known:
            raise bad_param("metrics", m, f"be a metric of the report ({known})")
    if len(set(t["size"].to_list())) < 2:
        raise bad_param("report", f"one size for {name}", "hold at least two attack sizes")
    exps = inflation_exponents(t)
    b = dict(zip(exps["metric"].to_list(), exps["exponent"].to_list(), strict=True))
    fig, ax = _axes(ax, (6.0, 4.2))
    colours = ["#7f7f7f", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2",
               "#bcbd22", "#17becf", "#d62728", "#1f77b4", "#000000"]
    for k, m in enumerate(metrics):
        part = t.filter(pl.col("metric") == m).drop_nulls("gain").sort("size")
        level = float(np.nanmean(np.abs(part["before"].fill_null(0.0).to_numpy())))
        lo = 1e-3 * level if level > 0 else 1e-12
        x = part["size"].to_numpy()
        y = np.maximum(part["gain"].to_numpy().astype(float), lo)
        defended = m == "spread_defended"
        ax.plot(x, y, marker="o", ms=4, lw=2.4 if defended else 1.2,
                color="#1f77b4" if defended else colours[k % len(colours)],
                label=f"{_METRIC_LABELS.get(m, m)} (b = {b.get(m, float('nan')):.2f})")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.text(0.99, 0.01, "a flat line at the bottom: no gain (drawn at 1/1000 of the score)",
            transform=ax.transAxes, ha="right", va="bottom", fontsize=6.5, color="#555555")
    ax.set_xlabel("attack size (fake accounts or actions)")
    ax.set_ylabel("gain of the target's score (metric's unit)")
    ax.set_title(f"{t['attack_id'][0]} {name}: gain against size, target {target}",
                 fontsize=9)
    ax.legend(fontsize=6.5, loc="upper left", ncols=2)
    return fig


def score_timeline(
    over_time: pl.DataFrame,
    *,
    title: str = "",
    ax: "Axes | None" = None,
) -> Figure:
    """One user's absolute 1–100 score per window, with its interval as a band.

    Parameters
    ----------
    over_time : polars.DataFrame
        One user's rows of :func:`influence_graph.scores_over_time`: ``window_start``,
        ``score``, ``score_low``, ``score_high`` (windows without events have null
        scores and are left out).
    title : str
        Axes title (drawn as plain text).
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> t0 = datetime(2024, 3, 1, tzinfo=timezone.utc)
    >>> t = pl.DataFrame({"window_start": [t0, t0 + timedelta(days=1)], "score": [10.0, 20.0],
    ...                   "score_low": [5.0, 15.0], "score_high": [12.0, 30.0]})
    >>> score_timeline(t).axes[0].get_ylabel()
    'score (1–100)'
    """
    check_columns(over_time, ["window_start", "score", "score_low", "score_high"],
                  what="scores over time")
    t = over_time.drop_nulls("score").sort("window_start")
    fig, ax = _axes(ax, (6.0, 2.4))
    x = t["window_start"].to_list()
    ax.fill_between(x, t["score_low"].to_numpy(), t["score_high"].to_numpy(),
                    color="#1f77b4", alpha=0.2, linewidth=0)
    ax.plot(x, t["score"].to_numpy(), "o-", ms=3, color="#1f77b4")
    ax.set_ylabel("score (1–100)")
    ax.set_ylim(0, 101)
    ax.tick_params(axis="x", labelsize=7, rotation=30)
    if title:
        ax.set_title(title.replace("$", r"\$"), fontsize=9)
    return fig
