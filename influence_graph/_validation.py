"""``check_*`` helpers for parameters: messages name the parameter and echo the value.

Data validation (files, frames) lives in :mod:`influence_graph.io`; these helpers check
function arguments once, at the public boundary, and raise
:class:`~influence_graph.exceptions.InputValidationError` (a ``ValueError``) with rule
``BAD_PARAM``, or ``TypeError`` for a wrong type.

Examples
--------
>>> check_choice("model", "ic", ("ic", "lt"))
'ic'
>>> check_choice("model", "sir", ("ic", "lt"))
Traceback (most recent call last):
...
influence_graph.exceptions.InputValidationError: column 'model': 'sir' The 'model' parameter must be one of 'ic', 'lt'. [rule=BAD_PARAM]
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import TypeVar

import polars as pl

from .exceptions import InputValidationError

__all__ = [
    "check_choice",
    "check_number",
    "check_int",
    "check_columns",
    "check_probability",
    "check_dataset",
    "bad_param",
    "require_events",
]

T = TypeVar("T")


def bad_param(name: str, value: object, must: str) -> InputValidationError:
    """Build the error for parameter ``name`` whose ``value`` breaks ``must``.

    Examples
    --------
    >>> str(bad_param("alpha", 1.5, "be a float in [0, 1)"))
    "column 'alpha': '1.5' The 'alpha' parameter must be a float in [0, 1). [rule=BAD_PARAM]"
    """
    return InputValidationError.single(
        "BAD_PARAM", f"The {name!r} parameter must {must}.", column=name, value=str(value)
    )


def check_choice(name: str, value: T, choices: Sequence[T]) -> T:
    """Return ``value`` if it is one of ``choices``, else raise."""
    if value not in choices:
        raise bad_param(name, value, "be one of " + ", ".join(repr(c) for c in choices))
    return value


def check_number(
    name: str,
    value: object,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    allow_none: bool = False,
) -> float | None:
    """Return ``value`` as a float if it is finite and inside the interval.

    Examples
    --------
    >>> check_number("confidence", 0.95, low=0, high=1, low_open=True, high_open=True)
    0.95
    >>> check_number("rel_error", float("nan"), low=0)
    Traceback (most recent call last):
    ...
    influence_graph.exceptions.InputValidationError: column 'rel_error': 'nan' The 'rel_error' parameter must be a finite number in [0, inf). [rule=BAD_PARAM]
    """
    if value is None and allow_none:
        return None
    lo = "-inf" if low is None else f"{low:g}"
    hi = "inf" if high is None else f"{high:g}"
    rng = ("(" if low_open or low is None else "[") + f"{lo}, {hi}" + (")" if high_open or high is None else "]")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        try:
            import numpy as np

            if not isinstance(value, np.number):
                raise TypeError
        except TypeError:
            raise TypeError(f"The {name!r} parameter must be a number; got {type(value).__name__} {value!r}") from None
    v = float(value)  # type: ignore[arg-type]
    ok = math.isfinite(v)
    if ok and low is not None:
        ok = v > low if low_open else v >= low
    if ok and high is not None:
        ok = v < high if high_open else v <= high
    if not ok:
        raise bad_param(name, value, f"be a finite number in {rng}")
    return v


def check_int(name: str, value: object, *, low: int | None = None, allow_none: bool = False) -> int | None:
    """Return ``value`` as an int if it is an integer ≥ ``low``.

    Examples
    --------
    >>> check_int("top_k", 10, low=1)
    10
    """
    if value is None and allow_none:
        return None
    import numpy as np

    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"The {name!r} parameter must be an int; got {type(value).__name__} {value!r}")
    if low is not None and value < low:
        raise bad_param(name, value, f"be an integer >= {low}")
    return int(value)


def check_columns(frame: pl.DataFrame, required: Iterable[str], *, what: str = "table") -> None:
    """Raise ``MISSING_COLUMN`` listing missing and available columns.

    Examples
    --------
    >>> check_columns(pl.DataFrame({"a": [1]}), ["a", "b"], what="probabilities")
    Traceback (most recent call last):
    ...
    influence_graph.exceptions.InputValidationError: probabilities: column 'b': missing required column (available: 'a') [rule=MISSING_COLUMN]
    """
    missing = [c for c in required if c not in frame.columns]
    if missing:
        avail = ", ".join(repr(c) for c in frame.columns) or "none"
        raise InputValidationError.single(
            "MISSING_COLUMN",
            f"missing required column{'s' if len(missing) > 1 else ''} (available: {avail})",
            file=what,
            column=", ".join(missing),
        )


def check_probability(name: str, value: object) -> float:
    """Return ``value`` if it is a probability in [0, 1].

    Examples
    --------
    >>> check_probability("p", 0.1)
    0.1
    """
    v = check_number(name, value, low=0.0, high=1.0)
    assert v is not None
    return v


def check_dataset(name: str, value: object) -> None:
    """Raise ``TypeError`` unless ``value`` is a :class:`~influence_graph.Dataset`.

    Examples
    --------
    >>> check_dataset("ds", "events.csv")
    Traceback (most recent call last):
    ...
    TypeError: The 'ds' parameter must be an influence_graph Dataset (from ig.load_dataset or ig.datasets.*); got str 'events.csv'
    """
    from .io.dataset import Dataset  # lazy: io imports this module (checks sit below io)

    if not isinstance(value, Dataset):
        raise TypeError(
            f"The {name!r} parameter must be an influence_graph Dataset (from ig.load_dataset "
            f"or ig.datasets.*); got {type(value).__name__} {value!r:.60}"
        )


def require_events(
    ds: object, *, needed_for: str, hint: str, column: str = "events", value: str | None = None
) -> None:
    """Raise ``NO_EVENTS`` when ``ds`` has no events but measured probabilities (Congress).

    Such a data set carries its influence in the probabilities; anything computed from
    events would be a silent table of zeros or of spread 1.0, so it is an error that
    says what to use instead.

    Examples
    --------
    >>> import influence_graph as ig
    >>> require_events(ig.datasets.synthetic(n_users=30, seed=1), needed_for="x", hint="y")
    """
    events = getattr(ds, "events")
    if events.height == 0 and getattr(ds, "probabilities") is not None:
        from .exceptions import InputValidationError

        raise InputValidationError.single(
            "NO_EVENTS",
            f"data set {getattr(ds, 'name')!r} has no events to {needed_for}, but it has "
            "measured probabilities",
            column=column,
            value=value,
            hint=hint,
        )
