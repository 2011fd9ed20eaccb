"""How much each metric inflates under each known attack: :func:`robustness_report`.

For every attack of :data:`~influence_graph.ATTACKS` (A1–A12), size and target user,
the report injects the attack (:func:`influence_graph.inject`), recomputes each metric
on the attacked data set and compares the target's value before and after: the gain,
the gain per 100 units of attack, and the target's rank among the honest users before
and after. Expected-spread metrics come with a paired standard error and interval of
the gain (common random numbers, see :func:`robustness_report`, Notes).

Metrics (:data:`METRICS`; :data:`DEFAULT_METRICS` are computed unless told otherwise):

=====================  ==================================================================
metric                 what (per user; larger = more influential/active)
=====================  ==================================================================
``actions``            events the user made (:func:`influence_graph.activity`)
``posts``              post events (activity)
``followers``          distinct followers (activity; null without a follower table)
``pagerank``           PageRank on the engagement graph (the influence table's column)
``follower_pagerank``  PageRank on the follower graph
                       (:func:`influence_graph.structural_metrics`, ``graph="follower"``;
                       null without a follower table)
``retweets_received``  retweets of the user's content (influence table)
``unique_engagers``    users who retweeted, quoted or replied (influence table)
``total_engagement``   engagements received (influence table)
``mean_cascade_size``  mean size of the user's cascades, root included (influence table;
                       **0** for a user who started none, where the table has null)
``max_cascade_size``   size of the largest (same convention)
``spread_learned``     expected spread (influence table's ``spread``) with learned
                       probabilities, the default of :func:`influence_graph.influence`
``spread_wc``          expected spread with weighted-cascade probabilities
``spread_constant``    expected spread with constant probability p = 0.1
``spread_defended``    the defended score: learned expected spread on the credible links
                       only (the influence table's ``defended_spread``,
                       :mod:`influence_graph.graphs.credible`)
``viral_centrality``   viral centrality on learned probabilities (influence table; slow)
=====================  ==================================================================

Examples
--------
>>> import influence_graph as ig
>>> ds = ig.datasets.synthetic(n_users=150, seed=3)
>>> rep = ig.robustness_report(ds, attacks=["fake_followers"], sizes=[5], seed=0,
...                            metrics=["followers", "retweets_received"])
>>> rep.select("attack_id", "size", "metric", "gain", "gain_per_100").rows()
[('A1', 5, 'followers', 5.0, 100.0), ('A1', 5, 'retweets_received', 0.0, 0.0)]
"""

from __future__ import annotations

import math
import sys
import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from ._rng import SeedLike, as_seed_sequence
from ._validation import bad_param, check_dataset, check_int, check_number
from .attacks import ATTACK_IDS, ATTACKS, inject
from .attacks.content import content_items
from .exceptions import InputValidationError
from .graphs import build_graphs
from .graphs.credible import credible_dataset
from .io.dataset import Dataset
from .metrics.activity import activity
from .parallel import resolve_n_jobs

__all__ = [
    "robustness_report",
    "inflation_exponents",
    "default_target",
    "METRICS",
    "DEFAULT_METRICS",
    "SPREAD_METRICS",
    "DEFENDED_METRICS",
    "REPORT_COLUMNS",
    "SKIPPED_COLUMNS",
    "CONSTANT_P",
]

