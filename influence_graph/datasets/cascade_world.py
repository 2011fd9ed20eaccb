"""The cascade world: retweet cascades on a preferential-attachment follower graph.

A second synthetic generator, on a different mechanism from
:func:`~influence_graph.datasets.synthetic`: who adopts depends on a *pair* of traits,
the holder's persuasiveness and the follower's susceptibility and topic interest, and
the export convention of ``target_user`` is a knob (``attribution``).

Examples
--------
>>> from influence_graph.datasets.cascade_world import cascade_world
>>> ds = cascade_world(n_users=200, n_days=10, seed=1)
>>> ds.name, ds.n_users
('cascade_world', 200)
>>> sorted(ds.events["action"].unique().cast(str).to_list())
['mention', 'post', 'reply', 'retweet']
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Literal

import numpy as np
import polars as pl

from .._rng import SeedLike, as_generator, as_seed_sequence, seed_entropy, task_seeds
from .._validation import bad_param, check_choice, check_int, check_number
from ..io.dataset import Dataset, make_dataset
from ..io.schema import ACTIONS
from ._cw_sim import US_PER_DAY, attachment_graph, calibrate_scale, cascades, csr, engagements
from ._cw_truth import CascadeWorldTruth
from .synthetic import TOPIC_NAMES

__all__ = ["cascade_world", "CascadeWorldTruth"]

#: Independent random streams, one per stage (``task_seeds`` order; then the calibration
#: stream of ``c`` and the seed of the true-spread tables).
_STREAMS = ("traits", "graph", "posts", "cascades", "engagements")


def _series_or_null(names: pl.Series, idx: np.ndarray) -> pl.Series:
    out = names.gather(np.maximum(idx, 0))
    return out.to_frame("x").select(pl.when(pl.Series(idx >= 0)).then(pl.col("x"))).to_series()


def _timestamps(us: np.ndarray) -> pl.Series:
    return pl.Series(us, dtype=pl.Int64).cast(pl.Datetime("us")).dt.replace_time_zone("UTC")


def cascade_world(
    n_users: int = 3000,
    n_days: float = 30,
    *,
    seed: SeedLike = 7,
    attribution: Literal["parent", "root"] = "parent",
    n_topics: int = 5,
    mean_following: float = 10.0,
    reciprocity: float = 0.3,
    in_degree_exponent: float = 2.3,
    posts_per_day: float = 0.2,
    persuasiveness_sigma: float = 1.0,
    susceptibility_sigma: float = 0.8,
    topic_concentration: float = 0.5,
    mean_cascade: float = 3.0,
    delay_hours: float = 1.0,
    reply_rate: float = 0.05,
    mention_rate: float = 0.02,
    start: datetime = datetime(2024, 3, 1, tzinfo=timezone.utc),
    spread_rel_error: float = 0.05,
) -> Dataset:
    r"""Build a world of retweet cascades with planted ground truth (``ds.truth``).

    Parameters
    ----------
    n_users : int, default 3000
        Number of users (≥ 10); ids ``"u0000" …`` (zero-padded, so code order = string order).
    n_days : float, default 30
        Length of the window; nothing after its end is made.
    seed : int, SeedSequence, Generator or None, default 7
        One independent stream per stage (traits, graph, posts, cascades, engagements).
    attribution : {"parent", "root"}, default "parent"
        ``target_user`` of a retweet: the author of the re-shared item (``"parent"``) or
        the original author of the cascade (``"root"``, the cascade-aware export). Both
        keep ``parent_id`` = the re-shared item; nothing else differs.
    n_topics : int, default 5
        Number of topics K (≥ 1).
    mean_following : float, default 10
        Mean number of accounts a newcomer follows (before follow-backs; capped by the
        number of users who joined before).
    reciprocity : float in [0, 1], default 0.3
        Probability that a follow is returned.
    in_degree_exponent : float > 2, default 2.3
        Exponent γ of the in-degree tail ``P(followers = k) ~ k^-γ``.
    posts_per_day : float, default 0.2
        Median post rate (log-normal, log-sd 1), drawn independently of persuasiveness.
    persuasiveness_sigma, susceptibility_sigma : float, default 1.0 and 0.8
        Log-sd of ``a_u`` and ``b_v`` (log-normal, median 1).
    topic_concentration : float, default 0.5
        Dirichlet parameter of θ (small: users care about few topics).
    mean_cascade : float > 1, default 3
        Target of the calibration of ``c``: the expected size of a post's cascade (the
        post counted, untruncated by the window; the observed mean is a little lower).
        When the graph cannot reach it, ``c`` grows until every edge passes surely.
    delay_hours : float, default 1
        Mean of the exponential delay of an adoption or reply after its parent.
    reply_rate, mention_rate : float, default 0.05 and 0.02
        Poisson mean of replies per post (by followers of the author) and probability
        that a post comes with a mention of a followee; neither spreads.
    start : datetime, default 2024-03-01T00:00Z
        Start of the window (timezone-aware).
    spread_rel_error : float, default 0.05
        Precision of :meth:`CascadeWorldTruth.true_spread`.

    Returns
    -------
    Dataset
        ``name="cascade_world"``: canonical ``events`` (``post``, ``retweet``, ``reply``,
        ``mention``; ids ``"p…"``/``"e…"`` in time order; ``topics`` one element; no
        platform), ``follows``, ``users`` and ``truth`` (:class:`CascadeWorldTruth`).

    Raises
    ------
    InputValidationError
        A knob outside its range (rule ``BAD_PARAM``, naming the knob).
    TypeError
        A knob of the wrong type, or a bad ``seed``.

    Notes
    -----
    **Graph.** Users join in random order; newcomer ``v`` follows ``1 + Poisson(Gamma(2,
    (m − 1)/2))`` earlier users, each chosen ∝ ``followers + δ``, ``δ = (γ − 2)·m``
    (linear preferential attachment); each follow is returned w.p. ``reciprocity``.
    **Traits.** ``a_u, b_v ~ LogNormal``, ``θ_v ~ Dirichlet(topic_concentration)``,
    post rate ``r_u ~ LogNormal(ln posts_per_day, 1)``, all independent. A user posts
    ``Poisson(r_u · n_days)`` times at uniform times, each on topic ``k ~ θ_u``.
    **Cascades** (independent cascade, Kempe et al. 2003). A holder ``u`` of a topic-``k``
    post has one chance per follower ``v``:

    .. math:: p_{u \to v, k} = \min(1,\; c \cdot a_u \cdot b_v \cdot \theta_{v,k})

    The adoption is a ``retweet`` with ``parent_id`` the holder's item, after an
    exponential delay; the earliest arrival wins within a generation. The scale ``c``
    is set by bisection (on its own stream) so that 4,000 simulated posts, authors
    drawn ∝ post rate, reach ``mean_cascade`` on average.

    Examples
    --------
    >>> from influence_graph.datasets.cascade_world import cascade_world
    >>> ds = cascade_world(n_users=300, n_days=20, seed=3)
    >>> ds.events.columns
    ['event_id', 'user', 'action', 'target_user', 'post_id', 'parent_id', 'timestamp',
     'topics', 'platform']
    >>> cascade_world(n_users=300, n_days=20, seed=3).events.equals(ds.events)
    True
    >>> t = ds.truth
    >>> t.users.columns[:4], t.topics[:2]
    (['user', 'persuasiveness', 'susceptibility', 'post_rate'], ('science', 'politics'))
    >>> round(float(t.posts["size"].mean()), 1)
    3.3
    >>> s = t.true_spread(rel_error=0.2)
    >>> s.columns, bool(s["spread"].min() >= 1)
    (['user', 'spread', 'outward', 'se', 'rank'], True)
    """
    check_int("n_users", n_users, low=10)
    check_number("n_days", n_days, low=0, low_open=True)
    check_choice("attribution", attribution, ("parent", "root"))
    check_int("n_topics", n_topics, low=1)
    check_number("mean_following", mean_following, low=1)
    check_number("reciprocity", reciprocity, low=0, high=1)
    check_number("in_degree_exponent", in_degree_exponent, low=2, low_open=True)
    for name, v in (("posts_per_day", posts_per_day), ("topic_concentration", topic_concentration),
                    ("delay_hours", delay_hours)):
        check_number(name, v, low=0, low_open=True)
    for name, v in (("persuasiveness_sigma", persuasiveness_sigma),
                    ("susceptibility_sigma", susceptibility_sigma), ("reply_rate", reply_rate)):
        check_number(name, v, low=0)
    check_number("mean_cascade", mean_cascade, low=1, low_open=True)
    check_number("mention_rate", mention_rate, low=0, high=1)
    check_number("spread_rel_error", spread_rel_error, low=0, high=1, low_open=True)
    if not isinstance(start, datetime) or start.tzinfo is None:
        raise bad_param("start", start, "be a timezone-aware datetime")
    params = dict(
        n_users=n_users, n_days=n_days, attribution=attribution, n_topics=n_topics,
        mean_following=mean_following, reciprocity=reciprocity,
        in_degree_exponent=in_degree_exponent, posts_per_day=posts_per_day,
        persuasiveness_sigma=persuasiveness_sigma, susceptibility_sigma=susceptibility_sigma,
        topic_concentration=topic_concentration, mean_cascade=mean_cascade, delay_hours=delay_hours,
        reply_rate=reply_rate, mention_rate=mention_rate, start=start,
        spread_rel_error=spread_rel_error,
    )
    n, K = int(n_users), int(n_topics)
    ss = as_seed_sequence(seed)
    rng = {k: as_generator(int(s)) for k, s in zip(_STREAMS, task_seeds(ss, len(_STREAMS)))}

    g_tr = rng["traits"]
    a = g_tr.lognormal(0.0, persuasiveness_sigma, n)
    b = g_tr.lognormal(0.0, susceptibility_sigma, n)
    theta = g_tr.dirichlet(np.full(K, float(topic_concentration)), n)
    rate = g_tr.lognormal(np.log(posts_per_day), 1.0, n)
    g = attachment_graph(rng["graph"], n, mean_following=float(mean_following),
                         reciprocity=float(reciprocity), exponent=float(in_degree_exponent))
    indptr, order = csr(g.followee, g.follower, n)  # content edges followee -> follower
    src, dst = g.followee[order], g.follower[order]
    scale = calibrate_scale(int(task_seeds(ss, 1, offset=len(_STREAMS))[0]), indptr, dst, src, a=a,
                            b=b, theta=theta, rate=rate, target=float(mean_cascade))
    P = np.minimum(1.0, scale * a[src, None] * b[dst, None] * theta[dst])

    g_p = rng["posts"]
    window = float(n_days) * US_PER_DAY
    root_user = np.repeat(np.arange(n), g_p.poisson(rate * float(n_days)))
    R = root_user.size
    root_time = (g_p.random(R) * window).astype(np.int64)
    cum = np.cumsum(theta, axis=1)
    root_topic = np.minimum((g_p.random(R)[:, None] > cum[root_user]).sum(axis=1), K - 1)
    delay_us = float(delay_hours) * 3600e6
    ad = cascades(rng["cascades"], indptr, dst, a=a, b=b, theta=theta, scale=scale,
                  root_user=root_user, root_topic=root_topic, root_time=root_time,
                  end_us=window, delay_us=delay_us)
    f_indptr, f_order = csr(g.follower, g.followee, n)
    e_user, e_target, e_post, e_time, is_reply = engagements(
        rng["engagements"], follower_indptr=indptr, followers=dst, following_indptr=f_indptr,
        following=g.followee[f_order], post_user=root_user, post_time=root_time,
        reply_rate=float(reply_rate), mention_rate=float(mention_rate), end_us=window,
        delay_us=delay_us)

    # one event array per column: roots, adoptions, engagements
    user = np.concatenate([root_user, ad.user, e_user])
    holder = user[ad.parent]
    credit = holder if attribution == "parent" else root_user[ad.cascade]
    action = np.concatenate([np.zeros(R, np.int64), np.ones(ad.user.size, np.int64),
                             np.where(is_reply, 3, 4)])
    target = np.concatenate([np.full(R, -1), credit, e_target])
    parent = np.concatenate([np.full(R, -1), ad.parent, np.where(is_reply, e_post, -1)])
    root = np.concatenate([np.arange(R), ad.cascade, e_post])
    time = np.concatenate([root_time, ad.time, e_time])
    m = user.size
    rank = np.empty(m, dtype=np.int64)
    rank[np.lexsort((np.arange(m), time))] = np.arange(m)
    ids = pl.Series(np.arange(m)).cast(pl.String).str.zfill(len(str(max(m - 1, 1))))
    post_ids, event_ids = ("p" + ids).gather(rank), ("e" + ids).gather(rank)
    names = pl.Series("user", [f"u{i:0{max(4, len(str(n - 1)))}d}" for i in range(n)])
    topic_names = pl.Series("topic", [TOPIC_NAMES[i] if i < len(TOPIC_NAMES) else f"topic{i + 1}"
                                      for i in range(K)])
    ts = _timestamps(int(start.timestamp() * 1_000_000) + time)
    events = pl.DataFrame({
        "event_id": event_ids, "user": names.gather(user),
        "action": pl.Series(ACTIONS).gather(action), "target_user": _series_or_null(names, target),
        "post_id": post_ids, "parent_id": _series_or_null(post_ids, parent), "timestamp": ts,
        "topic": topic_names.gather(root_topic[root]),
    }).with_columns(topics=pl.concat_list("topic")).drop("topic")
    follows = pl.DataFrame({"follower": names.gather(g.follower),
                            "followee": names.gather(g.followee),
                            "since": _timestamps(int(start.timestamp() * 1_000_000) + g.since)})

    A = ad.user.size
    a_idx = np.arange(R, R + A)
    a_order = np.argsort(rank[a_idx])
    cascades_t = pl.DataFrame({
        "post_id": post_ids.gather(a_idx), "user": names.gather(ad.user),
        "source_user": names.gather(holder), "parent_post_id": post_ids.gather(ad.parent),
        "root_post_id": post_ids.gather(ad.cascade),
        "root_user": names.gather(root_user[ad.cascade]),
        "depth": ad.depth, "topic": topic_names.gather(root_topic[ad.cascade]),
    })[a_order]
    max_depth = np.zeros(R, dtype=np.int64)
    np.maximum.at(max_depth, ad.cascade, ad.depth)
    r_order = np.argsort(rank[:R])
    posts = pl.DataFrame({
        "post_id": post_ids.gather(np.arange(R)), "user": names.gather(root_user),
        "topic": topic_names.gather(root_topic), "timestamp": ts.gather(np.arange(R)),
        "size": 1 + np.bincount(ad.cascade, minlength=R), "max_depth": max_depth,
    })[r_order]
    users_t = pl.DataFrame({
        "user": names, "persuasiveness": a, "susceptibility": b, "post_rate": rate,
        "main_topic": topic_names.gather(theta.argmax(axis=1)),
        "followers": np.bincount(g.followee, minlength=n),
        "following": np.bincount(g.follower, minlength=n),
        "posts": np.bincount(root_user, minlength=n), "joined": g.joined,
    })
    interests = pl.DataFrame({"user": names.gather(np.repeat(np.arange(n), K)),
                              "topic": topic_names.gather(np.tile(np.arange(K), n)),
                              "interest": theta.reshape(-1)})
    probabilities = pl.DataFrame({"source": names.gather(src), "target": names.gather(dst),
                                  "p": (theta[src] * P).sum(axis=1)})
    truth = CascadeWorldTruth(
        users=users_t, interests=interests, probabilities=probabilities, cascades=cascades_t,
        posts=posts, topics=tuple(topic_names.to_list()), scale=scale, attribution=attribution,
        params=params, spread_rel_error=float(spread_rel_error),
        spread_seed=int(task_seeds(ss, 1, offset=len(_STREAMS) + 1)[0] % (2**62)),
        _P=P, _theta=theta,
    )
    provenance = {
        "generator": "influence_graph.datasets.cascade_world", "seed": seed_entropy(ss),
        "params": {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in params.items()},
    }
    return make_dataset(events=events, follows=follows, users=names.to_frame(), truth=truth,
                        name="cascade_world", provenance=provenance)
