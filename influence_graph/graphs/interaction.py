"""Interaction graphs of a Dataset on one shared vertex index.

:func:`build_graphs` turns a :class:`~influence_graph.Dataset` into igraph graphs, one
per layer (follower, retweet, quote, reply, mention), all on the same vertices: vertex
``i`` is user ``ds.users["user"][i]`` (the users sorted as strings) in every graph.

Edge direction follows the package convention: ``u → v`` means content moved from u to
v. Follower graph: followee → follower. Retweet, quote, reply: the user the content came
from → the user who acted — the author of the ``parent_id`` item when it is in the log,
else ``target_user`` (:mod:`.exposure`). Mention: the mentioned user (``target_user``) →
the mentioner. Edge attribute ``weight`` counts the interactions behind the edge.

Examples
--------
>>> import polars as pl
>>> from datetime import datetime, timezone
>>> from influence_graph.io.dataset import make_dataset
>>> t = datetime(2024, 3, 1, tzinfo=timezone.utc)
>>> ev = pl.DataFrame({"user": ["b", "b", "c", "a"],
...                    "action": ["retweet", "retweet", "mention", "mention"],
...                    "target_user": ["a", "a", "a", "a"], "timestamp": [t] * 4})
>>> g = build_graphs(make_dataset(events=ev))
>>> g.layers
('retweet', 'mention')
>>> g.edges("retweet").rows()
[('a', 'b', 2)]
>>> g.edges("mention").rows(), g.self_pairs_dropped["mention"]
([('a', 'c', 1)], 1)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from .._validation import check_choice, check_columns, check_dataset
from ..exceptions import InputValidationError
from ..io.dataset import Dataset
from .layers import CHANNELS, LAYERS
from ._rows import aggregate
from .exposure import with_exposure_source
from .weights import EngagementWeights, check_weights, make_weights

if TYPE_CHECKING:  # pragma: no cover
    import igraph as ig
    import networkx as nx

__all__ = ["InteractionGraphs", "build_graphs", "graphs_of", "from_edges", "LAYERS", "CHANNELS"]

_EDGE_SCHEMA = {"source": pl.Int64, "target": pl.Int64, "weight": pl.Int64}


@dataclass(frozen=True, eq=False)
class InteractionGraphs:
    """Directed, weighted interaction graphs on one shared vertex index.

    Attributes
    ----------
    users : polars.DataFrame
        ``vertex`` (Int64, 0..n-1) and ``user`` (String), in the order of ``ds.users``.
        Vertex ``i`` is the same user in every graph.
    follower, retweet, quote, reply, mention : igraph.Graph or None
        One directed graph per layer with **all** n users as vertices (vertex attribute
        ``name`` = user) and edge attribute ``weight`` = number of interactions (follows)
        behind the edge. ``None`` when the data have no such events (no follower graph).
        Edges: follower followee → follower; retweet/quote/reply original author →
        the user who acted; mention mentioned → mentioner. No self-loops. Each is
        built on first use (the pipeline works on the edge tables).
    dataset : Dataset or None
        The data set the graphs were built from (its events feed the metrics and the
        learned probabilities); None for graphs of a raw edge table (:func:`from_edges`).
    events : polars.DataFrame or None
        The data set's events with ``source``, the user each engagement came from
        (:func:`~influence_graph.graphs.exposure.with_exposure_source`, resolved once);
        None for graphs of a raw edge table.
    weights : EngagementWeights
        The checked channel and platform weights of the ``"engagement"`` graph.
    edge_list : polars.DataFrame or None
        Graphs of a raw edge table only: ``source``, ``target``, ``weight``.
    self_pairs_dropped : dict of str to int
        Per layer present: how many events (follow rows) had the same user at both ends;
        they give no edge (they stay in the activity counts).
    self_pairs_distinct : dict of str to int
        Per layer present: how many distinct users had such a self-pair, i.e. how many
        self-loop edges were left out.
    notes : tuple of str
        What the builder did that a reader must know (self-pairs left out, layers absent).

    Examples
    --------
    >>> import polars as pl
    >>> from influence_graph.io.dataset import make_dataset
    >>> fo = pl.DataFrame({"follower": ["b", "c"], "followee": ["a", "a"]})
    >>> g = build_graphs(make_dataset(follows=fo))
    >>> g.follower.vcount(), g.edges("follower").rows()
    (3, [('a', 'b', 1), ('a', 'c', 1)])
    >>> g.retweet is None, g.layers
    (True, ('follower',))
    >>> g
    InteractionGraphs(3 users; follower 2 edges)
    """

    users: pl.DataFrame
    dataset: Dataset | None = None
    events: pl.DataFrame | None = None
    weights: EngagementWeights = field(default_factory=EngagementWeights)
    edge_list: pl.DataFrame | None = None
    self_pairs_dropped: dict[str, int] = field(default_factory=dict)
    self_pairs_distinct: dict[str, int] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    _edges: Mapping[str, pl.DataFrame] = field(default_factory=dict, repr=False)
    _events: Mapping[str, int] = field(default_factory=dict, repr=False)
    _loops: Mapping[str, pl.Series] = field(default_factory=dict, repr=False)
    _built: dict[str, "ig.Graph"] = field(default_factory=dict, repr=False)

    @property
    def n_users(self) -> int:
        """Number of vertices (users) in every graph."""
        return self.users.height

    def _layer_graph(self, name: str) -> "ig.Graph | None":
        """The igraph Graph of a layer, built on first use (None when absent)."""
        if name not in self._edges:
            return None
        if name not in self._built:
            e = self._edges[name]
            self._built[name] = _igraph(
                self.n_users, e, self.users["user"].to_list(), {"weight": e["weight"].to_list()}
            )
        return self._built[name]

    follower = property(lambda self: self._layer_graph("follower"),
                        doc="Follower graph (followee → follower), or None.")
    retweet = property(lambda self: self._layer_graph("retweet"),
                       doc="Retweet graph (content's source → retweeter), or None.")
    quote = property(lambda self: self._layer_graph("quote"),
                     doc="Quote graph (content's source → quoter), or None.")
    reply = property(lambda self: self._layer_graph("reply"),
                     doc="Reply graph (content's source → replier), or None.")
    mention = property(lambda self: self._layer_graph("mention"),
                       doc="Mention graph (mentioned → mentioner), or None.")

    def __repr__(self) -> str:
        layers = ", ".join(f"{name} {self._edges[name].height:,} edges" for name in self.layers)
        return f"InteractionGraphs({self.n_users:,} users; {layers or 'no layers'})"

    @property
    def layers(self) -> tuple[str, ...]:
        """Names of the layers present, in :data:`LAYERS` order."""
        return tuple(name for name in LAYERS if name in self._edges)

    def codes(self, edges: pl.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Vertex codes of each edge's ``source`` and ``target`` (the one user index).

        ``edges`` are trusted to name users of these graphs (edge tables of
        :func:`influence_graph.graphs.edges.edge_table` always do).
        """
        index = self.users.select("user", "vertex")
        coded = edges.select("source", "target").join(
            index.rename({"user": "source", "vertex": "_s"}), on="source", how="left",
            maintain_order="left",
        ).join(
            index.rename({"user": "target", "vertex": "_t"}), on="target", how="left",
            maintain_order="left",
        )
        if coded["_s"].null_count() or coded["_t"].null_count():
            raise InputValidationError.single(
                "USER_UNKNOWN", "an edge names a user the graphs do not have", column="source"
            )
        return (
            coded["_s"].to_numpy().astype(np.int64, copy=False),
            coded["_t"].to_numpy().astype(np.int64, copy=False),
        )

    def graph(self, name: str) -> "ig.Graph":
        """Return layer ``name``; raise a clear error when the data have no such layer.

        Raises
        ------
        InputValidationError
            ``name`` is not a layer [BAD_PARAM] or the layer is absent [LAYER_ABSENT].
        """
        self._require(name)
        return self._layer_graph(name)

    def _require(self, name: str) -> None:
        """Raise unless ``name`` is a layer these graphs have."""
        check_choice("name", name, LAYERS)
        if name not in self._edges:
            what = "follower graph" if name == "follower" else f"{name} events"
            raise InputValidationError.single(
                "LAYER_ABSENT",
                f"The data set has no {what}; layers present: {', '.join(self.layers) or 'none'}.",
                column="name",
                value=name,
            )

    def edges(self, name: str) -> pl.DataFrame:
        """Edge table of layer ``name``.

        Returns
        -------
        polars.DataFrame
            ``source`` (String, user content moved from), ``target`` (String, user it
            moved to), ``weight`` (Int64, interactions behind the edge), sorted by the
            vertex codes of (source, target).
        """
        self._require(name)
        codes = self._edges[name]
        names = self.users["user"]
        return pl.DataFrame(
            {
                "source": names.gather(codes["source"]),
                "target": names.gather(codes["target"]),
                "weight": codes["weight"],
            }
        )

    def counts(self) -> pl.DataFrame:
        """Size of every layer present, with and without self-pairs.

        Published edge lists (e.g. SNAP Higgs) keep self-pairs; these graphs do not, so
        both figures are given.

        Returns
        -------
        polars.DataFrame
            One row per layer present: ``layer``; ``events`` (interactions, or follow
            rows, including self-pairs); ``self_events`` (those with the same user at
            both ends); ``vertices`` (users carrying at least one edge) and ``edges``
            (distinct directed pairs), as in the graphs, without self-pairs;
            ``vertices_with_self_pairs`` and ``edges_with_self_pairs``, counting
            self-pairs as a one-user edge.
        """
        rows = []
        for name in self.layers:
            e = self._edges[name]
            ends = pl.concat([e["source"], e["target"]]).unique()
            loops = self._loops[name]
            with_loops = pl.concat([ends, loops]).unique()
            rows.append(
                {
                    "layer": name,
                    "events": self._events[name],
                    "self_events": self.self_pairs_dropped[name],
                    "vertices": ends.len(),
                    "edges": e.height,
                    "vertices_with_self_pairs": with_loops.len(),
                    "edges_with_self_pairs": e.height + self.self_pairs_distinct[name],
                }
            )
        schema = {
            "layer": pl.String,
            **{
                k: pl.Int64
                for k in (
                    "events",
                    "self_events",
                    "vertices",
                    "edges",
                    "vertices_with_self_pairs",
                    "edges_with_self_pairs",
                )
            },
        }
        return pl.DataFrame(rows, schema=schema)

    def to_networkx(self, name: str) -> "nx.DiGraph":
        """Export layer ``name`` as a networkx DiGraph (an adapter, not for the core path).

        Nodes are the user names (all n users, in vertex order); edges carry ``weight``.

        Examples
        --------
        >>> import polars as pl
        >>> from influence_graph.io.dataset import make_dataset
        >>> fo = pl.DataFrame({"follower": ["b"], "followee": ["a"]})
        >>> g = build_graphs(make_dataset(follows=fo))
        >>> list(g.to_networkx("follower").edges(data=True))
        [('a', 'b', {'weight': 1})]
        """
        import networkx as nx

        e = self.edges(name)
        out = nx.DiGraph()
        out.add_nodes_from(self.users["user"].to_list())
        out.add_weighted_edges_from(e.iter_rows())
        return out

    def engagement(self, weights: Mapping[str, float] | None = None) -> "ig.Graph":
        """Combine the engagement layers into one weighted graph.

        The edge weight is ``sum(weights[c] * count_c)`` over the channels c present
        (retweet, quote, reply, mention), where ``count_c`` is the layer's interaction
        count on that pair. The default gives every channel weight 1.0 (each
        interaction counts once, whatever its kind); pass e.g. ``{"mention": 0.5}`` to
        change some (unnamed channels keep 1.0). A channel of weight 0 is left out;
        pairs whose combined weight is 0 give no edge.

        Parameters
        ----------
        weights : mapping of str to float, optional
            Channel weights, each finite and ≥ 0.

        Returns
        -------
        igraph.Graph
            Directed, all n users as vertices (``name``), edge attributes ``weight``
            (float, the combined weight) and one Int64 count per channel present.

        Raises
        ------
        InputValidationError
            Unknown channel or a negative / non-finite weight [BAD_PARAM], or no
            engagement layer present [LAYER_ABSENT].

        Examples
        --------
        >>> import polars as pl
        >>> from datetime import datetime, timezone
        >>> from influence_graph.io.dataset import make_dataset
        >>> t = datetime(2024, 3, 1, tzinfo=timezone.utc)
        >>> ev = pl.DataFrame({"user": ["b", "b"], "action": ["retweet", "mention"],
        ...                    "target_user": ["a", "a"], "timestamp": [t, t]})
        >>> e = build_graphs(make_dataset(events=ev)).engagement({"mention": 0.5})
        >>> e.es["weight"], e.es["retweet"], e.es["mention"]
        ([1.5], [1], [1])
        """
        w = {c: 1.0 for c in CHANNELS} | check_weights("weights", weights, CHANNELS)
        present = [c for c in CHANNELS if c in self._edges and w[c] > 0]
        if not present:
            raise InputValidationError.single(
                "LAYER_ABSENT",
                "No engagement layer (retweet, quote, reply, mention) with positive weight "
                "is present.",
                column="weights",
                value=str(weights),
            )
        parts = [self._edges[c].with_columns(pl.lit(c).alias("channel")) for c in present]
        long = pl.concat(parts)
        wide = long.pivot(on="channel", index=["source", "target"], values="weight").fill_null(0)
        wide = (
            wide.with_columns(
                pl.sum_horizontal([pl.col(c).cast(pl.Float64) * w[c] for c in present]).alias(
                    "weight"
                )
            )
            .filter(pl.col("weight") > 0)
            .sort("source", "target")
        )
        attrs = {
            "weight": wide["weight"].to_list(),
            **{c: wide[c].cast(pl.Int64).to_list() for c in present},
        }
        return _igraph(self.n_users, wide, self.users["user"].to_list(), attrs)


