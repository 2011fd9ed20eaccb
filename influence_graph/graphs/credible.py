"""Credible links: a follow or an engagement counts only if it opens an audience of its own.

The defended influence score (:func:`influence_graph.influence` with
``defended=True``) is expected spread on the data set's *credible* links only. A link
from a source *s* to a receiver *v* — *v* follows *s*, or *v* re-shares, quotes,
replies to or mentions content of *s* — is **credible** when *v* has an audience that
*s* does not already have: some account *f* that follows or engages *v*, with *f* ≠ *s*
and *f* not itself in the audience of *s*. The audience of a user is everyone who
follows them or engages their content, over the whole log. With ``reciprocity=True``
(the default, and what the defended score uses) a pair whose two users **engage each
other** — *v* engages content of *s* and *s* engages content of *v* — is not credible
either, in both directions: mutual engagement is the signature of an engagement pod,
where the re-share pays back a re-share instead of telling that the content moved
someone. Mutual follows are not discounted (following back is ordinary). The same rule
closes the pod around its members who have nothing to pay back (no posts of their
own): a pair where *v* engages *s* is not credible either when *v* also engages at least
``closure`` (:data:`POD_CLOSURE` = 3) accounts that engage *s* **mutually** — *v*
re-shares *s* and *s*'s ring of mutual re-sharers, the closed triangles of a pod. (On
the clean synthetic world 2 of its 12,566 engagement pairs close 3 such triangles; on
Higgs 0.40 % of 461,192; a pod's members without posts close as many as the pod has
posting members.)

Why this blunts bought influence. An account that exists to inflate *s* — a bought
follower, a bot that re-shares every post — has no audience of its own, or only the
other fakes of the same farm, which all follow or engage *s* too; its links to *s* carry
nothing to anyone *s* does not already reach. Dropping them removes both what the fake
adds directly (one more user reached) and what it adds through the learned
probabilities (adoptions that raise the source's rate on its honest links). An honest
receiver whose whole audience already follows *s* is dropped as well: it would pass the
content only to people *s* reaches directly, which is the cost to honest users that the
docs measure.

The reciprocity rule costs honest friends who re-share each other: their mutual
links are dropped too (measured in the docs).

What it cannot stop: fakes that build audiences outside the target's (each bot followed
by a different set of other fakes that do not touch the target), compromised or
collusive real accounts with real audiences (attacks A6 and A10), and any attack that
moves real people.

Examples
--------
Two bots follow ``t`` and follow each other; ``h`` follows ``t`` and is followed by ``x``:

>>> import polars as pl
>>> from influence_graph.io.dataset import make_dataset
>>> fo = pl.DataFrame({"follower": ["b1", "b2", "b1", "b2", "h", "x"],
...                    "followee": ["t", "t", "b2", "b1", "t", "h"]})
>>> pairs = credible_pairs(make_dataset(follows=fo))
>>> pairs.filter(pl.col("source") == "t").rows()
[('t', 'b1', False), ('t', 'b2', False), ('t', 'h', True)]
"""

from __future__ import annotations

import dataclasses

import numpy as np
import polars as pl

from .._validation import check_dataset, check_int
from ..io.dataset import Dataset
from .exposure import with_exposure_source
from .layers import CHANNELS

__all__ = ["audience_pairs", "engagement_pairs", "credible_pairs", "credible_dataset",
           "POD_CLOSURE"]

#: Accounts in mutual engagement with *s* that *v* must also engage for the pair (s, v)
#: to count as closing a pod (module docstring).
POD_CLOSURE = 3


def audience_pairs(ds: Dataset) -> pl.DataFrame:
    """Every (source, target) pair where ``target`` follows or engages ``source``.

    Engagements are the :data:`~influence_graph.graphs.layers.CHANNELS` events, their
    source resolved through ``parent_id`` as the graphs do
    (:func:`~influence_graph.graphs.exposure.with_exposure_source`). Self-pairs are
    left out.

    Returns
    -------
    polars.DataFrame
        ``source``, ``target`` (String), unique, sorted.
    """
    parts = [engagement_pairs(ds)]
    if ds.follows is not None:
        parts.append(ds.follows.select(pl.col("followee").cast(pl.String).alias("source"),
                                       pl.col("follower").cast(pl.String).alias("target")))
    pairs = pl.concat(parts)
    return pairs.filter(pl.col("source") != pl.col("target")).unique().sort("source", "target")


def engagement_pairs(ds: Dataset) -> pl.DataFrame:
    """Every (source, target) pair where ``target`` engages content of ``source``.

    Engagements are the :data:`~influence_graph.graphs.layers.CHANNELS` events, their
    source resolved through ``parent_id`` (as in :func:`audience_pairs`); self-pairs
    left out.

    Returns
    -------
    polars.DataFrame
        ``source``, ``target`` (String), unique, sorted.
    """
    ev = with_exposure_source(ds.events).filter(
        pl.col("action").cast(pl.String).is_in(list(CHANNELS)), pl.col("source").is_not_null()
    )
    pairs = ev.select(pl.col("source").cast(pl.String), pl.col("user").cast(pl.String)
                      .alias("target"))
    return pairs.filter(pl.col("source") != pl.col("target")).unique().sort("source", "target")


