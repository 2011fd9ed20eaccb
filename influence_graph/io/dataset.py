"""The :class:`Dataset`: validated canonical tables plus what happened on ingest.

A Dataset is what every other function reads. Its user universe (``ds.users``) holds
every user that appears anywhere in it, sorted as strings; every metric table has one
row per user of that universe.

Examples
--------
>>> import polars as pl
>>> from datetime import datetime, timezone
>>> from influence_graph.io.dataset import make_dataset
>>> t = datetime(2024, 3, 1, tzinfo=timezone.utc)
>>> ev = pl.DataFrame({"user": ["b", "a"], "action": ["retweet", "post"],
...                    "target_user": ["a", None], "timestamp": [t, t]})
>>> ds = make_dataset(events=ev, name="tiny")
>>> ds.users["user"].to_list(), ds.n_users, ds.events.columns[:3]
(['a', 'b'], 2, ['event_id', 'user', 'action'])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

from .report import IngestReport, SourceReport
from .schema import EVENT_SCHEMA, FOLLOW_SCHEMA, PROBABILITY_SCHEMA

__all__ = ["Dataset", "make_dataset", "conform"]


@dataclass(frozen=True, eq=False)
class Dataset:
    """Validated canonical tables of one data set.

    Attributes
    ----------
    events : polars.DataFrame
        Canonical event table (``influence_graph.io.schema.EVENT_SCHEMA``), sorted by
        (timestamp, event_id), deduplicated.
    follows : polars.DataFrame or None
        ``follower``, ``followee``, ``since``: content moves followee → follower.
        ``None`` when the data set has no follower graph.
    users : polars.DataFrame
        One row per user of the data set, ``user`` (String) first and sorted, plus
        any user attributes the source had (e.g. Congress: ``tweets``).
    probabilities : polars.DataFrame or None
        ``source``, ``target``, ``p`` when the data set measured transmission
        probabilities (Congress), else ``None``.
    ingest : IngestReport
        Counts of what was read, used, rejected, deduplicated and filtered.
    truth : object or None
        Planted ground truth (synthetic data sets only).
    name : str
        Short name, e.g. ``"higgs"``.
    provenance : dict
        Input SHA-256 sums, seed entropy, loader settings.
    """

    events: pl.DataFrame
    follows: pl.DataFrame | None
    users: pl.DataFrame
    probabilities: pl.DataFrame | None = None
    ingest: IngestReport = field(default_factory=IngestReport)
    truth: Any = None
    name: str = "dataset"
    provenance: dict[str, Any] = field(default_factory=dict)

    @property
    def n_users(self) -> int:
        """Number of users in the universe."""
        return self.users.height

    @property
    def user_ids(self) -> pl.Series:
        """The sorted ``user`` column."""
        return self.users["user"]

    def __repr__(self) -> str:
        follows = "none" if self.follows is None else f"{self.follows.height:,}"
        probs = "none" if self.probabilities is None else f"{self.probabilities.height:,}"
        return (
            f"Dataset({self.name!r}: {self.n_users:,} users, {self.events.height:,} events, "
            f"follows {follows}, probabilities {probs})"
        )


def conform(df: pl.DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Select ``schema``'s columns in order, adding missing optional ones as nulls.

    Casts are strict: a column whose values do not fit raises polars' error. Readers
    validate first; this is for frames that are already valid (data set builders).

    Examples
    --------
    >>> conform(pl.DataFrame({"p": [0.5], "source": ["a"], "target": ["b"]}),
    ...         PROBABILITY_SCHEMA).columns
    ['source', 'target', 'p']
    """
    cols = []
    for name, dtype in schema.items():
        if name in df.columns:
            cols.append(pl.col(name).cast(dtype, strict=True))
        else:
            cols.append(pl.lit(None, dtype=dtype).alias(name))
    return df.select(cols)


def _user_universe(
    events: pl.DataFrame,
    follows: pl.DataFrame | None,
    users: pl.DataFrame | None,
    probabilities: pl.DataFrame | None,
) -> pl.DataFrame:
    parts = [events["user"], events["target_user"].drop_nulls()]
    if follows is not None:
        parts += [follows["follower"], follows["followee"]]
    if probabilities is not None:
        parts += [probabilities["source"], probabilities["target"]]
    if users is not None:
        parts.append(users["user"])
    ids = pl.concat([s.cast(pl.String).rename("user") for s in parts]).unique().sort()
    universe = ids.to_frame()
    if users is not None and users.width > 1:
        universe = universe.join(users, on="user", how="left")
    return universe


def make_dataset(
    *,
    events: pl.DataFrame | None = None,
    follows: pl.DataFrame | None = None,
    users: pl.DataFrame | None = None,
    probabilities: pl.DataFrame | None = None,
    ingest: IngestReport | None = None,
    truth: Any = None,
    name: str = "dataset",
    provenance: dict[str, Any] | None = None,
) -> Dataset:
    """Assemble a :class:`Dataset` from already-valid canonical frames.

    Missing optional event columns are added as nulls, ``event_id`` is derived when
    absent (``"e{row}"`` after sorting by timestamp, user, action, target, post), events
    are sorted by (timestamp, event_id), and the user universe is computed. Readers
    (:func:`influence_graph.load_dataset`) validate before calling this.

    Parameters
    ----------
    events, follows, users, probabilities : polars.DataFrame, optional
        Canonical tables (see :mod:`influence_graph.io.schema`).
    ingest : IngestReport, optional
        Defaults to a report that counts every given row as used.
    truth : object, optional
        Planted ground truth of a synthetic data set.
    name : str
    provenance : dict, optional

    Returns
    -------
    Dataset
    """
    if events is None:
        events = pl.DataFrame(schema=EVENT_SCHEMA)
    had_ids = "event_id" in events.columns and events["event_id"].null_count() == 0
    events = conform(events, EVENT_SCHEMA)
    if not had_ids:
        events = events.sort(
            ["timestamp", "user", "action", "target_user", "post_id"], nulls_last=True, maintain_order=True
        ).with_columns(event_id=pl.format("e{}", pl.int_range(pl.len())))
    events = events.sort(["timestamp", "event_id"], maintain_order=True)
    if follows is not None:
        follows = conform(follows, FOLLOW_SCHEMA)
    if probabilities is not None:
        extra = [c for c in probabilities.columns if c not in PROBABILITY_SCHEMA]
        probabilities = pl.concat(
            [conform(probabilities, PROBABILITY_SCHEMA), probabilities.select(extra)], how="horizontal"
        )
    if users is not None:
        users = users.with_columns(pl.col("user").cast(pl.String))
    universe = _user_universe(events, follows, users, probabilities)
    if ingest is None:
        srcs = [SourceReport("<events DataFrame>", events.height, events.height)]
        if follows is not None:
            srcs.append(SourceReport("<follows DataFrame>", follows.height, follows.height, kind="follows"))
        ingest = IngestReport.from_sources(srcs)
    return Dataset(
        events=events,
        follows=follows,
        users=universe,
        probabilities=probabilities,
        ingest=ingest,
        truth=truth,
        name=name,
        provenance=dict(provenance or {}),
    )
