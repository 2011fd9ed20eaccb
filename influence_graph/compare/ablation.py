"""Leave-one-out ablation: how spread and rank change without one channel or platform.

Examples
--------
>>> ChannelAblation.__dataclass_fields__.keys() >= {"users", "summary"}
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from .._rng import SeedLike
from .._validation import bad_param, check_choice, check_dataset
from ..diffusion.choice import (
    POOLINGS,
    SPREAD_GRAPHS,
    resolve_pooling,
    resolve_spread_graph,
    spread_probabilities,
)
from ..diffusion.options import SpreadOptions, spread_options
from ..diffusion.probabilities import METHODS
from ..diffusion.probability_graph import probability_graph_on
from ..diffusion.spread import expected_spread
from ..graphs import CHANNELS, drop_zero, graphs_of, make_weights
from ..io.dataset import Dataset
from ..metrics.observed import received_counts
from ._ranking import spearman

__all__ = ["ChannelAblation", "channel_ablation"]

#: channel_ablation()'s own defaults of the spread settings.
_DEFAULTS = {
    "model": "ic", "rel_error": 0.1, "top_k": 100, "max_seconds": None, "n_jobs": None,
    "executor": None,
}


@dataclass(frozen=True)
class ChannelAblation:
    """How spread and rank change when one channel or platform is left out.

    Attributes
    ----------
    users : polars.DataFrame
        One row per (user, left-out part): ``user``, ``left_out`` (String, e.g.
        ``"channel:retweet"`` or ``"platform:mastodon"``), ``spread_all``,
        ``spread_without`` (Float64, users reached incl. the seed), ``se_all``,
        ``se_without`` (Float64), ``delta`` (Float64, ``spread_without −
        spread_all``: negative = the user's reach depends on that part),
        ``delta_se`` (Float64, √(se_all² + se_without²), conservative since both runs
        share the seed), ``rank_all``, ``rank_without`` (UInt32, 1 = largest),
        ``rank_change`` (Int64, ``rank_without − rank_all``: positive = falls without
        it), ``events_all``, ``events_without`` (Int64, the user's own engagements
        received with and without it).
    summary : polars.DataFrame
        One row per left-out part: ``left_out``, ``events_removed`` (Int64),
        ``edges_removed`` (Int64, probability edges gone), ``carried`` (Float64 in
        [0, 1]: share of the total outward spread Σ(spread − 1) that disappears
        without the part — how much it carries), ``spearman`` (Float64, rank
        correlation of spread with and without, over users with any edge),
        ``top_k_overlap`` (Float64, share of the top-k users kept), ``users_hit``
        (Int64, users whose interval-separated spread fell: delta + 1.96·delta_se
        < 0).
    """

    users: pl.DataFrame
    summary: pl.DataFrame


def _parts(ds: Dataset, channels, platforms) -> list[tuple[str, dict, dict]]:
    present = set(ds.events["action"].cast(pl.String).unique().to_list())
    if channels is None:
        channels = [c for c in CHANNELS if c in present]
    else:
        channels = list(channels)
        for c in channels:
            if c not in CHANNELS:
                raise bad_param("channels", c, "name only " + ", ".join(repr(a) for a in CHANNELS))
    plats = sorted(ds.events["platform"].drop_nulls().unique().to_list())
    if platforms is None:
        platforms = plats if len(plats) > 1 else []
    else:
        platforms = list(platforms)
        for p in platforms:
            if p not in plats:
                raise bad_param(
                    "platforms",
                    p,
                    "name a platform of the events (" + ", ".join(map(repr, plats)) + ")",
                )
    return [(f"channel:{c}", {c: 0.0}, {}) for c in channels] + [
        (f"platform:{p}", {}, {p: 0.0}) for p in platforms
    ]


def channel_ablation(
    ds: Dataset,
    *,
    channels: Sequence[str] | None = None,
    platforms: Sequence[str] | None = None,
    probabilities: str = "learned",
    graph: str = "auto",
    prior: tuple[float, float] | str | None = None,
    pooling: str = "auto",
    model: str = "ic",
    rel_error: float = 0.1,
    top_k: int | None = 100,
    max_seconds: float | None = None,
    seed: SeedLike = None,
    n_jobs: int | None = None,
    executor: Any = None,
    options: SpreadOptions | None = None,
) -> ChannelAblation:
    """Leave one channel or platform out at a time; compare spread and rank.

    For each part left out, the events of that channel (or platform) are removed,
    edge probabilities are re-estimated on what is left and every user's expected
    spread is recomputed with the same seed. Every RR set draws from a stream of its
    own, so the two runs share their random numbers wherever the probabilities agree
    (common random numbers): ``delta`` reflects the part left out, not fresh sampling
    noise. Users keep their rows whatever is left out, so a user absent from a platform
    is scored on what they have.

    Parameters
    ----------
    ds : Dataset
    channels : sequence of str, optional
        Channels to leave out one at a time; default every channel present.
    platforms : sequence of str, optional
        Platforms to leave out one at a time; default every platform when the events
        name more than one.
    probabilities : str
        ``method`` of :func:`influence_graph.edge_probabilities` (``"learned"``).
    graph : str
        Graph the probabilities are put on. ``"auto"`` (default): the follower graph
        when the data set has follows and post rows, else the engagement graph — the
        rule of ``spread_graph`` in :func:`influence_graph.influence`, so the spread
        compared is the one the influence table reports. On the follower graph no
        edge is removed with a channel (``edges_removed`` = 0); what goes is the
        adoption evidence behind each edge's learned probability.
    prior : (float, float), "empirical" or None
        Beta prior of ``learned`` probabilities (None: the estimator's default).
    pooling : {"auto", "source", "edge"}
        How ``learned`` probabilities share evidence, as in
        :func:`influence_graph.influence`: ``"auto"`` (default) pools each source's
        edges when the log has post rows and keeps the per-edge prior otherwise
        (Higgs). Each left-out variant is re-estimated with the same rule, decided on
        the whole data set (removing a channel never removes posts).
    model, rel_error, top_k, max_seconds, seed, n_jobs, executor
        Passed to :func:`influence_graph.expected_spread` (``executor``: a Dask
        client; results are bit-identical to a local run).
    options : SpreadOptions, optional
        The estimator settings as one object; the keywords above stay at their
        defaults then.

    Returns
    -------
    ChannelAblation
        ``.users`` (one row per user and part) and ``.summary`` (one row per part);
        columns listed on :class:`ChannelAblation`.

    Raises
    ------
    InputValidationError
        Unknown channel or platform (``BAD_PARAM``); errors of
        :func:`~influence_graph.edge_probabilities` and
        :func:`~influence_graph.expected_spread`.

    Examples
    --------
    A retweet of a by b and a mention of b by c, at one time:

    >>> import polars as pl
    >>> from datetime import datetime, timezone
    >>> from influence_graph.io.dataset import make_dataset
    >>> ds = make_dataset(events=pl.DataFrame({
    ...     "user": ["b", "c"], "action": ["retweet", "mention"], "target_user": ["a", "b"],
    ...     "timestamp": [datetime(2024, 3, 1, tzinfo=timezone.utc)] * 2}))
    >>> ab = channel_ablation(ds, probabilities="constant", seed=1)
    >>> ab.summary.select("left_out", "events_removed", "edges_removed").rows()
    [('channel:retweet', 1, 1), ('channel:mention', 1, 1)]
    >>> ab.users.filter(pl.col("user") == "a").select("left_out", "delta").with_columns(
    ...     pl.col("delta").round(2)).rows()
    [('channel:mention', -0.01), ('channel:retweet', -0.11)]
    """
    check_dataset("ds", ds)
    check_choice("probabilities", probabilities, METHODS)
    check_choice("graph", graph, SPREAD_GRAPHS)
    check_choice("pooling", pooling, POOLINGS)
    opts = spread_options(
        options, _DEFAULTS, model=model, rel_error=rel_error, top_k=top_k,
        max_seconds=max_seconds, n_jobs=n_jobs, executor=executor,
    )
    parts = _parts(ds, channels, platforms)
    users = ds.user_ids
    pooling = resolve_pooling(ds, pooling)
    graph = resolve_spread_graph(ds, graph)
    every = make_weights()

    def run(d: Dataset) -> tuple[pl.DataFrame, int]:
        gd = graphs_of(d, every)
        table = spread_probabilities(
            gd, probabilities, graph=graph, seed=seed, prior=prior, pooling=pooling
        )
        probs = probability_graph_on(gd, table)  # checked once, on the graphs' user index
        res = expected_spread(probs, seed=seed, **opts.estimator_kwargs())
        return res.table, probs.m

    base, base_edges = run(ds)
    base_events = received_counts(ds.events, users).select("user", events_all="total_engagement")
    rows, summary = [], []
    k = opts.top_k or 100
    for name, cw, pw in parts:
        d = drop_zero(ds, make_weights(cw, pw))
        tab, n_edges = run(d)
        ev_wo = received_counts(d.events, users).select("user", events_without="total_engagement")
        joined = (
            base.select("user", spread_all="spread", se_all="se", rank_all="rank")
            .join(
                tab.select("user", spread_without="spread", se_without="se", rank_without="rank"),
                on="user",
            )
            .join(base_events, on="user")
            .join(ev_wo, on="user")
            .with_columns(
                left_out=pl.lit(name),
                delta=pl.col("spread_without") - pl.col("spread_all"),
                delta_se=(pl.col("se_all") ** 2 + pl.col("se_without") ** 2).sqrt(),
                rank_change=pl.col("rank_without").cast(pl.Int64)
                - pl.col("rank_all").cast(pl.Int64),
            )
        )
        rows.append(joined)
        out_all = float((joined["spread_all"] - 1).sum())
        out_wo = float((joined["spread_without"] - 1).sum())
        active = joined.filter((pl.col("spread_all") > 1) | (pl.col("spread_without") > 1))
        top_a = set(joined.sort("rank_all").head(k)["user"].to_list())
        top_w = set(joined.sort("rank_without").head(k)["user"].to_list())
        summary.append(
            {
                "left_out": name,
                "events_removed": ds.events.height - d.events.height,
                "edges_removed": base_edges - n_edges,
                "carried": (1.0 - out_wo / out_all) if out_all > 0 else float("nan"),
                "spearman": spearman(
                    active["spread_all"].to_numpy(), active["spread_without"].to_numpy()
                ),
                "top_k_overlap": len(top_a & top_w) / max(1, min(k, joined.height)),
                "users_hit": int(
                    joined.filter(pl.col("delta") + 1.96 * pl.col("delta_se") < 0).height
                ),
            }
        )
    cols = [
        "user",
        "left_out",
        "spread_all",
        "spread_without",
        "se_all",
        "se_without",
        "delta",
        "delta_se",
        "rank_all",
        "rank_without",
        "rank_change",
        "events_all",
        "events_without",
    ]
    users_tab = (
        pl.concat([r.select(cols) for r in rows])
        if rows
        else pl.DataFrame(
            schema={c: pl.Float64 for c in cols}
            | {
                "user": pl.String,
                "left_out": pl.String,
                "rank_all": pl.UInt32,
                "rank_without": pl.UInt32,
                "rank_change": pl.Int64,
                "events_all": pl.Int64,
                "events_without": pl.Int64,
            }
        )
    )
    summ = pl.DataFrame(
        summary,
        schema={
            "left_out": pl.String,
            "events_removed": pl.Int64,
            "edges_removed": pl.Int64,
            "carried": pl.Float64,
            "spearman": pl.Float64,
            "top_k_overlap": pl.Float64,
            "users_hit": pl.Int64,
        },
    )
    return ChannelAblation(users=users_tab.sort("left_out", "user"), summary=summ)
