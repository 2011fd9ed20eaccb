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

from ._world_cascades import Adoptions, lognormal_delays, simulate

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


def _random_neighbour(
    indptr: np.ndarray, dst: np.ndarray, users: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """A uniformly chosen CSR neighbour of each user (``-1`` when they have none)."""
    cnt = indptr[users + 1] - indptr[users]
    pick = indptr[users] + (rng.random(users.size) * cnt).astype(np.int64)
    return np.where(cnt > 0, dst[np.minimum(pick, dst.size - 1)], -1)


def _viral_posts(
    rp: np.random.Generator,
    rc: np.random.Generator,
    experts: np.ndarray,
    own_sizes: list[np.ndarray],
    sim: dict,
) -> list[tuple[int, int, int, Adoptions]]:
    """One viral off-topic post per expert: (user, topic, time, cascade).

    The topic is uniform among the expert's other topics, the time uniform in the first
    half of the window, every probability multiplied by the boost; the post is re-drawn
    until its cascade is larger than each of the expert's other posts (at most
    ``VIRAL_ATTEMPTS`` times; the largest draw is kept).
    """
    T, window = sim["P"].shape[1], sim["end_time"]
    out = []
    for e, sizes in zip(experts.tolist(), own_sizes):
        to_beat = int(sizes.max()) if sizes.size else 1
        best: tuple[int, int, int, Adoptions] | None = None
        for _ in range(VIRAL_ATTEMPTS):
            off = int((sim["main_topic"][e] + 1 + rp.integers(0, T - 1)) % T)
            when = int(rp.integers(0, max(1, window // 2)))
            a = simulate(
                rc, sim["indptr"], sim["dst"], sim["P"], root_user=np.array([e]),
                root_topic=np.array([off]), root_time=np.array([when]),
                root_boost=np.array([sim["viral_boost"]]), **sim["timing"],
            )
            if best is None or a.user.size > best[3].user.size:
                best = (e, off, when, a)
            if 1 + a.user.size > to_beat:
                break
        assert best is not None
        out.append(best)
    return out


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
    """Simulate every event of the window (times in µs from the window start).

    Event layout: ordinary roots ``0 … R0-1``, viral roots ``R0 … R-1``, then the
    ordinary cascades' adoptions, the viral cascades' adoptions, replies, mentions.
    """
    rp, rc, rx = rngs["posts"], rngs["cascades"], rngs["extras"]
    n = post_mix.shape[0]
    timing = dict(end_time=window_us, delay_median_us=delay_median_us, delay_sigma=delay_sigma,
                  p_max=p_max)
    # ordinary root posts and their cascades
    author = np.repeat(np.arange(n, dtype=np.int64), rp.poisson(posting_rate * days))
    topic = categorical(rp, post_mix[author])
    t0 = rp.integers(0, window_us, author.size)
    ad = simulate(rc, indptr, dst, P, root_user=author, root_topic=topic, root_time=t0, **timing)
    size = 1 + np.bincount(ad.cascade, minlength=author.size)
    sim = dict(P=P, indptr=indptr, dst=dst, main_topic=main_topic, viral_boost=viral_boost,
               end_time=window_us, timing=timing)
    viral = _viral_posts(rp, rc, experts, [size[author == e] for e in experts.tolist()], sim)
    R0, V = author.size, len(viral)
    R = R0 + V
    roots_user = np.concatenate([author, np.array([v[0] for v in viral], dtype=np.int64)])
    roots_topic = np.concatenate([topic, np.array([v[1] for v in viral], dtype=np.int64)])
    roots_time = np.concatenate([t0, np.array([v[2] for v in viral], dtype=np.int64)])
    # adoptions with global event indices: an ordinary cascade's parent p (its root k < R0,
    # or adoption j at R0 + j) moves to p, or p + V past the viral roots
    ord_parent = np.where(ad.parent < R0, ad.parent, ad.parent + V)
    parts = [(ad.cascade, ad.user, ord_parent, ad.time, ad.depth)]
    offset = R + ad.user.size  # event index of the first viral adoption
    for i, (_, _, _, a) in enumerate(viral):
        # in a one-root run, the root is event 0 and adoption j is event 1 + j
        par = np.where(a.parent == 0, R0 + i, a.parent - 1 + offset)
        parts.append((np.full(a.user.size, R0 + i), a.user, par, a.time, a.depth))
        offset += a.user.size
    c, u, par, t, d = (np.concatenate(x).astype(np.int64) for x in zip(*parts))
    user = np.concatenate([roots_user, u])
    quote = rx.random(u.size) < quote_share
    action = np.where(quote, ACTION_CODES["quote"], ACTION_CODES["retweet"])
    # replies: Poisson(reply_rate) per ordinary post, from uniformly chosen followers of the author
    rep_post = np.repeat(np.arange(R0), rx.poisson(reply_rate, R0))
    replier = _random_neighbour(indptr, dst, author[rep_post], rx)
    rep_time = t0[rep_post] + lognormal_delays(rx, delay_median_us, delay_sigma, rep_post.size)
    ok = (replier >= 0) & (rep_time <= window_us)
    rep_post, replier, rep_time = rep_post[ok], replier[ok], rep_time[ok]
    # mentions: with probability mention_share an ordinary post comes with a tweet mentioning
    # one of the accounts its author follows (same topic, within the following hour)
    m_post = np.flatnonzero(rx.random(R0) < mention_share)
    mentioned = _random_neighbour(following_indptr, following_dst, author[m_post], rx)
    m_time = t0[m_post] + rx.integers(1, 3_600_000_000, m_post.size)
    ok = (mentioned >= 0) & (m_time <= window_us)
    m_post, mentioned, m_time = m_post[ok], mentioned[ok], m_time[ok]
    k_rep, k_men = rep_post.size, m_post.size
    none = np.full(k_rep + k_men, -1)
    return EventArrays(
        user=np.concatenate([user, replier, author[m_post]]),
        action=np.concatenate([
            np.full(R, ACTION_CODES["post"]), action,
            np.full(k_rep, ACTION_CODES["reply"]), np.full(k_men, ACTION_CODES["mention"]),
        ]),
        target=np.concatenate([np.full(R, -1), user[par], author[rep_post], mentioned]),
        parent=np.concatenate([np.full(R, -1), par, rep_post, np.full(k_men, -1)]),
        root=np.concatenate([np.arange(R), c, none]),
        depth=np.concatenate([np.zeros(R, dtype=np.int64), d, none]),
        time=np.concatenate([roots_time, t, rep_time, m_time]),
        topic=np.concatenate([roots_topic, roots_topic[c], topic[rep_post], topic[m_post]]),
        viral=np.concatenate([np.arange(R) >= R0, c >= R0, np.zeros(k_rep + k_men, dtype=bool)]),
        n_roots=R,
    )
