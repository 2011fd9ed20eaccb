"""Interaction graphs of a Dataset on one shared vertex index.

:func:`build_graphs` turns a :class:`~influence_graph.Dataset` into igraph graphs, one
per layer (follower, retweet, quote, reply, mention), all on the same vertices: vertex
``i`` is user ``ds.users["user"][i]`` (the users sorted as strings) in every graph.

Edge direction follows the package convention: ``u → v`` means content moved from u to
v. Follower graph: followee → follower. Retweet, quote, reply: the original author
(``target_user``) → the user who acted. Mention: the mentioned user (``target_user``) →
the mentioner. Edge attribute ``weight`` counts the interactions behind the edge.

Examples
--------
>>> import polars as pl
>>> from datetime import datetime, timezone
>>> from influence_graph.dataset import make_dataset
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

import igraph as ig
import numpy as np
import polars as pl

from ._validation import bad_param, check_choice, check_dataset, check_number
from .exceptions import InputValidationError

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

    from .dataset import Dataset

__all__ = ["InteractionGraphs", "build_graphs", "LAYERS", "CHANNELS"]

#: Every layer, in this order everywhere.
LAYERS: tuple[str, ...] = ("follower", "retweet", "quote", "reply", "mention")
#: The engagement channels combined by :meth:`InteractionGraphs.engagement`.
CHANNELS: tuple[str, ...] = ("retweet", "quote", "reply", "mention")

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
        the user who acted; mention mentioned → mentioner. No self-loops.
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
    >>> from influence_graph.dataset import make_dataset
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
    follower: ig.Graph | None = None
    retweet: ig.Graph | None = None
    quote: ig.Graph | None = None
    reply: ig.Graph | None = None
    mention: ig.Graph | None = None
    self_pairs_dropped: dict[str, int] = field(default_factory=dict)
    self_pairs_distinct: dict[str, int] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    _edges: Mapping[str, pl.DataFrame] = field(default_factory=dict, repr=False)
    _events: Mapping[str, int] = field(default_factory=dict, repr=False)
    _loops: Mapping[str, pl.Series] = field(default_factory=dict, repr=False)

    @property
    def n_users(self) -> int:
        """Number of vertices (users) in every graph."""
        return self.users.height

    def __repr__(self) -> str:
        layers = ", ".join(f"{name} {getattr(self, name).ecount():,} edges" for name in self.layers)
        return f"InteractionGraphs({self.n_users:,} users; {layers or 'no layers'})"

    @property
    def layers(self) -> tuple[str, ...]:
        """Names of the layers present, in :data:`LAYERS` order."""
        return tuple(name for name in LAYERS if getattr(self, name) is not None)

    def graph(self, name: str) -> ig.Graph:
        """Return layer ``name``; raise a clear error when the data have no such layer.

        Raises
        ------
        InputValidationError
            ``name`` is not a layer [BAD_PARAM] or the layer is absent [LAYER_ABSENT].
        """
        check_choice("name", name, LAYERS)
        g = getattr(self, name)
        if g is None:
            what = "follower graph" if name == "follower" else f"{name} events"
            raise InputValidationError.single(
                "LAYER_ABSENT",
                f"The data set has no {what}; layers present: {', '.join(self.layers) or 'none'}.",
                column="name",
                value=name,
            )
        return g

    def edges(self, name: str) -> pl.DataFrame:
        """Edge table of layer ``name``.

        Returns
        -------
        polars.DataFrame
            ``source`` (String, user content moved from), ``target`` (String, user it
            moved to), ``weight`` (Int64, interactions behind the edge), sorted by the
            vertex codes of (source, target).
        """
        self.graph(name)
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
        >>> from influence_graph.dataset import make_dataset
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

    def engagement(self, weights: Mapping[str, float] | None = None) -> ig.Graph:
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
        >>> from influence_graph.dataset import make_dataset
        >>> t = datetime(2024, 3, 1, tzinfo=timezone.utc)
        >>> ev = pl.DataFrame({"user": ["b", "b"], "action": ["retweet", "mention"],
        ...                    "target_user": ["a", "a"], "timestamp": [t, t]})
        >>> e = build_graphs(make_dataset(events=ev)).engagement({"mention": 0.5})
        >>> e.es["weight"], e.es["retweet"], e.es["mention"]
        ([1.5], [1], [1])
        """
        w = {c: 1.0 for c in CHANNELS}
        for key, value in (weights or {}).items():
            if key not in CHANNELS:
                raise bad_param(
                    "weights", key, "have keys among " + ", ".join(repr(c) for c in CHANNELS)
                )
            checked = check_number(f"weights[{key!r}]", value, low=0.0)
            w[key] = float(checked)  # type: ignore[arg-type]
        present = [c for c in CHANNELS if getattr(self, c) is not None and w[c] > 0]
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
) -> ig.Graph:
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


def build_graphs(ds: "Dataset") -> InteractionGraphs:
    """Build the follower, retweet, quote, reply and mention graphs of ``ds``.

    Users are mapped once to integer codes (their row in ``ds.users``, computed with a
    polars join); graphs are built from those codes, never from external ids.

    Parameters
    ----------
    ds : Dataset
        Any data set (``ds.users`` holds every user of its events and follows).

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
    >>> from influence_graph.dataset import make_dataset
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
    graphs: dict[str, ig.Graph | None] = {name: None for name in LAYERS}
    dropped: dict[str, int] = {}
    distinct: dict[str, int] = {}
    notes: list[str] = []

    pairs_by_layer: dict[str, pl.DataFrame] = {}
    if ds.follows is not None:
        pairs_by_layer["follower"] = encode(ds.follows, "followee", "follower", "follow")
    ev = ds.events.filter(pl.col("action") != "post")
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
        enc = encode(ev, "target_user", "user", "event").with_columns(
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
        graphs[name] = _igraph(n, e, names, {"weight": e["weight"].to_list()})
        if n_self:
            kind = "follow rows" if name == "follower" else f"{name} events"
            notes.append(
                f"{name}: {n_self:,} self-pair {kind} ({loops.len():,} users) give no edge; "
                "they stay in "
                "the activity counts (counts() shows the layer with and without them)."
            )
    absent = [name for name in LAYERS if graphs[name] is None]
    if absent:
        notes.append(
            "absent layers (no such events or no follower graph): " + ", ".join(absent) + "."
        )
    return InteractionGraphs(
        users=users,
        **graphs,
        self_pairs_dropped=dropped,
        self_pairs_distinct=distinct,
        notes=tuple(notes),
        _edges=edges,
        _events=events_n,
        _loops=loop_sets,
    )
