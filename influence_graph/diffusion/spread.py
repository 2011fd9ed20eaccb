"""Public entry point: :func:`expected_spread` and its :class:`SpreadResult`."""

from __future__ import annotations

import platform
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import polars as pl

from .._rng import SeedLike, as_seed_sequence, seed_entropy
from .._validation import check_choice, check_int, check_number
from .._version import __version__, model_version
from ..parallel import resolve_n_jobs
from . import _budget
from .probability_graph import ProbabilityGraph, to_probability_graph
from ._stopping import RELATIVE_TO, StopRule, describe_target
from .exact import exact_spread
from .intervals import INTERVALS
from .models import check_model
from .monte_carlo import mc_estimate
from .estimate import Estimate
from .ris import ris_estimate

__all__ = ["expected_spread", "SpreadResult", "ESTIMATORS", "SCHEMA"]

ESTIMATORS = ("ris", "monte_carlo", "exact")

#: Columns of :attr:`SpreadResult.table`.
SCHEMA = {
    "user": pl.String,
    "spread": pl.Float64,
    "outward": pl.Float64,
    "se": pl.Float64,
    "ci_low": pl.Float64,
    "ci_high": pl.Float64,
    "rank": pl.UInt32,
    "n_samples": pl.Int64,
}


@dataclass(frozen=True)
class SpreadResult:
    """Expected spread of every user, with its uncertainty and how it was obtained.

    Attributes
    ----------
    table : polars.DataFrame
        One row per user (sorted as strings): ``user`` (String), ``spread`` (Float64,
        expected number of users reached, the user included, ≥ 1), ``outward``
        (``spread − 1``), ``se`` (standard error), ``ci_low``/``ci_high`` (interval at
        ``confidence``), ``rank`` (UInt32, 1 = largest spread, ties share the lowest
        rank), ``n_samples`` (Int64: RR sets θ for RIS, cascades R per user for Monte
        Carlo, live-edge worlds for exact).
    model, estimator : str
        ``"ic"``/``"lt"`` and ``"ris"``/``"monte_carlo"``/``"exact"``.
    n_samples : int
        θ, R or the number of worlds, as in the table.
    confidence : float
        Two-sided level of the intervals.
    target : str
        The precision target, e.g. ``"top_k=100 at rel_error=0.05"``.
    target_met : bool
        Whether every target user reached the relative error.
    rel_error_reached : float
        Largest relative half-width ``max(ci_high − spread, spread − ci_low) / spread``
        (``/ outward`` with ``relative_to="outward"``, ``inf`` while a target user's
        outward estimate is 0) over the target users; 0 for exact.
    seconds : float
        Wall time of the call (validation, graph build and sampling).
    stop_reason : str
        ``"target"``, ``"max_samples"`` or ``"max_seconds"``; ``"exact"`` for enumeration.
    provenance : dict
        Package and ``model_version``, seed entropy, settings, ``input_sha256`` (of the
        canonical graph: row order does not change it), run statistics.
    """

    table: pl.DataFrame
    model: str
    estimator: str
    n_samples: int
    confidence: float
    target: str
    target_met: bool
    rel_error_reached: float
    seconds: float
    stop_reason: str
    provenance: dict = field(repr=False)

    def to_polars(self) -> pl.DataFrame:
        """Return the per-user table (see :attr:`table`)."""
        return self.table


def _check_params(model, estimator, rel_error, confidence, top_k, min_spread, max_samples,
                  max_seconds, max_memory, interval, relative_to, coins):
    check_choice("model", model, ("ic", "lt"))
    check_choice("coins", coins, ("stream", "edge"))
    check_choice("estimator", estimator, ESTIMATORS)
    check_choice("interval", interval, INTERVALS)
    check_choice("relative_to", relative_to, RELATIVE_TO)
    check_number("rel_error", rel_error, low=0.0, low_open=True)
    check_number("confidence", confidence, low=0.0, high=1.0, low_open=True, high_open=True)
    check_int("top_k", top_k, low=1, allow_none=True)
    check_number("min_spread", min_spread, low=1.0, allow_none=True)
    check_int("max_samples", max_samples, low=2 if estimator == "monte_carlo" else 1,
              allow_none=True)
    check_number("max_seconds", max_seconds, low=0.0, low_open=True, allow_none=True)
    check_int("max_memory", max_memory, low=0, allow_none=True)


