r"""Why a score is what it is, and why it moved: exact additive explanations.

**explain(ds, user)** splits a user's expected spread σ (users a post reaches, the user
counted) over the accounts it passes through first. In each of ``runs`` independent
cascade runs from the user (independent cascade on the learned probabilities that
:func:`influence_graph.influence` uses), every reached account is credited to the
first-hop engager whose branch of the breadth-first search reached it first. So

.. math:: \hat\sigma = 1 + \sum_{w} \text{reached}_w

holds exactly for the estimate (the 1 is the user), and ``reached_w / (σ̂ − 1)`` is
the share of the user's reach that goes through ``w``.

**explain_change(ds, user, a, b)** splits the change of a user's spread between two
windows into causes that add up to the change. The edges whose probability differs
between the windows are cut into change sets:

* ``new_engagers_far`` / ``new_engagers_low``: edges from the user to accounts that
  engaged them in window b and not in a, the accounts split by their own reach in b
  (far-reaching: expected spread at or above the ``far_quantile`` of b's users);
* ``lost_engagers``: edges to accounts that engaged them in a and not in b;
* ``own_activity``: the user's other edges whose probability moved — the learned rate
  of the user's content as a whole (their own posting, and engagers who stayed);
* ``downstream``: edges that do not leave the user — accounts further along the
  cascade whose evidence changed.

Each set's contribution is its **Shapley value** over the 2^k combinations of
"window a's probabilities" and "window b's probabilities" for the k sets, each
combination estimated by ``runs`` forward cascade runs with the **same coin per (run,
edge)** (common random numbers), so the contributions add up exactly to the
difference of the two end combinations. All 2^k combinations come from one search per
run, which carries for every reached user the bit mask of the combinations under which
it is reached (:func:`~._explain_kernel.coalition_reach`; the same counts as 2^k
separate searches, tested). Two more rows close the sum to the change that
:func:`~influence_graph.temporal.over_time.scores_over_time` reports for the same
windows and seed:

* ``estimator_noise``: the reported change minus the change of the forward estimate —
  the part that is Monte Carlo noise of either estimator;
* ``population``: for the renormalised score only, the part of its change due to the
  other users' spreads (the user's σ placed in window a's population instead of b's);
  it is 0 for the spread and the absolute score, which no one else's data moves except
  through the edges above.

The same model and version score both windows, so no row is needed for a model change.

Examples
--------
>>> import influence_graph as ig
>>> ds = ig.datasets.synthetic(n_users=150, days=14, seed=2)
>>> ex = explain(ds, "u0007", seed=1, runs=500)
>>> bool(abs(1 + ex.table["reached"].sum() - ex.spread) < 1e-9)
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from itertools import combinations
from typing import Any

import numpy as np
import polars as pl

from .._rng import SeedLike, as_seed_sequence
from .._validation import bad_param, check_columns, check_dataset, check_int, check_number
from ..graphs.credible import engagement_pairs
from ..io.dataset import Dataset
from .over_time import (
    DEFAULT_REPLICATES,
    replicate_seeds,
    window_dataset,
    window_probabilities,
    window_runs,
)
from .score import absolute_score, relative_score
from .windows import window_bounds

__all__ = [
    "explain",
    "explain_change",
    "Explanation",
    "ChangeExplanation",
    "CHANGE_SETS",
    "COMPONENTS",
]

#: The change sets of :func:`explain_change`, in table order.
CHANGE_SETS: tuple[str, ...] = (
    "new_engagers_far", "new_engagers_low", "lost_engagers", "own_activity", "downstream",
)
#: Every row of the :func:`explain_change` table, in order.
COMPONENTS: tuple[str, ...] = (*CHANGE_SETS, "population", "estimator_noise")
_PHRASES = {
    "new_engagers_far": "new engagers who reach far",
    "new_engagers_low": "new engagers with little reach",
    "lost_engagers": "engagers lost",
    "own_activity": "your content's own rate (your posting, engagers who stayed)",
    "downstream": "accounts further along",
    "population": "other users moving (renormalisation)",
    "estimator_noise": "estimator noise",
}


@dataclass(frozen=True)
class Explanation:
    """Why a user's expected spread is what it is (:func:`explain`).

    Attributes
    ----------
    user : str
    spread : float
        The forward estimate σ̂ = 1 + Σ reached.
    score : float
        Its absolute 1–100 score.
    runs : int
    table : polars.DataFrame
        One row per first-hop engager with a positive probability: ``engager``, ``p``
        (edge probability), ``engagements`` (times the engager engaged the user in the
        log), ``reached`` (expected users reached through it, itself included),
        ``share`` (of σ̂ − 1), sorted by ``reached`` descending then engager.
    summary : str
        One sentence.
    """

    user: str
    spread: float
    score: float
    runs: int
    table: pl.DataFrame
    summary: str


@dataclass(frozen=True)
class ChangeExplanation:
    """Why a user's score moved between two windows (:func:`explain_change`).

    Attributes
    ----------
    user : str
    window_a, window_b : tuple of datetime
        ``(start, end)`` of each window.
    spread_a, spread_b, delta : float
        The windows' expected spreads and their difference, as
        :func:`~influence_graph.temporal.over_time.scores_over_time` reports them for the
        same windows, seed and replicates.
    score_a, score_b, score_delta : float
        Absolute 1–100 scores and their difference.
    relative_a, relative_b, relative_delta : float
        Renormalised scores and their difference.
    posts_a, posts_b : int
        The user's posts in each window.
    table : polars.DataFrame
        One row per :data:`COMPONENTS`: ``component``, ``edges`` (edges in the change
        set; null for the last two rows), ``spread_delta``, ``score_delta``,
        ``relative_delta`` (each column sums to the matching total to rounding), and
        ``share`` (of ``score_delta``; null when it is 0).
    summary : str
        One sentence, e.g. ``"+4.1 points (3.2 → 7.5 users reached): +3.8 from 3 new
        engagers who reach far, …; your posts: 7 → 7."``
    """

    user: str
    window_a: tuple[datetime, datetime]
    window_b: tuple[datetime, datetime]
    spread_a: float
    spread_b: float
    delta: float
    score_a: float
    score_b: float
    score_delta: float
    relative_a: float
    relative_b: float
    relative_delta: float
    posts_a: int
    posts_b: int
    table: pl.DataFrame
    summary: str


# ---- argument checks ----------------------------------------------------------------------


def _check_user(ds: Dataset, user: object) -> str:
    if not isinstance(user, str):
        raise TypeError(f"The 'user' parameter must be a str; got {user!r:.60}")
    if ds.users.filter(pl.col("user") == user).height == 0:
        raise bad_param("user", user, f"be a user of data set {ds.name!r}")
    return user


def _check_start(name: str, value: object) -> datetime:
    if not isinstance(value, datetime):
        raise TypeError(f"The {name!r} parameter must be a datetime (a window start, as in "
                        f"scores_over_time's window_start); got {value!r:.60}")
    if value.tzinfo is None:
        raise bad_param(name, value, "be timezone-aware (UTC, like the log's timestamps)")
    return value


def _grid_index(name: str, start: datetime, bounds: list[tuple[datetime, datetime]],
                events: pl.DataFrame) -> int:
    """Position of ``start`` among the window starts; an error names those with events."""
    starts = [b[0] for b in bounds]
    if start in starts:
        i = starts.index(start)
        ts = events["timestamp"]
        if ts.filter((ts >= bounds[i][0]) & (ts < bounds[i][1])).len():
            return i
    ts = events["timestamp"]
    live = [f"{a:%Y-%m-%d %H:%M}" for a, b in bounds if ts.filter((ts >= a) & (ts < b)).len()]
    shown = ", ".join(live[:6]) + (", …" if len(live) > 6 else "")
    raise bad_param(name, start, "start a window of this log's grid that has events "
                    f"(the window_start values of scores_over_time: {shown})")


def _table_window(over_time: pl.DataFrame, name: str, start: datetime
                  ) -> tuple[tuple[datetime, datetime], pl.DataFrame]:
    """The window of a scores_over_time table starting at ``start``: its bounds and every
    user's reported spread; an error names the starts that have spreads."""
    check_columns(over_time, ["user", "window_start", "window_end", "spread"],
                  what="over_time")
    rows = over_time.filter(pl.col("window_start") == start, pl.col("spread").is_not_null())
    if rows.height == 0:
        live = over_time.filter(pl.col("spread").is_not_null())["window_start"].unique().sort()
        shown = ", ".join(f"{d:%Y-%m-%d %H:%M}" for d in live.head(6).to_list())
        raise bad_param(name, start, "start a window of over_time that has events "
                        f"(its window_start values with a spread: {shown})")
    return (start, rows["window_end"][0]), rows.select("user", "spread")


