"""Seed handling: one place turns ``seed`` into random streams.

Streams belong to *tasks*, not workers: task ``i`` of ``n`` always draws from
``SeedSequence(seed).spawn(n)[i]`` (via :func:`task_seeds`), so results are
bit-identical for any number of workers. Nothing here touches global state.

Examples
--------
>>> from influence_graph._rng import as_seed_sequence, task_seeds
>>> a = task_seeds(7, 3); b = task_seeds(7, 3)
>>> bool((a == b).all()), a.dtype
(True, dtype('uint64'))
>>> as_seed_sequence(None).entropy is not None
True
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Union

import numpy as np

__all__ = ["SeedLike", "as_seed_sequence", "as_generator", "task_seeds", "seed_entropy", "igraph_rng"]

SeedLike = Union[int, np.random.SeedSequence, np.random.Generator, None]


def as_seed_sequence(seed: SeedLike) -> np.random.SeedSequence:
    """Normalise ``seed`` to a :class:`numpy.random.SeedSequence`.

    Parameters
    ----------
    seed : int, SeedSequence, Generator or None
        ``None`` draws fresh OS entropy (recorded in provenance via :func:`seed_entropy`).
        A Generator contributes one draw from its own stream, so passing the same
        Generator twice gives two different sequences, as numpy users expect.

    Returns
    -------
    numpy.random.SeedSequence

    Raises
    ------
    TypeError
        For any other type (floats, strings and booleans are refused, not coerced).

    Examples
    --------
    >>> as_seed_sequence(3).entropy
    3
    >>> as_seed_sequence(1.5)
    Traceback (most recent call last):
    ...
    TypeError: seed must be an int, numpy SeedSequence, numpy Generator or None; got float 1.5
    """
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, np.random.Generator):
        return np.random.SeedSequence(int(seed.integers(0, 2**63)))
    if seed is None:
        return np.random.SeedSequence()
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        if seed < 0:
            raise ValueError(f"seed must be a non-negative integer; got {seed}")
        return np.random.SeedSequence(int(seed))
    raise TypeError(
        "seed must be an int, numpy SeedSequence, numpy Generator or None; "
        f"got {type(seed).__name__} {seed!r}"
    )


def as_generator(seed: SeedLike) -> np.random.Generator:
    """Return a PCG64 Generator for ``seed`` (a Generator passes through unchanged).

    Examples
    --------
    >>> float(as_generator(1).random()) == float(as_generator(1).random())
    True
    """
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.Generator(np.random.PCG64(as_seed_sequence(seed)))


def task_seeds(seed: SeedLike, n_tasks: int, *, offset: int = 0) -> np.ndarray:
    """One 64-bit seed per task: ``SeedSequence(seed).spawn(offset + n_tasks)[offset:]``.

    The seeds feed numba kernels, which seed their own generator per task. Task ``i``
    gets the same seed whatever ``n_tasks`` is, so a run that grows its sample
    (more tasks) keeps the earlier blocks bit-identical.

    Parameters
    ----------
    seed : int, SeedSequence, Generator or None
    n_tasks : int
        Number of task streams.
    offset : int
        Index of the first task (to extend an earlier run).

    Returns
    -------
    numpy.ndarray of uint64, shape (n_tasks,)

    Examples
    --------
    >>> bool(task_seeds(0, 5)[3] == task_seeds(0, 2, offset=3)[0])
    True
    """
    ss = as_seed_sequence(seed)
    out = np.empty(n_tasks, dtype=np.uint64)
    for i in range(n_tasks):
        child = np.random.SeedSequence(ss.entropy, spawn_key=(*ss.spawn_key, offset + i))
        out[i] = child.generate_state(1, dtype=np.uint64)[0]
    return out


def seed_entropy(seed: SeedLike) -> dict[str, object]:
    """Provenance record of a seed: its entropy and spawn key.

    Examples
    --------
    >>> seed_entropy(5)
    {'entropy': 5, 'spawn_key': []}
    """
    ss = as_seed_sequence(seed)
    return {"entropy": ss.entropy, "spawn_key": list(ss.spawn_key)}


@contextmanager
def igraph_rng(seed: SeedLike) -> Iterator[None]:
    """Run stochastic python-igraph calls on a ``random.Random`` built from ``seed``.

    python-igraph draws from the global :mod:`random` module; this swaps in our own
    generator and restores the previous one afterwards, leaving global state alone.

    Examples
    --------
    >>> import igraph
    >>> with igraph_rng(1):
    ...     a = igraph.Graph.Erdos_Renyi(20, 0.2).get_edgelist()
    >>> with igraph_rng(1):
    ...     b = igraph.Graph.Erdos_Renyi(20, 0.2).get_edgelist()
    >>> a == b
    True
    """
    import igraph

    state = int(as_seed_sequence(seed).generate_state(1, dtype=np.uint64)[0])
    rng = random.Random(state)
    previous = random._inst  # the module-level generator igraph uses by default
    igraph.set_random_number_generator(rng)
    try:
        yield
    finally:
        igraph.set_random_number_generator(previous)