def _table(g: ProbabilityGraph, est: Estimate) -> pl.DataFrame:
    spread = est.spread
    frame = pl.DataFrame(
        {
            "user": g.users.rename("user"),
            "spread": spread,
            "outward": spread - 1.0,
            "se": est.se,
            "ci_low": est.ci_low,
            "ci_high": est.ci_high,
        }
    )
    return frame.with_columns(
        pl.col("spread").rank(method="min", descending=True).cast(pl.UInt32).alias("rank"),
        pl.lit(est.n_samples, dtype=pl.Int64).alias("n_samples"),
    )


def expected_spread(
    probabilities: pl.DataFrame | ProbabilityGraph,
    *,
    users: pl.Series | Sequence[str] | None = None,
    model: Literal["ic", "lt"] = "ic",
    estimator: Literal["ris", "monte_carlo", "exact"] = "ris",
    rel_error: float = 0.05,
    confidence: float = 0.95,
    top_k: int | None = 100,
    min_spread: float | None = None,
    max_samples: int | None = None,
    max_seconds: float | None = None,
    max_memory: int | None = None,
    seed: SeedLike = None,
    n_jobs: int | None = None,
    executor: Any = None,
    progress: bool = False,
    interval: Literal["wilson", "jeffreys"] = "wilson",
    relative_to: Literal["spread", "outward"] = "spread",
    coins: Literal["stream", "edge"] = "stream",
) -> SpreadResult:
    r"""Estimate the expected spread σ(v) of every user, with standard errors and intervals.

    σ(v) is the expected number of users a piece of content starting at ``v`` reaches
    under the independent cascade (IC) or weighted linear threshold (LT) model, ``v``
    included (so σ(v) ≥ 1); ``outward = σ(v) − 1``. In live-edge form (Kempe et al.
    2003), σ(v) = E[#users reachable from v], where under IC each edge is live
    independently with probability ``p`` and under LT each user keeps at most one
    in-edge, ``(u, v)`` with probability ``p(u, v)``.

    Parameters
    ----------
    probabilities : polars.DataFrame or ProbabilityGraph
        Columns ``source`` (String), ``target`` (String) and ``p`` (Float64; other
        numeric dtypes are cast); extra columns are ignored. Content moves source →
        target with probability ``p`` (IC) or weight ``p`` (LT). A graph already built
        by :func:`to_probability_graph` is used as it is (no second validation).
    users : polars.Series or sequence of str, optional
        Users to include even if they have no edge (their spread is exactly 1).
    model : {"ic", "lt"}
        Independent cascade or weighted linear threshold (in-weights of each user must
        sum to ≤ 1).
    estimator : {"ris", "monte_carlo", "exact"}
        Reverse influence sampling (default; every user from one shared sample),
        forward Monte Carlo (R cascades from every user), or exact enumeration of
        live-edge worlds (at most 2^20 worlds; the test oracle).
    rel_error : float
        Target relative half-width of the interval:
        ``max(ci_high − spread, spread − ci_low) / spread`` (or ``/ outward`` with
        ``relative_to="outward"``).
    confidence : float
        Two-sided confidence level of ``ci_low``/``ci_high``.
    top_k : int or None
        Stop when the ``top_k`` users with the largest estimates reach ``rel_error``.
        ``None`` (and no ``min_spread``): every user that can reach anyone.
    min_spread : float, optional
        Instead of ``top_k``: stop when every user whose interval reaches
        ``min_spread`` (``ci_high ≥ min_spread``) has reached ``rel_error``.
    max_samples : int, optional
        Cap on RR sets θ (RIS; default 2^31) or cascades per user R (Monte Carlo;
        default 2^20). Hitting it sets ``stop_reason="max_samples"``.
    max_seconds : float, optional
        Time budget for the whole call (the graph build included; the first sampling
        round always runs): rounds are shortened to what the measured sampling rate says
        still fits, and RIS also stops between tasks at the deadline; then
        ``stop_reason="max_seconds"``. Results cut by time depend on machine speed,
        so they are not reproducible.
    max_memory : int, optional
        Byte budget; default half of the available memory. Estimates are checked
        before building the graph and before sampling.
    seed : int, SeedSequence, Generator or None
        Seeds the random streams; ``None`` draws fresh entropy (recorded in
        ``provenance``).
    n_jobs : int or None
        Local threads (``None`` or -1: every available core). Results do not depend
        on it.
    executor : dask.distributed.Client, optional
        Run sample blocks on a Dask cluster; the graph is scattered to the workers once.
    progress : bool
        Print one line per sampling round to stderr.
    interval : {"wilson", "jeffreys"}
        Binomial interval for RIS (Monte Carlo uses Student t; exact has zero width).
    relative_to : {"spread", "outward"}
        What ``rel_error`` is relative to. ``"outward"`` (spread − 1, Nguyen et al.
        2017) is stricter: a user with outward 0.01 needs ~100× more samples than
        one with outward 1 for the same ε.
    coins : {"stream", "edge"}
        RIS only. ``"stream"`` (default): each RR set draws its coins from a stream of
        its own, with the fastest sampler per user. ``"edge"``: each coin is a hash of
        the RR set's key and the edge (IC) or node (LT), so that two probability
        graphs over the same users, estimated with the same ``seed`` and a fixed θ
        (``max_samples``), draw identical RR sets except where a coin falls between
        an edge's two probabilities: **common random numbers per edge**, for paired
        comparisons (:func:`influence_graph.scores_over_time`). Same distribution,
        slower on users with many low-probability in-edges.

    Returns
    -------
    SpreadResult
        ``result.table`` has one row per user, sorted by ``user``:

        - ``user`` (String)
        - ``spread`` (Float64): estimated σ(v) ≥ 1
        - ``outward`` (Float64): ``spread − 1``
        - ``se`` (Float64): standard error (0 for exact, and for users without an
          out-edge of positive probability, whose spread is exactly 1)
        - ``ci_low``, ``ci_high`` (Float64): confidence interval at ``confidence``
        - ``rank`` (UInt32): 1 for the largest spread; ties share the lowest rank
        - ``n_samples`` (Int64): θ (RIS), R (Monte Carlo) or number of worlds (exact)

        plus ``target_met``, ``rel_error_reached``, ``stop_reason``, ``seconds`` and
        ``provenance`` (see :class:`SpreadResult`).

    Raises
    ------
    InputValidationError
        Bad parameters (``BAD_PARAM``) or a bad table: ``MISSING_COLUMN``, ``ID_TYPE``,
        ``P_TYPE``, ``ID_MISSING``, ``P_MISSING``, ``P_NAN``, ``P_RANGE``,
        ``SELF_LOOP``, ``DUP_EDGE``; under LT ``LT_WEIGHT_SUM`` naming the users whose
        in-weights sum above 1 + 1e-9.
    EstimatorError
        ``estimator="exact"`` on more than 2^20 live-edge worlds.
    MemoryBudgetError
        The estimated memory exceeds ``max_memory`` (raised before allocating).
    TypeError
        ``probabilities`` is not a polars DataFrame, or a parameter has a wrong type.

    See Also
    --------
    to_probability_graph : the validated CSR graph every estimator runs on.

    Notes
    -----
    **RIS** (Borgs et al. 2014). One RR set holds the users that reach a uniformly
    random root in a random live-edge graph; σ(v) = n·Pr[v ∈ RR]. Counting ``v`` only
    when it is reached from another root, ``c′_v ~ Binomial(θ, q′_v)`` with
    ``q′_v = (σ(v) − 1)/n``, so ``spread = 1 + n·c′_v/θ`` is unbiased,
    ``se = n·sqrt(q̂(1 − q̂)/θ)``, and the interval is ``1 + n`` times a Wilson
    (default) or Jeffreys interval on ``q′_v`` — not Wald, whose coverage is erratic
    for small proportions (Brown, Cai & DasGupta 2001). The relative half-width is
    about ``z·sqrt((1 − q′)/(θ·q′))``, so users with outward ≥ s* reach ε once
    θ ≳ z²·n/(s*·ε²).

    **Stopping rule.** Sampling runs in rounds of blocks of 4096 RR sets; after each
    round the target users (see ``top_k``/``min_spread``) are checked; θ then grows to
    the value the current precision predicts (relative width ∝ 1/√θ, plus 5 %; at
    least +25 %, at most 8×) until the target is met or a budget stops the run. The
    result then says so (``target_met=False`` and ``stop_reason``) and reports the
    precision reached.
    Users without an out-edge of positive p are exact (spread 1, se 0) and never
    targets. Under IC, users whose in-edges share one p (constant p, weighted cascade)
    are expanded with geometric skipping (Guo et al. 2020); others flip one coin per
    in-edge.

    **Minimum samples.** RIS stops no earlier than 32,768 RR sets (the first round,
    ``ris.MIN_RR_SETS``), Monte Carlo no earlier than 1000 cascades per user
    (``monte_carlo.MIN_REPS``), unless ``max_samples`` is smaller. Both are set so the
    95 % intervals land in the coverage band of 1000 replicates on the test graphs at
    the minimum (docs/benchmarks.md). A RIS user's interval is near nominal once its
    expected count θ·(σ(v) − 1)/n is ≳ 8; ``provenance["run"]["users_below_min_count"]``
    counts the users below it.

    **Monte Carlo** uses Student-t intervals (lower end clipped at 1); **exact**
    enumerates all live-edge worlds.

    **Seeding and reproducibility.** Users are sorted as strings and edges by
    (source, target) code before any draw, so shuffled rows give bit-identical
    tables. Block ``i`` (RIS) or task ``i`` (Monte Carlo) draws from the 64-bit seed
    ``influence_graph._rng.task_seeds(seed, ·)[i]``, expanded by SplitMix64 into a
    xoshiro256** state inside the numba kernel; per-user counts are integers, so
    ``n_jobs`` = 1, 2, 4 and a Dask cluster give bit-identical tables. A run cut by
    ``max_seconds`` is the exception.

    **Memory.** The graph keeps 24 bytes per edge (int32 neighbour and float64 p in
    both directions) plus 32 bytes per user; the build peaks near 80 bytes per input
    row plus twice the id bytes; RIS under IC adds its sampling layout, 8 bytes per
    user, and every thread needs 21 bytes per user. RR sets are never stored, so memory does not grow with θ.

    References
    ----------
    .. [1] D. Kempe, J. Kleinberg, É. Tardos, "Maximizing the spread of influence
       through a social network", KDD 2003.
    .. [2] C. Borgs, M. Brautbar, J. Chayes, B. Lucier, "Maximizing social influence in
       nearly optimal time", SODA 2014.
    .. [3] Y. Tang, Y. Shi, X. Xiao, "Influence maximization in near-linear time: a
       martingale approach", SIGMOD 2015.
    .. [4] Q. Guo, S. Wang, Z. Wei, M. Chen, "Influence maximization revisited:
       efficient reverse reachable set generation with bound tightened" (SUBSIM),
       SIGMOD 2020.
    .. [5] L. D. Brown, T. T. Cai, A. DasGupta, "Interval estimation for a binomial
       proportion", Statistical Science 16(2), 2001.

    Examples
    --------
    >>> import polars as pl
    >>> import influence_graph as ig
    >>> p = pl.DataFrame({"source": ["a", "b", "c"], "target": ["b", "c", "d"],
    ...                   "p": [0.5, 0.5, 1.0]})
    >>> exact = ig.expected_spread(p, estimator="exact")
    >>> exact.table.select("user", "spread", "rank").rows()
    [('a', 2.0, 1), ('b', 2.0, 1), ('c', 2.0, 1), ('d', 1.0, 4)]
    >>> res = ig.expected_spread(p, seed=0, n_jobs=1)
    >>> res.target_met, res.stop_reason
    (True, 'target')
    >>> row = res.table.row(0, named=True)
    >>> row["ci_low"] <= 2.0 <= row["ci_high"]
    True
    """
    t0 = time.perf_counter()
    _check_params(model, estimator, rel_error, confidence, top_k, min_spread, max_samples,
                  max_seconds, max_memory, interval, relative_to, coins)
    jobs = resolve_n_jobs(n_jobs) if executor is None else 1
    budget = _budget.default_budget() if max_memory is None else int(max_memory)
    if isinstance(probabilities, pl.DataFrame):
        id_bytes = 0
        for col in ("source", "target"):
            if col in probabilities.columns and probabilities.schema[col] == pl.String:
                id_bytes += int(probabilities.get_column(col).estimated_size())
        _budget.check_budget(
            _budget.estimate_bytes(n_rows=probabilities.height, id_bytes=id_bytes, n_users=0,
                                   n_jobs=0),
            budget, what="building the probability graph",
            suggestion="raise max_memory, or split the table into components")
    ss = as_seed_sequence(seed)
    g = to_probability_graph(probabilities, users)
    check_model(g, model)
    _budget.check_budget(
        _budget.estimate_bytes(n_rows=0, id_bytes=0, n_users=g.n, n_jobs=jobs), budget,
        what="sampling", suggestion="use fewer threads (n_jobs) or raise max_memory")
    # the time budget covers the whole call: what validation and the build used is gone
    seconds_left = None if max_seconds is None else max(max_seconds - (time.perf_counter() - t0),
                                                        1e-9)
    rule = StopRule(rel_error=rel_error, confidence=confidence, top_k=top_k,
                    min_spread=min_spread, max_samples=max_samples, max_seconds=seconds_left,
                    relative_to=relative_to)
    common = dict(seed=ss, n_jobs=jobs, executor=executor, progress=progress)
    if estimator == "exact":
        spread, worlds = exact_spread(g, model)
        est = Estimate.exact(spread, n_samples=worlds, stop_reason="exact",
                             extra={"worlds": worlds})
    elif estimator == "ris":
        est = ris_estimate(g, model, rule, interval=interval, coins=coins, **common)
    else:
        est = mc_estimate(g, model, rule, **common)
    table = _table(g, est)
    seconds = time.perf_counter() - t0
    provenance = {
        "package": "influence_graph",
        "version": __version__,
        "model_version": model_version,
        "numpy": np.__version__,
        "polars": pl.__version__,
        "python": platform.python_version(),
        "seed": seed_entropy(ss),
        "settings": {"model": model, "estimator": estimator, "rel_error": rel_error,
                     "confidence": confidence, "top_k": top_k, "min_spread": min_spread,
                     "max_samples": max_samples, "max_seconds": max_seconds,
                     "relative_to": relative_to, "coins": coins,
                     "interval": interval if estimator == "ris" else est.extra.get("interval")},
        "input_sha256": g.sha256(),
        "n_users": g.n,
        "n_edges": g.m,
        "run": dict(est.extra),
    }
    return SpreadResult(
        table=table, model=model, estimator=estimator, n_samples=int(est.n_samples),
        confidence=float(confidence),
        target=describe_target(top_k, min_spread, rel_error, relative_to),
        target_met=bool(est.target_met), rel_error_reached=float(est.rel_error_reached),
        seconds=seconds, stop_reason=est.stop_reason, provenance=provenance,
    )
