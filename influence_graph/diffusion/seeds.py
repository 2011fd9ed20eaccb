"""Seed-set selection (influence maximisation) by IMM on stored RR sets.

:func:`select_seeds` picks ``k`` users whose *joint* expected spread σ(S) is within
``1 − 1/e − ε`` of the best ``k``-set with probability at least ``1 − 1/n^ℓ`` (IMM,
Tang, Shi & Xiao 2015), then reports σ of every prefix of the picks, with intervals,
on an independent sample of RR sets.

RR sets are the ones the counting sampler of :mod:`.ris` draws (same kernels' draws,
see :func:`~._kernels.rr_ic_sets`), here stored with their root. A set ``S`` covers an
RR set ``R`` iff ``S ∩ R ≠ ∅``, and σ(S) = n·Pr[S ∩ R ≠ ∅].

Examples
--------
>>> import polars as pl
>>> p = pl.DataFrame({"source": ["a", "b"], "target": ["b", "c"], "p": [1.0, 1.0]})
>>> sel = select_seeds(p, 1, seed=0, n_jobs=1)
>>> sel.seeds, sel.table["joint_spread"].to_list()
(('a',), [3.0])
"""

from __future__ import annotations

from . import _numba_setup  # noqa: F401  (sets NUMBA_CACHE_DIR first)

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import polars as pl
from numba import njit

from .._rng import SeedLike, as_seed_sequence, seed_entropy, task_seeds
from .._validation import bad_param, check_choice, check_int, check_number
from .._version import __version__, model_version
from ..parallel import TaskRunner, resolve_n_jobs
from . import _kernels as kn
from .intervals import wilson
from .models import MODELS, check_model
from .probability_graph import ProbabilityGraph, to_probability_graph
from .ris import BLOCK_SIZE, rr_shared

__all__ = ["select_seeds", "SeedSelection", "check_epsilon", "SCHEMA", "MIN_EVAL_RR_SETS",
           "DEFAULT_MAX_RR_SETS", "imm_constants"]

#: Columns of :attr:`SeedSelection.table`.
SCHEMA = {
    "pick": pl.Int64,
    "user": pl.String,
    "marginal_gain": pl.Float64,
    "gain_se": pl.Float64,
    "gain_low": pl.Float64,
    "gain_high": pl.Float64,
    "joint_spread": pl.Float64,
    "joint_se": pl.Float64,
    "joint_low": pl.Float64,
    "joint_high": pl.Float64,
    "individual_spread": pl.Float64,
}
#: Smallest evaluation sample (RR sets), whatever θ is.
MIN_EVAL_RR_SETS = 2**15
#: Cap on θ when ``max_rr_sets`` is None (RR-set ids are int32).
DEFAULT_MAX_RR_SETS = 2**31 - 1
#: Blocks per task of the evaluation sample (its RR sets are reduced to counts per task).
_EVAL_BLOCKS_PER_TASK = 16
_STREAMS = ("sampling", "selection", "evaluation")


@dataclass(frozen=True)
class SeedSelection:
    """``k`` seeds chosen by IMM, with their spreads estimated on an independent sample.

    Attributes
    ----------
    table : polars.DataFrame
        One row per pick, in the order chosen (see :data:`SCHEMA`): ``pick`` (Int64,
        1..k), ``user`` (String), ``marginal_gain`` (σ(S_1..i) − σ(S_1..i−1)),
        ``gain_se``, ``gain_low``, ``gain_high``, ``joint_spread`` (σ(S_1..i)),
        ``joint_se``, ``joint_low``, ``joint_high`` and ``individual_spread`` (σ of
        the user alone), all Float64 estimates on the evaluation sample, intervals at
        ``confidence``.
    seeds : tuple of str
        The picks, in order (``table["user"]``).
    model : str
        ``"ic"`` or ``"lt"``.
    theta : int
        RR sets of the node-selection phase (the ones the seeds were chosen on).
    theta_eval : int
        RR sets of the independent evaluation sample behind the table.
    epsilon : float
        The ε of the guarantee.
    guarantee : float
        ``1 − 1/e − ε``: σ(S) ≥ guarantee·OPT with probability ≥ 1 − 1/n^ℓ, OPT the
        best k-set among the candidates; NaN when ``max_rr_sets`` cut a phase short
        (the guarantee then does not hold).
    confidence : float
        Level of the intervals.
    individual_top_k : tuple of str
        The k candidates with the largest individual coverage on the selection sample.
    individual_joint_spread, individual_joint_se, individual_joint_low, \
individual_joint_high : float
        σ of that list as one seed set, on the evaluation sample, with its interval.
    seconds : float
        Wall time of the call.
    provenance : dict
        Seed entropy, settings, IMM constants (ℓ, λ′, λ*, the lower bound of OPT),
        the sampling rounds, which set the safeguard returned, and library versions.
    """

    table: pl.DataFrame
    seeds: tuple[str, ...]
    model: str
    theta: int
    theta_eval: int
    epsilon: float
    guarantee: float
    confidence: float
    individual_top_k: tuple[str, ...]
    individual_joint_spread: float
    individual_joint_se: float
    individual_joint_low: float
    individual_joint_high: float
    seconds: float
    provenance: dict = field(repr=False)


