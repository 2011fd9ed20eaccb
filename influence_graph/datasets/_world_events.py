"""Posts, cascades, replies and mentions of the synthetic world, as integer arrays.

Private helper of :mod:`influence_graph.datasets.synthetic` (formulas documented there).
Users, topics and platforms are integer codes here; ``synthetic`` turns them into the
canonical string tables.

Examples
--------
>>> from influence_graph.datasets._world_events import ACTION_CODES
>>> ACTION_CODES["post"], ACTION_CODES["mention"]
(0, 4)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._world_cascades import simulate

__all__ = ["ACTION_CODES", "EventArrays", "categorical", "make_events"]

ACTION_CODES = {"post": 0, "retweet": 1, "quote": 2, "reply": 3, "mention": 4}
#: The viral post of a topic expert is re-drawn (from its own stream) at most this often
#: until its cascade is larger than each of the expert's other posts.
VIRAL_ATTEMPTS = 50


@dataclass(frozen=True, eq=False)
class EventArrays:
    """One entry per event, in creation order (roots first, then adoptions, replies, mentions).

    ``parent`` and ``root`` are event indices (``-1`` for none); ``target`` a user code
    (``-1`` for posts); ``depth`` is 0 for roots and ``-1`` outside cascades.
    """

    user: np.ndarray
    action: np.ndarray
    target: np.ndarray
    parent: np.ndarray
    root: np.ndarray
    depth: np.ndarray
    time: np.ndarray
    topic: np.ndarray
    viral: np.ndarray  # bool per event: belongs to a planted viral cascade
    n_roots: int


def categorical(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One draw per row of the row-stochastic matrix ``probs``."""
    cum = np.cumsum(probs, axis=1)
    u = rng.random(probs.shape[0]) * cum[:, -1]
    return np.minimum((cum < u[:, None]).sum(axis=1), probs.shape[1] - 1)


