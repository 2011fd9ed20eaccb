"""Memory estimates and the ``max_memory`` budget, checked before allocating.

Bytes, as built by :func:`~influence_graph.diffusion.to_probability_graph` and the
samplers (m edges, n users, j threads):

* kept graph: 24 bytes per edge (int32 neighbour + float64 p, in both directions)
  plus 32 bytes per user (two int64 indptr, shared p, log(1 − p));
* transient build peak: about 56 bytes per input row plus twice the id bytes
  (Arrow string copies, int32 codes, int64 sort permutations);
* RR-set layout (IC, :mod:`._rr_layout`): 8 bytes per user (one packed word); it
  shares the graph's in-edge arrays;
* sampling workspace: 21 bytes per user per thread (int64 counts, uint8 visit marks,
  int32 queue, the int64 counts handed back), plus the result table (~100 bytes
  per user).

Examples
--------
>>> estimate_bytes(n_rows=10_000_000, id_bytes=140_000_000, n_users=1_000_000, n_jobs=2)
1262000000
"""

from __future__ import annotations

import os

from ..exceptions import MemoryBudgetError

__all__ = ["estimate_bytes", "default_budget", "check_budget", "BYTES_PER_EDGE"]

#: Bytes per edge kept by a ProbabilityGraph (both CSR directions).
BYTES_PER_EDGE = 24
_BUILD_PER_ROW = 56
_PER_USER = 32 + 100 + 8
_PER_USER_THREAD = 21


def estimate_bytes(*, n_rows: int, id_bytes: int, n_users: int, n_jobs: int) -> int:
    """Peak bytes of one ``expected_spread`` call (graph build + sampling + result)."""
    return int(
        n_rows * (BYTES_PER_EDGE + _BUILD_PER_ROW)
        + 2 * id_bytes
        + n_users * (_PER_USER + _PER_USER_THREAD * max(1, n_jobs))
    )


def default_budget() -> int | None:
    """Half of the memory the OS reports available (``MemAvailable``), or None if unknown."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024 // 2
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // 2
    except (ValueError, OSError, AttributeError):  # pragma: no cover
        return None


def check_budget(estimate: int, budget: int | None, *, what: str, suggestion: str) -> None:
    """Raise :class:`MemoryBudgetError` when ``estimate`` exceeds ``budget``.

    Examples
    --------
    >>> check_budget(10, 100, what="x", suggestion="s")
    >>> check_budget(10**10, 10**9, what="expected_spread", suggestion="raise max_memory")
    Traceback (most recent call last):
    ...
    influence_graph.exceptions.MemoryBudgetError: expected_spread needs about 10.00 GB but the memory budget is 1.00 GB; raise max_memory
    """
    if budget is not None and estimate > budget:
        raise MemoryBudgetError(estimate, budget, suggestion, what=what)