def _igraph(
    n: int, edges: pl.DataFrame, names: list[str], attrs: Mapping[str, list[Any]]
) -> "ig.Graph":
    import igraph as ig  # lazy: importing igraph loads matplotlib's pyplot when installed

    arr = edges.select("source", "target").to_numpy().astype(np.int64, copy=False)
    g = ig.Graph(n=n, directed=True)
    g.add_edges(
        np.ascontiguousarray(arr.reshape(-1, 2))
    )  # faster than Graph(edges=...) for a buffer
    g.vs["name"] = names
    for key, values in attrs.items():
        g.es[key] = values
    return g


def _layer(pairs: pl.DataFrame) -> tuple[pl.DataFrame, int, pl.Series]:
    """(source, target) codes → edges without self-pairs, self-event count, loop vertices."""
    is_loop = pairs["source"] == pairs["target"]
    n_self = int(is_loop.sum())
    loops = (
        pairs.filter(is_loop)["source"].unique()
        if n_self
        else pl.Series("source", [], dtype=pl.Int64)
    )
    kept = pairs.filter(~is_loop) if n_self else pairs
    edges = (
        kept.group_by("source", "target").len("weight").cast(_EDGE_SCHEMA).sort("source", "target")
    )
    return edges, n_self, loops.cast(pl.Int64)


