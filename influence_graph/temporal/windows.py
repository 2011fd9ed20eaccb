"""Time windows over a log: tumbling (step = window) or sliding (step < window).

Windows start at midnight UTC of the day of the first event and advance by ``step``
while they start before the last event; each covers ``[start, start + window)``.
Durations are polars duration strings (``"1d"``, ``"12h"``, ``"7d"``, ``"1w"``).

Examples
--------
>>> from datetime import datetime, timezone
>>> t0 = datetime(2024, 3, 1, 9, tzinfo=timezone.utc)
>>> t1 = datetime(2024, 3, 3, 1, tzinfo=timezone.utc)
>>> [(a.day, b.day) for a, b in window_bounds(t0, t1, window="1d", step="1d")]
[(1, 2), (2, 3), (3, 4)]
>>> [(a.day, b.day) for a, b in window_bounds(t0, t1, window="2d", step="1d")]
[(1, 3), (2, 4), (3, 5)]
"""

from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl

from .._validation import bad_param

__all__ = ["parse_duration", "window_bounds", "check_windows"]


def parse_duration(name: str, value: object) -> timedelta:
    """A positive polars duration string as a :class:`~datetime.timedelta` (``BAD_PARAM``).

    Examples
    --------
    >>> parse_duration("window", "36h")
    datetime.timedelta(days=1, seconds=43200)
    """
    if not isinstance(value, str) or not value.strip():
        raise bad_param(name, value, "be a polars duration string such as '1d', '12h' or '7d'")
    base = datetime(2000, 1, 3)  # a Monday: calendar units ('1w', '1mo') still resolve
    try:
        end = pl.Series([base]).dt.offset_by(value.strip()).item()
    except Exception:  # polars raises several error types for a malformed string
        raise bad_param(
            name, value, "be a polars duration string such as '1d', '12h' or '7d'"
        ) from None
    delta = end - base
    if delta <= timedelta(0):
        raise bad_param(name, value, "be a positive duration")
    return delta


def check_windows(
    first: datetime, last: datetime, *, window: str, step: str | None
) -> tuple[timedelta, timedelta]:
    """Checked ``(window, step)``; ``step=None`` means tumbling windows (step = window).

    Raises ``BAD_PARAM`` for a malformed or non-positive duration, a step longer than the
    window (it would skip data), or a window longer than the data's span.
    """
    w = parse_duration("window", window)
    s = w if step is None else parse_duration("step", step)
    if s > w:
        raise bad_param("step", step, f"be at most the window ({window}): a longer step skips data")
    start = datetime(first.year, first.month, first.day, tzinfo=first.tzinfo)
    span = last - start
    if w > span + timedelta(days=1):
        raise bad_param("window", window, f"be shorter than the data's span ({span})")
    return w, s


def window_bounds(
    first: datetime, last: datetime, *, window: str, step: str | None = None
) -> list[tuple[datetime, datetime]]:
    """The ``(start, end)`` of every window over ``[first, last]`` (module docstring)."""
    w, s = check_windows(first, last, window=window, step=step)
    start = datetime(first.year, first.month, first.day, tzinfo=first.tzinfo)
    out = []
    while start <= last:
        out.append((start, start + w))
        start = start + s
    return out