def _learned(ds: Dataset, bounds: tuple[datetime, datetime]) -> tuple[Dataset, Any, pl.DataFrame]:
    """A window's log, its graphs and learned probabilities."""
    w, _ = window_dataset(ds, *bounds)
    g, table = window_probabilities(w)
    return w, g, table


# ---- the forward estimate with paired coins -----------------------------------------------


@dataclass(frozen=True)
class _Edges:
    """The union of two probability tables as one CSR over the users' codes."""

    users: list[str]
    indptr: np.ndarray
    targets: np.ndarray
    edge_ids: np.ndarray
    source: pl.Series
    target: pl.Series
    p_a: np.ndarray
    p_b: np.ndarray


def _edges(users: pl.Series, table_a: pl.DataFrame, table_b: pl.DataFrame) -> _Edges:
    a = table_a.select("source", "target", p_a=pl.col("p").cast(pl.Float64))
    b = table_b.select("source", "target", p_b=pl.col("p").cast(pl.Float64))
    both = a.join(b, on=["source", "target"], how="full", coalesce=True).with_columns(
        pl.col("p_a").fill_null(0.0), pl.col("p_b").fill_null(0.0))
    code = pl.DataFrame({"user": users, "c": np.arange(users.len(), dtype=np.int64)})
    both = (both.join(code.rename({"user": "source", "c": "s"}), on="source")
            .join(code.rename({"user": "target", "c": "t"}), on="target")
            .sort("s", "t"))
    s = both["s"].to_numpy()
    indptr = np.zeros(users.len() + 1, dtype=np.int64)
    np.cumsum(np.bincount(s, minlength=users.len()), out=indptr[1:])
    return _Edges(users.to_list(), indptr, both["t"].to_numpy().astype(np.int64),
                  np.arange(both.height, dtype=np.int64), both["source"], both["target"],
                  both["p_a"].to_numpy(), both["p_b"].to_numpy())


