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
(seeded), precision of the top-k, and, for ``spread`` on ``mean_cascade_size`` (the one
metric that predicts that quantity), the calibration slope and ratio of observed on
expected (Bakshy et al. 2011 asked this of past influence).

Examples
--------
>>> import influence_graph as ig
>>> ds = ig.datasets.synthetic(n_users=300, seed=1)
>>> pv = predictive_validity(ds, metrics=["spread", "actions"], n_boot=50, seed=0)
>>> pv.columns[:6]
['target', 'metric', 'n', 'spearman', 'spearman_low', 'spearman_high']
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
from ._ranking import percentile_interval, spearman_rows
from ._ranking import top_k as top_positions
from .._rng import SeedLike, as_generator, as_seed_sequence
from .._validation import bad_param, check_dataset, check_int, check_number
from ..io.dataset import Dataset

__all__ = [
    "predictive_validity",
    "paired_differences",
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
    from ..metrics.cascades import cascades
    from ..metrics.observed import received_counts

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
    x: np.ndarray, y: np.ndarray, *, k: int, boot: np.ndarray, alpha: float
) -> tuple[float, float, float, float]:
    """Spearman, its percentile bootstrap interval, and precision@k."""
    rho = float(spearman_rows(x, y))
    lo, hi = percentile_interval(spearman_rows(x[boot], y[boot]), 1.0 - alpha)
    kk = min(k, len(x))
    # ties at the cut are broken by user order (stable sort), the same for every metric
    prec = len(top_positions(x, kk) & top_positions(y, kk)) / kk if kk else float("nan")
    return rho, float(lo), float(hi), prec


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
    from ..metrics.activity import activity
    from ..influence import influence

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

    Returns
    -------
    polars.DataFrame
        One row per (target, metric):

        - ``target`` (String), ``metric`` (String)
        - ``n`` (Int64): users scored (known before the split, target defined after)
        - ``spearman`` (Float64, −1..1, higher = better prediction), ``spearman_low``,
          ``spearman_high`` (Float64): percentile bootstrap interval over users
        - ``precision_at_k`` (Float64, 0..1): share of the metric's top-k users that are
          in the target's top-k
        - ``k`` (Int64)
        - ``calibration_slope`` (Float64): OLS slope of observed target on the metric
          (1 = calibrated), only for ``spread`` on ``mean_cascade_size``; else null
        - ``calibration_ratio`` (Float64): mean observed / mean expected for the same
          pair; else null
        - ``target_basis`` (String): ``"posts"`` or ``"active_days"`` (module docstring)
        - ``split_time`` (Datetime UTC)

    Raises
    ------
    InputValidationError
        Bad split, unknown metric or target, bad ``k``/``n_boot``.

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
    options = spread_options(
        options, _SPREAD_DEFAULTS, rel_error=rel_error, top_k=top_k, n_jobs=n_jobs,
        executor=executor,
    )
    args = locals()
    data, want, t, basis, boot_seed = _prepare(
        ds, metrics=metrics, **{key: args[key] for key in _SHARED}
    )
    rng = as_generator(boot_seed)
    rows = []
    for target in targets:
        sub = data.filter(pl.col(f"_y_{target}").is_not_null())
        n = sub.height
        y = sub[f"_y_{target}"].cast(pl.Float64).to_numpy()
        boot = (
            rng.integers(0, max(n, 1), size=(n_boot, n))
            if n
            else np.zeros((n_boot, 0), dtype=np.int64)
        )
        for m in want:
            x = _metric_values(sub, m)
            if n >= 3:
                rho, lo, hi, prec = _score(x, y, k=k, boot=boot, alpha=alpha)
            else:
                rho = lo = hi = prec = float("nan")
            slope = ratio = None
            if m == "spread" and target == "mean_cascade_size" and n >= 3:
                xc = x - x.mean()
                den = float((xc * xc).sum())
                slope = float((xc * (y - y.mean())).sum() / den) if den > 0 else None
                ratio = float(y.mean() / x.mean()) if x.mean() > 0 else None
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
                }
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
    out = pl.DataFrame(rows, schema=schema)
    return out.with_columns(
        pl.col("spearman", "spearman_low", "spearman_high", "precision_at_k").fill_nan(None),
        target_basis=pl.lit(basis, pl.String),
        split_time=pl.lit(t, pl.Datetime("us", "UTC")),
    )


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
    rho_m = float(spearman_rows(x, y)) if n >= 3 else float("nan")
    rb_m = spearman_rows(x[boot], y[boot]) if n >= 3 else np.full(n_boot, np.nan)
    for v in versus:
        xv = _metric_values(sub, v)
        if n >= 3:
            rho_v = float(spearman_rows(xv, y))
            d = rb_m - spearman_rows(xv[boot], y[boot])
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