#: Spread metric → probability method of :func:`influence_graph.edge_probabilities`.
SPREAD_METRICS: dict[str, str] = {
    "spread_learned": "learned",
    "spread_wc": "weighted_cascade",
    "spread_constant": "constant",
    "spread_defended": "learned",
}
#: Spread metrics computed on the credible links only (the defended score).
DEFENDED_METRICS: frozenset[str] = frozenset({"spread_defended"})
#: The edge probability of ``spread_constant`` (the default of ``"constant"``).
CONSTANT_P = 0.1
_ACTIVITY_METRICS = ("actions", "posts", "followers")
_TABLE_METRICS = (
    "pagerank",
    "retweets_received",
    "unique_engagers",
    "total_engagement",
    "mean_cascade_size",
    "max_cascade_size",
)
#: Every metric the report knows, in report order.
METRICS: tuple[str, ...] = (
    *_ACTIVITY_METRICS,
    "pagerank",
    "follower_pagerank",
    *_TABLE_METRICS[1:],
    *SPREAD_METRICS,
    "viral_centrality",
)
#: The metrics computed by default.
DEFAULT_METRICS: tuple[str, ...] = (
    "actions",
    "followers",
    "pagerank",
    "retweets_received",
    "unique_engagers",
    "mean_cascade_size",
    "max_cascade_size",
    "spread_learned",
    "spread_wc",
    "spread_constant",
    "spread_defended",
)
_NULL_IS_ZERO = ("mean_cascade_size", "max_cascade_size")
#: Columns of the report, in order.
REPORT_COLUMNS: dict[str, Any] = {
    "attack": pl.String,
    "attack_id": pl.String,
    "size": pl.Int64,
    "target": pl.String,
    "metric": pl.String,
    "before": pl.Float64,
    "after": pl.Float64,
    "gain": pl.Float64,
    "gain_per_100": pl.Float64,
    "rank_before": pl.Int64,
    "rank_after": pl.Int64,
    "overtaken": pl.Int64,
    "se_before": pl.Float64,
    "se_after": pl.Float64,
    "gain_se": pl.Float64,
    "gain_low": pl.Float64,
    "gain_high": pl.Float64,
}
#: Columns of ``report.skipped``.
SKIPPED_COLUMNS: dict[str, Any] = {
    "attack": pl.String,
    "attack_id": pl.String,
    "size": pl.Int64,
    "target": pl.String,
    "reason": pl.String,
}
#: Users that qualify as the default target: at least this many posts and followers.
_MIN_POSTS = 3
_MIN_FOLLOWERS = 3
#: The default target's percentile of learned expected spread among qualifying users.
_TARGET_QUANTILE = 0.25
# spawn keys of the random streams derived from ``seed``
_KEY_BASELINE, _KEY_REPLICATE, _KEY_PROBABILITIES, _KEY_INJECT = 0, 1, 2, 3


# ---- argument checks ---------------------------------------------------------------------


def _names(name: str, value: object, known: Sequence[str], what: str) -> tuple[str, ...]:
    """A str or a sequence of distinct known strings, as a tuple."""
    items = (value,) if isinstance(value, str) else value
    if not isinstance(items, Sequence) or isinstance(items, (bytes, bytearray)):
        raise TypeError(
            f"The {name!r} parameter must be a string or a sequence of strings; "
            f"got {type(value).__name__} {value!r:.60}"
        )
    items = tuple(items)
    if not items:
        raise bad_param(name, value, "name at least one " + what)
    for item in items:
        if not isinstance(item, str) or item not in known:
            raise bad_param(
                name, item, f"name only known {what}s: " + ", ".join(repr(k) for k in known)
            )
    if len(set(items)) != len(items):
        raise bad_param(name, value, f"name each {what} once")
    return items


def _sizes(value: object) -> tuple[int, ...]:
    items = (value,) if isinstance(value, (int, np.integer)) else value
    if not isinstance(items, Sequence) or isinstance(items, str):
        raise TypeError(
            "The 'sizes' parameter must be an int or a sequence of ints; "
            f"got {type(value).__name__} {value!r:.60}"
        )
    out = tuple(int(check_int("sizes", s, low=1)) for s in items)  # type: ignore[arg-type]
    if not out:
        raise bad_param("sizes", value, "hold at least one size")
    if len(set(out)) != len(out):
        raise bad_param("sizes", value, "hold each size once")
    return out


def _targets(ds: Dataset, value: object) -> tuple[str, ...] | None:
    if value is None:
        return None
    items = (value,) if isinstance(value, str) else value
    if not isinstance(items, Sequence):
        raise TypeError(
            "The 'targets' parameter must be None, a user name or a sequence of them; "
            f"got {type(value).__name__} {value!r:.60}"
        )
    items = tuple(items)
    if not items:
        raise bad_param("targets", value, "name at least one user (or be None)")
    users = set(ds.user_ids.to_list())
    for t in items:
        if not isinstance(t, str):
            raise TypeError(f"The 'targets' parameter must hold user names (str); got {t!r}")
        if t not in users:
            raise bad_param("targets", t, f"name users of data set {ds.name!r}")
    if len(set(items)) != len(items):
        raise bad_param("targets", value, "name each user once")
    return items


# ---- seeds -------------------------------------------------------------------------------


def _child(ss: np.random.SeedSequence, *key: int) -> np.random.SeedSequence:
    """The stream of ``ss`` at spawn key ``key``: independent of every other key."""
    return np.random.SeedSequence(ss.entropy, spawn_key=(*ss.spawn_key, *key))