def build_graphs(
    ds: Dataset,
    *,
    channel_weights: Mapping[str, float] | None = None,
    platform_weights: Mapping[str, float] | None = None,
) -> InteractionGraphs:
    """Build the follower, retweet, quote, reply and mention graphs of ``ds``.

    Users are mapped once to integer codes (their row in ``ds.users``, computed with a
    polars join); graphs are built from those codes, never from external ids.

    Parameters
    ----------
    ds : Dataset
        Any data set (``ds.users`` holds every user of its events and follows).
    channel_weights, platform_weights : mapping, optional
        Weights of the ``"engagement"`` graph's channels and platforms
        (:func:`influence_graph.graphs.weights.make_weights`; default 1 each). The
        layers keep plain counts.

    Returns
    -------
    InteractionGraphs
        ``users`` (vertex, user), one igraph Graph per layer present (None otherwise),
        ``self_pairs_dropped``/``self_pairs_distinct`` per layer, and ``notes``.
        Orientation: follower graph followee → follower; retweet/quote/reply
        original author (``target_user``) → actor (``user``); mention mentioned
        (``target_user``) → mentioner (``user``). ``weight`` = number of interactions.

    Raises
    ------
    InputValidationError
        An engagement event has no ``target_user`` [TARGET_MISSING], or a user is
        missing from ``ds.users`` [USER_UNKNOWN] (a Dataset built by the package never
        has either).

    Notes
    -----
    Self-interactions (a self-reply continues a thread, a self-mention happens) stay in
    the activity counts but give no graph edge; ``self_pairs_dropped`` counts them and
    :meth:`InteractionGraphs.counts` reports every layer with and without them (SNAP's
    published Higgs figures count self-pairs). A layer with no events is ``None``, not an
    empty graph, so "no data" differs from "no interactions". Post events have no target
    and belong to no layer.

    Examples
    --------
    >>> import polars as pl
    >>> from datetime import datetime, timezone
    >>> from influence_graph.io.dataset import make_dataset
    >>> t = datetime(2024, 3, 1, tzinfo=timezone.utc)
    >>> ev = pl.DataFrame({"user": ["b", "c", "c"], "action": ["reply", "reply", "quote"],
    ...                    "target_user": ["a", "c", "b"], "timestamp": [t] * 3})
    >>> g = build_graphs(make_dataset(events=ev))
    >>> g.users.rows()
    [(0, 'a'), (1, 'b'), (2, 'c')]
    >>> g.reply.get_edgelist(), g.reply.es["weight"], g.reply.vs["name"]
    ([(0, 1)], [1], ['a', 'b', 'c'])
    >>> g.counts().select("layer", "events", "self_events", "edges").rows()
    [('quote', 1, 0, 1), ('reply', 2, 1, 1)]
    """
    check_dataset("ds", ds)
    return graphs_of(ds, make_weights(channel_weights, platform_weights))


