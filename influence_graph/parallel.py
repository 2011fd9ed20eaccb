"""Run independent sampling tasks on local threads or on a Dask cluster.

Tasks are plain module-level functions ``func(shared, *args)``; ``shared`` (the
graph arrays) is sent to each Dask worker **once** per :class:`TaskRunner` via
``client.scatter(shared, broadcast=True)``. Results always come back in task order,
and random streams belong to tasks (seeds are task arguments), so the outcome does
not depend on how many threads or workers ran them.

Examples
--------
>>> def add(shared, x):
...     return shared + x
>>> with TaskRunner(10, n_jobs=2) as run:
...     run.map(add, [(1,), (2,), (3,)])
[11, 12, 13]
>>> resolve_n_jobs(1), resolve_n_jobs(None) >= 1
(1, True)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ._validation import bad_param

__all__ = ["resolve_n_jobs", "is_dask_client", "check_executor", "TaskRunner"]


def _available_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def resolve_n_jobs(n_jobs: int | None) -> int:
    """Number of local threads: ``None`` or ``-1`` → every available core; else ``n_jobs`` ≥ 1.

    Examples
    --------
    >>> resolve_n_jobs(0)
    Traceback (most recent call last):
    ...
    influence_graph.exceptions.InputValidationError: column 'n_jobs': '0' The 'n_jobs' parameter must be None, -1 or an integer >= 1. [rule=BAD_PARAM]
    """
    if n_jobs is None or n_jobs == -1:
        return _available_cores()
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs < 1:
        raise bad_param("n_jobs", n_jobs, "be None, -1 or an integer >= 1")
    return int(n_jobs)


def is_dask_client(executor: Any) -> bool:
    """True for a ``dask.distributed.Client`` (checked without importing dask)."""
    return type(executor).__name__ == "Client" and type(executor).__module__.startswith("distributed")


def check_executor(executor: Any) -> None:
    """Raise TypeError unless ``executor`` is None or a ``dask.distributed.Client``."""
    if executor is not None and not is_dask_client(executor):
        raise TypeError(
            "executor must be a dask.distributed.Client (or None for local threads); "
            f"got {type(executor).__name__}")


class TaskRunner:
    """Map task functions over argument tuples, locally (threads) or on Dask.

    Parameters
    ----------
    shared : object
        Read-only data every task needs (scattered once to Dask workers).
    n_jobs : int or None
        Local threads (see :func:`resolve_n_jobs`); ignored with a Dask client.
    executor : dask.distributed.Client, optional
        Run tasks on this cluster instead of local threads.
    """

    def __init__(self, shared: Any, *, n_jobs: int | None = None, executor: Any = None):
        self.shared = shared
        self.executor = executor
        check_executor(executor)
        if executor is not None:
            self._future = executor.scatter(shared, broadcast=True, hash=False)
            self.workers = max(1, len(executor.scheduler_info().get("workers", {})))
            self._pool = None
        else:
            self.workers = resolve_n_jobs(n_jobs)
            self._pool = ThreadPoolExecutor(self.workers) if self.workers > 1 else None

    def map(self, func: Callable[..., Any], args: Sequence[tuple]) -> list[Any]:
        """Return ``[func(shared, *a) for a in args]``, computed in parallel, in order."""
        if self.executor is not None:
            futures = [self.executor.submit(func, self._future, *a, pure=False) for a in args]
            return self.executor.gather(futures)
        if self._pool is None:
            return [func(self.shared, *a) for a in args]
        return list(self._pool.map(lambda a: func(self.shared, *a), args))

    def close(self) -> None:
        """Release threads (and drop the scattered data on the cluster)."""
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None
        if self.executor is not None and getattr(self, "_future", None) is not None:
            try:
                self.executor.cancel(self._future)
            except Exception:  # pragma: no cover - cluster already gone
                pass
            self._future = None

    def __enter__(self) -> "TaskRunner":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
