"""The estimator settings shared by every function that computes expected spread.

:class:`SpreadOptions` is checked once, when it is made; :func:`influence_graph.influence`,
:func:`influence_graph.predictive_validity`, :func:`influence_graph.paired_differences`
and :func:`influence_graph.channel_ablation` accept one (``options=``) and pass it
down untouched, so a Dask ``executor`` reaches every spread computation of a study.

Examples
--------
>>> o = SpreadOptions(rel_error=0.1, top_k=None)
>>> o.rel_error, o.model, o.top_k
(0.1, 'ic', None)
>>> SpreadOptions(rel_error=0)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
influence_graph.exceptions.InputValidationError: column 'rel_error': '0' ...
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from .._validation import bad_param, check_choice, check_int, check_number
from ..parallel import check_executor, resolve_n_jobs

__all__ = ["SpreadOptions", "spread_options"]

_MODELS = ("ic", "lt")


@dataclass(frozen=True)
class SpreadOptions:
    """Settings of the spread estimator (RIS), checked when the object is made.

    Attributes
    ----------
    model : {"ic", "lt"}
        Independent cascade or weighted linear threshold.
    rel_error : float
        Target relative half-width of each targeted user's interval.
    confidence : float
        Two-sided level of ``ci_low``/``ci_high``.
    top_k : int or None
        Stop when the ``top_k`` largest users reach ``rel_error`` (None: every user
        that can reach anyone).
    max_seconds : float or None
        Time budget per spread computation (results cut by time are not
        reproducible).
    n_jobs : int or None
        Local threads (None: every core); results do not depend on it.
    executor : dask.distributed.Client or None
        Run the sample blocks on this cluster instead; results are bit-identical.
    """

    model: str = "ic"
    rel_error: float = 0.05
    confidence: float = 0.95
    top_k: int | None = 100
    max_seconds: float | None = None
    n_jobs: int | None = None
    executor: Any = None

    def __post_init__(self) -> None:
        check_choice("model", self.model, _MODELS)
        check_number("rel_error", self.rel_error, low=0.0, low_open=True)
        check_number("confidence", self.confidence, low=0.0, high=1.0, low_open=True,
                     high_open=True)
        check_int("top_k", self.top_k, low=1, allow_none=True)
        check_number("max_seconds", self.max_seconds, low=0.0, low_open=True, allow_none=True)
        if self.n_jobs is not None:
            resolve_n_jobs(self.n_jobs)
        check_executor(self.executor)

    def estimator_kwargs(self) -> dict[str, Any]:
        """The settings as keyword arguments of :func:`influence_graph.expected_spread`."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}



def spread_options(
    options: SpreadOptions | None, defaults: dict[str, Any], **given: Any
) -> SpreadOptions:
    """The options of one call: ``options`` as given, or made from the keyword arguments.

    ``defaults`` are the calling function's own defaults of those keywords. With
    ``options``, every keyword must be left at its default (a setting is made in one
    place, never silently overridden); without it, the keywords make the options.

    Examples
    --------
    >>> spread_options(None, {"rel_error": 0.05}, rel_error=0.2).rel_error
    0.2
    >>> spread_options(SpreadOptions(top_k=5), {"top_k": 100}, top_k=100).top_k
    5
    """
    if options is None:
        return SpreadOptions(**given)
    if not isinstance(options, SpreadOptions):
        raise TypeError(f"options must be a SpreadOptions; got {type(options).__name__}")
    for name, value in given.items():
        if value is not defaults[name] and value != defaults[name]:
            raise bad_param(name, value, "be set in options= (not also as a keyword)")
    return options
