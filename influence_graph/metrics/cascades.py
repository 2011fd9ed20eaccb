"""Retweet cascades: who got each piece of content from whom, and per-user cascade stats.

A cascade is a tree: its root is a piece of content (a post) and its author, every
other node is a distinct user who adopted it (retweeted it, by default), and each
adopter hangs under the user they got it from.

Reconstruction rule
-------------------
- **From ``parent_id`` chains** (when the adoption row has one): the adopter got the
  content from the author of ``parent_id``; a retweet of a retweet therefore hangs
  under the intermediate retweeter, and the cascade is the one of the chain's root.
  A ``parent_id`` that names no event in the log becomes a root of its own, authored
  by ``target_user`` (the content is known to exist; its posting was not logged).
- **Inferred** (no ``parent_id``), with ``target="author"`` (the default):
  ``target_user`` is taken as the original author, as in Twitter's retweet metadata,
  which names the root author (Higgs). The content is the author's latest post at or
  before the adoption — the latest one sharing a topic with the adoption when topics
  are logged — else all of the author's unlogged content is one cascade (Higgs has no
  post rows); content the adopter already adopted is passed over. Within the cascade
  the adopter got it from the **latest earlier adopter
  among the users they follow**, else from the original author: the standard rule
  (Bakshy et al. 2011 credit a followee who posted earlier; Goel et al. 2016 build
  the tree from the follower graph the same way). Without a follower graph every
  adopter hangs under the author.
- **Inferred** with ``target="source"``: ``target_user`` names whom the adopter got
  the content from (the synthetic world's convention). The adopter hangs under
  ``target_user`` and the content is the target's latest content (their post or
  their own adoption) at or before the adoption that the adopter has not adopted yet,
  preferring one sharing a topic.
- Each user counts once per cascade (the first adoption); the author re-sharing their
  own content adds nothing. "Earlier" means earlier in the event order (timestamp,
  then ``event_id``).

Examples
--------
>>> import polars as pl
>>> from datetime import datetime, timedelta, timezone
>>> from influence_graph.io.dataset import make_dataset
>>> t = datetime(2024, 3, 1, tzinfo=timezone.utc)
>>> ev = pl.DataFrame({
...     "user": ["a", "b", "c"], "action": ["post", "retweet", "retweet"],
...     "target_user": [None, "a", "b"], "post_id": ["p1", "r1", "r2"],
...     "parent_id": [None, "p1", "r1"],
...     "timestamp": [t, t + timedelta(minutes=1), t + timedelta(minutes=2)]})
>>> res = cascades(make_dataset(events=ev))
>>> res.cascades.select("cascade_id", "root_user", "size", "depth").rows()
[('p1', 'a', 3, 2)]
>>> round(res.cascades["structural_virality"][0], 3)
1.333
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from .._validation import bad_param, check_choice, check_dataset, require_events
from ..io.dataset import Dataset

__all__ = ["cascades", "cascades_of", "check_cascade_actions", "CascadeResult", "CASCADE_USER_COLUMNS", "structural_virality",
           "tree_stats"]

#: Per-user cascade columns (after ``user``), in order.
CASCADE_USER_COLUMNS: tuple[str, ...] = (
    "cascades_started",
    "mean_cascade_size",
    "max_cascade_size",
    "total_adopters",
    "max_depth",
    "structural_virality",
)

_ADOPTIONS = ("retweet", "quote")


@dataclass(frozen=True)
class CascadeResult:
    """Reconstructed cascades.

    Attributes
    ----------
    users : polars.DataFrame
        One row per user of the Dataset:

        - ``user`` (String)
        - ``cascades_started`` (Int64, count): cascades the user is the root author of
          (every post is one, with or without adopters; content with no logged post
          that was adopted is one more).
        - ``mean_cascade_size`` (Float64, users, higher = moves content further): mean
          size of those cascades, size = 1 (root) + adopters; null with no cascades.
        - ``max_cascade_size`` (Int64, users): size of the largest; null with none.
        - ``total_adopters`` (Int64, users): adopters summed over the user's cascades.
        - ``max_depth`` (Int64, hops): deepest adopter over the user's cascades (0 = no
          adopter); null with no cascades.
        - ``structural_virality`` (Float64, hops): Goel et al. (2016) structural
          virality of the user's largest cascade (earliest on ties); null when it has
          a single node (undefined).
    cascades : polars.DataFrame
        One row per cascade: ``cascade_id`` (the root's ``post_id``, else its
        ``event_id``; ``"@<author>"`` for an author's unlogged content), ``root_user``,
        ``root_time`` (timestamp of the root, or of the first adoption when the root
        was not logged), ``root_logged`` (Boolean), ``size`` (Int64, nodes incl. the
        root), ``depth`` (Int64, hops), ``structural_virality`` (Float64, null for
        size 1), ``n_inferred`` (Int64, adopters whose parent was inferred, not read
        from ``parent_id``).
    edges : polars.DataFrame
        One row per adopter: ``cascade_id``, ``parent_user`` → ``user`` (who got it from
        whom), ``timestamp``, ``event_id``, ``depth`` (Int64, hops from the root),
        ``inferred`` (Boolean).
    """

    users: pl.DataFrame
    cascades: pl.DataFrame
    edges: pl.DataFrame


def tree_stats(parent: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Depth and subtree size of every node of a forest given in topological order.

    Parameters
    ----------
    parent : numpy.ndarray of int
        ``parent[i]`` is the index of node ``i``'s parent (``< i``), or -1 for a root.

    Returns
    -------
    depth, size : numpy.ndarray of int64

    Examples
    --------
    >>> d, s = tree_stats(np.array([-1, 0, 1, 0]))
    >>> d.tolist(), s.tolist()
    ([0, 1, 2, 1], [4, 2, 1, 1])
    """
    n = len(parent)
    depth = np.zeros(n, dtype=np.int64)
    size = np.ones(n, dtype=np.int64)
    par = parent.tolist()
    dep = depth.tolist()
    for i in range(n):
        p = par[i]
        if p >= 0:
            if p >= i:
                raise ValueError("parents must come before their children")
            dep[i] = dep[p] + 1
    sz = size.tolist()
    for i in range(n - 1, -1, -1):
        p = par[i]
        if p >= 0:
            sz[p] += sz[i]
    return np.asarray(dep, dtype=np.int64), np.asarray(sz, dtype=np.int64)


def structural_virality(parent: Sequence[int]) -> float:
    """Structural virality of one tree: mean shortest-path distance over node pairs.

    ``ν(T) = W(T) / C(n, 2)`` with the Wiener index ``W(T) = Σ_edges s·(n − s)``, where
    ``s`` is the size of the subtree below the edge: O(n) on a tree.

    Parameters
    ----------
    parent : sequence of int
        Parent index of each node in topological order, -1 for the single root.

    Returns
    -------
    float
        NaN for a single node (undefined).

    Examples
    --------
    >>> structural_virality([-1, 0, 0, 0])        # star of 4: (n-1)^2 / C(n,2)
    1.5
    >>> structural_virality([-1, 0, 1, 2])        # chain of 4: (n+1)/3
    1.6666666666666667

    References
    ----------
    Goel, Anderson, Hofman & Watts (2016), "The structural virality of online
    diffusion", Management Science 62(1).
    """
    par = np.asarray(parent, dtype=np.int64)
    n = len(par)
    if n < 2:
        return float("nan")
    _, size = tree_stats(par)
    s = size[par >= 0]
    return float((s * (n - s)).sum()) / (n * (n - 1) / 2)


def _followees(ds: Dataset, ev: pl.DataFrame, actions: tuple[str, ...]) -> dict[str, set[str]]:
    """Map each inferred adopter to the adopters they follow.

    Only adopters can be picked by the follower rule, so a large follower graph is cut
    down to them before building the sets.
    """
    if ds.follows is None:
        return {}
    adopt = ev.filter(pl.col("action").is_in(list(actions)))
    inferred = adopt.filter(pl.col("parent_id").is_null())["user"].unique().implode()
    anyone = adopt["user"].unique().implode()
    fol = (
        ds.follows.filter(
            pl.col("follower") != pl.col("followee"),
            pl.col("follower").is_in(inferred),
            pl.col("followee").is_in(anyone),
        )
        .group_by("follower")
        .agg(pl.col("followee").unique())
    )
    return {
        u: set(f) for u, f in zip(fol["follower"].to_list(), fol["followee"].to_list(), strict=True)
    }


def cascades(
    ds: Dataset, *, actions: Sequence[str] = ("retweet", "quote"), target: str = "author"
) -> CascadeResult:
    """Reconstruct cascades from ``parent_id`` chains, or infer them (module docstring).

    Parameters
    ----------
    ds : Dataset
    actions : sequence of str
        Actions that adopt (pass on) content: retweets and quotes by default (a quote
        passes the content on to the quoter's followers too); ``("retweet",)`` gives
        pure retweet cascades. Content-creating events outside ``actions`` (posts,
        replies, and quotes when not listed) can only be roots.
    target : {"author", "source"}
        What ``target_user`` of an adoption *without* ``parent_id`` names: the
        original author (Twitter's convention, Higgs) or the user the adopter got the
        content from. Unused for rows that carry ``parent_id``.

    Returns
    -------
    CascadeResult
        ``.users`` (one row per user), ``.cascades`` (one per cascade), ``.edges``
        (one per adopter); columns listed on :class:`CascadeResult`.

    Raises
    ------
    InputValidationError
        When ``actions`` names anything but retweet and quote, or ``target`` is not
        ``"author"`` or ``"source"``; ``NO_EVENTS`` for a data set with measured
        probabilities and no events (Congress: nothing to reconstruct).

    Examples
    --------
    Without ``parent_id`` or follower graph every adopter hangs under the author:

    >>> import polars as pl
    >>> from datetime import datetime, timedelta, timezone
    >>> from influence_graph.io.dataset import make_dataset
    >>> t = datetime(2024, 3, 1, tzinfo=timezone.utc)
    >>> ev = pl.DataFrame({"user": ["b", "c", "d"], "action": ["retweet"] * 3,
    ...                    "target_user": ["a"] * 3,
    ...                    "timestamp": [t + timedelta(minutes=i) for i in range(3)]})
    >>> r = cascades(make_dataset(events=ev))
    >>> r.users.filter(pl.col("user") == "a").select(
    ...     "cascades_started", "max_cascade_size", "max_depth", "structural_virality").row(0)
    (1, 4, 1, 1.5)

    Notes
    -----
    Size counts the root: a post nobody adopted is a cascade of size 1. Structural
    virality is the Wiener index over C(n, 2), computed in O(n) from subtree sizes.

    References
    ----------
    Goel, Anderson, Hofman & Watts (2016), Management Science 62(1).
    Bakshy, Hofman, Mason & Watts (2011), WSDM.
    """
    check_dataset("ds", ds)
    actions = check_cascade_actions("actions", actions)
    check_choice("target", target, ("author", "source"))
    require_events(ds, needed_for="reconstruct cascades from",
                   hint="its influence is in the probabilities: "
                   "ig.influence(ds, probabilities='given') or ig.viral_centrality")
    return cascades_of(ds, actions=actions, target=target)


def check_cascade_actions(name: str, actions: Sequence[str]) -> tuple[str, ...]:
    """The adopting actions as a tuple, each ``"retweet"`` or ``"quote"`` (``BAD_PARAM``)."""
    out = tuple(actions)
    for a in out:
        if a not in _ADOPTIONS:
            raise bad_param(name, a, "contain only 'retweet' and 'quote'")
    return out


def cascades_of(
    ds: Dataset, *, actions: tuple[str, ...] = ("retweet", "quote"), target: str = "author"
) -> CascadeResult:
    """:func:`cascades` on trusted arguments (the pipeline's path: checked where they entered).

    A data set without events gives every user zero cascades here; the public
    :func:`cascades` refuses one that measured its probabilities instead (``NO_EVENTS``).
    """
    ev = ds.events.select(
        "event_id",
        "user",
        pl.col("action").cast(pl.String),
        "target_user",
        "post_id",
        "parent_id",
        "timestamp",
        "topics",
    )
    ev = ev.sort(["timestamp", "event_id"], maintain_order=True).filter(
        pl.col("action").is_in([*actions, "post"]) | pl.col("post_id").is_not_null()
    )
    ev = ev.with_columns(pl.col("timestamp").dt.epoch("us"))
    simple = (
        target == "author"
        and ds.follows is None
        and ev["parent_id"].null_count() == ev.height
        and not (ev["action"] == "post").any()
    )
    if simple:
        nodes, info = _star(ev, actions)
    else:
        nodes, info = _walk(ev, actions, _followees(ds, ev, actions), target)
    nodes = nodes.with_columns(pl.col("timestamp").cast(pl.Datetime("us", "UTC")))
    info = info.with_columns(pl.col("root_time").cast(pl.Datetime("us", "UTC")))
    nodes = nodes.with_columns(
        parent_user=pl.col("user").gather(pl.col("parent_idx").clip(0)).cast(pl.String)
    )
    per = nodes.group_by("cascade_id", maintain_order=True).agg(
        size=pl.len().cast(pl.Int64),
        depth=pl.col("depth").max().cast(pl.Int64),
        n_inferred=pl.col("inferred").sum().cast(pl.Int64),
        _w=(pl.col("sub") * (pl.len() - pl.col("sub")))
        .filter(pl.col("parent_idx") >= 0)
        .sum()
        .cast(pl.Float64),
    )
    per = per.with_columns(
        structural_virality=pl.when(pl.col("size") > 1)
        .then(pl.col("_w") / (pl.col("size") * (pl.col("size") - 1) / 2))
        .otherwise(None)
        .cast(pl.Float64)
    ).drop("_w")
    casc = info.join(per, on="cascade_id", how="left").select(
        "cascade_id",
        "root_user",
        "root_time",
        "root_logged",
        "size",
        "depth",
        "structural_virality",
        "n_inferred",
    )
    edges = nodes.filter(pl.col("parent_idx") >= 0).select(
        "cascade_id", "parent_user", "user", "timestamp", "event_id", "depth", "inferred"
    )
    users = _per_user(casc, ds.user_ids)
    return CascadeResult(users=users, cascades=casc, edges=edges)


_NODE_SCHEMA = {
    "cascade_id": pl.String,
    "user": pl.String,
    "parent_idx": pl.Int64,
    "timestamp": pl.Int64,
    "event_id": pl.String,
    "depth": pl.Int64,
    "sub": pl.Int64,
    "inferred": pl.Boolean,
}
_INFO_SCHEMA = {
    "cascade_id": pl.String,
    "root_user": pl.String,
    "root_time": pl.Int64,
    "root_logged": pl.Boolean,
}


def _star(ev: pl.DataFrame, actions: tuple[str, ...]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Vectorised rule when there is no parent_id and no follower graph: stars."""
    ev = ev.with_row_index("_seq")
    posts = (
        ev.filter(pl.col("action") == "post")
        .with_columns(cascade_id=pl.coalesce("post_id", "event_id"))
        .unique("cascade_id", keep="first", maintain_order=True)
    )
    adopt = ev.filter(
        pl.col("action").is_in(list(actions)),
        pl.col("target_user").is_not_null(),
        pl.col("target_user") != pl.col("user"),
    )
    # the author's latest post at or before the adoption, else the author's unlogged content
    adopt = (
        adopt.sort("_seq")
        .join_asof(
            posts.select("_seq", target_user="user", _post="cascade_id").sort("_seq"),
            on="_seq",
            by="target_user",
            strategy="backward",
            check_sortedness=False,
        )
        .with_columns(cascade_id=pl.coalesce("_post", pl.lit("@") + pl.col("target_user")))
    )
    adopt = adopt.unique(["cascade_id", "user"], keep="first", maintain_order=True)
    unlogged = (
        adopt.filter(pl.col("_post").is_null())
        .group_by("cascade_id", maintain_order=True)
        .agg(
            root_user=pl.col("target_user").first(),
            root_time=pl.col("timestamp").first(),
            _seq=pl.col("_seq").first(),
        )
        .with_columns(root_logged=pl.lit(False))
    )
    roots = (
        pl.concat(
            [
                posts.select(
                    "cascade_id",
                    root_user="user",
                    root_time="timestamp",
                    _seq="_seq",
                    root_logged=pl.lit(True),
                ),
                unlogged.select("cascade_id", "root_user", "root_time", "_seq", "root_logged"),
            ]
        )
        .sort("_seq")
        .with_row_index("_ridx")
    )
    n_roots = roots.height
    root_nodes = roots.select(
        "cascade_id",
        user="root_user",
        parent_idx=pl.lit(-1, pl.Int64),
        timestamp="root_time",
        event_id=pl.lit(None, pl.String),
        depth=pl.lit(0, pl.Int64),
        inferred=pl.lit(False),
    ).with_columns(
        event_id=pl.when(pl.col("cascade_id").is_in(posts["cascade_id"].implode()))
        .then(
            pl.col("cascade_id").replace_strict(
                posts["cascade_id"], posts["event_id"], default=None
            )
        )
        .otherwise(None)
    )
    sizes = adopt.group_by("cascade_id").agg(_n=pl.len())
    root_nodes = (
        root_nodes.join(sizes, on="cascade_id", how="left", maintain_order="left")
        .with_columns(sub=(pl.col("_n").fill_null(0) + 1).cast(pl.Int64))
        .drop("_n")
    )
    child = adopt.join(
        roots.select("cascade_id", "_ridx"), on="cascade_id", how="left", maintain_order="left"
    )
    child_nodes = child.select(
        "cascade_id",
        "user",
        parent_idx=pl.col("_ridx").cast(pl.Int64),
        timestamp="timestamp",
        event_id="event_id",
        depth=pl.lit(1, pl.Int64),
        sub=pl.lit(1, pl.Int64),
        inferred=pl.lit(True),
    )
    nodes = pl.concat(
        [root_nodes.select(list(_NODE_SCHEMA)), child_nodes.select(list(_NODE_SCHEMA))]
    )
    nodes = nodes.cast(_NODE_SCHEMA)  # type: ignore[arg-type]
    assert nodes.height >= n_roots
    info = roots.select(list(_INFO_SCHEMA)).cast(_INFO_SCHEMA)  # type: ignore[arg-type]
    return nodes, info


def _pick(
    contents: list[tuple[str, frozenset]] | None, topics: frozenset, user: str, members: dict
) -> str | None:
    """Pick the latest content sharing a topic that ``user`` has not adopted yet.

    Falls back to the latest content not adopted, then to the latest.
    """
    if not contents:
        return None
    fallback = None
    for cid, tp in reversed(contents):
        if user in members[cid]:
            continue
        if not topics or tp & topics:
            return cid
        if fallback is None:
            fallback = cid
    return fallback if fallback is not None else contents[-1][0]


def _walk(
    ev: pl.DataFrame,
    actions: tuple[str, ...],
    followees: dict[str, set[str]],
    target_is: str = "author",
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Event-by-event reconstruction (parent_id chains and the follower rule)."""
    cols = {c: ev[c].to_list() for c in ev.columns}
    author_of: dict[str, str] = {}  # content id -> author
    root_of: dict[str, str] = {}  # content id (adoptions) -> cascade id
    posts_by: dict[str, list[tuple[str, frozenset]]] = {}  # author -> (post id, topics), time order
    held_by: dict[str, list[tuple[str, frozenset]]] = {}  # user -> (cascade, topics) they hold
    members: dict[str, dict[str, int]] = {}  # cascade -> user -> node index
    # node arrays, appended in event order (parents always earlier)
    n_cid: list[str] = []
    n_user: list[str] = []
    n_parent: list[int] = []
    n_time: list[int] = []
    n_event: list[str | None] = []
    n_inferred: list[bool] = []
    root_info: dict[str, tuple[str, int, bool]] = {}

    def new_root(cid: str, user: str, t: int, logged: bool, eid: str | None) -> None:
        root_info[cid] = (user, t, logged)
        members[cid] = {user: len(n_cid)}
        n_cid.append(cid)
        n_user.append(user)
        n_parent.append(-1)
        n_time.append(t)
        n_event.append(eid)
        n_inferred.append(False)

    adopt = set(actions)
    for i in range(ev.height):
        act, user, target = cols["action"][i], cols["user"][i], cols["target_user"][i]
        pid, parent, t, eid = (
            cols["post_id"][i],
            cols["parent_id"][i],
            cols["timestamp"][i],
            cols["event_id"][i],
        )
        topics = frozenset(cols["topics"][i] or ())
        if act not in adopt:
            if act == "post" or pid is not None:
                cid = pid if pid is not None else eid
                if cid in root_info or cid in author_of:
                    continue
                author_of[cid] = user
                if act == "post":
                    new_root(cid, user, t, True, eid)
                    posts_by.setdefault(user, []).append((cid, topics))
                    held_by.setdefault(user, []).append((cid, topics))
            continue
        inferred = parent is None
        if not inferred:
            if parent in root_of:
                cid = root_of[parent]
                src = author_of[parent]
            else:
                src = author_of.get(parent, target)
                if src is None or (src == user and parent not in root_info):
                    continue
                cid = parent
                if cid not in root_info:
                    new_root(cid, src, t, parent in author_of, None)
            mem = members[cid]
            if target is not None and target != src and target in mem:
                src = target
        else:
            if target is None or target == user:
                continue
            src = target
            found = _pick(
                (posts_by if target_is == "author" else held_by).get(target), topics, user, members
            )
            if found is not None:
                cid = found
            else:
                cid = "@" + target
                if cid not in root_info:
                    new_root(cid, target, t, False, None)
            mem = members[cid]
            cands = followees.get(user) if target_is == "author" else None
            if cands:
                best = -1
                if len(cands) < len(mem):
                    for f in cands:
                        j = mem.get(f, -1)
                        if j > best:
                            best = j
                else:
                    for f, j in mem.items():
                        if j > best and f in cands:
                            best = j
                if best >= 0:
                    src = n_user[best]
        if pid is not None:
            root_of[pid] = cid
            author_of[pid] = user
        mem = members[cid]
        if user in mem:
            continue
        held_by.setdefault(user, []).append((cid, topics))
        if src not in mem:
            src = root_info[cid][0]
        mem[user] = len(n_cid)
        n_cid.append(cid)
        n_user.append(user)
        n_parent.append(mem[src])
        n_time.append(t)
        n_event.append(eid)
        n_inferred.append(inferred)

    parent_arr = np.asarray(n_parent, dtype=np.int64)
    depth, size = tree_stats(parent_arr)
    nodes = pl.DataFrame(
        {
            "cascade_id": n_cid,
            "user": n_user,
            "parent_idx": parent_arr,
            "timestamp": n_time,
            "event_id": n_event,
            "depth": depth,
            "sub": size,
            "inferred": n_inferred,
        },
        schema=_NODE_SCHEMA,
    )
    info = pl.DataFrame(
        {
            "cascade_id": list(root_info),
            "root_user": [v[0] for v in root_info.values()],
            "root_time": [v[1] for v in root_info.values()],
            "root_logged": [v[2] for v in root_info.values()],
        },
        schema=_INFO_SCHEMA,
    )
    return nodes, info


def _per_user(casc: pl.DataFrame, universe: pl.Series) -> pl.DataFrame:
    largest = (
        casc.sort(["size", "root_time", "cascade_id"], descending=[True, False, False])
        .group_by("root_user", maintain_order=True)
        .first()
        .select(user="root_user", structural_virality="structural_virality")
    )
    agg = (
        casc.group_by("root_user")
        .agg(
            cascades_started=pl.len().cast(pl.Int64),
            mean_cascade_size=pl.col("size").mean().cast(pl.Float64),
            max_cascade_size=pl.col("size").max().cast(pl.Int64),
            total_adopters=(pl.col("size") - 1).sum().cast(pl.Int64),
            max_depth=pl.col("depth").max().cast(pl.Int64),
        )
        .rename({"root_user": "user"})
        .join(largest, on="user", how="left")
    )
    out = universe.rename("user").cast(pl.String).to_frame().join(agg, on="user", how="left")
    out = out.with_columns(pl.col("cascades_started", "total_adopters").fill_null(0))
    return out.select("user", *CASCADE_USER_COLUMNS).sort("user")