def _followers_csr(indptr: np.ndarray, dst: np.ndarray, users: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A uniformly chosen follower of each user (``-1`` when they have none)."""
    cnt = indptr[users + 1] - indptr[users]
    pick = indptr[users] + (rng.random(users.size) * cnt).astype(np.int64)
    return np.where(cnt > 0, dst[np.minimum(pick, dst.size - 1)], -1)


def make_events(
    rngs: dict[str, np.random.Generator],
    *,
    indptr: np.ndarray,
    dst: np.ndarray,
    following_indptr: np.ndarray,
    following_dst: np.ndarray,
    P: np.ndarray,
    posting_rate: np.ndarray,
    post_mix: np.ndarray,
    main_topic: np.ndarray,
    experts: np.ndarray,
    window_us: int,
    days: float,
    viral_boost: float,
    p_max: float,
    quote_share: float,
    reply_rate: float,
    mention_share: float,
    delay_median_us: float,
    delay_sigma: float = 1.2,
) -> EventArrays:
    """Simulate every event of the window (times in µs from the window start)."""
    rp, rc, rx = rngs["posts"], rngs["cascades"], rngs["extras"]
    n, T = post_mix.shape
    # ordinary root posts
    n_posts = rp.poisson(posting_rate * days)
    author = np.repeat(np.arange(n, dtype=np.int64), n_posts)
    topic = categorical(rp, post_mix[author])
    t0 = rp.integers(0, window_us, author.size)
    sim = dict(end_time=window_us, delay_median_us=delay_median_us, delay_sigma=delay_sigma, p_max=p_max)
    ad = simulate(rc, indptr, dst, P, root_user=author, root_topic=topic, root_time=t0, **sim)
    size = 1 + np.bincount(ad.cascade, minlength=author.size)
    # one viral off-topic post per topic expert, re-drawn until it beats their other posts
    v_user, v_topic, v_time, v_ad = [], [], [], []
    for e in experts.tolist():
        others = size[author == e]
        best = None
        for _ in range(VIRAL_ATTEMPTS):
            off = (main_topic[e] + 1 + rp.integers(0, T - 1)) % T
            when = rp.integers(0, max(1, window_us // 2))
            a = simulate(rc, indptr, dst, P, root_user=np.array([e]), root_topic=np.array([off]),
                         root_time=np.array([when]), root_boost=np.array([viral_boost]), **sim)
            if best is None or a.user.size > best[3].user.size:
                best = (e, off, when, a)
            if a.user.size + 1 > (others.max() if others.size else 1):
                break
        assert best is not None
        v_user.append(best[0]); v_topic.append(best[1]); v_time.append(best[2]); v_ad.append(best[3])
    # events: roots (ordinary then viral), adoptions (ordinary then viral)
    R0, V = author.size, len(v_user)
    roots_user = np.concatenate([author, np.array(v_user, dtype=np.int64)])
    roots_topic = np.concatenate([topic, np.array(v_topic, dtype=np.int64)])
    roots_time = np.concatenate([t0, np.array(v_time, dtype=np.int64)])
    R = R0 + V
    ad_c, ad_u, ad_par, ad_t, ad_d = [ad.cascade], [ad.user], [ad.parent], [ad.time], [ad.depth]
    offset = R + ad.user.size  # event index of the first viral adoption
    for i, a in enumerate(v_ad):
        # viral cascade i: its root is event R0 + i, its adoption j is event offset + j
        par = np.where(a.parent == 0, R0 + i, a.parent - 1 + offset)
        ad_c.append(np.full(a.user.size, R0 + i)); ad_u.append(a.user); ad_par.append(par)
        ad_t.append(a.time); ad_d.append(a.depth)
        offset += a.user.size
    c, u, par, t, d = (np.concatenate(x).astype(np.int64) for x in (ad_c, ad_u, ad_par, ad_t, ad_d))
    # ordinary adoptions' parents: root k is event k, adoption j is event R0 + j -> shift by V
    n_ord = ad.user.size
    par[:n_ord] = np.where(par[:n_ord] < R0, par[:n_ord], par[:n_ord] + V)
    user = np.concatenate([roots_user, u])
    parent = np.concatenate([np.full(R, -1), par])
    root = np.concatenate([np.arange(R), c])
    depth = np.concatenate([np.zeros(R, dtype=np.int64), d])
    time = np.concatenate([roots_time, t])
    ev_topic = np.concatenate([roots_topic, roots_topic[c]])
    action = np.concatenate([np.zeros(R, dtype=np.int64),
                             np.where(rx.random(u.size) < quote_share, 2, 1)])
    target = np.concatenate([np.full(R, -1), user[par]])
    viral = np.concatenate([np.arange(R) >= R0, c >= R0])
    # replies: Poisson(reply_rate) per ordinary post, from uniformly chosen followers of the author
    n_rep = rx.poisson(reply_rate, R0)
    rep_post = np.repeat(np.arange(R0), n_rep)
    replier = _followers_csr(indptr, dst, author[rep_post], rx)
    rep_time = t0[rep_post] + np.maximum(1, rx.lognormal(np.log(delay_median_us), delay_sigma, rep_post.size)).astype(np.int64)
    ok = (replier >= 0) & (rep_time <= window_us)
    rep_post, replier, rep_time = rep_post[ok], replier[ok], rep_time[ok]
    # mentions: with probability mention_share an ordinary post comes with a tweet mentioning
    # one of the accounts its author follows (same topic, within the following hour)
    m_post = np.flatnonzero(rx.random(R0) < mention_share)
    mentioned = _followers_csr(following_indptr, following_dst, author[m_post], rx)
    m_time = t0[m_post] + rx.integers(1, 3_600_000_000, m_post.size)
    ok = (mentioned >= 0) & (m_time <= window_us)
    m_post, mentioned, m_time = m_post[ok], mentioned[ok], m_time[ok]
    k_rep, k_men = rep_post.size, m_post.size
    return EventArrays(
        user=np.concatenate([user, replier, author[m_post]]),
        action=np.concatenate([action, np.full(k_rep, 3), np.full(k_men, 4)]),
        target=np.concatenate([target, author[rep_post], mentioned]),
        parent=np.concatenate([parent, rep_post, np.full(k_men, -1)]),
        root=np.concatenate([root, np.full(k_rep + k_men, -1)]),
        depth=np.concatenate([depth, np.full(k_rep + k_men, -1)]),
        time=np.concatenate([time, rep_time, m_time]),
        topic=np.concatenate([ev_topic, topic[rep_post], topic[m_post]]),
        viral=np.concatenate([viral, np.zeros(k_rep + k_men, dtype=bool)]),
        n_roots=R,
    )
