"""Viral centrality and the spectral radius of a probability graph.

Viral centrality (Fink et al. 2023) approximates each user's expected outward spread
under the independent cascade by message passing; it is exact on trees and accurate
when the spectral radius of the probability matrix is well below 1, which
:func:`spectral_radius` reports. Both take the table (or the
:class:`~influence_graph.diffusion.ProbabilityGraph`) that
:func:`~influence_graph.expected_spread` takes, checked by the same one validator.

Examples
--------
>>> import polars as pl
>>> p = pl.DataFrame({"source": ["a", "b"], "target": ["b", "c"], "p": [0.5, 0.5]})
>>> viral_centrality(p)["viral_centrality"].round(3).to_list()
[0.75, 0.5, 0.0]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import polars as pl

from .._validation import bad_param, check_int, check_number
from ..exceptions import EstimatorError
from .probability_graph import to_probability_graph

__all__ = ["viral_centrality", "spectral_radius"]


def _probability_csr(
    probabilities: pl.DataFrame, users: Sequence[str] | pl.Series | pl.DataFrame | None
) -> tuple[pl.Series, np.ndarray, np.ndarray, np.ndarray]:
    """Validate a probability table and return (users, indptr, targets, p) by source.

    Uses the diffusion engine's :func:`~influence_graph.diffusion.to_probability_graph`,
    so viral centrality accepts and rejects exactly the tables ``expected_spread`` does.
    """
    if isinstance(users, pl.DataFrame):
        users = users["user"]
    g = to_probability_graph(probabilities, users=users)
    return (
        g.users,
        np.asarray(g.out_indptr, dtype=np.int64),
        np.asarray(g.out_indices, dtype=np.int64),
        np.asarray(g.out_p, dtype=np.float64),
    )


def spectral_radius(
    probabilities: pl.DataFrame,
    *,
    users: Sequence[str] | pl.Series | None = None,
    beta: float = 1.0,
) -> float:
    """Leading eigenvalue (spectral radius) of the weighted adjacency β·P.

    Viral centrality (message passing) ignores correlations between paths, so it is
    exact on trees and accurate when cycles are weak, i.e. when this value is well
    below 1 (≈ 0.21 on the Congress network).

    Parameters
    ----------
    probabilities : polars.DataFrame or ProbabilityGraph
        ``source``, ``target``, ``p`` (validated as in :func:`viral_centrality`).
    users : sequence of str, optional
        Extra users (isolated users do not change the value).
    beta : float
        Multiplier of every p.

    Returns
    -------
    float
        ρ(β·P) ≥ 0; 0 for a graph without cycles. Computed per strongly connected
        component (dense eigenvalues up to 64 users, ARPACK above).

    Raises
    ------
    EstimatorError
        ARPACK failed to converge on a block of more than 5000 users.

    Examples
    --------
    >>> import polars as pl
    >>> cyc = pl.DataFrame({"source": ["a", "b"], "target": ["b", "a"], "p": [0.5, 0.5]})
    >>> round(spectral_radius(cyc), 6)
    0.5
    """
    import scipy.sparse as sp
    from scipy.sparse.csgraph import connected_components

    beta = check_number("beta", beta, low=0.0, low_open=True)  # type: ignore[assignment]
    universe, indptr, tgt, p = _probability_csr(probabilities, users)
    n = universe.len()
    keep = p > 0
    if n == 0 or not keep.any():
        return 0.0
    a = sp.csr_matrix((beta * p, tgt, indptr), shape=(n, n))
    a.eliminate_zeros()
    # ρ(A) is the largest ρ over the strongly connected components (block-triangular form);
    # singletons carry no cycle (self-loops are refused), so a DAG gives 0.
    n_comp, label = connected_components(a, directed=True, connection="strong")
    sizes = np.bincount(label, minlength=n_comp)
    # Perron–Frobenius: a block's radius is at most its largest within-block row (and
    # column) sum. Blocks are visited by that bound, largest first, and the rest are
    # skipped once the bound cannot beat the largest radius found: the result is exact.
    coo = a.tocoo()
    inside = label[coo.row] == label[coo.col]
    rows = np.bincount(coo.row[inside], weights=coo.data[inside], minlength=n)
    cols = np.bincount(coo.col[inside], weights=coo.data[inside], minlength=n)
    bound = np.zeros(n_comp)
    np.maximum.at(bound, label, rows)
    col_bound = np.zeros(n_comp)
    np.maximum.at(col_bound, label, cols)
    bound = np.minimum(bound, col_bound) * (1 + 1e-12)  # a margin for rounding
    members = np.argsort(label, kind="stable")
    starts = np.concatenate([[0], np.cumsum(sizes)])
    best = 0.0
    for comp in sorted(np.flatnonzero(sizes > 1), key=lambda c: -bound[c]):
        if bound[comp] <= best:
            break
        idx = members[starts[comp] : starts[comp + 1]]
        sub = a[idx][:, idx]
        best = max(best, _perron_root(sub))
    return float(best)


def _perron_root(sub: Any) -> float:
    """Spectral radius of one irreducible non-negative sparse block."""
    m = sub.shape[0]
    if m <= 64:
        return float(np.max(np.abs(np.linalg.eigvals(sub.toarray()))))
    from scipy.sparse.linalg import ArpackNoConvergence, eigs

    try:
        # a fixed positive start vector (the Perron vector is positive): without v0
        # ARPACK draws one from its own random state, and the last digits depend on
        # how often it was called before
        vals = eigs(
            sub, k=1, which="LM", return_eigenvectors=False, tol=1e-12,
            maxiter=max(1000, 20 * m), v0=np.full(m, 1.0 / np.sqrt(m)),
        )
        return float(np.max(np.abs(vals)))
    except ArpackNoConvergence:  # pragma: no cover - ARPACK rarely fails on these blocks
        if m <= 5000:
            return float(np.max(np.abs(np.linalg.eigvals(sub.toarray()))))
        raise EstimatorError(
            f"ARPACK did not converge on a strongly connected block of {m} users"
        ) from None


def _vc_kernel():
    """Compile (once) and return the numba viral-centrality kernel."""
    global _VC_KERNEL
    if _VC_KERNEL is not None:
        return _VC_KERNEL
    import numba

    @numba.njit(cache=True, nogil=True)
    def one_seed(s, indptr, tgt, bw, tol, use_tol, max_steps, U, last, prod, flag, reached, lists):
        # lists rows: 0 reached list, 1 active, 2 touched, 3 new active
        n_reached = 1
        lists[0, 0] = s
        reached[s] = True
        n_act = 1
        lists[1, 0] = s
        U[s] = 0.0
        last[s] = 1.0
        maxrel = 1.0  # the reference's first check: seed went from 1 to 0
        t = 0
        converged = False
        while True:
            if use_tol and not (maxrel > tol):
                converged = True
                break
            if t >= max_steps:
                break
            # push each newly infected probability along out-edges
            n_t = 0
            for k in range(n_act):
                a = lists[1, k]
                x = last[a]
                for e in range(indptr[a], indptr[a + 1]):
                    v = tgt[e]
                    prod[v] *= 1.0 - x * bw[e]
                    if not flag[v]:
                        flag[v] = True
                        lists[2, n_t] = v
                        n_t += 1
            for k in range(n_act):
                last[lists[1, k]] = 0.0
            maxrel = -1.0
            n_new = 0
            for k in range(n_t):
                v = lists[2, k]
                prev = U[v]
                cur = (1.0 - prod[v]) * prev
                U[v] = prev - cur
                last[v] = cur
                if prev > 0.0:
                    rel = (prev - U[v]) / prev
                    if rel > maxrel:
                        maxrel = rel
                if cur != 0.0:
                    lists[3, n_new] = v
                    n_new += 1
                prod[v] = 1.0
                flag[v] = False
                if not reached[v]:
                    reached[v] = True
                    lists[0, n_reached] = v
                    n_reached += 1
            for k in range(n_new):
                lists[1, k] = lists[3, k]
            n_act = n_new
            t += 1
        total = 0.0
        for k in range(n_reached):
            v = lists[0, k]
            total += 1.0 - U[v]
            U[v] = 1.0
            last[v] = 0.0
            reached[v] = False
        return total - 1.0, t, converged

    @numba.njit(cache=True, parallel=True)
    def all_seeds(indptr, tgt, bw, tol, use_tol, max_steps, n_chunks, out, steps, conv):
        n = indptr.shape[0] - 1
        for c in numba.prange(n_chunks):
            U = np.ones(n)
            last = np.zeros(n)
            prod = np.ones(n)
            flag = np.zeros(n, dtype=np.bool_)
            reached = np.zeros(n, dtype=np.bool_)
            lists = np.empty((4, n), dtype=np.int64)
            for s in range(c, n, n_chunks):
                val, t, ok = one_seed(
                    s, indptr, tgt, bw, tol, use_tol, max_steps, U, last, prod, flag, reached, lists
                )
                out[s] = val
                steps[s] = t
                conv[s] = ok

    _VC_KERNEL = all_seeds
    return all_seeds


_VC_KERNEL = None


def viral_centrality(
    probabilities: pl.DataFrame,
    *,
    users: Sequence[str] | pl.Series | pl.DataFrame | None = None,
    beta: float = 1.0,
    tol: float | None = 1e-3,
    max_steps: int | None = 1000,
) -> pl.DataFrame:
    """Viral centrality (Fink et al. 2023) of every user: message-passing IC outward spread.

    For each seed s the algorithm tracks, per user v, U_v (probability v is still
    uninfected) and Δ_v (probability v was newly infected at the last step). One step
    sets Δ′_v = (1 − Π_u (1 − Δ_u·β·p(u,v)))·U_v and U_v ← U_v − Δ′_v, starting from
    U_s = 0, Δ_s = 1. The score is Σ_v (1 − U_v) − 1: the expected number of users
    activated besides the seed (our ``outward = spread − 1``).

    Parameters
    ----------
    probabilities : polars.DataFrame or ProbabilityGraph
        ``source``, ``target``, ``p``: IC transmission probabilities, validated as by
        :func:`influence_graph.expected_spread` (one shared check: p in [0, 1], no NaN,
        no duplicate edge, no self-loop).
    users : sequence of str, polars.Series or DataFrame with ``user``, optional
        Users to include besides the edge endpoints (users without edges score 0).
    beta : float
        Multiplier of every p (the reference's ``beta``); β·max(p) must be ≤ 1.
    tol : float or None
        Relative tolerance, as in the reference implementation: iterate while the
        largest relative drop (U_prev − U)/U_prev over users with U_prev > 0 exceeds
        ``tol``; the step whose largest drop is ≤ ``tol`` is still counted. 1e-3 is
        the value of the published Congress figure. ``None`` runs exactly
        ``max_steps`` steps (the reference's ``Niter`` mode).
    max_steps : int or None
        Cap on the number of steps per seed (``vc_converged`` is False for a seed
        stopped by the cap). Required when ``tol`` is None.

    Returns
    -------
    polars.DataFrame
        One row per user (sorted):

        - ``user`` (String)
        - ``viral_centrality`` (Float64, ≥ 0): expected users activated besides the
          seed, in users.
        - ``vc_steps`` (Int64): message-passing steps run for this seed.
        - ``vc_converged`` (Boolean): the tolerance was met (null when ``tol`` is None).

    Raises
    ------
    InputValidationError
        Bad probabilities (``P_RANGE``, ``P_NAN``, ``DUP_EDGE``, ``SELF_LOOP``, …) or
        parameters (``BAD_PARAM``).

    Examples
    --------
    >>> import polars as pl
    >>> chain = pl.DataFrame({"source": ["a", "b"], "target": ["b", "c"], "p": [0.5, 0.5]})
    >>> viral_centrality(chain, tol=1e-9).rows()
    [('a', 0.75, 3, True), ('b', 0.5, 2, True), ('c', 0.0, 1, True)]

    Notes
    -----
    A vectorised transcription of ``viral_centrality.py`` in
    gsprint23/CongressionalTwitterNetwork (Niter < 1 mode): the same update, the same
    stopping rule and score, computed by a numba kernel in parallel over seeds. Each
    step pushes Δ only along out-edges of users with Δ ≠ 0 (the reference restricts
    work to a breadth-first ring; both touch the same users, so the values agree up
    to floating-point order, ~1e-15). Message passing ignores correlations between
    paths: it is exact on a directed forest (each user has at most one in-edge) and
    accurate when the spectral radius of β·P (:func:`spectral_radius`) is well below 1.

    References
    ----------
    Fink, Fullin, Gutierrez, Omodt, Zinnecker, Sprint & McCulloch (2023), "A centrality
    measure for quantifying spread on weighted, directed networks", Physica A 626:129083
    (arXiv 2303.09684).
    """
    beta = check_number("beta", beta, low=0.0, low_open=True)  # type: ignore[assignment]
    if tol is not None:
        tol = check_number("tol", tol, low=0.0, high=1.0, low_open=True, high_open=True)
    if max_steps is not None:
        max_steps = check_int("max_steps", max_steps, low=1)
    if tol is None and max_steps is None:
        raise bad_param("max_steps", None, "be an integer >= 1 when tol is None")
    universe, indptr, tgt, p = _probability_csr(probabilities, users)
    bw = beta * p
    if len(bw) and bw.max() > 1.0:
        raise bad_param("beta", beta, f"keep beta*p <= 1 (max p is {p.max():g})")
    n = universe.len()
    out = np.zeros(n)
    steps = np.zeros(n, dtype=np.int64)
    conv = np.zeros(n, dtype=np.bool_)
    if n:
        import numba

        kernel = _vc_kernel()
        n_chunks = int(min(n, 4 * numba.get_num_threads(), max(1, 4e8 // (48 * n))))
        kernel(
            indptr,
            tgt,
            bw,
            float(tol or 0.0),
            tol is not None,
            np.int64(max_steps if max_steps is not None else np.iinfo(np.int64).max),
            n_chunks,
            out,
            steps,
            conv,
        )
    return pl.DataFrame(
        {
            "user": universe,
            "viral_centrality": out,
            "vc_steps": steps,
            "vc_converged": pl.Series(conv, dtype=pl.Boolean)
            if tol is not None
            else pl.Series([None] * n, dtype=pl.Boolean),
        }
    )