def _inject_seed(
    ss: np.random.SeedSequence, attack: str, size: int, target: str
) -> np.random.SeedSequence:
    """One stream per (attack, size, target), whatever else the report computes."""
    return _child(ss, _KEY_INJECT, ATTACKS.index(attack), size, zlib.crc32(target.encode()))


# ---- per-user metric values --------------------------------------------------------------


def _point_metrics(ds: Dataset, metrics: Sequence[str]) -> pl.DataFrame:
    """``user`` plus one Float64 column per non-spread metric, one row per user of ``ds``."""
    from .influence import influence  # lazy: influence imports the estimators
    from .metrics.structural import structural_metrics

    out = ds.users.select(pl.col("user").cast(pl.String)).sort("user")
    act = [m for m in metrics if m in _ACTIVITY_METRICS]
    if act:
        out = out.join(activity(ds).select("user", *act), on="user", how="left")
    tab = [m for m in metrics if m in (*_TABLE_METRICS, "viral_centrality")]
    if tab:
        viral = "viral_centrality" in metrics
        table = influence(ds, spread=False, viral=viral)
        out = out.join(table.select("user", *tab), on="user", how="left")
    if "follower_pagerank" in metrics:
        if ds.follows is None:
            out = out.with_columns(follower_pagerank=pl.lit(None, pl.Float64))
        else:
            pr = structural_metrics(ds, graph="follower").select(
                "user", follower_pagerank="pagerank"
            )
            out = out.join(pr, on="user", how="left")
    cols = [m for m in metrics if m not in SPREAD_METRICS]
    return out.with_columns(
        *[pl.col(m).cast(pl.Float64) for m in cols],
    ).with_columns(*[pl.col(m).fill_null(0.0) for m in cols if m in _NULL_IS_ZERO])


# ---- expected spread in paired replicates -----------------------------------------------


@dataclass(frozen=True)
class _Plan:
    """What every spread run shares: graph, pooling, θ per replicate and the seeds."""

    graph: str
    pooling: str
    replicate_rr_sets: dict[str, int]  # spread metric -> RR sets per replicate
    seeds: tuple[np.random.SeedSequence, ...]
    prob_seed: np.random.SeedSequence
    n_jobs: int


@dataclass(frozen=True)
class _Runs:
    """R replicate estimates of every user's spread (rows: replicates; columns: users)."""

    users: list[str]
    spread: np.ndarray
    se: np.ndarray

    def pooled(self) -> np.ndarray:
        return self.spread.mean(axis=0)

    def pooled_se(self) -> np.ndarray:
        # equal θ per replicate: the pooled estimate is the mean, Var = Σ se_r² / R²
        return np.sqrt((self.se**2).sum(axis=0)) / self.spread.shape[0]

    def columns(self, users: Sequence[str]) -> np.ndarray:
        """The column of every user of ``users`` (one dict lookup each, not a list scan)."""
        at = {u: i for i, u in enumerate(self.users)}
        return np.fromiter((at[u] for u in users), dtype=np.int64, count=len(users))


class _LazyGraphs(dict):  # type: ignore[type-arg]
    """``{False: graphs of ds, True: graphs of its credible links}``, built on first use."""

    def __init__(self, ds: Dataset) -> None:
        super().__init__()
        self.ds = ds

    def __missing__(self, defended: bool) -> Any:
        self[defended] = build_graphs(credible_dataset(self.ds) if defended else self.ds)
        return self[defended]


def _probability_table(graphs: dict[bool, Any], metric: str, plan: _Plan) -> pl.DataFrame:
    """The (source, target, p) table of a spread metric as :func:`influence_graph.influence`
    builds it, on the graph and pooling resolved on the honest data set. ``graphs`` maps
    "defended" to the graphs of all links (False) or of the credible ones (True)."""
    from .diffusion.choice import spread_probabilities

    return spread_probabilities(
        graphs[metric in DEFENDED_METRICS], SPREAD_METRICS[metric], graph=plan.graph,
        pooling=plan.pooling, seed=plan.prob_seed,
    )


def _replicates(table: pl.DataFrame, users: pl.Series, rr_sets: int, plan: _Plan) -> _Runs:
    """R runs of exactly ``rr_sets`` RR sets each, replicate r on seed ``plan.seeds[r]``."""
    from .diffusion.probability_graph import to_probability_graph
    from .diffusion.replicates import replicate_spreads

    g = to_probability_graph(table, users)
    # a relative error nobody reaches: every run stops at exactly max_samples
    spread, se, _ = replicate_spreads(g, plan.seeds, threads=plan.n_jobs, rel_error=1e-12,
                                   top_k=None, max_samples=rr_sets, n_jobs=1)
    return _Runs(users=g.users.to_list(), spread=spread, se=se)