def graphs_of(ds: Dataset, weights: EngagementWeights) -> InteractionGraphs:
    """:func:`build_graphs` on trusted input: a Dataset and checked weights.

    The pipeline functions (:func:`influence_graph.influence` and the studies) check
    their arguments once and call this.
    """
    users = ds.users.select(
        pl.int_range(pl.len(), dtype=pl.Int64).alias("vertex"), pl.col("user").cast(pl.String)
    )
    n = users.height
    names = users["user"].to_list()
    code = users.select(pl.col("user").alias("key"), pl.col("vertex").alias("code"))

    def encode(frame: pl.DataFrame, src: str, dst: str, what: str) -> pl.DataFrame:
        out = (
            frame.select(pl.col(src).alias("key"), pl.col(dst).alias("key2"))
            .join(code, on="key", how="left", maintain_order="left")
            .rename({"code": "source"})
            .join(code.rename({"key": "key2"}), on="key2", how="left", maintain_order="left")
            .rename({"code": "target"})
        )
        missing = out.filter(pl.col("source").is_null() | pl.col("target").is_null())
        if missing.height:
            r = missing.row(0, named=True)
            raise InputValidationError.single(
                "USER_UNKNOWN",
                f"{missing.height:,} {what} rows name users absent from ds.users; "
                f"first: {r['key']!r} -> {r['key2']!r}",
                column="user",
            )
        return out.select("source", "target")

    edges: dict[str, pl.DataFrame] = {}
    loop_sets: dict[str, pl.Series] = {}
    events_n: dict[str, int] = {}
    dropped: dict[str, int] = {}
    distinct: dict[str, int] = {}
    notes: list[str] = []

    pairs_by_layer: dict[str, pl.DataFrame] = {}
    if ds.follows is not None:
        pairs_by_layer["follower"] = encode(ds.follows, "followee", "follower", "follow")
    exposed = with_exposure_source(ds.events)
    ev = exposed.filter(pl.col("action") != "post")
    if ev.height:
        no_target = ev.filter(pl.col("target_user").is_null())
        if no_target.height:
            r = no_target.row(0, named=True)
            raise InputValidationError.single(
                "TARGET_MISSING",
                f"{no_target.height:,} engagement events have no target_user",
                column="target_user",
                value=str(r["event_id"]),
            )
        enc = encode(ev, "source", "user", "event").with_columns(
            ev["action"].cast(pl.String).alias("action")
        )
        for action, part in enc.partition_by("action", as_dict=True, include_key=False).items():
            pairs_by_layer[action[0]] = part  # type: ignore[index]

    for name in LAYERS:
        pairs = pairs_by_layer.get(name)
        if pairs is None:
            continue
        e, n_self, loops = _layer(pairs)
        edges[name] = e
        loop_sets[name] = loops
        events_n[name] = pairs.height
        dropped[name] = n_self
        distinct[name] = loops.len()
        if n_self:
            kind = "follow rows" if name == "follower" else f"{name} events"
            notes.append(
                f"{name}: {n_self:,} self-pair {kind} ({loops.len():,} users) give no edge; "
                "they stay in "
                "the activity counts (counts() shows the layer with and without them)."
            )
    absent = [name for name in LAYERS if name not in edges]
    if absent:
        notes.append(
            "absent layers (no such events or no follower graph): " + ", ".join(absent) + "."
        )
    return InteractionGraphs(
        users=users,
        dataset=ds,
        events=exposed,
        weights=weights,
        self_pairs_dropped=dropped,
        self_pairs_distinct=distinct,
        notes=tuple(notes),
        _edges=edges,
        _events=events_n,
        _loops=loop_sets,
    )