def _reach(e: _Edges, p: np.ndarray, root: int, runs: int, key: np.uint64) -> np.ndarray:
    from ._explain_kernel import first_hop_reach  # lazy: numba

    return first_hop_reach(e.indptr, e.targets, e.edge_ids, p, root, runs, key) / runs


def _coalition_values(e: _Edges, masks: list[np.ndarray], root: int, runs: int,
                      key: np.uint64) -> dict[frozenset[int], float]:
    """Forward estimate of σ under every coalition of change sets (window b's
    probabilities on the sets in the coalition, window a's elsewhere), one search per run
    for all 2^k coalitions (:func:`~._explain_kernel.coalition_reach`)."""
    from ._explain_kernel import coalition_reach  # lazy: numba

    edge_set = np.full(e.p_a.shape[0], -1, dtype=np.int64)
    for i, m in enumerate(masks):
        edge_set[m] = i
    tot = coalition_reach(e.indptr, e.targets, e.edge_ids, e.p_a, e.p_b, edge_set,
                          len(masks), root, runs, key)
    return {frozenset(i for i in range(len(masks)) if (c >> i) & 1): 1.0 + float(tot[c]) / runs
            for c in range(1 << len(masks))}


def _key(seed: SeedLike) -> np.uint64:
    return np.uint64(as_seed_sequence(seed).generate_state(1, dtype=np.uint64)[0])


