"""Predictive validity: whether a measure learned on the past predicts content moving later.

Every metric (expected spread, structural baselines, observed counts, activity) is
computed on the log *before* a time split; two targets are measured *after* it:

- ``mean_cascade_size``: the user's mean cascade size per post after the split (1 +
  adopters, over posts made after the split; the ability to move content). When the
  log has no post rows (Higgs) a post is not observable, so each (user, UTC day) on
  which the user acted or was engaged with stands for one piece of content: the
  target is the mean over those days of 1 + the distinct users who retweeted or quoted
  the user that day.
- ``total_engagement``: retweets, quotes, replies and mentions received after the
  split (volume, where activity is expected to do well).

Scores per (target, metric): Spearman correlation with a bootstrap interval over users
(seeded), precision of the top-k, and, for every metric in the target's own units
(:data:`IN_TARGET_UNITS`: ``spread``, ``1 + viral_centrality`` and the past
``mean_cascade_size`` for cascade size; the past ``total_engagement`` at the same rate
for engagement), the calibration of the prediction: the OLS slope of observed on
predicted with its bootstrap interval, and the ratio of observed on predicted
(Bakshy et al. 2011 asked this of past influence). :func:`calibration_table` gives the
binned reliability data behind a calibration plot
(:func:`influence_graph.report.plots.reliability`). ``thin_posts=`` adds the same
figures for the users with little evidence before the split.

Units. ``spread`` counts the users reached *including the seed* (≥ 1) and the target
``mean_cascade_size`` counts the cascade's nodes *including the root* (1 + adopters),
so the two are compared as they are; ``viral_centrality`` counts the users reached
*besides* the seed, so its prediction is ``1 + viral_centrality``. On the
``active_days`` basis (no post rows) a piece of content is a (user, day): the target
is then 1 + that day's distinct adopters, and spread is still per post.

Examples
--------
>>> import influence_graph as ig
>>> ds = ig.datasets.synthetic(n_users=300, seed=1)
>>> pv = predictive_validity(ds, metrics=["spread", "actions"], n_boot=50, seed=0)
>>> pv.columns[:6]
['target', 'metric', 'n', 'spearman', 'spearman_low', 'spearman_high']
>>> pv.filter(pl.col("metric") == "actions")["cal_slope"].to_list()   # a count: no units
[None, None]
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

import numpy as np
import polars as pl

from ..diffusion.choice import POOLINGS, resolve_pooling
from ..diffusion.options import SpreadOptions, spread_options
from ..influence import influence
from ..metrics.activity import activity
from ..metrics.cascades import cascades
from ..metrics.observed import received_counts
from ._ranking import pearson_rows, percentile_interval, ranks, resample_ranks
from ._ranking import top_k as top_positions
from .._rng import SeedLike, as_generator, as_seed_sequence
from .._validation import bad_param, check_columns, check_dataset, check_int, check_number
from ..io.dataset import Dataset

__all__ = [
    "predictive_validity",
    "paired_differences",
    "calibration_table",
    "IN_TARGET_UNITS",
    "split_dataset",
    "future_targets",
    "TARGETS",
    "DEFAULT_METRICS",
    "POOLINGS",
]

#: Targets measured after the split.
TARGETS: tuple[str, ...] = ("mean_cascade_size", "total_engagement")
#: Metrics scored by default (those all-null on a data set are skipped).
DEFAULT_METRICS: tuple[str, ...] = (
    "spread",
    "viral_centrality",
    "pagerank",
    "out_degree",
    "out_strength",
    "coreness",
    "unique_engagers",
    "total_engagement",
    "retweets_received",
    "mean_cascade_size",
    "actions",
    "posts",
    "followers",
)
_ACTIVITY = ("posts", "actions", "active_days", "followers", "retweets_made")
#: Per target, the metrics that predict it in its own units (the others are counts or
#: scores on another scale: their calibration columns are null). ``viral_centrality``
#: counts the users reached besides the seed and is read as ``1 + viral_centrality``;
#: the past ``total_engagement`` is read at the same rate, scaled by the ratio of the
#: two windows' lengths (after / before the split).
IN_TARGET_UNITS: dict[str, tuple[str, ...]] = {
    "mean_cascade_size": ("spread", "viral_centrality", "mean_cascade_size"),
    "total_engagement": ("total_engagement",),
}


def _split_time(ds: Dataset, split: datetime | float) -> datetime:
    ts = ds.events["timestamp"]
    if ts.len() == 0:
        raise bad_param("ds", "<no events>", "have events to split")
    lo, hi = ts.min(), ts.max()
    if isinstance(split, datetime):
        if split.tzinfo is None:
            raise bad_param(
                "split", split, "be a timezone-aware datetime (UTC) or a fraction in (0, 1)"
            )
        t = split.astimezone(timezone.utc)
        if not (lo < t <= hi):
            raise bad_param("split", split, f"fall inside the log ({lo} .. {hi})")
        return t
    f = check_number("split", split, low=0.0, high=1.0, low_open=True, high_open=True)
    return lo + (hi - lo) * f  # type: ignore[operator]


def split_dataset(ds: Dataset, split: datetime | float) -> tuple[Dataset, Dataset, datetime]:
    """Split the log at ``split`` (a UTC datetime or a fraction of the time span).

    Both halves keep the whole user universe. Follow links with a ``since`` after the
    split are dropped from the first half.

    Returns
    -------
    before, after : Dataset
    split_time : datetime
    """
    t = _split_time(ds, split)
    before_ev = ds.events.filter(pl.col("timestamp") < t)
    after_ev = ds.events.filter(pl.col("timestamp") >= t)
    follows = ds.follows
    if follows is not None:
        follows = follows.filter(pl.col("since").is_null() | (pl.col("since") < t))
    before = dataclasses.replace(ds, events=before_ev, follows=follows)
    after = dataclasses.replace(ds, events=after_ev)
    return before, after, t


def future_targets(
    ds: Dataset, split_time: datetime, *, cascade_actions=("retweet", "quote"), min_posts: int = 1
) -> pl.DataFrame:
    """Compute the two targets per user, measured on events at or after ``split_time``.

    Returns
    -------
    polars.DataFrame
        ``user``; ``mean_cascade_size`` (Float64, users per post; null for users with
        fewer than ``min_posts`` posts after the split, or with no active day when
        posts are unknown);
        ``total_engagement`` (Int64, engagements received after the split);
        ``target_basis`` (String: ``"posts"`` or ``"active_days"``).
    """

    after = ds.events.filter(pl.col("timestamp") >= split_time)
    users = ds.user_ids
    eng = received_counts(after, users).select("user", "total_engagement")
    posts_known = bool((ds.events["action"].cast(pl.String) == "post").any())
    if posts_known:
        casc = cascades(ds, actions=cascade_actions).cascades.filter(
            pl.col("root_logged"), pl.col("root_time") >= split_time
        )
        size = (
            casc.group_by(user="root_user")
            .agg(mean_cascade_size=pl.col("size").mean().cast(pl.Float64), _np=pl.len())
            .filter(pl.col("_np") >= min_posts)
            .drop("_np")
        )
        basis = "posts"
    else:
        acts = list(cascade_actions)
        day = pl.col("timestamp").dt.date()
        adopt = (
            after.filter(
                pl.col("action").cast(pl.String).is_in(acts),
                pl.col("target_user").is_not_null(),
                pl.col("target_user") != pl.col("user"),
            )
            .group_by(user="target_user", day=day)
            .agg(_n=pl.col("user").n_unique())
        )
        active = pl.concat(
            [
                after.select("user", day=day),
                after.drop_nulls("target_user").select(user="target_user", day=day),
            ]
        ).unique()
        size = (
            active.join(adopt, on=["user", "day"], how="left")
            .group_by("user")
            .agg(mean_cascade_size=(1 + pl.col("_n").fill_null(0)).mean().cast(pl.Float64))
        )
        basis = "active_days"
    out = users.to_frame().join(size, on="user", how="left").join(eng, on="user", how="left")
    return out.with_columns(target_basis=pl.lit(basis)).select(
        "user", "mean_cascade_size", "total_engagement", "target_basis"
    )


def _metric_values(sub: pl.DataFrame, m: str) -> np.ndarray:
    """Metric ``m`` as floats; users without a value rank below every value."""
    x = sub[m].cast(pl.Float64).fill_nan(None).to_numpy().astype(np.float64)
    finite = np.isfinite(x)
    return np.where(finite, x, x[finite].min() - 1.0 if finite.any() else 0.0)


def _score(
    x: np.ndarray, y: np.ndarray, *, k: int, boot: np.ndarray, alpha: float,
    y_ranks: tuple[np.ndarray, np.ndarray],
) -> tuple[float, float, float, float]:
    """Spearman, its percentile bootstrap interval, and precision@k.

    ``y_ranks`` = (ranks of ``y``, ranks of ``y[boot]``): the target's ranks, computed
    once per target rather than once per metric.
    """
    rho = float(pearson_rows(ranks(x), y_ranks[0]))
    lo, hi = percentile_interval(pearson_rows(resample_ranks(x, boot), y_ranks[1]), 1.0 - alpha)
    kk = min(k, len(x))
    # ties at the cut are broken by user order (stable sort), the same for every metric
    prec = len(top_positions(x, kk) & top_positions(y, kk)) / kk if kk else float("nan")
    return rho, float(lo), float(hi), prec


def _window_ratio(ds: Dataset, split_time: datetime) -> float:
    """Length of the window after the split over the length of the one before it."""
    ts = ds.events["timestamp"]
    return float((ts.max() - split_time) / (split_time - ts.min()))  # type: ignore[operator]


def _predicted(sub: pl.DataFrame, m: str, target: str, window_ratio: float) -> np.ndarray | None:
    """Metric ``m`` as a prediction of ``target`` in the target's units (NaN: no value).

    None when ``m`` is not in the target's units (:data:`IN_TARGET_UNITS`).
    """
    if m not in IN_TARGET_UNITS.get(target, ()):
        return None
    x = sub[m].cast(pl.Float64).fill_nan(None).fill_null(float("nan")).to_numpy()
    x = x.astype(np.float64)
    if m == "viral_centrality":
        x = 1.0 + x  # users reached besides the seed -> cascade size incl. the root
    if target == "total_engagement":
        x = x * window_ratio  # the same rate over the window after the split
    return x


def _slope_rows(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> np.ndarray:
    """OLS slope of ``y`` on ``x`` along the last axis, rows weighted by ``w`` (0/1)."""
    sw = w.sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        mx = (w * x).sum(axis=-1, keepdims=True) / sw
        my = (w * y).sum(axis=-1, keepdims=True) / sw
        xc = np.where(w > 0, x - mx, 0.0)
        sxx = (xc * xc).sum(axis=-1)
        sxy = (xc * (y - my)).sum(axis=-1)
        return np.where(sxx > 0, sxy / np.where(sxx > 0, sxx, 1.0), np.nan)


def _calibration(
    x: np.ndarray, y: np.ndarray, *, boot: np.ndarray, alpha: float
) -> tuple[int, float | None, float | None, float | None, float | None]:
    """Calibration of prediction ``x`` (NaN = none) against the observed ``y``.

    Returns the users with a prediction, the OLS slope of observed on predicted, its
    percentile interval over the bootstrap resamples ``boot`` (each restricted to its
    users with a prediction), and mean observed / mean predicted; None when undefined
    (fewer than 3 users with a prediction, a constant prediction, a mean of 0).
    """
    ok = np.isfinite(x)
    n = int(ok.sum())
    if n < 3:
        return n, None, None, None, None
    xs, ys = x[ok], y[ok]
    # the same expression as the calibration_slope column (bit-identical on spread)
    xc = xs - xs.mean()
    den = float((xc * xc).sum())
    slope = float((xc * (ys - ys.mean())).sum() / den) if den > 0 else None
    ratio = float(ys.mean() / xs.mean()) if xs.mean() > 0 else None
    lo = hi = None
    if slope is not None and boot.size:
        x0, w = np.where(ok, x, 0.0), ok.astype(np.float64)
        step = max(1, 4_000_000 // max(boot.shape[1], 1))  # bounded memory on big logs
        draws = np.concatenate(
            [
                _slope_rows(x0[b], y[b], w[b])
                for b in (boot[i : i + step] for i in range(0, boot.shape[0], step))
            ]
        )
        a, b = percentile_interval(draws, 1.0 - alpha)
        lo, hi = (None, None) if np.isnan(a) else (a, b)
    return n, slope, lo, hi, ratio


def _content_before(before: Dataset, basis: str | None) -> pl.DataFrame:
    """Pieces of content per user before the split, on the target's basis.

    ``user``, ``_content`` (Int64): posts made, or, on the ``active_days`` basis,
    (user, UTC day) pairs on which the user acted or was engaged with.
    """
    ev = before.events
    if basis == "posts":
        return (
            ev.filter(pl.col("action").cast(pl.String) == "post")
            .group_by("user")
            .agg(_content=pl.len().cast(pl.Int64))
        )
    day = pl.col("timestamp").dt.date()
    return (
        pl.concat(
            [
                ev.select("user", day=day),
                ev.drop_nulls("target_user").select(user="target_user", day=day),
            ]
        )
        .unique()
        .group_by("user")
        .agg(_content=pl.len().cast(pl.Int64))
    )


def _score_block(
    sub: pl.DataFrame,
    target: str,
    want: Sequence[str],
    *,
    boot: np.ndarray,
    k: int,
    alpha: float,
    window_ratio: float,
    subset: str,
    max_posts: int | None,
) -> list[dict[str, Any]]:
    """One row per metric of ``want`` for ``target`` on the users of ``sub``."""
    n = sub.height
    y = sub[f"_y_{target}"].cast(pl.Float64).to_numpy()
    y_ranks = (ranks(y), resample_ranks(y, boot)) if n >= 3 else None
    rows = []
    for m in want:
        x = _metric_values(sub, m)
        if n >= 3:
            rho, lo, hi, prec = _score(x, y, k=k, boot=boot, alpha=alpha, y_ranks=y_ranks)
        else:
            rho = lo = hi = prec = float("nan")
        slope = ratio = None
        if m == "spread" and target == "mean_cascade_size" and n >= 3:
            xc = x - x.mean()
            den = float((xc * xc).sum())
            slope = float((xc * (y - y.mean())).sum() / den) if den > 0 else None
            ratio = float(y.mean() / x.mean()) if x.mean() > 0 else None
        xp = _predicted(sub, m, target, window_ratio)
        if xp is None:
            cal: tuple[Any, ...] = (None,) * 5
        else:
            cal = _calibration(xp, y, boot=boot, alpha=alpha)
        rows.append(
            {
                "target": target,
                "metric": m,
                "n": n,
                "spearman": rho,
                "spearman_low": lo,
                "spearman_high": hi,
                "precision_at_k": prec,
                "k": min(k, n),
                "calibration_slope": slope,
                "calibration_ratio": ratio,
                "cal_n": cal[0],
                "cal_slope": cal[1],
                "cal_slope_low": cal[2],
                "cal_slope_high": cal[3],
                "observed_over_predicted": cal[4],
                "subset": subset,
                "max_posts_before": max_posts,
            }
        )
    return rows


#: Keywords that predictive_validity and paired_differences hand to _prepare as they
#: are (one list, so the two functions score the same users the same way).
_SHARED: tuple[str, ...] = (
    "split",
    "graph",
    "probabilities",
    "prior",
    "pooling",
    "min_activity",
    "min_posts",
    "seed",
    "options",
)
#: The spread settings' defaults of predictive_validity and paired_differences.
_SPREAD_DEFAULTS: dict[str, Any] = {
    "rel_error": 0.1, "top_k": 100, "n_jobs": None, "executor": None,
}


def _check_boot(n_boot: int, confidence: float) -> tuple[int, float]:
    """Validated bootstrap size and the two-sided miss rate 1 − ``confidence``."""
    n_boot = check_int("n_boot", n_boot, low=10)  # type: ignore[assignment]
    level = check_number("confidence", confidence, low=0, high=1, low_open=True, high_open=True)
    return n_boot, 1.0 - float(level)  # type: ignore[arg-type]


def _prepare(
    ds: Dataset,
    *,
    split: datetime | float,
    metrics: Sequence[str] | None,
    graph: str | None,
    probabilities: str,
    prior: tuple[float, float] | str | None,
    pooling: str,
    min_activity: int,
    min_posts: int,
    seed: SeedLike,
    options: SpreadOptions,
) -> tuple[pl.DataFrame, list[str], datetime, str | None, np.random.SeedSequence]:
    """Metrics before the split joined to the targets after it, for the users scored.

    Returns the table (metric columns, ``_y_<target>`` columns), the metrics kept, the
    split time, the target basis and the bootstrap's seed.
    """

    before, _after, t = split_dataset(ds, split)
    if graph is None:
        graph = "follower" if before.follows is not None else "engagement"
    ss = as_seed_sequence(seed)
    spread_seed, boot_seed = ss.spawn(2)
    want = list(metrics) if metrics is not None else list(DEFAULT_METRICS)
    # the one path to learned probabilities (influence_graph.diffusion.choice):
    # pooling "auto" is decided on the log before the split
    inf = influence(
        before,
        graph=graph,
        spread_graph=graph,
        probabilities=probabilities,
        prior=prior,
        pooling=resolve_pooling(before, pooling),
        spread="spread" in want,
        viral=None if "viral_centrality" in want else False,
        seed=spread_seed,
        options=options,
    )
    act = activity(before).select("user", *[c for c in _ACTIVITY if c != "posts"])
    table = inf.join(act, on="user", how="left")
    for m in want:
        if m not in table.columns:
            raise bad_param("metrics", m, "name columns of influence() or activity()")
    if metrics is None:
        want = [m for m in want if table[m].null_count() < table.height]
    known = (
        pl.concat(
            [
                before.events.select("user"),
                before.events.drop_nulls("target_user").select(user="target_user"),
            ]
        )
        .group_by("user")
        .agg(_n=pl.len())
    )
    min_posts = check_int("min_posts", min_posts, low=1)  # type: ignore[assignment]
    fut = future_targets(ds, t, min_posts=min_posts).rename({tg: f"_y_{tg}" for tg in TARGETS})
    data = (
        table.join(known, on="user", how="left")
        .filter(pl.col("_n").fill_null(0) >= min_activity)
        .join(fut, on="user", how="left")
    )
    basis = fut["target_basis"][0] if fut.height else None
    return data, want, t, basis, boot_seed


def predictive_validity(
    ds: Dataset,
    *,
    split: datetime | float = 0.5,
    metrics: Sequence[str] | None = None,
    targets: Sequence[str] = TARGETS,
    k: int = 100,
    n_boot: int = 200,
    confidence: float = 0.95,
    graph: str | None = None,
    probabilities: str = "learned",
    prior: tuple[float, float] | str | None = "empirical",
    pooling: str = "auto",
    rel_error: float = 0.1,
    top_k: int | None = 100,
    min_activity: int = 1,
    min_posts: int = 1,
    seed: SeedLike = None,
    n_jobs: int | None = None,
    executor: Any = None,
    options: SpreadOptions | None = None,
    thin_posts: int | None = None,
) -> pl.DataFrame:
    """Score how well each metric learned before ``split`` predicts each target after it.

    Parameters
    ----------
    ds : Dataset
    split : datetime or float
        UTC datetime inside the log, or a fraction of its time span (0.5 = mid-window).
    metrics : sequence of str, optional
        Columns of :func:`influence_graph.influence` or :func:`influence_graph.activity`
        computed on the log before the split; default :data:`DEFAULT_METRICS` (metrics
        that are null for every user, e.g. ``posts`` on Higgs, are skipped). Every
        metric is read as "higher = more influential"; users without a value (no past
        cascade, …) rank lowest.
    targets : sequence of str
        Subset of :data:`TARGETS`.
    k : int
        Size of the top sets of ``precision_at_k``.
    n_boot : int
        Bootstrap resamples of users for the Spearman interval.
    confidence : float
        Level of the interval.
    graph : str, optional
        Graph of the probabilities and baselines (passed to
        :func:`influence_graph.influence` as both ``graph`` and ``spread_graph``):
        default ``"follower"`` when the data set has one, else ``"engagement"``.
    probabilities : str
        Method of :func:`influence_graph.edge_probabilities`, learned on the first half.
    prior : (float, float), "empirical" or None
        Beta prior of learned probabilities (:func:`influence_graph.influence`);
        default ``"empirical"``: mean = the pooled adoption rate of the first half.
    pooling : {"auto", "source", "edge"}
        How ``learned`` probabilities share evidence
        (:func:`influence_graph.edge_probabilities`). ``"source"``: each user's edges
        share a prior centred on the user's own adoption rate, so the spread uses
        what the user's audience did before the split; ``"edge"``: one prior for
        every edge, which on a follower graph outweighs a few posts of evidence:
        spread then mostly re-ranks follower counts. Default ``"auto"``, the rule of
        :func:`influence_graph.influence` and :func:`influence_graph.channel_ablation`
        (one code path, :mod:`influence_graph.diffusion.choice`), decided on the
        log before the split: ``"source"`` when it has post rows (A_u counts
        posts), ``"edge"`` when it has none (Higgs: A_u is only a lower bound, the
        most engagements any one user made, and a source rate over it is inflated
        several-fold). Spread and viral centrality are computed on these
        probabilities. Measurements: docs/observed-influence.md.
    min_posts : int
        With posts known, a user's ``mean_cascade_size`` target needs at least this
        many posts after the split (a mean over one post is mostly noise).
    rel_error, top_k
        Precision target of the expected spread.
    min_activity : int
        A user is scored when they had at least this many events (as actor or target)
        before the split — the users the metrics could know about.
    seed : int, SeedSequence, Generator or None
        Seeds the spread estimator and the bootstrap (separate streams).
    n_jobs : int or None
        Threads of the spread estimator.
    executor : dask.distributed.Client, optional
        Run the spread estimator on a Dask cluster (bit-identical to a local run).
    options : SpreadOptions, optional
        The spread settings as one object (:class:`influence_graph.diffusion.SpreadOptions`);
        ``rel_error``, ``top_k``, ``n_jobs`` and ``executor`` stay at their defaults then.
    thin_posts : int, optional
        Also score the **thin-evidence** users: those with at most ``thin_posts``
        posts before the split (on the ``active_days`` basis, at most that many
        (user, UTC day) pieces of content before it), where past counts are mostly
        noise. Their rows follow the default block, one per (target, metric), with
        ``subset = "thin"``; the split, the metrics (learned on every user before the
        split), the targets and the default rows are unchanged. Their bootstrap
        resamples (``n_boot``, of the thin users only) come from a stream of their
        own, so the default rows stay bit-identical with and without ``thin_posts``.
        Default None: no thin rows.

    Returns
    -------
    polars.DataFrame
        One row per (target, metric) (and per (target, metric) again for the thin
        users with ``thin_posts``):

        - ``target`` (String), ``metric`` (String)
        - ``n`` (Int64): users scored (known before the split, target defined after)
        - ``spearman`` (Float64, −1..1, higher = better prediction), ``spearman_low``,
          ``spearman_high`` (Float64): percentile bootstrap interval over users
        - ``precision_at_k`` (Float64, 0..1): share of the metric's top-k users that are
          in the target's top-k
        - ``k`` (Int64)
        - ``calibration_slope`` (Float64): OLS slope of observed target on the metric
          (1 = calibrated), only for ``spread`` on ``mean_cascade_size``; else null
          (kept as it was; ``cal_slope`` extends it to every metric in target units)
        - ``calibration_ratio`` (Float64): mean observed / mean expected for the same
          pair; else null
        - ``target_basis`` (String): ``"posts"`` or ``"active_days"`` (module docstring)
        - ``split_time`` (Datetime UTC)
        - ``cal_n`` (Int64, users): users of the row with a prediction in the
          target's units (the past ``mean_cascade_size`` is defined only for users
          with a cascade before the split); null for a metric not in target units
        - ``cal_slope`` (Float64, 1 = calibrated): OLS slope of the observed target on
          the metric read as a prediction in the target's units
          (:data:`IN_TARGET_UNITS`: ``spread``; ``1 + viral_centrality``; the past
          ``mean_cascade_size``; on ``total_engagement`` the past
          ``total_engagement`` × (window after / window before)), over the
          ``cal_n`` users. Below 1: the users predicted high do less well than
          predicted (over-dispersed prediction); above 1: the prediction is too
          compressed. Equal to ``calibration_slope`` on ``spread`` ×
          ``mean_cascade_size``. Null for a metric not in the target's units (counts
          such as ``followers``, scores such as ``pagerank``) or when undefined
        - ``cal_slope_low``, ``cal_slope_high`` (Float64): percentile bootstrap
          interval of ``cal_slope`` at ``confidence``, over the same resamples of
          users as the Spearman interval (each restricted to its users with a
          prediction)
        - ``observed_over_predicted`` (Float64, 1 = calibrated in the mean): mean
          observed target / mean prediction over the ``cal_n`` users (above 1: the
          metric under-predicts)
        - ``subset`` (String): ``"all"`` (the scored users) or ``"thin"``
        - ``max_posts_before`` (Int64): ``thin_posts`` on the thin rows, null on the
          others

    Raises
    ------
    InputValidationError
        Bad split, unknown metric or target, bad ``k``/``n_boot``/``thin_posts``.

    References
    ----------
    Bakshy, Hofman, Mason & Watts (2011), "Everyone's an influencer: quantifying
    influence on Twitter", WSDM.
    """
    check_dataset("ds", ds)
    for t in targets:
        if t not in TARGETS:
            raise bad_param("targets", t, "name only " + ", ".join(map(repr, TARGETS)))
    k = check_int("k", k, low=1)  # type: ignore[assignment]
    n_boot, alpha = _check_boot(n_boot, confidence)
    thin_posts = check_int("thin_posts", thin_posts, low=0, allow_none=True)
    options = spread_options(
        options, _SPREAD_DEFAULTS, rel_error=rel_error, top_k=top_k, n_jobs=n_jobs,
        executor=executor,
    )
    args = locals()
    data, want, t, basis, boot_seed = _prepare(
        ds, metrics=metrics, **{key: args[key] for key in _SHARED}
    )
    ratio = _window_ratio(ds, t)
    rng = as_generator(boot_seed)
    rows = []
    subs = []
    for target in targets:
        sub = data.filter(pl.col(f"_y_{target}").is_not_null())
        n = sub.height
        boot = (
            rng.integers(0, max(n, 1), size=(n_boot, n))
            if n
            else np.zeros((n_boot, 0), dtype=np.int64)
        )
        rows += _score_block(
            sub, target, want, boot=boot, k=k, alpha=alpha, window_ratio=ratio,
            subset="all", max_posts=None,
        )
        subs.append((target, sub))
    if thin_posts is not None:
        # a stream of its own: the default rows' resamples are drawn as without it
        thin_rng = as_generator(boot_seed.spawn(1)[0])
        before, _after, _t = split_dataset(ds, t)
        content = _content_before(before, basis)
        for target, sub in subs:
            have = sub["user"].replace_strict(
                content["user"], content["_content"], default=0, return_dtype=pl.Int64
            )
            thin = sub.filter(have <= thin_posts)
            n = thin.height
            boot = (
                thin_rng.integers(0, n, size=(n_boot, n))
                if n
                else np.zeros((n_boot, 0), dtype=np.int64)
            )
            rows += _score_block(
                thin, target, want, boot=boot, k=k, alpha=alpha, window_ratio=ratio,
                subset="thin", max_posts=thin_posts,
            )
    schema = {
        "target": pl.String,
        "metric": pl.String,
        "n": pl.Int64,
        "spearman": pl.Float64,
        "spearman_low": pl.Float64,
        "spearman_high": pl.Float64,
        "precision_at_k": pl.Float64,
        "k": pl.Int64,
        "calibration_slope": pl.Float64,
        "calibration_ratio": pl.Float64,
    }
    extra = {
        "cal_n": pl.Int64,
        "cal_slope": pl.Float64,
        "cal_slope_low": pl.Float64,
        "cal_slope_high": pl.Float64,
        "observed_over_predicted": pl.Float64,
        "subset": pl.String,
        "max_posts_before": pl.Int64,
    }
    out = pl.DataFrame(rows, schema={**schema, **extra})
    return out.with_columns(
        pl.col("spearman", "spearman_low", "spearman_high", "precision_at_k").fill_nan(None),
        target_basis=pl.lit(basis, pl.String),
        split_time=pl.lit(t, pl.Datetime("us", "UTC")),
    ).select(*schema, "target_basis", "split_time", *extra)


def paired_differences(
    ds: Dataset,
    *,
    metric: str = "spread",
    versus: Sequence[str] = ("followers", "actions"),
    target: str = "mean_cascade_size",
    split: datetime | float = 0.5,
    n_boot: int = 200,
    confidence: float = 0.95,
    graph: str | None = None,
    probabilities: str = "learned",
    prior: tuple[float, float] | str | None = "empirical",
    pooling: str = "auto",
    rel_error: float = 0.1,
    top_k: int | None = 100,
    min_activity: int = 1,
    min_posts: int = 1,
    seed: SeedLike = None,
    n_jobs: int | None = None,
    executor: Any = None,
    options: SpreadOptions | None = None,
) -> pl.DataFrame:
    """Does ``metric`` out-predict each of ``versus``? Paired bootstrap of the Spearman gap.

    The same users, split, metrics and targets as :func:`predictive_validity` (same
    keywords, same seed streams: the Spearman values equal its ``spearman`` column);
    each bootstrap resample of users scores both metrics, so the interval of
    ρ(metric) − ρ(other) accounts for their correlation (two overlapping marginal
    intervals can still give a gap that excludes 0).

    Parameters
    ----------
    ds : Dataset
    metric : str
        The metric under test (a column of :func:`influence_graph.influence` or
        :func:`influence_graph.activity`).
    versus : sequence of str
        The metrics it is compared with, one row each.
    target : str
        One of :data:`TARGETS`.
    split, n_boot, confidence, graph, probabilities, prior, pooling, rel_error, \
    top_k, min_activity, min_posts, seed, n_jobs, executor, options
        As in :func:`predictive_validity`.

    Returns
    -------
    polars.DataFrame
        One row per entry of ``versus``:

        - ``target``, ``metric``, ``versus`` (String)
        - ``n`` (Int64): users scored
        - ``spearman`` (Float64): ρ of ``metric`` with the target
        - ``spearman_versus`` (Float64): ρ of ``versus`` with the target
        - ``difference`` (Float64): ``spearman − spearman_versus`` (> 0: ``metric``
          predicts better)
        - ``difference_low``, ``difference_high`` (Float64): paired percentile bootstrap
          interval of the difference at ``confidence``
        - ``share_not_better`` (Float64, 0..1): share of resamples in which ``metric``
          did not beat ``versus`` (difference ≤ 0)
        - ``split_time`` (Datetime UTC)

    Raises
    ------
    InputValidationError
        Unknown metric or target, bad ``split``, ``n_boot`` or ``confidence``.

    Notes
    -----
    "Out-predicts by a clear margin" (issue 4; tested on the synthetic world in
    tests/test_validity.py) is read as: the difference is at least 0.05 **and** the
    lower end of its 95 % paired interval is above 0. docs/observed-influence.md
    gives the figures.

    Examples
    --------
    >>> import influence_graph as ig
    >>> ds = ig.datasets.synthetic(n_users=300, seed=1)
    >>> d = paired_differences(ds, versus=["actions"], n_boot=50, seed=0)
    >>> d.select("metric", "versus").row(0)
    ('spread', 'actions')
    >>> bool(d["difference_low"][0] <= d["difference"][0] <= d["difference_high"][0])
    True
    """
    if target not in TARGETS:
        raise bad_param("target", target, "name one of " + ", ".join(map(repr, TARGETS)))
    if isinstance(versus, str) or not versus:
        raise bad_param("versus", versus, "be a non-empty sequence of metric names")
    n_boot, alpha = _check_boot(n_boot, confidence)
    names = list(dict.fromkeys([metric, *versus]))
    options = spread_options(
        options, _SPREAD_DEFAULTS, rel_error=rel_error, top_k=top_k, n_jobs=n_jobs,
        executor=executor,
    )
    args = locals()
    data, _want, t, _basis, boot_seed = _prepare(
        ds, metrics=names, **{key: args[key] for key in _SHARED}
    )
    rng = as_generator(boot_seed)
    # the first draw for each target in TARGETS order, as predictive_validity makes them
    boot = None
    for tg in TARGETS:
        sub = data.filter(pl.col(f"_y_{tg}").is_not_null())
        n = sub.height
        b = rng.integers(0, max(n, 1), size=(n_boot, n))
        if tg == target:
            boot = b
            break
    assert boot is not None
    y = sub[f"_y_{target}"].cast(pl.Float64).to_numpy()
    rows = []
    x = _metric_values(sub, metric)
    # the target's ranks once, not once per metric compared
    ry, ry_boot = (ranks(y), resample_ranks(y, boot)) if n >= 3 else (None, None)
    rho_m = float(pearson_rows(ranks(x), ry)) if n >= 3 else float("nan")
    rb_m = pearson_rows(resample_ranks(x, boot), ry_boot) if n >= 3 else np.full(n_boot, np.nan)
    for v in versus:
        xv = _metric_values(sub, v)
        if n >= 3:
            rho_v = float(pearson_rows(ranks(xv), ry))
            d = rb_m - pearson_rows(resample_ranks(xv, boot), ry_boot)
            lo, hi = percentile_interval(d, 1.0 - alpha)
            d = d[np.isfinite(d)]
            worse = float((d <= 0).mean()) if d.size else float("nan")
        else:
            rho_v = lo = hi = worse = float("nan")
        rows.append(
            {
                "target": target,
                "metric": metric,
                "versus": v,
                "n": n,
                "spearman": rho_m,
                "spearman_versus": rho_v,
                "difference": rho_m - rho_v,
                "difference_low": float(lo),
                "difference_high": float(hi),
                "share_not_better": worse,
            }
        )
    schema = {
        "target": pl.String,
        "metric": pl.String,
        "versus": pl.String,
        "n": pl.Int64,
        "spearman": pl.Float64,
        "spearman_versus": pl.Float64,
        "difference": pl.Float64,
        "difference_low": pl.Float64,
        "difference_high": pl.Float64,
        "share_not_better": pl.Float64,
    }
    return pl.DataFrame(rows, schema=schema).with_columns(
        pl.col(c).fill_nan(None) for c in schema if schema[c] == pl.Float64
    ).with_columns(split_time=pl.lit(t, pl.Datetime("us", "UTC")))


def _bin_reliability(
    x: np.ndarray, y: np.ndarray, *, bins: int, confidence: float
) -> list[dict[str, Any]]:
    """Equal-count bins of ``x`` (ties kept together) with the mean of ``y`` per bin."""
    from scipy import stats

    if x.size == 0:
        return []
    n = x.size
    order = np.argsort(x, kind="stable")
    xs = x[order]
    # position i of the sorted predictions goes to bin floor(i·bins/n); a run of tied
    # predictions goes where its first member goes
    _, first, inverse = np.unique(xs, return_index=True, return_inverse=True)
    which = np.empty(n, dtype=np.int64)
    which[order] = ((np.arange(n) * bins) // n)[first[inverse]]
    rows = []
    for b in np.unique(which):
        sel = which == b
        xb, yb = x[sel], y[sel]
        nb = int(sel.sum())
        mean = float(yb.mean())
        lo = hi = None
        if nb >= 2:
            half = float(stats.t.ppf(0.5 + confidence / 2, nb - 1) * yb.std(ddof=1) / np.sqrt(nb))
            lo, hi = mean - half, mean + half
        rows.append(
            {
                "bin": len(rows) + 1,
                "n": nb,
                "predicted_min": float(xb.min()),
                "predicted_max": float(xb.max()),
                "predicted_mean": float(xb.mean()),
                "observed_mean": mean,
                "observed_low": lo,
                "observed_high": hi,
            }
        )
    return rows


def calibration_table(
    data: Dataset | pl.DataFrame,
    *,
    predicted: str = "spread",
    observed: str = "mean_cascade_size",
    bins: int = 10,
    confidence: float = 0.95,
    split: datetime | float = 0.5,
    graph: str | None = None,
    probabilities: str = "learned",
    prior: tuple[float, float] | str | None = "empirical",
    pooling: str = "auto",
    rel_error: float = 0.1,
    top_k: int | None = 100,
    min_activity: int = 1,
    min_posts: int = 1,
    seed: SeedLike = None,
    n_jobs: int | None = None,
    executor: Any = None,
    options: SpreadOptions | None = None,
) -> pl.DataFrame:
    """Binned reliability data: mean predicted vs mean observed, per bin of the prediction.

    The data of a calibration (reliability) plot, drawn by
    :func:`influence_graph.report.plots.reliability`: users are sorted by their
    prediction and cut into ``bins`` equal-count bins (quantiles of the prediction;
    users with the same prediction stay in one bin, so heavy ties give fewer bins); a
    calibrated prediction puts every bin on the diagonal, observed mean = predicted
    mean.

    Parameters
    ----------
    data : Dataset or polars.DataFrame
        A Dataset: the users, split and metrics of :func:`predictive_validity` (same
        keywords, same defaults and seed stream for the spread), with ``predicted`` a
        metric in the units of the target ``observed`` (:data:`IN_TARGET_UNITS`, read
        as there: ``1 + viral_centrality``, the past ``total_engagement`` scaled by the
        windows' lengths). A DataFrame: one row per user with the columns
        ``predicted`` and ``observed`` taken as they are (rows missing either are
        left out).
    predicted : str
        The prediction: a metric (Dataset) or a column (DataFrame).
    observed : str
        The outcome: one of :data:`TARGETS` (Dataset) or a column (DataFrame).
    bins : int
        Number of bins (at least 1).
    confidence : float
        Level of the interval of each bin's observed mean.
    split, graph, probabilities, prior, pooling, rel_error, top_k, min_activity, \
    min_posts, seed, n_jobs, executor, options
        As in :func:`predictive_validity` (Dataset only; ignored for a DataFrame).

    Returns
    -------
    polars.DataFrame
        One row per non-empty bin, in increasing prediction:

        - ``metric``, ``target`` (String): ``predicted``, ``observed``
        - ``bin`` (Int64, 1 = lowest predictions), ``n`` (Int64, users in the bin)
        - ``predicted_min``, ``predicted_max`` (Float64): the bin's range of
          predictions
        - ``predicted_mean`` (Float64): mean prediction of the bin (target units)
        - ``observed_mean`` (Float64): mean observed value of the bin
        - ``observed_low``, ``observed_high`` (Float64): Student-t interval of the
          observed mean at ``confidence`` (mean ± t·s/√n); null for a bin of one user

    Raises
    ------
    InputValidationError
        ``bins`` below 1, bad ``confidence``, ``observed`` not a target, ``predicted``
        not in its units (Dataset) or missing columns (DataFrame).

    Examples
    --------
    >>> import polars as pl
    >>> t = pl.DataFrame({"spread": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
    ...                   "future": [0.5, 1.5, 1.0, 2.0, 3.5, 2.5]})
    >>> cal = calibration_table(t, predicted="spread", observed="future", bins=3)
    >>> cal.select("bin", "n", "predicted_mean", "observed_mean").rows()
    [(1, 2, 1.5, 1.0), (2, 2, 3.5, 1.5), (3, 2, 5.5, 3.0)]
    >>> round(cal["observed_high"][0] - cal["observed_mean"][0], 3)   # t(0.975, 1)·0.5/√2
    6.353
    """
    bins = check_int("bins", bins, low=1)  # type: ignore[assignment]
    level = float(
        check_number("confidence", confidence, low=0, high=1, low_open=True, high_open=True)
    )  # type: ignore[arg-type]
    if isinstance(data, pl.DataFrame):
        check_columns(data, [predicted, observed], what="data")
        both = data.select(
            x=pl.col(predicted).cast(pl.Float64), y=pl.col(observed).cast(pl.Float64)
        ).with_columns(pl.all().fill_nan(None)).drop_nulls()
        x = both["x"].to_numpy()
        y = both["y"].to_numpy()
    else:
        check_dataset("data", data)
        if observed not in TARGETS:
            raise bad_param("observed", observed, "name one of " + ", ".join(map(repr, TARGETS)))
        units = IN_TARGET_UNITS[observed]
        if predicted not in units:
            raise bad_param(
                "predicted", predicted,
                f"be a metric in the units of {observed!r}: " + ", ".join(map(repr, units)),
            )
        options = spread_options(
            options, _SPREAD_DEFAULTS, rel_error=rel_error, top_k=top_k, n_jobs=n_jobs,
            executor=executor,
        )
        args = locals()
        ds = data
        prepared, _want, t, _basis, _boot = _prepare(
            ds, metrics=[predicted], **{key: args[key] for key in _SHARED}
        )
        sub = prepared.filter(pl.col(f"_y_{observed}").is_not_null())
        xp = _predicted(sub, predicted, observed, _window_ratio(ds, t))
        assert xp is not None
        ok = np.isfinite(xp)
        x = xp[ok]
        y = sub[f"_y_{observed}"].cast(pl.Float64).to_numpy()[ok]
    rows = _bin_reliability(x, y, bins=bins, confidence=level)
    schema = {
        "bin": pl.Int64,
        "n": pl.Int64,
        "predicted_min": pl.Float64,
        "predicted_max": pl.Float64,
        "predicted_mean": pl.Float64,
        "observed_mean": pl.Float64,
        "observed_low": pl.Float64,
        "observed_high": pl.Float64,
    }
    out = pl.DataFrame(rows, schema=schema)
    return out.select(
        pl.lit(predicted, pl.String).alias("metric"),
        pl.lit(observed, pl.String).alias("target"),
        *schema,
    )