def _baseline(table: pl.DataFrame, users: pl.Series, seed: np.random.SeedSequence,
              rel_error: float, n_jobs: int) -> Any:
    """The honest run to ``rel_error`` for the top 100 (its θ sets every later run)."""
    from .diffusion.probability_graph import to_probability_graph
    from .diffusion.spread import expected_spread

    return expected_spread(to_probability_graph(table, users), seed=seed,
                           rel_error=rel_error, n_jobs=n_jobs)


# ---- the default target ------------------------------------------------------------------


def _pick_target(ds: Dataset, spread: pl.DataFrame) -> str:
    """The rule of :func:`default_target`, on a (user, spread) table of ``ds``'s users."""
    # "posts": content items, i.e. posts, or re-shared moments in a log without posts
    items = content_items(ds).group_by("user").len(name="posts")
    act = activity(ds).select("user", "followers").join(items, on="user", how="left")
    act = act.with_columns(pl.col("posts").fill_null(0))
    tab = act.join(spread.select("user", "spread"), on="user", how="left")
    rule = pl.col("posts") >= _MIN_POSTS
    if ds.follows is not None:
        rule = rule & (pl.col("followers") >= _MIN_FOLLOWERS)
    pool = tab.filter(rule)
    if pool.height == 0:
        pool = tab.filter(pl.col("posts") >= 1)
    if pool.height == 0:
        pool = tab
    pool = pool.sort(["spread", "user"])
    return pool["user"][int(math.floor(_TARGET_QUANTILE * (pool.height - 1)))]


def default_target(ds: Dataset, *, seed: SeedLike = None, rel_error: float = 0.1) -> str:
    """The low-influence honest user :func:`robustness_report` attacks by default.

    Rule: among users with at least 3 posts (in a log without posts, such as Higgs: 3
    moments at which their content was re-shared,
    :func:`~influence_graph.attacks.content.content_items`) and (when ``ds`` has a
    follower table) at least 3 followers, sort by expected spread with learned probabilities (the
    influence table's ``spread``, estimated by RIS to ``rel_error`` for the top 100 on
    the stream of ``seed`` the report also uses) and then by name, and take the user at
    position ⌊0.25·(m − 1)⌋ of the m qualifying users (the 25th percentile, ties broken
    by name). When nobody qualifies, users with at least one post are used, then all
    users.

    Parameters
    ----------
    ds : Dataset
    seed : int, SeedSequence, Generator or None
        The ``seed`` of :func:`robustness_report` (the same seed picks the same user).
    rel_error : float
        Precision of the spread estimate behind the ranking.

    Returns
    -------
    str
        A user of ``ds``.

    Examples
    --------
    >>> import influence_graph as ig
    >>> from influence_graph.robustness import default_target
    >>> ds = ig.datasets.synthetic(n_users=150, seed=3)
    >>> default_target(ds, seed=0) == default_target(ds, seed=0)
    True
    """
    check_dataset("ds", ds)
    check_number("rel_error", rel_error, low=0.0, high=1.0, low_open=True, high_open=True)
    ss = as_seed_sequence(seed)
    _, target = _plan(ds, ss, (), rel_error, resolve_n_jobs(None), replicates=2,
                      need_target=True)
    assert target is not None
    return target