# ---- explain ------------------------------------------------------------------------------


def explain(ds: Dataset, user: str, *, seed: SeedLike = None, runs: int = 2000) -> Explanation:
    """Why ``user``'s expected spread is what it is: which engagers carry it, how far.

    Parameters
    ----------
    ds : Dataset
    user : str
    seed : int, SeedSequence, Generator or None
        Key of the cascade runs' coins (same seed, same bits).
    runs : int
        Forward cascade runs (the estimate's standard error falls as 1/√runs).

    Returns
    -------
    Explanation
        See the module docstring for the attribution rule.
    """
    check_dataset("ds", ds)
    user = _check_user(ds, user)
    runs = int(check_int("runs", runs, low=1))  # type: ignore[arg-type]
    g, table = window_probabilities(ds)
    e = _edges(g.users["user"], table, table)
    root = e.users.index(user)
    reached = _reach(e, e.p_b, root, runs, _key(seed))
    lo, hi = e.indptr[root], e.indptr[root + 1]
    first = pl.DataFrame({"engager": e.target[lo:hi], "p": e.p_b[lo:hi],
                          "reached": reached[e.targets[lo:hi]]}).filter(pl.col("p") > 0)
    eng = ds.events.filter(pl.col("target_user") == user).group_by("user").len("engagements")
    spread = 1.0 + float(reached.sum())
    tab = (first.join(eng.rename({"user": "engager"}), on="engager", how="left")
           .with_columns(pl.col("engagements").fill_null(0).cast(pl.Int64),
                         share=pl.col("reached") / (spread - 1.0) if spread > 1.0
                         else pl.lit(None, pl.Float64))
           .sort(["reached", "engager"], descending=[True, False])
           .select("engager", "p", "engagements", "reached", "share"))
    score = float(absolute_score(pl.Series([spread]))[0])
    top = [f"{r['reached']:.2f} through {r['engager']} (p = {r['p']:.2f})"
           for r in tab.head(3).iter_rows(named=True) if r["reached"] > 0]
    rest = spread - 1.0 - sum(r["reached"] for r in tab.head(3).iter_rows(named=True))
    summary = (f"A post of {user} reaches {spread:.2f} users on average (score {score:.1f}): "
               + ("; ".join(top) + (f"; {rest:.2f} through {tab.height - 3} more"
                                    if tab.height > 3 and rest > 0 else "")
                  if top else "no one beyond themselves")
               + f"; 1 is {user}.")
    return Explanation(user, spread, score, runs, tab, summary)


# ---- explain_change -----------------------------------------------------------------------


def _shapley(values: dict[frozenset[int], float], k: int) -> np.ndarray:
    """Shapley value of each of k players from the value of every coalition."""
    phi = np.zeros(k)
    fact = [math.factorial(i) for i in range(k + 1)]
    for i in range(k):
        others = [j for j in range(k) if j != i]
        for size in range(k):
            w = fact[size] * fact[k - size - 1] / fact[k]
            for c in combinations(others, size):
                s = frozenset(c)
                phi[i] += w * (values[s | {i}] - values[s])
    return phi


