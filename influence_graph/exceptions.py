"""Exceptions raised by influence_graph.

Every exception derives from :class:`InfluenceGraphError` *and* from the builtin
that best describes it, so ``except ValueError`` keeps working for callers that do
not know this package.

Examples
--------
>>> from influence_graph.exceptions import InputValidationError, Failure
>>> err = InputValidationError([Failure(rule="P_RANGE", file="edges.csv", record=2,
...                                     line=3, column="p", value="1.5",
...                                     message="is not a probability in [0, 1]")])
>>> print(err)
edges.csv: record 2 (line 3), column 'p': '1.5' is not a probability in [0, 1] [rule=P_RANGE]
>>> isinstance(err, ValueError), err.rule, err.record
(True, 'P_RANGE', 2)
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

__all__ = [
    "InfluenceGraphError",
    "Failure",
    "InputValidationError",
    "MemoryBudgetError",
    "DataNotFoundError",
    "ChecksumError",
    "EstimatorError",
]

#: Most failures listed in one :class:`InputValidationError` (the counts per rule
#: still cover every failure).
MAX_LISTED_FAILURES = 50
_MAX_VALUE_CHARS = 60


class InfluenceGraphError(Exception):
    """Base class of every error raised by influence_graph.

    Examples
    --------
    >>> issubclass(InputValidationError, InfluenceGraphError)
    True
    """


@dataclass(frozen=True)
class Failure:
    """One rejected value or record.

    Attributes
    ----------
    rule : str
        Stable reason code, e.g. ``"P_RANGE"`` (docs/input-validation.md lists every rule).
    file : str or None
        Source name (file path, or ``"<events DataFrame>"``).
    record : int or None
        1-based logical record (data row, header excluded).
    line : int or None
        1-based physical line in the file (differs from ``record`` with quoted newlines).
    column : str or None
        Column the failure is about.
    value : str or None
        ``repr``-like text of the offending value, truncated.
    message : str
        What is wrong, e.g. ``"is not a probability in [0, 1]"``.
    hint : str or None
        How to fix it.

    Examples
    --------
    >>> Failure(rule="EMPTY_FILE", file="e.csv", message="file is empty").describe()
    'e.csv: file is empty [rule=EMPTY_FILE]'
    """

    rule: str
    file: str | None = None
    record: int | None = None
    line: int | None = None
    column: str | None = None
    value: str | None = None
    message: str = "is invalid"
    hint: str | None = None

    def describe(self) -> str:
        """Return the one-line message ``file: record r (line l), column 'c': 'v' msg [rule=R]``."""
        where = []
        if self.record is not None:
            where.append(
                f"record {self.record}" + (f" (line {self.line})" if self.line is not None else "")
            )
        elif self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        head = ", ".join(where)
        prefix = f"{self.file}: " if self.file else ""
        if head:
            prefix += head + ": "
        value = ""
        if self.value is not None:
            v = self.value if len(self.value) <= _MAX_VALUE_CHARS else self.value[:_MAX_VALUE_CHARS] + "…"
            value = f"{v!r} "
        text = f"{prefix}{value}{self.message} [rule={self.rule}]"
        if self.hint:
            text += f" (hint: {self.hint})"
        return text


class InputValidationError(InfluenceGraphError, ValueError):
    """Input data (a file, a DataFrame or a parameter value) broke a rule.

    One error carries up to :data:`MAX_LISTED_FAILURES` failures and the count of
    every failure per rule code. The attributes ``file``, ``record``, ``line``,
    ``column``, ``value``, ``rule`` and ``hint`` describe the first failure.

    Parameters
    ----------
    failures : list of Failure
        Failures, the first one leading the message. Must not be empty.
    counts : dict, optional
        Failures per rule code, when more failures were found than listed.

    Examples
    --------
    >>> e = InputValidationError([Failure("TS_PARSE", "ev.csv", 4, 5, "timestamp", "yesterday",
    ...                                   "is not an ISO 8601 timestamp")])
    >>> e.rule, e.column, e.counts
    ('TS_PARSE', 'timestamp', {'TS_PARSE': 1})
    """

    def __init__(self, failures: list[Failure], counts: dict[str, int] | None = None):
        if not failures:
            raise ValueError("InputValidationError needs at least one Failure")
        self.failures: tuple[Failure, ...] = tuple(failures[:MAX_LISTED_FAILURES])
        self.counts: dict[str, int] = dict(counts) if counts else dict(Counter(f.rule for f in failures))
        first = self.failures[0]
        self.rule = first.rule
        self.file = first.file
        self.record = first.record
        self.line = first.line
        self.column = first.column
        self.value = first.value
        self.hint = first.hint
        super().__init__(self._message())

    @classmethod
    def single(cls, rule: str, message: str, **fields: object) -> "InputValidationError":
        """Build an error with one :class:`Failure` (keyword fields as in Failure).

        Examples
        --------
        >>> InputValidationError.single("BAD_PARAM", "must be positive", column="n", value="-1").rule
        'BAD_PARAM'
        """
        return cls([Failure(rule=rule, message=message, **fields)])  # type: ignore[arg-type]

    def _message(self) -> str:
        total = sum(self.counts.values())
        text = self.failures[0].describe()
        if total > 1:
            per_rule = ", ".join(f"{k}: {v}" for k, v in sorted(self.counts.items()))
            text += f"\n{total} failures in all ({per_rule}); first {len(self.failures)}:"
            text += "".join(f"\n  - {f.describe()}" for f in self.failures)
        return text


class MemoryBudgetError(InfluenceGraphError, MemoryError):
    """The estimated memory of an operation exceeds the budget; raised before allocating.

    Examples
    --------
    >>> e = MemoryBudgetError(estimate=8e9, budget=2e9, suggestion="raise max_memory")
    >>> print(e)
    needs about 8.00 GB but the memory budget is 2.00 GB; raise max_memory
    """

    def __init__(self, estimate: float, budget: float, suggestion: str = "", what: str = ""):
        self.estimate = float(estimate)
        self.budget = float(budget)
        self.suggestion = suggestion
        lead = f"{what} needs" if what else "needs"
        msg = f"{lead} about {self.estimate / 1e9:.2f} GB but the memory budget is {self.budget / 1e9:.2f} GB"
        if suggestion:
            msg += f"; {suggestion}"
        super().__init__(msg)


class DataNotFoundError(InfluenceGraphError, FileNotFoundError):
    """A data set file is missing; the message says where we looked and how to get it.

    Examples
    --------
    >>> issubclass(DataNotFoundError, FileNotFoundError)
    True
    """


class ChecksumError(InfluenceGraphError, ValueError):
    """A data file's SHA-256 differs from the registered one.

    Examples
    --------
    >>> issubclass(ChecksumError, ValueError)
    True
    """


class EstimatorError(InfluenceGraphError, ValueError):
    """An estimator cannot run on this input (e.g. exact enumeration on too many edges).

    Examples
    --------
    >>> issubclass(EstimatorError, ValueError)
    True
    """
