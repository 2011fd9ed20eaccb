"""Probability table (polars) → :class:`ProbabilityGraph`: sorted user index plus in/out CSR.

One conversion shared by every estimator (and by other modules that need the same
id mapping): users are the sorted distinct strings of ``source``, ``target`` and the
optional ``users``; code ``i`` is ``users[i]``. Edges are ordered by (source, target)
code in the out-CSR and by (target, source) code in the in-CSR, so the arrays, and
every random draw made over them, do not depend on the input row order.

Memory per edge: 4 (int32 neighbour) + 8 (float64 p) bytes in each direction, i.e.
**24 bytes per edge** kept, plus 8 (int64 indptr) × 2 + 8 (shared p) = 24 bytes per
user. The build peaks at about 80 bytes per edge (string buffers, codes, sort
permutations), freed on return.

Examples
--------
>>> import polars as pl
>>> from influence_graph.diffusion import to_probability_graph
>>> g = to_probability_graph(pl.DataFrame({"source": ["b", "a"], "target": ["c", "b"],
...                                        "p": [0.5, 1.0]}), users=["z"])
>>> g.users.to_list(), g.n, g.m
(['a', 'b', 'c', 'z'], 4, 2)
>>> g.out_indptr.tolist(), g.out_indices.tolist(), g.out_p.tolist()
([0, 1, 2, 2, 2], [1, 2], [1.0, 0.5])
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from ..exceptions import InputValidationError
from . import _build_kernels as bk
from . import _probability_rules as rules

__all__ = ["ProbabilityGraph", "to_probability_graph"]

if TYPE_CHECKING:  # pragma: no cover
    from ..graphs import InteractionGraphs

_WHAT = "probabilities"


@dataclass(frozen=True, eq=False)
class ProbabilityGraph:
    """A directed graph with one probability (IC) or weight (LT) per edge, as CSR arrays.

    Attributes
    ----------
    users : polars.Series
        String, sorted, distinct; code ``i`` stands for ``users[i]``.
    out_indptr, out_indices, out_p : numpy.ndarray
        Out-CSR (int64 ``n + 1``, int32 ``m``, float64 ``m``): the out-edges of ``v``
        are ``out_indices[out_indptr[v]:out_indptr[v + 1]]``, sorted by target code.
    in_indptr, in_indices, in_p : numpy.ndarray
        In-CSR of the same edges, sorted by (target, source) code.
    in_shared_p : numpy.ndarray
        float64 ``n``: the probability shared by all in-edges of ``v`` (enables the
        geometric skip), ``-1.0`` when they differ, ``0.0`` without in-edges.
    """

    users: pl.Series
    out_indptr: np.ndarray
    out_indices: np.ndarray
    out_p: np.ndarray
    in_indptr: np.ndarray
    in_indices: np.ndarray
    in_p: np.ndarray
    in_shared_p: np.ndarray
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def n(self) -> int:
        """Number of users."""
        return int(self.users.len())

    @property
    def m(self) -> int:
        """Number of edges."""
        return int(self.out_indices.shape[0])

    def out_sources(self) -> np.ndarray:
        """Source code of each out-CSR edge (int32, ``m``)."""
        return np.repeat(np.arange(self.n, dtype=np.int32), np.diff(self.out_indptr))

    def can_reach_others(self) -> np.ndarray:
        """Boolean ``n``: True where the user has an out-edge with ``p > 0``.

        The others have spread exactly 1 under IC and LT.
        """
        if "reach" not in self._cache:
            self._cache["reach"] = bk.has_positive_row(self.out_indptr, self.out_p)
        return self._cache["reach"]

    def codes(self, names: Sequence[str] | pl.Series) -> np.ndarray:
        """Codes of user ``names`` (int64); raises KeyError for an unknown name."""
        s = pl.Series("user", list(names) if not isinstance(names, pl.Series) else names,
                      dtype=pl.String)
        idx = self.users.search_sorted(s, side="left").to_numpy().astype(np.int64)
        ok = idx < self.n
        ok[ok] = self.users.gather(idx[ok]).to_numpy() == s.filter(pl.Series(ok)).to_numpy()
        if not ok.all():
            raise KeyError(f"unknown user(s): {s.filter(pl.Series(~ok)).head(5).to_list()}")
        return idx

    def sha256(self) -> str:
        """SHA-256 of the canonical graph (sorted users, out-CSR and p); row order free."""
        if "sha256" not in self._cache:
            h = hashlib.sha256()
            arrow = self.users.to_arrow().cast("large_string")
            if isinstance(arrow, pl.Series):  # pragma: no cover
                arrow = arrow.to_arrow()
            for buf in arrow.buffers()[1:]:
                if buf is not None:
                    h.update(memoryview(buf))
            for a in (self.out_indptr, self.out_indices, self.out_p):
                h.update(memoryview(np.ascontiguousarray(a)).cast("B"))
            self._cache["sha256"] = h.hexdigest()
        return self._cache["sha256"]


def _arrow_buffers(s: pl.Series) -> tuple[np.ndarray, np.ndarray]:
    """(int64 offsets, uint8 bytes) of a String series without nulls."""
    a = s.to_arrow()
    import pyarrow as pa

    if isinstance(a, pa.ChunkedArray):
        a = a.combine_chunks()
    if a.type != pa.large_string():
        a = a.cast(pa.large_string())
    bufs = a.buffers()
    off = np.frombuffer(bufs[1], dtype=np.int64)[a.offset : a.offset + len(a) + 1]
    dat = np.frombuffer(bufs[2], dtype=np.uint8) if bufs[2] is not None else np.zeros(0, np.uint8)
    return off, dat


def _inline_views(s: pl.Series) -> np.ndarray | None:
    """Arrow string views of ``s`` as a (n, 2) uint64 array (zero-copy), or None.

    The caller must check that every string is inline (at most 12 bytes, see
    :func:`~._build_kernels.max_view_length`) before treating a view as the whole string.
    """
    import pyarrow as pa

    try:
        a = s.to_arrow(compat_level=pl.CompatLevel.newest())
    except Exception:  # pragma: no cover - older polars
        return None
    if isinstance(a, pa.ChunkedArray):
        a = a.combine_chunks()
    if a.type != pa.string_view():
        return None
    raw = np.frombuffer(a.buffers()[1], dtype=np.uint64) if len(a) else np.zeros(0, np.uint64)
    return raw.reshape(-1, 2)[a.offset : a.offset + len(a)]


def to_probability_graph(
    table: "pl.DataFrame | ProbabilityGraph", users: pl.Series | Sequence[str] | None = None
) -> ProbabilityGraph:
    """Validate a probability table and build its :class:`ProbabilityGraph`.

    Parameters
    ----------
    table : polars.DataFrame or ProbabilityGraph
        Columns ``source`` (String), ``target`` (String), ``p`` (Float64; any numeric
        dtype is cast); other columns are ignored. Content moves source → target.
        A ProbabilityGraph (already validated) is returned as it is, so callers that
        run several estimators on one table build it once; ``users`` must then be
        among its users.
    users : polars.Series or sequence of str, optional
        Users to include even without edges (they get spread 1).

    Returns
    -------
    ProbabilityGraph

    Raises
    ------
    InputValidationError
        ``MISSING_COLUMN``, ``ID_TYPE``, ``P_TYPE``, ``ID_MISSING``, ``P_MISSING``,
        ``P_NAN``, ``P_RANGE`` (also ±inf), ``SELF_LOOP``, ``DUP_EDGE`` (a repeated
        (source, target) pair, whatever its p). Records are 1-based row numbers.
    TypeError
        If ``table`` is not a polars DataFrame.

    Examples
    --------
    >>> import polars as pl
    >>> to_probability_graph(pl.DataFrame({"source": ["a", "a"], "target": ["b", "b"],
    ...                                    "p": [0.1, 0.2]}))
    Traceback (most recent call last):
    ...
    influence_graph.exceptions.InputValidationError: probabilities: record 2, column 'target': 'b' duplicate edge (first at record 1) [rule=DUP_EDGE] ...
    """
    if isinstance(table, ProbabilityGraph):
        if users is not None and not pl.Series(list(users), dtype=pl.String).is_in(table.users).all():
            raise InputValidationError.single(
                "USER_UNKNOWN", "users are missing from the ProbabilityGraph; rebuild it with them",
                file=_WHAT, column="users")
        return table
    frame = rules.canonical(table, _WHAT)
    if rules.row_counts(frame, loops=False):
        rules.raise_failures(frame, _WHAT, conflicts=False)
    if users is None:
        extra = pl.Series("user", [], dtype=pl.String)
    else:
        extra = users if isinstance(users, pl.Series) else pl.Series("user", list(users), dtype=pl.String)
        if extra.dtype != pl.String:
            extra = extra.cast(pl.String) if isinstance(extra.dtype, (pl.Categorical, pl.Enum)) else extra
        if extra.dtype != pl.String:
            raise InputValidationError.single("ID_TYPE", f"must hold String ids, found {extra.dtype}",
                                              column="users")
        if extra.null_count():
            raise InputValidationError.single("ID_MISSING", "user id is missing", column="users")
    src_s, tgt_s = frame.get_column("source"), frame.get_column("target")
    views = [_inline_views(x) for x in (src_s, tgt_s, extra)]
    inline = all(v is not None and bk.max_view_length(v) <= 12 for v in views)
    if inline:  # every id ≤ 12 bytes: a view is an exact 128-bit key
        c0, c1, _, ucol, urow = bk.dedup_views(*views)
    else:
        o0, d0 = _arrow_buffers(src_s)
        o1, d1 = _arrow_buffers(tgt_s)
        o2, d2 = _arrow_buffers(extra)
        c0, c1, _, ucol, urow = bk.dedup_strings(o0, d0, o1, d1, o2, d2)
    n = int(ucol.shape[0])
    if n >= np.iinfo(np.int32).max:  # pragma: no cover - needs > 2**31 users
        raise InputValidationError.single(
            "TOO_MANY_USERS", f"{n} distinct users; int32 codes hold fewer than 2**31 - 1",
            file=_WHAT)
    cols = (src_s, tgt_s, extra)
    pieces = []
    for c in range(3):
        sel = np.flatnonzero(ucol == c)
        pieces.append((sel, cols[c].gather(urow[sel])))
    first_ids = np.concatenate([s for s, _ in pieces]) if n else np.zeros(0, np.int64)
    names = pl.concat([nm for _, nm in pieces]) if n else pl.Series("user", [], dtype=pl.String)
    order = names.arg_sort().to_numpy()
    sorted_users = names.gather(order).rename("user")
    rank = np.empty(n, np.int64)
    rank[first_ids[order]] = np.arange(n, dtype=np.int64)
    src = bk.relabel(c0, rank)
    tgt = bk.relabel(c1, rank)
    return _from_codes(frame, sorted_users, src, tgt)


def _from_codes(frame: pl.DataFrame, users: pl.Series, src: np.ndarray,
                tgt: np.ndarray) -> ProbabilityGraph:
    """The CSR arrays of coded edges (int32 codes into the sorted ``users``).

    Self-loops and duplicate pairs are found on the codes; then the rules' lister
    reports them from ``frame`` (slow path, only on failure).
    """
    if bk.any_equal(src, tgt):
        rules.raise_failures(frame, _WHAT, conflicts=False)
    pvals = frame.get_column("p").to_numpy()
    n = int(users.len())
    out_indptr, out_indices, out_p, in_indptr, in_indices, in_p = bk.build_csr(src, tgt, pvals, n)
    if bk.find_duplicates(out_indptr, out_indices).size:
        rules.raise_failures(frame, _WHAT, conflicts=False)
    return ProbabilityGraph(
        users=users,
        out_indptr=out_indptr,
        out_indices=out_indices,
        out_p=out_p,
        in_indptr=in_indptr,
        in_indices=in_indices,
        in_p=in_p,
        in_shared_p=bk.shared_in_p(in_indptr, in_p),
    )


def probability_graph_on(g: "InteractionGraphs", table: pl.DataFrame) -> ProbabilityGraph:
    """Check a probability table once and build its graph on the graphs' own user index.

    The pipeline's path (:func:`influence_graph.influence`, the studies): the users and
    their codes are those of ``g`` (the Dataset's sorted users), so no second index is
    built; the arrays are the ones :func:`to_probability_graph` builds from the same
    table with ``users=g.users["user"]``.

    Raises
    ------
    InputValidationError
        The rules of :mod:`._probability_rules`; ``USER_UNKNOWN`` for an endpoint that
        is not a user of ``g``.

    Examples
    --------
    >>> from influence_graph.graphs import from_edges
    >>> t = pl.DataFrame({"source": ["b", "a"], "target": ["c", "b"], "p": [0.5, 1.0]})
    >>> pg = probability_graph_on(from_edges(t), t)
    >>> pg.users.to_list(), pg.out_indices.tolist(), pg.out_p.tolist()
    (['a', 'b', 'c'], [1, 2], [1.0, 0.5])
    """
    frame = rules.canonical(table, _WHAT)
    if rules.row_counts(frame, loops=False):
        rules.raise_failures(frame, _WHAT, conflicts=False)
    src, tgt = g.codes(frame)
    users = g.users["user"].rename("user")
    return _from_codes(frame, users, src.astype(np.int32), tgt.astype(np.int32))