def _plan(
    ds: Dataset,
    ss: np.random.SeedSequence,
    spread_metrics: Sequence[str],
    rel_error: float,
    n_jobs: int,
    *,
    replicates: int,
    need_target: bool,
) -> tuple[_Plan, str | None]:
    """Resolve graph and pooling on the honest data, θ per spread metric, the target."""
    from .diffusion.choice import resolve_pooling, resolve_spread_graph

    graph = resolve_spread_graph(ds, "auto", fallback="engagement")
    pooling = resolve_pooling(ds, "auto")
    seeds = tuple(_child(ss, _KEY_REPLICATE, r) for r in range(replicates))
    proto = _Plan(graph, pooling, {}, seeds, _child(ss, _KEY_PROBABILITIES), n_jobs)
    users = ds.user_ids
    rr: dict[str, int] = {}
    target = None
    wanted = list(spread_metrics)
    if need_target and "spread_learned" not in wanted:
        wanted.append("spread_learned")
    graphs = _LazyGraphs(ds)
    for metric in wanted:
        table = _probability_table(graphs, metric, proto)
        res = _baseline(table, users, _child(ss, _KEY_BASELINE), rel_error, n_jobs)
        rr[metric] = max(1, -(-int(res.n_samples) // replicates))
        if metric == "spread_learned" and need_target:
            target = _pick_target(ds, res.table)
    return _Plan(graph, pooling, rr, seeds, proto.prob_seed, n_jobs), target


# ---- ranks -------------------------------------------------------------------------------


def _rank(values: np.ndarray, i: int) -> int | None:
    """1 + the number of users strictly above user ``i`` (nulls are never above)."""
    v = values[i]
    if np.isnan(v):
        return None
    return int(1 + np.count_nonzero(np.nan_to_num(values, nan=-np.inf) > v))


def _overtaken(before: np.ndarray, after: np.ndarray, i: int) -> int | None:
    """Honest users ahead of user ``i`` before (strictly) and not ahead after."""
    if np.isnan(before[i]) or np.isnan(after[i]):
        return None
    b = np.nan_to_num(before, nan=-np.inf)
    a = np.nan_to_num(after, nan=-np.inf)
    mask = (b > before[i]) & (a <= after[i])
    mask[i] = False
    return int(np.count_nonzero(mask))


# ---- the report --------------------------------------------------------------------------


def robustness_report(
    ds: Dataset,
    *,
    metrics: Sequence[str] | str = DEFAULT_METRICS,
    attacks: Sequence[str] | str = ATTACKS,
    sizes: Sequence[int] | int = (10, 100, 1000),
    targets: Sequence[str] | str | None = None,
    seed: SeedLike = None,
    rel_error: float = 0.1,
    replicates: int = 8,
    confidence: float = 0.95,
    n_jobs: int | None = None,
    progress: bool = False,
) -> pl.DataFrame:
    """How much each metric of a target user gains under each attack, size by size.

    Parameters
    ----------
    ds : Dataset
        The honest data set; never modified.
    metrics : str or sequence of str
        Names from :data:`METRICS` (module docstring); default :data:`DEFAULT_METRICS`.
    attacks : str or sequence of str
        Names from :data:`~influence_graph.ATTACKS` (default: all twelve, A1–A12).
    sizes : int or sequence of int
        Attack sizes k ≥ 1 (fake accounts, colluders … — see
        :func:`influence_graph.inject`).
    targets : str, sequence of str or None
        The users the attacks promote. ``None``: one low-influence honest user,
        :func:`default_target` (the 25th percentile of learned expected spread among
        users with ≥ 3 posts and ≥ 3 followers, ties by name).
    seed : int, SeedSequence, Generator or None
        Key of every random draw: the injections (one stream per attack, size and
        target) and the spread estimates (the same replicate streams before and after
        every attack). The same seed gives an identical table; ``None`` draws fresh
        entropy.
    rel_error : float
        Precision that sets the RR sets of the spread metrics: the honest data set's
        run to ``rel_error`` for its top 100 users (the stopping rule of
        :func:`influence_graph.expected_spread`) gives θ per spread metric; every
        before/after estimate then uses θ RR sets in all, ``replicates`` runs of ⌈θ/R⌉.
    replicates : int
        R ≥ 2, paired replicates behind ``gain_se`` (Notes).
    confidence : float
        Two-sided level of ``gain_low``/``gain_high``.
    n_jobs : int or None
        Threads for the spread replicates (None or -1: every core). Results do not
        depend on it.
    progress : bool
        Print one line per attack to stderr (nothing is printed by default).

    Returns
    -------
    polars.DataFrame
        One row per (attack, size, target, metric) that could be computed, in the
        order of ``attacks``, ``sizes``, ``targets`` and ``metrics``
        (:data:`REPORT_COLUMNS`):

        - ``attack`` (String), ``attack_id`` (String, "A1" … "A12"), ``size`` (Int64),
          ``target`` (String), ``metric`` (String)
        - ``before``, ``after`` (Float64): the target's value on the honest and the
          attacked data set; ``gain`` = after − before; ``gain_per_100`` =
          gain · 100 / size (gain per 100 fakes, colluders, posts …)
        - ``rank_before``, ``rank_after`` (Int64): the target's rank, 1 = largest
          (ties share the lowest rank), among the **honest users plus the target**:
          the users of ``ds``. Accounts the attack created are excluded from the
          ranking after the attack; existing users it enlisted (colluders, pod
          members, compromised accounts) stay in, with their attacked values.
        - ``overtaken`` (Int64): honest users strictly ahead of the target before and
          no longer ahead (≤) after.
        - ``se_before``, ``se_after`` (Float64): standard errors of the two spread
          estimates (the RIS binomial se of the pooled estimate); ``gain_se``
          (Float64): the paired standard error of the gain; ``gain_low``,
          ``gain_high``: its interval at ``confidence``. Null for metrics without
          sampling error (every metric but ``spread_*``).

        The attribute ``report.skipped`` (polars.DataFrame, :data:`SKIPPED_COLUMNS`:
        attack, attack_id, size, target, reason) lists the combinations that gave no
        rows because :func:`influence_graph.inject` refused them on this data set: an
        attack that adds follow links (A1–A4) on a data set without a follower table, a
        size larger than the attack can use (more colluders than users), a target
        without posts for an attack that needs them. Such a combination is skipped,
        never fatal. (Like any attribute, it does not survive polars operations on the
        report.)

    Raises
    ------
    InputValidationError
        ``BAD_PARAM``, checked once before any work: an unknown metric (the message
        lists :data:`METRICS`) or attack (it lists the attacks), a size < 1, a target
        that is not a user of ``ds``, repeated names or sizes, ``rel_error`` or
        ``confidence`` outside (0, 1), ``replicates`` < 2, a bad ``n_jobs``.
    TypeError
        ``ds`` is not a Dataset, or an argument has the wrong type.

    Notes
    -----
    **Paired spread estimates (common random numbers).** A spread metric's before and
    after values are estimated on one user set — the attacked data set's users, the
    accounts the attack created being isolated users before it — so RR-set roots are
    drawn alike, and with the same seeds: every RR set draws from its own stream keyed
    by the seed (:mod:`influence_graph.diffusion.ris`), so an RR set that never touches
    a user whose in-edges the attack changed is identical before and after, and the two
    estimates share most of their noise. Graph and pooling of the probabilities are
    resolved once, on the honest data set (:func:`influence_graph.influence`'s
    ``"auto"`` rules), so an attack cannot switch them.

    **How** ``gain_se`` **is derived.** Each estimate is the mean of R = ``replicates``
    runs of m = ⌈θ/R⌉ RR sets; replicate r runs on its own seed s_r, the same for the
    before and the after estimate. The pairs (before_r, after_r) are independent and
    identically distributed across r, so with d_r = after_r − before_r,
    ``gain`` = mean(d) (exactly pooled after − pooled before),
    ``gain_se`` = sd(d) / √R (sample sd, R − 1 degrees of freedom), and the interval
    is gain ± t_{R−1} · gain_se. This needs no model of the correlation the common
    random numbers induce (the binomial se of each estimate says nothing about it),
    stays valid however strong or weak the coupling is, and costs the same θ RR sets
    as a single run. Its price is a noisy se (R − 1 degrees of freedom, hence the t
    quantile). Where the attack leaves the probabilities unchanged (A11, A12) every
    d_r is exactly 0 and so are gain, ``gain_se`` and the interval.
    ``se_before``/``se_after`` are the estimator's own (unpaired) standard errors, so
    √(se_before² + se_after²) is the standard error the gain would have with
    independent samples.

    **Costs.** Per attacked data set: one injection (re-validated on ingest), the
    activity and influence tables without spread, and per spread metric 2·R RIS runs
    (before runs are shared between attacks that create no accounts).

    Examples
    --------
    >>> import influence_graph as ig
    >>> ds = ig.datasets.synthetic(n_users=150, seed=3)
    >>> rep = ig.robustness_report(ds, attacks=("fake_followers", "duplicate_events"),
    ...                            sizes=(5,), metrics=("followers", "spread_wc"), seed=0)
    >>> rep.select("attack_id", "metric", "gain_per_100").rows()[:1]
    [('A1', 'followers', 100.0)]
    >>> a1 = rep.filter(metric="spread_wc", attack_id="A1").row(0, named=True)
    >>> a1["gain_low"] <= 5.0 <= a1["gain_high"]  # weighted cascade: +k exactly
    True
    >>> rep.filter(attack_id="A11")["gain"].to_list()  # duplicates are dropped on ingest
    [0.0, 0.0]
    """
    check_dataset("ds", ds)
    metrics = _names("metrics", metrics, METRICS, "metric")
    attacks = _names("attacks", attacks, ATTACKS, "attack")
    sizes = _sizes(sizes)
    chosen = _targets(ds, targets)
    ss = as_seed_sequence(seed)
    check_number("rel_error", rel_error, low=0.0, high=1.0, low_open=True, high_open=True)
    check_number("confidence", confidence, low=0.0, high=1.0, low_open=True, high_open=True)
    replicates = int(check_int("replicates", replicates, low=2))  # type: ignore[arg-type]
    jobs = resolve_n_jobs(n_jobs)
    if not isinstance(progress, bool):
        raise TypeError(f"The 'progress' parameter must be a bool; got {progress!r}")

    spread_metrics = [m for m in metrics if m in SPREAD_METRICS]
    plan, picked = _plan(ds, ss, spread_metrics, rel_error, jobs, replicates=replicates,
                         need_target=chosen is None)
    target_list = chosen if chosen is not None else (picked,)  # type: ignore[assignment]

    honest_users = ds.user_ids
    base_point = _point_metrics(ds, metrics)
    honest_graphs = _LazyGraphs(ds)
    honest_tables = {m: _probability_table(honest_graphs, m, plan) for m in spread_metrics}
    base_runs = {
        m: _replicates(honest_tables[m], honest_users, plan.replicate_rr_sets[m], plan)
        for m in spread_metrics
    }
    rows: list[dict[str, Any]] = []
    skipped: list[dict[str, Any]] = []
    for attack in attacks:
        t0 = time.perf_counter()
        n_rows, n_skipped = len(rows), len(skipped)
        for size in sizes:
            for target in target_list:
                try:
                    inj = inject(ds, attack, target=target, size=size,
                                 seed=_inject_seed(ss, attack, size, target))
                except InputValidationError as exc:
                    skipped.append({"attack": attack, "attack_id": ATTACK_IDS[attack],
                                    "size": size, "target": target, "reason": str(exc)})
                    continue
                rows.extend(_rows(ds, inj.dataset, inj.fake_users, attack, size, target,
                                  metrics, base_point, honest_tables, base_runs, plan,
                                  confidence))
        if progress:
            print(f"[robustness] {ATTACK_IDS[attack]} {attack}: {len(rows) - n_rows} rows, "
                  f"{len(skipped) - n_skipped} skipped ({time.perf_counter() - t0:.1f}s)",
                  file=sys.stderr)
    out = pl.DataFrame(rows, schema=REPORT_COLUMNS)
    out.skipped = pl.DataFrame(skipped, schema=SKIPPED_COLUMNS)  # type: ignore[attr-defined]
    return out


def _rows(
    ds: Dataset,
    attacked: Dataset,
    fakes: frozenset[str],
    attack: str,
    size: int,
    target: str,
    metrics: Sequence[str],
    base_point: pl.DataFrame,
    honest_tables: dict[str, pl.DataFrame],
    base_runs: dict[str, _Runs],
    plan: _Plan,
    confidence: float,
) -> list[dict[str, Any]]:
    """The report rows of one attacked data set."""
    from .diffusion.replicates import paired_gain

    honest = base_point.select("user")  # sorted users of ds
    after_point = honest.join(_point_metrics(attacked, metrics), on="user", how="left")
    ti = int(honest["user"].to_list().index(target))
    all_users = attacked.user_ids
    honest_names = honest["user"].to_list()
    attacked_graphs = _LazyGraphs(attacked)
    out = []
    for metric in metrics:
        se_b = se_a = g_se = lo = hi = None
        if metric in SPREAD_METRICS:
            rr = plan.replicate_rr_sets[metric]
            if fakes or all_users.len() != len(honest_names):
                # the same user set before and after: the fakes isolated before
                before_runs = _replicates(honest_tables[metric], all_users, rr, plan)
            else:
                before_runs = base_runs[metric]
            after_runs = _replicates(_probability_table(attacked_graphs, metric, plan),
                                     all_users, rr, plan)
            idx = before_runs.columns(honest_names)
            b_all = before_runs.pooled()[idx]
            a_all = after_runs.pooled()[idx]
            j = idx[ti]
            _, g_se, lo, hi = (float(x) for x in paired_gain(
                before_runs.spread[:, j], after_runs.spread[:, j], confidence=confidence))
            se_b = float(before_runs.pooled_se()[j])
            se_a = float(after_runs.pooled_se()[j])
            before, after = float(b_all[ti]), float(a_all[ti])
            gain = after - before  # = the paired mean difference up to rounding
        else:
            b_all = base_point[metric].to_numpy().astype(float)
            a_all = after_point[metric].to_numpy().astype(float)
            before, after = float(b_all[ti]), float(a_all[ti])
            gain = after - before
        nan_gain = math.isnan(gain)
        out.append({
            "attack": attack,
            "attack_id": ATTACK_IDS[attack],
            "size": size,
            "target": target,
            "metric": metric,
            "before": None if math.isnan(before) else before,
            "after": None if math.isnan(after) else after,
            "gain": None if nan_gain else gain,
            "gain_per_100": None if nan_gain else gain * 100.0 / size,
            "rank_before": _rank(b_all, ti),
            "rank_after": _rank(a_all, ti),
            "overtaken": _overtaken(b_all, a_all, ti),
            "se_before": se_b,
            "se_after": se_a,
            "gain_se": g_se,
            "gain_low": lo,
            "gain_high": hi,
        })
    return out


def inflation_exponents(report: pl.DataFrame, *, floor: float = 1e-3) -> pl.DataFrame:
    """How fast each metric's gain grows with the attack size: gain ≈ c · size^b.

    For every (attack, target, metric) of a :func:`robustness_report` with at least
    two sizes, ``exponent`` b is the least-squares slope of log(gain) on log(size).
    Gains below ``floor`` times the mean absolute ``before`` value (a thousandth of the
    target's own score by default; 1e-12 when that is 0) are raised to it: a gain that
    is zero, negative or noise counts as no growth, and a metric that never gains gets
    b = 0. A count that each fake raises by one grows linearly (b = 1); a gain that
    saturates or vanishes has b near 0.

    Parameters
    ----------
    report : polars.DataFrame
        A :func:`robustness_report` table (or any table with its ``attack``,
        ``attack_id``, ``target``, ``metric``, ``size``, ``before`` and ``gain``).
    floor : float
        Relative floor of the gains, > 0.

    Returns
    -------
    polars.DataFrame
        ``attack``, ``attack_id``, ``target``, ``metric``, ``sizes`` (Int64, sizes
        behind the fit), ``max_gain`` (Float64, the largest gain), ``exponent``
        (Float64), in the report's order.

    Examples
    --------
    >>> import polars as pl
    >>> rep = pl.DataFrame({"attack": ["a"] * 3, "attack_id": ["A1"] * 3,
    ...                     "target": ["t"] * 3, "metric": ["followers"] * 3,
    ...                     "size": [10, 100, 1000], "before": [6.0] * 3,
    ...                     "gain": [10.0, 100.0, 1000.0]})
    >>> inflation_exponents(rep)["exponent"].round(6).to_list()
    [1.0]
    >>> inflation_exponents(rep.with_columns(gain=pl.lit(0.0)))["exponent"].to_list()
    [0.0]
    """
    if not isinstance(report, pl.DataFrame):
        raise TypeError(f"The 'report' parameter must be a polars DataFrame; got {report!r:.60}")
    need = ["attack", "attack_id", "target", "metric", "size", "before", "gain"]
    missing = [c for c in need if c not in report.columns]
    if missing:
        raise bad_param("report", f"columns {report.columns}",
                        f"be a robustness_report table (missing {', '.join(missing)})")
    check_number("floor", floor, low=0.0, low_open=True)
    keys = ["attack", "attack_id", "target", "metric"]
    rows = []
    groups = report.drop_nulls(["size", "gain"]).group_by(keys, maintain_order=True)
    for key, part in groups:
        sizes = part["size"].to_numpy().astype(float)
        if np.unique(sizes).size < 2:
            continue
        gain = part["gain"].to_numpy().astype(float)
        level = float(np.nanmean(np.abs(part["before"].fill_null(0.0).to_numpy())))
        lo = floor * level if level > 0 else 1e-12
        x = np.log(sizes)
        y = np.log(np.maximum(gain, lo))
        slope = float(np.polyfit(x, y, 1)[0])
        rows.append({**dict(zip(keys, key, strict=True)), "sizes": int(sizes.size),
                     "max_gain": float(gain.max()), "exponent": 0.0 if abs(slope) < 1e-12
                     else slope})
    schema = {"attack": pl.String, "attack_id": pl.String, "target": pl.String,
              "metric": pl.String, "sizes": pl.Int64, "max_gain": pl.Float64,
              "exponent": pl.Float64}
    return pl.DataFrame(rows, schema=schema)