# ---------------------------------------------------------------------------- kernels


@njit(cache=True, nogil=True)
def _set_index(members, offsets, n):
    """Inverted index: the RR sets holding ``v`` are ``sets[ptr[v]:ptr[v + 1]]`` (ascending)."""
    ptr = np.zeros(n + 1, np.int64)
    for i in range(members.shape[0]):
        ptr[members[i] + 1] += 1
    for v in range(n):
        ptr[v + 1] += ptr[v]
    fill = ptr[:-1].copy()
    sets = np.empty(members.shape[0], np.int32)
    for r in range(offsets.shape[0] - 1):
        for j in range(offsets[r], offsets[r + 1]):
            u = members[j]
            sets[fill[u]] = r
            fill[u] += 1
    return ptr, sets


@njit(cache=True, nogil=True)
def _greedy(members, offsets, ptr, sets, allowed, k):
    """Greedy maximum coverage over the ``allowed`` users: picks and their new coverage.

    Counting greedy: ``deg[v]`` is the number of uncovered RR sets holding ``v``; each
    step takes the allowed user with the largest ``deg`` (the smallest code on ties)
    and decrements ``deg`` of every member of the RR sets it newly covers, so the
    whole run costs O(k·n + total RR-set size).
    """
    n = ptr.shape[0] - 1
    deg = np.empty(n, np.int64)
    for v in range(n):
        deg[v] = ptr[v + 1] - ptr[v]
    covered = np.zeros(offsets.shape[0] - 1, np.bool_)
    free = allowed.copy()
    picks = np.empty(k, np.int64)
    gains = np.empty(k, np.int64)
    for it in range(k):
        best = -1
        bd = -1
        for v in range(n):
            if free[v] and deg[v] > bd:
                bd = deg[v]
                best = v
        picks[it] = best
        gains[it] = bd
        free[best] = False
        for j in range(ptr[best], ptr[best + 1]):
            r = sets[j]
            if not covered[r]:
                covered[r] = True
                for t in range(offsets[r], offsets[r + 1]):
                    deg[members[t]] -= 1
    return picks, gains


@njit(cache=True, nogil=True)
def _eval_counts(members, offsets, rank, k, in_top):
    """Per RR set: the first pick covering it (``k``: none), and whether the list covers it.

    Returns ``(first, top, indiv)``: ``first`` int64 k + 1 (histogram of the first
    covering pick), ``top`` (RR sets holding a user with ``in_top``), ``indiv`` int64
    k (RR sets holding pick ``i``).
    """
    first = np.zeros(k + 1, np.int64)
    indiv = np.zeros(k, np.int64)
    top = 0
    for r in range(offsets.shape[0] - 1):
        f = k
        hit = False
        for j in range(offsets[r], offsets[r + 1]):
            u = members[j]
            q = rank[u]
            if q < k:
                indiv[q] += 1
                if q < f:
                    f = q
            if in_top[u]:
                hit = True
        first[f] += 1
        if hit:
            top += 1
    return first, top, indiv


# ---------------------------------------------------------------------------- sampling


