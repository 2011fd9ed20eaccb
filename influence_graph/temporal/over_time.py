"""Scores over time: every metric of every user in every window, with common random numbers.

Each window's log (events with ``start ≤ timestamp < end``; the follower graph and the
user universe of the whole data set) gets the counts of :func:`influence_graph.activity`
and :func:`influence_graph.observed_influence`, and R expected-spread runs (RIS) on the
probabilities :func:`influence_graph.influence` learns for it. Every window uses the
**same seeds**, **edge-keyed coins** (``expected_spread(..., coins="edge")``: the edge
u → v is live in an RR set when a hash of the RR set's key and (u, v) falls below its
probability) and **one fixed θ** (:func:`window_runs`). So a window whose evidence
equals another's gives bit-identical estimates (a change of exactly 0), an edge whose
probability did not change draws the same coin in every window, and a user's spread
moves only where it can reach an edge whose probability changed — estimator noise
does not masquerade as change. ``crn=False`` gives each window its own seeds and the
adaptive θ (for comparison: then identical evidence still moves by sampling noise).

Examples
--------
>>> import influence_graph as ig
>>> ds = ig.datasets.synthetic(n_users=200, days=14, seed=1)
>>> t = scores_over_time(ds, window="7d", seed=1)
>>> t.select(pl.col("window_start").n_unique()).item(), t.height == 2 * ds.n_users
(2, True)
>>> bool(t.select((pl.col("score_low") <= pl.col("score")).all()).item())
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import polars as pl

from .._rng import SeedLike, as_seed_sequence
from .._validation import bad_param, check_dataset, check_int, check_number
from ..diffusion.probability_graph import ProbabilityGraph
from ..io.dataset import Dataset, make_dataset
from .score import absolute_score, relative_score
from .windows import window_bounds

__all__ = [
    "scores_over_time", "METRICS", "SCORE_COLUMNS", "DEFAULT_REPLICATES", "replicate_seeds",
    "window_dataset", "window_probabilities", "window_runs", "WindowRun",
]

#: Metrics a window can report (the spread is always computed: the score needs it).
METRICS: tuple[str, ...] = ("actions", "posts", "retweets_received", "unique_engagers", "spread")
#: Columns derived from the spread in every window.
SCORE_COLUMNS: tuple[str, ...] = (
    "spread", "spread_se", "spread_low", "spread_high", "score", "score_low", "score_high",
    "relative_score", "relative_low", "relative_high",
)


#: Paired replicates per window (``replicates``): each a RIS run with its own seed.
DEFAULT_REPLICATES = 8


def replicate_seeds(seed: SeedLike, n_windows: int, replicates: int, crn: bool) -> list[list[Any]]:
    """Per window, the seeds of its replicates: the same list for every window with CRN."""
    ss = as_seed_sequence(seed)
    if crn:
        same = list(ss.spawn(replicates))
        return [same] * n_windows
    return [list(child.spawn(replicates)) for child in ss.spawn(n_windows)]


def window_dataset(ds: Dataset, start: Any, end: Any) -> tuple[Dataset, int]:
    """The window's log (events with ``start ≤ timestamp < end``; the follower graph and
    the users of ``ds``) and its number of events."""
    w_ev = ds.events.filter(pl.col("timestamp") >= start, pl.col("timestamp") < end)
    w = make_dataset(events=w_ev, follows=ds.follows, users=ds.users,
                     name=f"{ds.name}[{start:%Y-%m-%d %H:%M}, {end:%Y-%m-%d %H:%M})")
    return w, w_ev.height


def window_probabilities(w: Dataset) -> tuple[Any, pl.DataFrame]:
    """The graphs of ``w`` and the learned ``source, target, p`` table that
    :func:`influence_graph.influence` uses on it (graph and pooling ``"auto"``)."""
    from ..diffusion.choice import resolve_pooling, resolve_spread_graph, spread_probabilities
    from ..graphs import graphs_of, make_weights

    g = graphs_of(w, make_weights(None, None))
    table = spread_probabilities(g, "learned", graph=resolve_spread_graph(w, "auto"),
                                 pooling=resolve_pooling(w, "auto"))
    return g, table


#: ``rel_error`` of the fixed-θ runs (no run reaches it: ``max_samples`` stops them).
_FIXED = 1e-12


@dataclass(frozen=True)
class WindowRun:
    """One window of :func:`window_runs`.

    Attributes
    ----------
    start, end : datetime
    dataset : Dataset
        The window's log (:func:`window_dataset`).
    events : int
    table : polars.DataFrame or None
        The learned ``source, target, p`` (None without events).
    graph : ProbabilityGraph or None
        ``table`` on the data set's user index (the same codes in every window).
    replicates : polars.DataFrame or None
        ``user``, ``spread_replicates`` (List[Float64], one RIS estimate per replicate
        seed); None without events or when the window was not asked for.
    """

    start: datetime
    end: datetime
    dataset: Dataset
    events: int
    table: pl.DataFrame | None
    graph: ProbabilityGraph | None
    replicates: pl.DataFrame | None


def _replicate_table(pg: ProbabilityGraph, spread: np.ndarray) -> pl.DataFrame:
    return pl.DataFrame({"user": pg.users, "spread_replicates": spread.T},
                        schema={"user": pl.String,
                                "spread_replicates": pl.Array(pl.Float64, spread.shape[0])}
                        ).with_columns(pl.col("spread_replicates").cast(pl.List(pl.Float64)))


def window_runs(
    ds: Dataset, bounds: Sequence[tuple[datetime, datetime]], seeds: Sequence[list[Any]],
    opts: dict[str, Any], *, crn: bool, keep: Sequence[int] | None = None,
) -> tuple[list[WindowRun], int | None]:
    """Each window's learned probabilities and R spread runs; and the common θ.

    With ``crn`` every replicate runs with edge-keyed coins (``coins="edge"``) at one
    **fixed θ** shared by every window and replicate: θ is the largest that the
    adaptive rule (``opts``) picks for replicate 0 of any window, so every window meets
    the precision target, and two windows' run r then differ only through the coins
    that fall between an edge's two probabilities. Without ``crn``: the adaptive rule,
    per-RR-set streams and each window's own seeds. ``keep``: the windows whose
    replicates are wanted (default all); the others are still needed for θ. Returns
    the runs and θ (None without ``crn`` or without events).
    """
    from ..diffusion.probability_graph import probability_graph_on
    from ..diffusion.replicates import replicate_spreads

    wanted = set(range(len(bounds)) if keep is None else keep)
    runs: list[WindowRun] = []
    for start, end in bounds:
        w, n_events = window_dataset(ds, start, end)
        table = pg = None
        if n_events:
            g, table = window_probabilities(w)
            pg = probability_graph_on(g, table)
        runs.append(WindowRun(start, end, w, n_events, table, pg, None))
    live = [i for i, r in enumerate(runs) if r.graph is not None]
    theta = None
    pilot: dict[int, np.ndarray] = {}
    fixed = dict(opts)
    if crn and live:
        thetas = {}
        for i in live:
            res = replicate_spreads(runs[i].graph, seeds[i][:1], coins="edge", **opts)
            pilot[i] = res[0]
            thetas[i] = int(res[2][0])
        theta = max(thetas.values())
        pilot = {i: v for i, v in pilot.items() if thetas[i] == theta}
        fixed.update(coins="edge", rel_error=_FIXED, max_samples=theta)
    out = []
    for i, r in enumerate(runs):
        if i in wanted and r.graph is not None:
            if i in pilot:  # the adaptive run stopped at θ: the fixed run's very bits
                rest = replicate_spreads(r.graph, seeds[i][1:], **fixed)[0]
                spread = np.vstack([pilot[i], rest])
            else:
                spread = replicate_spreads(r.graph, seeds[i], **fixed)[0]
            r = WindowRun(r.start, r.end, r.dataset, r.events, r.table, r.graph,
                          _replicate_table(r.graph, spread))
        out.append(r)
    return out, theta


def _one_window(run: WindowRun, metrics: Sequence[str], confidence: float) -> pl.DataFrame:
    from ..diffusion.replicates import replicate_mean
    from ..metrics.activity import activity
    from ..metrics.observed import observed_influence

    w, rep = run.dataset, run.replicates
    if rep is None:  # pragma: no cover - window_runs fills every window with events
        raise ValueError(f"window {run.start} has no spread runs")
    r = int(rep["spread_replicates"].list.len().max())  # type: ignore[arg-type]
    runs = rep["spread_replicates"].list.to_array(r).to_numpy().T  # (R, users)
    mean, se, low, high = replicate_mean(runs, confidence=confidence)
    tab = rep.with_columns(
        spread=pl.Series(mean), spread_se=pl.Series(se),
        spread_low=pl.Series(np.maximum(low, 1.0)), spread_high=pl.Series(high),
    )
    obs = observed_influence(w).select("user", "retweets_received", "unique_engagers")
    act = activity(w).select("user", "actions", "posts")
    tab = tab.join(obs, on="user", how="left").join(act, on="user", how="left")
    return tab.with_columns(
        score=absolute_score(tab["spread"]),
        score_low=absolute_score(tab["spread_low"]),
        score_high=absolute_score(tab["spread_high"]),
        relative_score=relative_score(tab["spread"], tab["spread"]),
        relative_low=relative_score(tab["spread_low"], tab["spread"]),
        relative_high=relative_score(tab["spread_high"], tab["spread"]),
    ).select("user", *[m for m in metrics if m != "spread"], *SCORE_COLUMNS,
             "spread_replicates")


def scores_over_time(
    ds: Dataset,
    *,
    window: str = "7d",
    step: str | None = None,
    metrics: Sequence[str] = METRICS,
    seed: SeedLike = None,
    crn: bool = True,
    replicates: int = DEFAULT_REPLICATES,
    confidence: float = 0.95,
    rel_error: float = 0.1,
    top_k: int | None = 100,
    n_jobs: int | None = None,
) -> pl.DataFrame:
    """Every user's metrics and 1–100 score in each time window.

    Parameters
    ----------
    ds : Dataset
    window : str
        Window length, a polars duration string (``"1d"``, ``"7d"``, ``"12h"``).
    step : str, optional
        Distance between window starts; None (default): ``window`` (tumbling windows);
        shorter: sliding windows.
    metrics : sequence of str
        Among :data:`METRICS`; the spread and score columns are always reported.
    seed : int, SeedSequence, Generator or None
        One seed for every window (common random numbers), or the key of the windows'
        own seeds with ``crn=False``.
    crn : bool
        Common random numbers across windows (default True): the same seeds, edge-keyed
        coins and one θ for every window and replicate (the largest θ that the
        precision rule picks for replicate 0 of any window).
    replicates : int
        R ≥ 2 independent RIS runs per window (seeds spawned from ``seed``; the same R
        seeds in every window with ``crn``), each at ``rel_error·√R`` (with ``crn``:
        at the common θ that the worst window needs for it), so the R runs together
        cost about one run at ``rel_error``. The window's spread is their
        mean, ``spread_se`` their standard deviation / √R, the interval a t interval
        (R − 1 degrees of freedom), and ``spread_replicates`` keeps the R values, so
        that :func:`~.changes.score_changes` can pair run r of one window with run r
        of the next (the paired difference carries the CRN covariance).
    confidence : float
        Level of the intervals.
    rel_error, top_k, n_jobs
        Precision target (of the R runs together) and threads of each window's
        expected spread, on the probabilities :func:`influence_graph.influence` learns.

    Returns
    -------
    polars.DataFrame
        One row per (user, window), every user of ``ds`` in every window, sorted by
        (window_start, user): ``user``, ``window_start``, ``window_end``
        (Datetime UTC), ``window_events`` (Int64: events of the whole window), the
        chosen ``metrics``, then ``spread``, ``spread_se``, ``spread_low``,
        ``spread_high`` (the window's expected spread and interval), ``score``,
        ``score_low``, ``score_high`` (absolute 1–100) and ``relative_score``,
        ``relative_low``, ``relative_high`` (renormalised in the window;
        :mod:`influence_graph.temporal.score`), ``spread_replicates`` (List[Float64],
        the R runs). A window without events has null
        metrics and scores (``window_events`` = 0): nothing was measured.

    Raises
    ------
    InputValidationError
        ``BAD_PARAM``: a malformed or non-positive duration, a step longer than the
        window, a window longer than the data, an unknown metric, a data set without
        events.
    """
    check_dataset("ds", ds)
    if isinstance(metrics, str) or not metrics:
        raise bad_param("metrics", metrics, "be a non-empty sequence of " + ", ".join(METRICS))
    for m in metrics:
        if m not in METRICS:
            raise bad_param("metrics", m, "name only " + ", ".join(repr(x) for x in METRICS))
    if not isinstance(crn, bool):
        raise bad_param("crn", crn, "be True or False")
    check_int("replicates", replicates, low=2)
    check_number("confidence", confidence, low=0.0, high=1.0, low_open=True, high_open=True)
    check_number("rel_error", rel_error, low=0.0, low_open=True)
    check_int("top_k", top_k, low=1, allow_none=True)
    check_int("n_jobs", n_jobs, low=1, allow_none=True)
    ev = ds.events
    if ev.height == 0:
        raise bad_param("ds", ds.name, "have events to cut into windows")
    ts = ev["timestamp"]
    bounds = window_bounds(ts.min(), ts.max(), window=window, step=step)
    seeds = replicate_seeds(seed, len(bounds), replicates, crn)
    opts = {"rel_error": rel_error * replicates ** 0.5, "top_k": top_k, "n_jobs": n_jobs,
            "confidence": confidence}
    metrics = list(dict.fromkeys(metrics))
    parts = []
    runs, _ = window_runs(ds, bounds, seeds, opts, crn=crn)
    for run in runs:
        start, end, n_events = run.start, run.end, run.events
        if n_events == 0:
            tab = ds.users.select("user").with_columns(
                *[pl.lit(None, pl.Float64).alias(c) for c in
                  [m for m in metrics if m != "spread"] + list(SCORE_COLUMNS)],
                spread_replicates=pl.lit(None, pl.List(pl.Float64)))
        else:
            tab = _one_window(run, metrics, confidence)
        parts.append(tab.with_columns(
            window_start=pl.lit(start, pl.Datetime("us", "UTC")),
            window_end=pl.lit(end, pl.Datetime("us", "UTC")),
            window_events=pl.lit(n_events, pl.Int64),
        ))
    cols = ["user", "window_start", "window_end", "window_events",
            *[m for m in metrics if m != "spread"], *SCORE_COLUMNS, "spread_replicates"]
    out = pl.concat([p.select(cols) for p in parts], how="vertical_relaxed")
    return out.sort("window_start", "user")
