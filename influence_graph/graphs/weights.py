"""Channels and platforms with no favourite: explicit weights, checked once.

The engagement graph combines four channels — retweet, quote, reply and mention — and,
when events carry a ``platform``, any number of platforms. Nothing is weighted behind
the user's back: every channel and every platform weighs 1 unless the user says
otherwise. :func:`make_weights` checks a pair of weight mappings **once** and returns
:class:`EngagementWeights`; everything below it (the graph builder, :func:`drop_zero`,
:func:`engagement_edges`) trusts that object. :func:`influence_graph.channel_ablation`
shows how each user's spread changes when one channel or platform is left out.

Examples
--------
>>> import polars as pl
>>> from influence_graph.io.dataset import make_dataset
>>> from datetime import datetime, timezone
>>> t = datetime(2024, 3, 1, tzinfo=timezone.utc)
>>> ev = pl.DataFrame({"user": ["b", "c"], "action": ["retweet", "mention"],
...                    "target_user": ["a", "a"], "timestamp": [t, t]})
>>> ds = make_dataset(events=ev)
>>> restrict(ds, channel_weights={"mention": 0}).events["action"].cast(pl.String).to_list()
['retweet']
>>> weighted_edges(ds, channel_weights={"retweet": 2.0}).rows()
[('a', 'b', 2.0), ('a', 'c', 1.0)]
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import polars as pl

from .._validation import bad_param, check_number
from ..io.dataset import Dataset
from .exposure import with_exposure_source
from .layers import CHANNELS, DEFAULT_CHANNEL_WEIGHTS

__all__ = [
    "CHANNELS",
    "DEFAULT_CHANNEL_WEIGHTS",
    "EngagementWeights",
    "make_weights",
    "check_weights",
    "drop_zero",
    "engagement_edges",
    "restrict",
    "weighted_edges",
]


@dataclass(frozen=True)
class EngagementWeights:
    """Validated channel and platform weights (build it with :func:`make_weights`).

    Attributes
    ----------
    channel : dict of str to float
        Weight of every channel (retweet, quote, reply, mention), each ≥ 0.
    platform : dict of str to float
        Weight of each named platform, ≥ 0; platforms not named (and events without
        a platform) weigh 1.
    """

    channel: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_CHANNEL_WEIGHTS))
    platform: Mapping[str, float] = field(default_factory=dict)

    def event_weight(self) -> pl.Expr:
        """Weight of each event: its channel's weight times its platform's."""
        w = pl.col("action").cast(pl.String).replace_strict(
            dict(self.channel), default=1.0, return_dtype=pl.Float64
        )
        if self.platform:
            w = w * pl.col("platform").replace_strict(
                dict(self.platform), default=1.0, return_dtype=pl.Float64
            ).fill_null(1.0)
        return w


def check_weights(
    name: str, weights: Mapping[str, float] | None, allowed: Sequence[str] | None
) -> dict[str, float]:
    """Validate a weight mapping: known keys, finite non-negative values.

    Missing keys keep weight 1 (no channel or platform is dropped silently).

    Examples
    --------
    >>> check_weights("channel_weights", {"reply": 0.5}, CHANNELS)["reply"]
    0.5
    >>> check_weights("channel_weights", {"like": 1}, CHANNELS)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    influence_graph.exceptions.InputValidationError: column 'channel_weights': 'like' ...
    """
    out: dict[str, float] = {}
    if weights is None:
        return out
    if not isinstance(weights, Mapping):
        raise TypeError(
            f"The {name!r} parameter must be a mapping name -> weight; got {type(weights).__name__}"
        )
    for k, v in weights.items():
        if allowed is not None and k not in allowed:
            raise bad_param(name, k, "name only " + ", ".join(repr(a) for a in allowed))
        out[str(k)] = float(check_number(f"{name}[{k!r}]", v, low=0.0))  # type: ignore[arg-type]
    return out


def make_weights(
    channel_weights: Mapping[str, float] | None = None,
    platform_weights: Mapping[str, float] | None = None,
) -> EngagementWeights:
    """Check ``channel_weights`` and ``platform_weights`` once; return them as one object.

    Examples
    --------
    >>> make_weights({"mention": 0.5}).channel["mention"], make_weights().platform
    (0.5, {})
    """
    cw = {**DEFAULT_CHANNEL_WEIGHTS, **check_weights("channel_weights", channel_weights, CHANNELS)}
    pw = check_weights("platform_weights", platform_weights, None)
    return EngagementWeights(channel=cw, platform=pw)


def drop_zero(ds: Dataset, weights: EngagementWeights) -> Dataset:
    """``ds`` without the events of weight 0 (trusted weights; see :func:`restrict`)."""
    if all(v > 0 for v in weights.channel.values()) and all(
        v > 0 for v in weights.platform.values()
    ):
        return ds
    keep = ds.events.filter(weights.event_weight() > 0)
    if keep.height == ds.events.height:
        return ds
    return dataclasses.replace(ds, events=keep)


def engagement_edges(
    events: pl.DataFrame, weights: EngagementWeights, channels: Sequence[str] = CHANNELS
) -> pl.DataFrame:
    """Engagement edges ``source → target`` with summed event weights (trusted input).

    ``events`` carry their exposure ``source``
    (:func:`~influence_graph.graphs.exposure.with_exposure_source`; the graphs keep
    them as ``InteractionGraphs.events``). Each engagement event of ``channels``
    (self-interactions excluded) contributes its channel's weight times its platform's
    to the edge from its source; edges of total weight 0 are dropped.

    Returns
    -------
    polars.DataFrame
        ``source`` (author / mentioned user), ``target`` (who engaged), ``weight``
        (Float64), sorted by (source, target).
    """
    ev = events.filter(
        pl.col("action").cast(pl.String).is_in(list(channels)),
        pl.col("source").is_not_null(),
        pl.col("source") != pl.col("user"),
    )
    return (
        ev.select("source", target="user", weight=weights.event_weight())
        .group_by("source", "target")
        .agg(pl.col("weight").sum())
        .filter(pl.col("weight") > 0)
        .sort("source", "target")
    )


def restrict(
    ds: Dataset,
    *,
    channel_weights: Mapping[str, float] | None = None,
    platform_weights: Mapping[str, float] | None = None,
) -> Dataset:
    """Return the Dataset without events of channels or platforms whose weight is 0.

    The user universe is kept, so every user still gets a row: a user with no data on
    a dropped platform is scored on what they have. Posts are dropped with their
    platform, never with a channel.

    Parameters
    ----------
    ds : Dataset
    channel_weights : mapping, optional
        Channel (retweet, quote, reply, mention) → weight ≥ 0; missing channels weigh 1.
    platform_weights : mapping, optional
        Platform name → weight ≥ 0; missing platforms (and events without a platform)
        weigh 1.

    Returns
    -------
    Dataset
        Same users, follows and probabilities; events of weight 0 removed.
    """
    return drop_zero(ds, make_weights(channel_weights, platform_weights))


def weighted_edges(
    ds: Dataset,
    *,
    channel_weights: Mapping[str, float] | None = None,
    platform_weights: Mapping[str, float] | None = None,
    channels: Sequence[str] = CHANNELS,
) -> pl.DataFrame:
    """Engagement edges ``source → target`` with summed event weights.

    Checks the weights and calls :func:`engagement_edges`.

    Returns
    -------
    polars.DataFrame
        ``source`` (author / mentioned user), ``target`` (who engaged), ``weight``
        (Float64), sorted by (source, target).
    """
    weights = make_weights(channel_weights, platform_weights)
    return engagement_edges(with_exposure_source(ds.events), weights, channels)