def from_edges(edges: pl.DataFrame) -> InteractionGraphs:
    """Graphs of a raw edge table: one graph, its users the endpoints (sorted).

    Parameters
    ----------
    edges : polars.DataFrame
        ``source``, ``target`` and optionally ``weight`` (else ``p``, else 1 per edge).
        Repeated pairs are summed; self-loops and rows with a missing end are dropped.

    Returns
    -------
    InteractionGraphs
        No Dataset and no layers; :func:`influence_graph.graphs.edges.edge_table`
        returns these edges whatever graph is asked for.

    Examples
    --------
    >>> g = from_edges(pl.DataFrame({"source": ["b", "a"], "target": ["a", "c"]}))
    >>> g.users["user"].to_list(), g.edge_list.rows()
    (['a', 'b', 'c'], [('a', 'c', 1.0), ('b', 'a', 1.0)])
    """
    check_columns(edges, ["source", "target"], what="edges")
    wcol = "weight" if "weight" in edges.columns else ("p" if "p" in edges.columns else None)
    w = pl.col(wcol).cast(pl.Float64) if wcol else pl.lit(1.0)
    table = aggregate(
        edges.select(pl.col("source").cast(pl.String), pl.col("target").cast(pl.String), weight=w)
    )
    names = pl.concat([edges["source"], edges["target"]]).cast(pl.String).unique().sort()
    users = pl.DataFrame(
        {"vertex": pl.int_range(names.len(), dtype=pl.Int64, eager=True), "user": names}
    )
    return InteractionGraphs(users=users, edge_list=table)