def credible_pairs(ds: Dataset, *, reciprocity: bool = True,
                   closure: int | None = POD_CLOSURE) -> pl.DataFrame:
    """Each audience pair with whether it is credible (module docstring).

    Parameters
    ----------
    ds : Dataset
    reciprocity : bool
        Also discount pairs of users who engage each other (pods).
    closure : int or None
        With ``reciprocity``: also discount a pair (s, v) where v engages s and at
        least ``closure`` accounts that engage s mutually; None: no such rule.

    Returns
    -------
    polars.DataFrame
        ``source``, ``target`` (String), ``credible`` (Boolean): ``target`` has a
        follower or engager that is neither ``source`` nor in ``source``'s audience
        (and, with ``reciprocity``, the two do not engage each other). Sorted by
        (source, target).
    """
    check_dataset("ds", ds)
    if not isinstance(reciprocity, bool):
        raise TypeError(f"The 'reciprocity' parameter must be a bool; got {reciprocity!r:.60}")
    check_int("closure", closure, low=1, allow_none=True)
    pairs = audience_pairs(ds)
    names = ds.user_ids.cast(pl.String)
    code = pl.DataFrame({"user": names, "code": np.arange(names.len(), dtype=np.int64)})
    coded = pairs.join(code.rename({"user": "source", "code": "s"}), on="source").join(
        code.rename({"user": "target", "code": "t"}), on="target"
    ).sort("s", "t")
    s = coded["s"].to_numpy()
    t = coded["t"].to_numpy()
    indptr = np.zeros(names.len() + 1, dtype=np.int64)
    np.cumsum(np.bincount(s, minlength=names.len()), out=indptr[1:])
    from ._credible_kernel import credible_flags  # lazy: numba

    flags = credible_flags(indptr, t.astype(np.int64))
    out = coded.select("source", "target", credible=pl.Series(flags, dtype=pl.Boolean))
    if not reciprocity:
        return out
    eng = engagement_pairs(ds)
    mutual = eng.join(eng.rename({"source": "target", "target": "source"}),
                      on=["source", "target"])
    bad = mutual
    if closure is not None and mutual.height:
        bad = pl.concat([mutual, _pod_closing(eng, mutual, closure)]).unique()
    bad = bad.with_columns(_bad=pl.lit(True))
    return out.join(bad, on=["source", "target"], how="left", maintain_order="left").select(
        "source", "target", credible=pl.col("credible") & ~pl.col("_bad").fill_null(False))


def _pod_closing(eng: pl.DataFrame, mutual: pl.DataFrame, closure: int) -> pl.DataFrame:
    """Engagement pairs (s, v) where v also engages ≥ ``closure`` mutual partners of s."""
    # (s, x) mutual and v engages x: one row per closed triangle s-x-v
    tri = mutual.rename({"target": "x"}).join(
        eng.rename({"source": "x", "target": "v"}), on="x").filter(pl.col("v") != pl.col("source"))
    counts = tri.group_by("source", "v").len().filter(pl.col("len") >= closure)
    return counts.select("source", target="v").join(eng, on=["source", "target"], how="semi")


def credible_dataset(ds: Dataset, *, reciprocity: bool = True,
                     closure: int | None = POD_CLOSURE) -> Dataset:
    """``ds`` with only its credible follows and engagements (posts are all kept).

    ``reciprocity`` and ``closure`` are those of :func:`credible_pairs`.

    Each kept engagement's ``target_user`` is set to its exposure source, resolved on
    the whole log, so dropping a link never changes who gets the credit for another.
    The user universe is unchanged: every user keeps a row.

    Returns
    -------
    Dataset
        Same users, posts and probabilities; the follow rows and engagement events of
        non-credible pairs removed.
    """
    bad = credible_pairs(ds, reciprocity=reciprocity, closure=closure).filter(
        ~pl.col("credible"))
    bad = bad.select("source", "target")
    if bad.height == 0:
        return ds
    follows = ds.follows
    if follows is not None:
        follows = follows.join(
            bad.rename({"source": "followee", "target": "follower"}),
            on=["followee", "follower"], how="anti", maintain_order="left",
        )
    ev = with_exposure_source(ds.events)
    engagement = pl.col("action").cast(pl.String).is_in(list(CHANNELS)) & pl.col(
        "source"
    ).is_not_null()
    flagged = ev.join(
        bad.with_columns(_drop=pl.lit(True)).rename({"target": "user"}),
        on=["source", "user"], how="left", maintain_order="left",
    )
    keep = flagged.filter(~(engagement & pl.col("_drop").fill_null(False)))
    events = keep.with_columns(
        target_user=pl.when(engagement).then(pl.col("source")).otherwise(pl.col("target_user"))
    ).select(ds.events.columns)
    return dataclasses.replace(ds, events=events, follows=follows)
