"""The numbers behind ``influence-graph report``, all from the package's public API.

:func:`analyse` scores every user of a :class:`~influence_graph.Dataset` once
(:func:`influence_graph.activity`, :func:`influence_graph.influence` with the defended
score, :func:`influence_graph.activity_vs_influence`,
:func:`influence_graph.compare_metrics`, :func:`influence_graph.scores_over_time` and
:func:`influence_graph.score_changes`, :func:`influence_graph.topic_profile`) and returns
them as one :class:`Analysis`. The sections and the per-user cards only read it (and
call :func:`influence_graph.explain` / :func:`influence_graph.explain_change` for the
users they show).

Rules decided here (documented in docs/report.md and on the page):

* **window** of the scores over time (:func:`choose_window`): ``7d`` when the log spans
  at least 28 days, ``1d`` when it spans at least 2 days; otherwise no time section.
* **manipulation flag** (:func:`manipulation_flag`): the undefended expected spread is
  at least :data:`MANIPULATION_RATIO` times the defended one (≥ 7.45 points on the
  1–100 scale) *and* the two intervals do not overlap (``defended_high < ci_low``).

Examples
--------
>>> from datetime import timedelta
>>> [choose_window(timedelta(days=d)) for d in (7, 40, 0.2)]
['1d', '7d', None]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import polars as pl

import influence_graph as ig

from ..temporal.score import absolute_score
from .progress import Step

__all__ = [
    "ReportOptions",
    "Analysis",
    "analyse",
    "choose_window",
    "manipulation_flag",
    "MANIPULATION_RATIO",
    "COMPARED_METRICS",
    "influence_table",
    "uses_given",
]

#: The undefended spread must be at least this many times the defended one to flag.
MANIPULATION_RATIO = 2.0
#: Columns compared in the activity-vs-influence section (those the data have).
COMPARED_METRICS: tuple[str, ...] = (
    "actions", "followers", "retweets_received", "unique_engagers", "pagerank", "spread",
    "defended_spread",
)


@dataclass(frozen=True)
class ReportOptions:
    """Settings of one report (every estimate uses ``seed``).

    Attributes
    ----------
    seed : int
        Seed of every estimate (spread, bootstrap, explanations, attacks).
    n_jobs : int or None
        Threads of the estimators (None: every core); results do not depend on it.
    rel_error : float
        Precision target of the expected spread (``--precision``).
    top : int
        Users given a card (the top by expected spread), besides ``users``.
    users : tuple of str
        Users given a card whatever their rank (``--user``).
    topics : mapping or None
        ``topics=`` mapping of :func:`influence_graph.topic_profile` (``--topics``).
    n_boot : int
        Bootstrap resamples of the correlation intervals.
    explain_runs : int
        Forward cascade runs of :func:`influence_graph.explain`.
    attacks : tuple of str
        Attacks of the robustness section, at ``attack_size``.
    attack_size : int
    attack_targets : int
        How many of the top users the attacks promote.
    attack_rel_error, attack_replicates : float, int
        ``rel_error`` and ``replicates`` of :func:`influence_graph.robustness_report`.
    robustness_seconds : float
        Time budget of the robustness section: no new attack starts after it.
    change_seconds : float
        Time budget of the cards: no new card explains its biggest move after it (the
        move is still named, with its test).
    index_rows : int
        Most users listed in the page's searchable index (all are in users.csv).
    confidence, top_k : float, int
        Interval level and the number of top users held to ``rel_error``
        (:func:`influence_graph.influence`).
    """

    seed: int = 7
    n_jobs: int | None = None
    rel_error: float = 0.05
    top: int = 5
    users: tuple[str, ...] = ()
    topics: Mapping[str, Any] | None = None
    n_boot: int = 300
    explain_runs: int = 2000
    attacks: tuple[str, ...] = ("fake_followers", "sybil_ring", "engagement_pod",
                                "compromised_accounts")
    attack_size: int = 10
    attack_targets: int = 3
    attack_rel_error: float = 0.1
    attack_replicates: int = 4
    robustness_seconds: float = 120.0
    change_seconds: float = 120.0
    index_rows: int = 5000
    confidence: float = 0.95
    top_k: int = 100

    def settings(self) -> dict[str, Any]:
        """The estimator settings, as written to provenance.json."""
        return {
            "seed": self.seed, "n_jobs": self.n_jobs, "rel_error": self.rel_error,
            "confidence": self.confidence, "top_k": self.top_k, "model": "ic",
            "probabilities": "learned (given when the data carry measured ones)",
            "defended": True, "n_boot": self.n_boot, "explain_runs": self.explain_runs,
            "attacks": list(self.attacks), "attack_size": self.attack_size,
            "attack_targets": self.attack_targets,
            "attack_rel_error": self.attack_rel_error,
            "attack_replicates": self.attack_replicates,
            "robustness_seconds": self.robustness_seconds,
            "change_seconds": self.change_seconds,
            "top": self.top,
            "users": list(self.users), "topics_mapping": dict(self.topics or {}) or None,
            "manipulation_ratio": MANIPULATION_RATIO,
        }


@dataclass(frozen=True)
class Analysis:
    """Every per-user number of the report.

    Attributes
    ----------
    ds : Dataset
    users : polars.DataFrame
        One row per user: activity, influence (``spread``, ``ci_low``, ``ci_high``,
        ``defended_*``), ``score``/``score_low``/``score_high`` (absolute 1–100 of the
        spread and its interval), ``defended_score``, ``flag`` (loud/quiet),
        ``manipulation`` (Boolean, null without a defended score); sorted by spread.
    comparison : MetricComparison or None
        Rank correlations of :data:`COMPARED_METRICS` (None when fewer than two vary).
    metrics : tuple of str
        The compared metrics.
    given : bool
        The spread runs on the data's measured probabilities (no log to learn from).
    window : str or None
        Window of the scores over time, None when the log is too short.
    span : timedelta or None
        Time from the first to the last event.
    over_time, changes : polars.DataFrame or None
        :func:`influence_graph.scores_over_time` and :func:`influence_graph.score_changes`.
    topics : polars.DataFrame or None
        :func:`influence_graph.topic_profile`, None without topics.
    card_users : tuple of str
        Users given a card: the top ``options.top`` then each ``--user``.
    why_not : dict of str to str
        For each optional part that is absent, one sentence saying why.
    """

    ds: Any
    users: pl.DataFrame
    comparison: Any
    metrics: tuple[str, ...]
    given: bool
    window: str | None
    span: timedelta | None
    over_time: pl.DataFrame | None
    changes: pl.DataFrame | None
    topics: pl.DataFrame | None
    card_users: tuple[str, ...]
    why_not: dict[str, str] = field(default_factory=dict)


def choose_window(span: timedelta | None) -> str | None:
    """Window length for a log spanning ``span``: 7d from 28 days, 1d from 2 days, else None."""
    if span is None:
        return None
    if span >= timedelta(days=28):
        return "7d"
    if span >= timedelta(days=2):
        return "1d"
    return None


def manipulation_flag(users: pl.DataFrame) -> pl.Expr:
    """Expression of the manipulation flag (null where there is no defended score).

    True when ``spread >= MANIPULATION_RATIO * defended_spread`` and
    ``defended_high < ci_low``: most of the user's reach runs over links that the
    defended score does not credit, beyond the sampling error of both.
    """
    if ("defended_spread" not in users.columns
            or users["defended_spread"].null_count() == users.height):
        return pl.lit(None, pl.Boolean).alias("manipulation")
    return (
        (pl.col("spread") >= MANIPULATION_RATIO * pl.col("defended_spread"))
        & (pl.col("defended_high") < pl.col("ci_low"))
    ).alias("manipulation")


def _scores(users: pl.DataFrame) -> pl.DataFrame:
    cols = {"score": "spread", "score_low": "ci_low", "score_high": "ci_high",
            "defended_score": "defended_spread"}
    return users.with_columns(
        absolute_score(users[src].cast(pl.Float64)).alias(dst)
        for dst, src in cols.items() if src in users.columns
    )


def _span(ds: Any) -> timedelta | None:
    if ds.events.height == 0:
        return None
    ts = ds.events["timestamp"]
    return ts.max() - ts.min()  # type: ignore[operator]


def _has_topics(ds: Any, mapping: Mapping[str, Any] | None) -> bool:
    if "topics" not in ds.events.columns:
        return False
    return ds.events["topics"].drop_nulls().len() > 0 or bool(mapping)


def _metrics(users: pl.DataFrame) -> tuple[str, ...]:
    """The compared metrics that the table has and that vary (a constant column ranks nothing)."""
    out = []
    for m in COMPARED_METRICS:
        if m in users.columns and users[m].drop_nulls().n_unique() > 1:
            out.append(m)
    return tuple(out)


def _card_users(users: pl.DataFrame, top: int, extra: Sequence[str]) -> tuple[str, ...]:
    known = set(users["user"].to_list())
    for u in extra:
        if u not in known:
            from .._validation import bad_param

            raise bad_param("user", u, "be a user of the data (--user)")
    head = users.head(top)["user"].to_list() if top > 0 else []
    return tuple(dict.fromkeys([*head, *extra]))


def uses_given(ds: Any) -> bool:
    """Whether ``ds`` is scored on its measured probabilities (no events to learn from)."""
    return ds.events.height == 0 and getattr(ds, "probabilities", None) is not None


def influence_table(ds: Any, opts: ReportOptions) -> pl.DataFrame:
    """:func:`influence_graph.influence` as the report (and ``influence-graph score``) runs
    it: with the defended score on learned probabilities, on the measured ones when
    the data set has no events but probabilities (:func:`uses_given`)."""
    kw: dict[str, Any] = {"seed": opts.seed, "n_jobs": opts.n_jobs, "rel_error": opts.rel_error,
                          "confidence": opts.confidence, "top_k": opts.top_k}
    if uses_given(ds):
        return ig.influence(ds, probabilities="given", **kw)
    return ig.influence(ds, defended=True, **kw)


def analyse(ds: Any, opts: ReportOptions, step: Step) -> Analysis:
    """Score every user of ``ds`` once, as the report needs.

    Parameters
    ----------
    ds : Dataset
    opts : ReportOptions
    step : callable
        ``step(description)`` context manager for progress lines.

    Returns
    -------
    Analysis

    Raises
    ------
    InputValidationError
        ``BAD_PARAM`` for a ``--user`` that is not in the data; any error of the
        estimators.
    """
    why: dict[str, str] = {}
    given = uses_given(ds)
    with step(f"Counting activity ({ds.n_users:,} users, {ds.events.height:,} events)"):
        act = ig.activity(ds)
    what = ("on the measured probabilities" if given
            else "expected spread with intervals, defended score")
    with step(f"Scoring influence: {what}"):
        inf = influence_table(ds, opts)
    users = act.join(inf, on="user", how="left", suffix="_inf")
    users = _scores(users)
    users = users.with_columns(manipulation_flag(users))
    if ds.events.height > 0:
        flags = ig.activity_vs_influence(users)
        users = users.join(flags.select("user", "flag"), on="user", how="left")
    else:
        users = users.with_columns(pl.lit(None, pl.String).alias("flag"))
        why["activity"] = ("The data have no events, so there is no activity to set beside "
                           "influence.")
    users = users.sort(["spread", "user"], descending=[True, False], nulls_last=True)
    metrics = _metrics(users)
    comparison = None
    if len(metrics) >= 2 and "activity" not in why:
        with step(f"Comparing {len(metrics)} metrics (Spearman, Kendall, bootstrap intervals)"):
            comparison = ig.compare_metrics(users, list(metrics), k=(10, 50, 100),
                                            n_boot=opts.n_boot, seed=opts.seed)
    elif "activity" not in why:
        why["activity"] = "Fewer than two metrics vary across users, so there is nothing to rank."
    card_users = _card_users(users, opts.top, opts.users)
    span = _span(ds)
    window = choose_window(span)
    over_time = changes = None
    if window is None:
        why["time"] = (f"The log spans {span}, less than the two days needed for two daily "
                       "windows, so scores over time are not shown." if span is not None
                       else "The data have no events with timestamps, so scores over time "
                       "are not shown.")
    else:
        with step(f"Scores over time ({window} windows)"):
            over_time = ig.scores_over_time(ds, window=window, seed=opts.seed,
                                            n_jobs=opts.n_jobs)
            changes = ig.score_changes(over_time)
    topics = None
    if _has_topics(ds, opts.topics):
        with step("Topic profiles (passion and topical spread)"):
            topics = ig.topic_profile(ds, topics=opts.topics, seed=opts.seed, n_jobs=opts.n_jobs)
    else:
        why["topics"] = ("No event carries a topic and no --topics mapping was given, so "
                         "there are no topic profiles.")
    return Analysis(ds=ds, users=users, comparison=comparison, metrics=metrics, given=given,
                    window=window, span=span, over_time=over_time, changes=changes,
                    topics=topics, card_users=card_users, why_not=why)