def _sets_task(shared: Any, seeds: np.ndarray,
               sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sample and store ``sizes[i]`` RR sets from ``seeds[i]``: members, offsets, stats."""
    n = shared.n
    stats = np.zeros(2, np.int64)
    if shared.ic is not None:
        lay = shared.ic
        members, offsets = kn.rr_ic_sets(lay.pack, lay.shift, lay.table, lay.in_indices,
                                         lay.in_p, seeds, sizes, np.zeros(n, np.uint8),
                                         np.empty(n, np.int32), stats)
    else:
        in_indptr, in_indices, in_p, shared_p = shared.lt
        members, offsets = kn.rr_lt_sets(in_indptr, in_indices, in_p, shared_p, seeds, sizes,
                                         np.zeros(n, np.uint8), np.empty(n, np.int32), stats)
    return members, offsets, stats


def _eval_task(shared: tuple, seeds: np.ndarray,
               sizes: np.ndarray) -> tuple[np.ndarray, int, np.ndarray, np.ndarray]:
    """Sample RR sets and reduce them to the counts of :func:`_eval_counts` (and stats)."""
    rr, rank, k, in_top = shared
    members, offsets, stats = _sets_task(rr, seeds, sizes)
    first, top, indiv = _eval_counts(members, offsets, rank, k, in_top)
    return first, int(top), indiv, stats


@dataclass(frozen=True)
class _Sample:
    """Stored RR sets of one stream: ``members``/``offsets`` and the blocks drawn."""

    members: np.ndarray
    offsets: np.ndarray
    blocks: int
    stats: np.ndarray

    @property
    def theta(self) -> int:
        """Number of RR sets."""
        return int(self.offsets.shape[0] - 1)


def _empty_sample() -> _Sample:
    return _Sample(np.zeros(0, np.int32), np.zeros(1, np.int64), 0, np.zeros(2, np.int64))


def _block_sizes(theta: int, target: int, cap: int) -> np.ndarray:
    """Blocks taking θ to ``target`` rounded up to whole blocks, the last one cut at ``cap``."""
    goal = min(-(-target // BLOCK_SIZE) * BLOCK_SIZE, cap)
    room = goal - theta
    if room <= 0:
        return np.zeros(0, np.int64)
    nb = -(-room // BLOCK_SIZE)
    sizes = np.full(nb, BLOCK_SIZE, np.int64)
    sizes[-1] = room - BLOCK_SIZE * (nb - 1)
    return sizes


def _stream(ss: np.random.SeedSequence, name: str) -> np.random.SeedSequence:
    """Child ``j`` of ``ss`` (as ``ss.spawn`` would make it, without mutating ``ss``)."""
    return np.random.SeedSequence(ss.entropy, spawn_key=(*ss.spawn_key, _STREAMS.index(name)))


def _parts(nb: int, workers: int, per_task: int | None = None) -> list[np.ndarray]:
    n_tasks = min(nb, max(1, 4 * workers))
    if per_task is not None:
        n_tasks = max(n_tasks, -(-nb // per_task))
    return np.array_split(np.arange(nb), n_tasks)


def _grow(runner: TaskRunner, stream: np.random.SeedSequence, sample: _Sample, target: int,
          cap: int) -> _Sample:
    """``sample`` extended (blocks in order) to at least ``target`` RR sets, at most ``cap``."""
    sizes = _block_sizes(sample.theta, target, cap)
    if sizes.size == 0:
        return sample
    seeds = task_seeds(stream, sizes.size, offset=sample.blocks)
    parts = _parts(sizes.size, runner.workers)
    results = runner.map(_sets_task, [(seeds[p], sizes[p]) for p in parts])
    members = [sample.members] + [m for m, _, _ in results]
    offsets = [sample.offsets]
    base = int(sample.offsets[-1])
    stats = sample.stats.copy()
    for m, o, st in results:
        offsets.append(o[1:] + base)
        base += int(m.shape[0])
        stats += st
    return _Sample(np.concatenate(members), np.concatenate(offsets), sample.blocks + sizes.size,
                   stats)


def _cover(sample: _Sample, n: int, allowed: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray,
                                                                          np.ndarray]:
    """Greedy picks on ``sample`` with their coverage gains, and the individual top-k."""
    ptr, sets = _set_index(sample.members, sample.offsets, n)
    picks, gains = _greedy(sample.members, sample.offsets, ptr, sets, allowed, k)
    cand = np.flatnonzero(allowed)
    deg = np.diff(ptr)[cand]
    top = cand[np.lexsort((cand, -deg))[:k]]  # largest coverage, then smallest code
    return picks, gains, top


def _choose(sample: _Sample, n: int, allowed: np.ndarray,
            k: int) -> tuple[np.ndarray, np.ndarray, str, int, int]:
    """The safeguard: greedy's set or the individual top-k, whichever covers more.

    Returns the picks (in greedy order), the individual top-k, which one was returned
    (``"greedy"`` on ties) and the two coverages of ``sample``.
    """
    picks, gains, top = _cover(sample, n, allowed, k)
    mask_top = np.zeros(n, np.bool_)
    mask_top[top] = True
    ptr, sets = _set_index(sample.members, sample.offsets, n)
    top_order, top_gains = _greedy(sample.members, sample.offsets, ptr, sets, mask_top, k)
    cov_greedy, cov_top = int(gains.sum()), int(top_gains.sum())
    if cov_top > cov_greedy:
        return top_order, top, "individual_top_k", cov_greedy, cov_top
    return picks, top, "greedy", cov_greedy, cov_top


# ---------------------------------------------------------------------------- IMM


def imm_constants(n: int, n_candidates: int, k: int, epsilon: float,
                  ell: float) -> dict[str, float]:
    """ℓ adjusted, ε′, λ′ and λ* of IMM (see :func:`select_seeds`, Notes).

    Examples
    --------
    >>> c = imm_constants(1000, 1000, 10, 0.1, 1.0)
    >>> round(c["ell"], 4), round(c["epsilon_prime"], 4)
    (1.1003, 0.1414)
    """
    nl = math.log(max(n, 2))
    ell_adj = ell * (1.0 + math.log(2.0) / nl)
    log_cnk = math.lgamma(n_candidates + 1) - math.lgamma(k + 1) - math.lgamma(n_candidates - k + 1)
    eps_p = math.sqrt(2.0) * epsilon
    lam_p = ((2.0 + 2.0 * eps_p / 3.0) * (log_cnk + ell_adj * nl + math.log(math.log2(max(n, 2))))
             * n / eps_p**2)
    e1 = 1.0 - 1.0 / math.e
    alpha = math.sqrt(ell_adj * nl + math.log(2.0))
    beta = math.sqrt(e1 * (log_cnk + ell_adj * nl + math.log(2.0)))
    lam_star = 2.0 * n * (e1 * alpha + beta) ** 2 / epsilon**2
    return {"ell": ell_adj, "epsilon_prime": eps_p, "log_binom_n_k": log_cnk,
            "lambda_prime": lam_p, "lambda_star": lam_star}


def _lower_bound(runner: TaskRunner, stream: np.random.SeedSequence, n: int, k: int,
                 allowed: np.ndarray, lam_p: float, eps_p: float,
                 cap: int) -> tuple[float, list[dict[str, float]], bool]:
    """IMM's sampling phase: a lower bound of OPT by halving x; rounds and whether capped."""
    sample = _empty_sample()
    lb = 1.0
    rounds: list[dict[str, float]] = []
    capped = False
    for i in range(1, max(2, math.ceil(math.log2(max(n, 2))))):
        x = n / 2.0**i
        target = math.ceil(lam_p / x)
        capped = capped or target > cap
        sample = _grow(runner, stream, sample, target, cap)
        _, gains, _ = _cover(sample, n, allowed, k)
        est = n * float(gains.sum()) / sample.theta
        rounds.append({"x": x, "theta": sample.theta, "spread": est})
        if est >= (1.0 + eps_p) * x:
            lb = est / (1.0 + eps_p)
            break
        if sample.theta >= cap:
            break
    return max(lb, float(k)), rounds, capped


# ---------------------------------------------------------------------------- arguments


def _allowed(g: ProbabilityGraph, candidates: Any) -> np.ndarray:
    """Boolean mask (n) of the users seeds may be chosen from."""
    n = g.n
    if candidates is None:
        return np.ones(n, np.bool_)
    if isinstance(candidates, str):
        raise TypeError("The 'candidates' parameter must be a sequence of user names or a "
                        f"boolean mask, not a single string; got {candidates!r}")
    if isinstance(candidates, pl.Series) and candidates.dtype == pl.Boolean:
        candidates = candidates.to_numpy()
    if isinstance(candidates, np.ndarray) and candidates.dtype == np.bool_:
        if candidates.shape != (n,):
            raise bad_param("candidates", f"a mask of length {candidates.shape[0]}",
                            f"be a boolean mask of length n = {n} (one per user, sorted)")
        return candidates.copy()
    names = candidates if isinstance(candidates, pl.Series) else list(candidates)
    if isinstance(names, pl.Series) and names.dtype != pl.String:
        raise bad_param("candidates", names.dtype, "hold String user names or be Boolean")
    if not isinstance(names, pl.Series) and not all(isinstance(x, str) for x in names):
        raise bad_param("candidates", names[:5], "hold user names (str) or be a boolean mask")
    try:
        codes = g.codes(names)
    except KeyError as err:
        raise bad_param("candidates", err.args[0], "name users of the graph") from None
    mask = np.zeros(n, np.bool_)
    mask[codes] = True
    return mask


def check_epsilon(epsilon: Any) -> float:
    """IMM's ε, in (0, 1 − 1/e) so that the guarantee 1 − 1/e − ε stays positive."""
    return float(check_number("epsilon", epsilon, low=0.0, high=1.0 - 1.0 / math.e,
                              low_open=True, high_open=True))  # type: ignore[arg-type]


def _check_params(k: Any, model: Any, epsilon: Any, confidence: Any, max_rr_sets: Any,
                  ell: Any) -> None:
    check_int("k", k, low=1)
    check_choice("model", model, MODELS)
    check_epsilon(epsilon)
    check_number("confidence", confidence, low=0.0, high=1.0, low_open=True, high_open=True)
    check_int("max_rr_sets", max_rr_sets, low=1, allow_none=True)
    check_number("ell", ell, low=0.0, low_open=True)


# ---------------------------------------------------------------------------- estimates


def _intervals(count: np.ndarray, theta: int, n: int,
               confidence: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``n·c/θ``, its binomial se and ``n`` times the Wilson interval on ``c/θ``."""
    c = np.asarray(count, np.float64)
    q = c / theta
    lo, hi = wilson(c, theta, confidence)
    return n * q, n * np.sqrt(q * (1.0 - q) / theta), n * lo, n * hi


def _evaluate(rr: Any, stream: np.random.SeedSequence, theta_eval: int, picks: np.ndarray,
              top: np.ndarray, n: int, n_jobs: int, executor: Any
              ) -> tuple[np.ndarray, int, np.ndarray, np.ndarray]:
    """Counts of the picks and of the list on ``theta_eval`` fresh RR sets of ``stream``."""
    k = int(picks.shape[0])
    rank = np.full(n, k, np.int64)
    rank[picks] = np.arange(k)
    in_top = np.zeros(n, np.bool_)
    in_top[top] = True
    sizes = _block_sizes(0, theta_eval, theta_eval)
    seeds = task_seeds(stream, sizes.size)
    first = np.zeros(k + 1, np.int64)
    indiv = np.zeros(k, np.int64)
    stats = np.zeros(2, np.int64)
    top_count = 0
    with TaskRunner((rr, rank, k, in_top), n_jobs=n_jobs, executor=executor) as runner:
        parts = _parts(sizes.size, runner.workers, _EVAL_BLOCKS_PER_TASK)
        for f, t, ind, st in runner.map(_eval_task, [(seeds[p], sizes[p]) for p in parts]):
            first += f  # integer sums: order-free, bit-identical
            top_count += t
            indiv += ind
            stats += st
    return first, top_count, indiv, stats


def _table(g: ProbabilityGraph, picks: np.ndarray, first: np.ndarray, indiv: np.ndarray,
           theta_eval: int, confidence: float) -> pl.DataFrame:
    n = g.n
    k = int(picks.shape[0])
    gain, gse, glo, ghi = _intervals(first[:k], theta_eval, n, confidence)
    joint, jse, jlo, jhi = _intervals(np.cumsum(first[:k]), theta_eval, n, confidence)
    cols = {"pick": np.arange(1, k + 1), "user": g.users.gather(picks).to_list(),
            "marginal_gain": gain, "gain_se": gse, "gain_low": glo, "gain_high": ghi,
            "joint_spread": joint, "joint_se": jse, "joint_low": jlo, "joint_high": jhi,
            "individual_spread": n * indiv / float(theta_eval)}
    return pl.DataFrame(cols, schema=SCHEMA)


# ---------------------------------------------------------------------------- public


def select_seeds(
    probabilities: ProbabilityGraph | pl.DataFrame,
    k: int,
    *,
    candidates: Sequence[str] | pl.Series | np.ndarray | None = None,
    model: Literal["ic", "lt"] = "ic",
    epsilon: float = 0.1,
    confidence: float = 0.95,
    seed: SeedLike = None,
    n_jobs: int | None = None,
    executor: Any = None,
    max_rr_sets: int | None = None,
    ell: float = 1.0,
) -> SeedSelection:
    r"""Choose ``k`` seed users maximising their joint expected spread (IMM), with estimates.

    σ(S) is the expected number of users reached when every user of ``S`` starts
    with the content (members included), under IC or LT as in
    :func:`influence_graph.expected_spread`. Unlike the ``k`` users with the largest
    individual spreads, whose audiences often overlap, the set is chosen for what it
    reaches together.

    Parameters
    ----------
    probabilities : polars.DataFrame or ProbabilityGraph
        Edge table (``source``, ``target``, ``p``) or a graph built by
        :func:`~influence_graph.diffusion.to_probability_graph`.
    k : int
        Number of seeds, ≥ 1 and at most the number of candidates.
    candidates : sequence of str, polars.Series or boolean numpy array, optional
        Users the seeds may be chosen from: names (String), or a boolean mask over the
        graph's users (sorted as strings). None: every user. The guarantee then
        holds relative to the best ``k``-set *of candidates*.
    model : {"ic", "lt"}
        Independent cascade or linear threshold.
    epsilon : float
        ε of the approximation guarantee ``1 − 1/e − ε``, in (0, 1 − 1/e). The number
        of RR sets grows as 1/ε².
    confidence : float
        Level of the intervals in the table (not of the guarantee, which holds with
        probability ≥ 1 − 1/n^ℓ).
    seed : int, SeedSequence, Generator or None
        Seeds every random stream; ``None`` draws fresh entropy (recorded in
        ``provenance``).
    n_jobs : int or None
        Local threads (``None``: every available core). Results do not depend on it.
    executor : dask.distributed.Client, optional
        Sample RR sets on a Dask cluster (the graph is scattered once per phase).
    max_rr_sets : int, optional
        Cap on the RR sets of each phase (sampling, selection). When it binds, the
        guarantee does not hold and ``guarantee`` is NaN (``provenance["capped"]``).
    ell : float
        ℓ of the failure probability 1/n^ℓ.

    Returns
    -------
    SeedSelection
        ``table`` has one row per pick in order (``pick``, ``user``, ``marginal_gain``,
        ``gain_se``, ``gain_low``, ``gain_high``, ``joint_spread``, ``joint_se``,
        ``joint_low``, ``joint_high``, ``individual_spread``), plus θ, the guarantee,
        the individual top-k and its joint spread (see :class:`SeedSelection`).

    Raises
    ------
    InputValidationError
        A bad parameter (``BAD_PARAM``, naming it: ``k`` below 1 or above the number of
        candidates, ``candidates`` naming unknown users, ``epsilon``, ``confidence``,
        ``max_rr_sets``, ``ell``, ``model``), or a bad table (as
        :func:`~influence_graph.diffusion.to_probability_graph`; ``LT_WEIGHT_SUM``).
    TypeError
        A parameter of the wrong type, or a table that is not a polars DataFrame.

    Notes
    -----
    **IMM** (Tang, Shi & Xiao 2015) with n users, ``n_c`` candidates and
    ``log C = log binom(n_c, k)``:

    * ℓ is raised to ``ℓ·(1 + log 2 / log n)``, so that the two phases, each failing
      with probability ≤ 1/n^ℓ, together fail with probability ≤ 1/n^ℓ for the ℓ given;
    * ε′ = √2·ε,
      λ′ = (2 + 2ε′/3)·(log C + ℓ·log n + log log₂ n)·n / ε′²;
    * α = √(ℓ·log n + log 2), β = √((1 − 1/e)·(log C + ℓ·log n + log 2)),
      λ* = 2n·((1 − 1/e)·α + β)²·ε⁻².

    *Sampling phase* (a lower bound LB of OPT): for i = 1, …, ⌈log₂ n⌉ − 1, with
    x = n/2^i, grow the sample to θ_i = λ′/x RR sets, take the greedy k-set S_i;
    if n·F_R(S_i) ≥ (1 + ε′)·x (F_R: the fraction of RR sets covered), LB =
    n·F_R(S_i)/(1 + ε′) and stop. LB is then raised to at least k, since σ(S) ≥ |S|
    (the paper's fallback is 1). *Node selection*: θ = λ*/LB RR sets, **drawn afresh**
    from a stream of their own rather than reusing the sampling phase's sets — Chen
    (2018) showed that the reuse breaks the martingale argument; fresh sets restore
    it. Sample sizes are rounded up to whole blocks of 4096 RR sets.

    *Greedy*: counting greedy maximum coverage (each step takes the candidate in the
    most uncovered RR sets, ties to the smallest code; O(k·n + Σ|R|)), which covers at
    least (1 − 1/e) of the best k-set's coverage of the same sets.

    *Safeguard*: the greedy set's coverage of the selection sets is compared with that
    of the k candidates with the largest individual coverage (``individual_top_k``);
    the one covering more is returned (ties: greedy), its picks ordered by greedy on
    that set. Any set covering at least as much as greedy keeps the guarantee (the
    IMM bound on "bad" sets is uniform over all k-sets), and by construction the
    returned set covers at least as many selection RR sets as the individual top-k.
    ``provenance["returned"]`` says which one it was.

    **Estimates.** Greedy's own coverage is biased upward (the set was chosen to cover
    those sets), so the table comes from θ_eval = max(θ, 2¹⁵) RR sets of a third,
    independent stream. With ``c_i`` the RR sets covered by S_1..i and ``g_i`` those
    covered by S_1..i but not S_1..i−1: ``joint_spread = n·c_i/θ_eval``,
    ``marginal_gain = n·g_i/θ_eval``, ``individual_spread = n·(RR sets holding the
    user)/θ_eval`` (all unbiased), se from the binomial, ``n·sqrt(q̂(1 − q̂)/θ_eval)``,
    and the interval ``n`` times a Wilson interval on the count. The individual
    top-k's joint spread is estimated on the same sets, so ``joint_spread`` of the last
    pick minus it is a paired comparison.

    **Random streams.** ``SeedSequence(seed).spawn(3)``: sampling phase, node
    selection, evaluation; block ``b`` of a stream draws from
    ``task_seeds(stream, ·)[b]`` (as :mod:`influence_graph.diffusion.ris`), so the
    result is bit-identical for any ``n_jobs`` and on Dask.

    **Memory.** The selection sample is stored: 4 bytes per RR-set member, twice (the
    sets and the inverted index), plus 8 bytes per RR set; the evaluation sample is
    reduced to counts block by block.

    References
    ----------
    .. [1] Y. Tang, Y. Shi, X. Xiao, "Influence maximization in near-linear time: a
       martingale approach", SIGMOD 2015.
    .. [2] W. Chen, "An issue in the martingale analysis of the influence maximization
       algorithm IMM", CSoNet 2018 (arXiv:1808.09363).
    .. [3] C. Borgs, M. Brautbar, J. Chayes, B. Lucier, "Maximizing social influence in
       nearly optimal time", SODA 2014.

    Examples
    --------
    Two stars: the centres together reach both audiences.

    >>> import polars as pl
    >>> import influence_graph as ig
    >>> rows = [("a", f"a{i}", 0.9) for i in range(4)] + [("b", f"b{i}", 0.9) for i in range(3)]
    >>> p = pl.DataFrame(rows, schema=["source", "target", "p"], orient="row")
    >>> sel = ig.select_seeds(p, 2, seed=1, n_jobs=1)
    >>> sel.seeds, round(sel.guarantee, 3)
    (('a', 'b'), 0.532)
    >>> last = sel.table.row(1, named=True)
    >>> bool(last["joint_low"] <= 2 + 0.9 * 7 <= last["joint_high"])
    True
    >>> sel.table.columns[:4]
    ['pick', 'user', 'marginal_gain', 'gain_se']
    """
    t0 = time.perf_counter()
    _check_params(k, model, epsilon, confidence, max_rr_sets, ell)
    jobs = resolve_n_jobs(n_jobs) if executor is None else 1
    ss = as_seed_sequence(seed)
    g = to_probability_graph(probabilities)
    check_model(g, model)
    allowed = _allowed(g, candidates)
    n_cand = int(allowed.sum())
    if k > n_cand:
        raise bad_param("k", k, f"be at most the number of candidates ({n_cand})")
    n = g.n
    cap = DEFAULT_MAX_RR_SETS if max_rr_sets is None else int(max_rr_sets)
    const = imm_constants(n, n_cand, k, epsilon, ell)
    rr = rr_shared(g, model)
    with TaskRunner(rr, n_jobs=jobs, executor=executor) as runner:
        lb, rounds, capped = _lower_bound(runner, _stream(ss, "sampling"), n, k, allowed,
                                          const["lambda_prime"], const["epsilon_prime"], cap)
        target = math.ceil(const["lambda_star"] / lb)
        capped = capped or target > cap
        sample = _grow(runner, _stream(ss, "selection"), _empty_sample(), target, cap)
    picks, top, returned, cov_greedy, cov_top = _choose(sample, n, allowed, k)
    theta = sample.theta
    mean_size = float(sample.stats[0]) / theta
    del sample
    theta_eval = max(theta, MIN_EVAL_RR_SETS)
    first, top_count, indiv, eval_stats = _evaluate(rr, _stream(ss, "evaluation"), theta_eval,
                                                    picks, top, n, jobs, executor)
    table = _table(g, picks, first, indiv, theta_eval, confidence)
    tj, tse, tlo, thi = _intervals(np.array([top_count]), theta_eval, n, confidence)
    guarantee = math.nan if capped else 1.0 - 1.0 / math.e - epsilon
    provenance = {
        "package": "influence_graph",
        "version": __version__,
        "model_version": model_version,
        "seed": seed_entropy(ss),
        "streams": {name: [*ss.spawn_key, j] for j, name in enumerate(_STREAMS)},
        "estimator": "imm",
        "model": model,
        "settings": {"k": k, "epsilon": epsilon, "confidence": confidence, "ell": ell,
                     "max_rr_sets": max_rr_sets, "n_candidates": n_cand},
        "ell": const["ell"],
        "epsilon_prime": const["epsilon_prime"],
        "lambda_prime": const["lambda_prime"],
        "lambda_star": const["lambda_star"],
        "lower_bound": lb,
        "sampling_rounds": rounds,
        "capped": capped,
        "returned": returned,
        "selection_coverage": {"greedy": cov_greedy, "individual_top_k": cov_top},
        "mean_rr_size": mean_size,
        "mean_rr_size_eval": float(eval_stats[0]) / theta_eval,
        "interval": "wilson",
        "input_sha256": g.sha256(),
        "n_users": n,
        "n_edges": g.m,
    }
    return SeedSelection(
        table=table, seeds=tuple(table["user"].to_list()), model=model, theta=theta,
        theta_eval=theta_eval, epsilon=float(epsilon), guarantee=guarantee,
        confidence=float(confidence), individual_top_k=tuple(g.users.gather(top).to_list()),
        individual_joint_spread=float(tj[0]), individual_joint_se=float(tse[0]),
        individual_joint_low=float(tlo[0]), individual_joint_high=float(thi[0]),
        seconds=time.perf_counter() - t0, provenance=provenance,
    )