def explain_change(
    ds: Dataset,
    user: str,
    window_a: datetime,
    window_b: datetime,
    *,
    window: str = "7d",
    step: str | None = None,
    seed: SeedLike = None,
    runs: int = 2000,
    far_quantile: float = 0.9,
    replicates: int = DEFAULT_REPLICATES,
    rel_error: float = 0.1,
    top_k: int | None = 100,
    n_jobs: int | None = None,
    over_time: pl.DataFrame | None = None,
) -> ChangeExplanation:
    """Why ``user``'s score moved from window a to window b, in causes that add up.

    Parameters
    ----------
    ds : Dataset
    user : str
    window_a, window_b : datetime
        Window starts (``window_start`` of :func:`scores_over_time` with the same
        ``window`` and ``step``), timezone-aware.
    window, step : str
        Window length and step, polars duration strings, as in
        :func:`scores_over_time`: every window of that grid is needed, because common
        random numbers run every window at the same number of RR sets.
    seed : int, SeedSequence, Generator or None
        The seed of :func:`scores_over_time` (the reported spreads are its, with common
        random numbers) and of the forward runs' coins.
    runs : int
        Forward cascade runs per coalition of change sets (2^5 coalitions).
    far_quantile : float
        An engager is far-reaching when its expected spread in window b is at or above
        this quantile of window b's users.
    replicates, rel_error, top_k, n_jobs
        As in :func:`scores_over_time` (they set the reported spreads).
    over_time : polars.DataFrame, optional
        The :func:`scores_over_time` table the two windows come from. Its spreads are
        the reported ones (the change then adds up to that table's delta exactly, and
        no window is estimated again: only the two windows' probabilities are learned
        for the forward runs); its ``window_start``/``window_end`` set the windows, so
        ``window``, ``step``, ``replicates``, ``rel_error`` and ``top_k`` are not used.

    Returns
    -------
    ChangeExplanation
        Its ``table`` columns add up to ``delta``, ``score_delta`` and
        ``relative_delta`` (module docstring).

    Raises
    ------
    InputValidationError
        ``BAD_PARAM``: a user not in the data, a naive datetime, a bad duration, a window
        with no events.
    """
    check_dataset("ds", ds)
    user = _check_user(ds, user)
    start_a = _check_start("window_a", window_a)
    start_b = _check_start("window_b", window_b)
    runs = int(check_int("runs", runs, low=1))  # type: ignore[arg-type]
    check_number("far_quantile", far_quantile, low=0.0, high=1.0)
    check_int("replicates", replicates, low=2)
    check_number("rel_error", rel_error, low=0.0, low_open=True)
    check_int("top_k", top_k, low=1, allow_none=True)
    check_int("n_jobs", n_jobs, low=1, allow_none=True)
    if over_time is None:
        ts = ds.events["timestamp"]
        bounds = window_bounds(ts.min(), ts.max(), window=window, step=step)
        idx = [_grid_index(name, start, bounds, ds.events)
               for name, start in (("window_a", start_a), ("window_b", start_b))]
        seeds = replicate_seeds(seed, len(bounds), replicates, True)
        opts = {"rel_error": rel_error * replicates ** 0.5, "top_k": top_k, "n_jobs": n_jobs,
                "confidence": 0.95}
        wins, _ = window_runs(ds, bounds, seeds, opts, crn=True, keep=idx)
        run_a, run_b = wins[idx[0]], wins[idx[1]]
        bound_a, bound_b = bounds[idx[0]], bounds[idx[1]]
        wa, wb = run_a.dataset, run_b.dataset
        ta, tb = run_a.table, run_b.table
        names = run_a.graph.users  # type: ignore[union-attr]
        sa, sb = (r.replicates.select("user", spread=pl.col("spread_replicates").list.mean())
                  for r in (run_a, run_b))  # type: ignore[union-attr]
    else:
        (bound_a, sa), (bound_b, sb) = (_table_window(over_time, name, start) for name, start
                                        in (("window_a", start_a), ("window_b", start_b)))
        (wa, ga, ta), (wb, _, tb) = (_learned(ds, b) for b in (bound_a, bound_b))
        names = ga.users["user"]
    s_a = float(sa.filter(pl.col("user") == user)["spread"][0])
    s_b = float(sb.filter(pl.col("user") == user)["spread"][0])

    e = _edges(names, ta, tb)  # type: ignore[arg-type]
    root = e.users.index(user)
    changed = e.p_a != e.p_b
    out_u = (e.source == user).to_numpy()
    eng_a = set(engagement_pairs(wa).filter(pl.col("source") == user)["target"].to_list())
    eng_b = set(engagement_pairs(wb).filter(pl.col("source") == user)["target"].to_list())

    def among(users: object) -> np.ndarray:
        return e.target.is_in(pl.Series(list(users), dtype=pl.String).implode()).to_numpy()

    new = out_u & changed & among(eng_b - eng_a)
    lost = out_u & changed & among(eng_a - eng_b)
    cut = float(sb["spread"].quantile(far_quantile, "lower"))  # type: ignore[arg-type]
    far_users = sb.filter(pl.col("spread") >= cut)["user"].to_list()
    far = new & among(far_users)
    masks = [far, new & ~far, lost, out_u & changed & ~new & ~lost, ~out_u & changed]

    key = _key(seed)
    pop_a = sa["spread"]
    values = _coalition_values(e, masks, root, runs, key)
    k = len(masks)
    full = frozenset(range(k))
    coal = list(values)
    v = np.array([values[c] for c in coal])
    score_of = dict(zip(coal, absolute_score(pl.Series(v)).to_list(), strict=True))
    rel_of = dict(zip(coal, relative_score(pl.Series(v), pop_a).to_list(), strict=True))
    phi = _shapley(values, k)
    phi_score = _shapley(score_of, k)
    phi_rel = _shapley(rel_of, k)

    sc_a, sc_b = (float(x) for x in absolute_score(pl.Series([s_a, s_b])))
    rel_a = float(relative_score(pl.Series([s_a]), pop_a)[0])
    rel_b = float(relative_score(pl.Series([s_b]), sb["spread"])[0])
    rel_b_in_a = float(relative_score(pl.Series([s_b]), pop_a)[0])
    delta, score_delta, relative_delta = s_b - s_a, sc_b - sc_a, rel_b - rel_a
    fwd = values[full] - values[frozenset()]
    rows = [{"component": name, "edges": int(m.sum()), "spread_delta": float(phi[i]),
             "score_delta": float(phi_score[i]), "relative_delta": float(phi_rel[i])}
            for i, (name, m) in enumerate(zip(CHANGE_SETS, masks, strict=True))]
    rows.append({"component": "population", "edges": None, "spread_delta": 0.0,
                 "score_delta": 0.0, "relative_delta": rel_b - rel_b_in_a})
    rows.append({"component": "estimator_noise", "edges": None, "spread_delta": delta - fwd,
                 "score_delta": score_delta - (score_of[full] - score_of[frozenset()]),
                 "relative_delta": (rel_b_in_a - rel_a) - (rel_of[full] - rel_of[frozenset()])})
    table = pl.DataFrame(rows, schema={"component": pl.String, "edges": pl.Int64,
                                       "spread_delta": pl.Float64, "score_delta": pl.Float64,
                                       "relative_delta": pl.Float64})
    table = table.with_columns(
        share=pl.col("score_delta") / score_delta if score_delta != 0 else pl.lit(None,
                                                                                   pl.Float64))
    posts = [int(w.events.filter(pl.col("user") == user, pl.col("action") == "post").height)
             for w in (wa, wb)]
    summary = _change_summary(table, s_a, s_b, score_delta, posts)
    return ChangeExplanation(user, bound_a, bound_b, s_a, s_b, delta, sc_a, sc_b,
                             score_delta, rel_a, rel_b, relative_delta, posts[0], posts[1],
                             table, summary)


def _change_summary(table: pl.DataFrame, s_a: float, s_b: float, score_delta: float,
                    posts: list[int]) -> str:
    parts = []
    for r in table.sort(pl.col("score_delta").abs(), descending=True).iter_rows(named=True):
        if abs(r["score_delta"]) < 0.05 or r["component"] == "population":
            continue
        what = _PHRASES[r["component"]]
        if r["edges"] is not None and r["component"] != "downstream":
            what = f"{r['edges']} {what}" if "engagers" in r["component"] else what
        parts.append(f"{r['score_delta']:+.1f} from {what}")
    head = f"{score_delta:+.1f} points ({s_a:.2f} → {s_b:.2f} users reached)"
    body = ": " + ", ".join(parts) if parts else ": no cause moved it by 0.05 points or more"
    own = ("your own posting did not change" if posts[0] == posts[1]
           else f"your posts: {posts[0]} → {posts[1]}")
    return f"{head}{body}; {own}."

