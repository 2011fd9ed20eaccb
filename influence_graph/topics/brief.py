"""A brief: the topics an argument names, and a topic data set restricted to them."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from .._validation import bad_param
from .profile import TopicData

__all__ = ["resolve_brief", "restrict_to_brief"]


def _norm(s: str) -> str:
    return s.strip().lstrip("#").strip().lower()


def resolve_brief(topic: object, known: Sequence[str]) -> tuple[str, ...]:
    """The known topics a ``topic`` argument names (case-insensitive, ``#`` optional).

    Raises
    ------
    InputValidationError
        ``BAD_PARAM`` naming the known topics when an entry matches none of them, or
        when ``topic`` is not a string or a non-empty sequence of strings.

    Examples
    --------
    >>> resolve_brief(["#Travel", "food"], ["food", "travel", "tech"])
    ('food', 'travel')
    """
    entries = [topic] if isinstance(topic, str) else topic
    if not isinstance(entries, (list, tuple)) or not entries or not all(
        isinstance(e, str) for e in entries
    ):
        raise bad_param("topic", topic, "be a topic name or a non-empty list of them")
    by_norm = {_norm(k): k for k in known}
    out = []
    for e in entries:
        hit = by_norm.get(_norm(e))
        if hit is None:
            shown = ", ".join(repr(k) for k in sorted(known)[:30])
            more = f" (and {len(known) - 30} more)" if len(known) > 30 else ""
            raise bad_param("topic", e, f"be a topic of the data: {shown}{more}")
        out.append(hit)
    return tuple(sorted(set(out)))


def restrict_to_brief(td: TopicData, brief: tuple[str, ...]) -> TopicData:
    """``td`` on the brief only: one topic, or several merged into one named ``"a+b+…"``.

    Only the brief's topic is profiled (passion priors are per topic, so the other
    topics' rows would not change it); a merged brief's events keep their other topics.
    """
    if len(brief) == 1:
        return TopicData(graphs=td.graphs, events=td.events, topics=brief, mapping=td.mapping)
    name = "+".join(brief)
    ev = td.events.with_columns(
        topic=pl.when(pl.col("topic").list.set_intersection(list(brief)).list.len() > 0)
        .then(pl.concat_list(pl.lit(name), pl.col("topic").list.set_difference(list(brief))))
        .otherwise(pl.col("topic"))
    )
    return TopicData(graphs=td.graphs, events=ev, topics=(name,), mapping=td.mapping)
