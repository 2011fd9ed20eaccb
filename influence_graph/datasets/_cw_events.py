"""Cascades and engagements of the cascade world, all posts at once.

Private helper of :mod:`influence_graph.datasets.cascade_world`. :func:`cascades` runs
the independent cascade model for every post in lock step, one generation per numpy
pass: every holder of a post tries each follower once with
``p = min(1, c · a_holder · b_follower · θ_follower[topic])``; a follower already
holding the post is skipped, and when several holders reach the same follower in the
same generation the earliest arrival wins. Delays are exponential (at least 1 µs).

Examples
--------
A chain 0 → 1 → 2 (each follows the previous) with certain transmission:

>>> import numpy as np
>>> from influence_graph.datasets._cw_events import cascades, csr
>>> indptr, order = csr(np.array([0, 1]), np.array([1, 2]), 3)
>>> ad = cascades(np.random.default_rng(0), indptr, np.array([1, 2])[order],
...               a=np.ones(3), b=np.ones(3), theta=np.ones((3, 1)), scale=1.0,
...               root_user=np.array([0]), root_topic=np.array([0]),
...               root_time=np.array([0]), end_us=10**12, delay_us=1e6)
>>> ad.user.tolist(), ad.parent.tolist(), ad.depth.tolist()
([1, 2], [0, 1], [1, 2])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Adoptions", "cascades", "csr", "engagements", "exp_delays"]


@dataclass(frozen=True, eq=False)
class Adoptions:
    """Adoptions in creation order: post ``i`` is event ``R + i`` (roots are ``0 … R-1``).

    ``cascade`` indexes the root; ``parent`` is the event the adopter got it from.
    """

    cascade: np.ndarray
    user: np.ndarray
    parent: np.ndarray
    time: np.ndarray
    depth: np.ndarray


def csr(src: np.ndarray, dst: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``indptr`` of the edges grouped by ``src`` and the permutation that groups them."""
    order = np.lexsort((dst, src))
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
    return indptr, order


def exp_delays(rng: np.random.Generator, mean_us: float, size: int) -> np.ndarray:
    """Exponential delays in whole µs, at least 1 (a child is strictly later)."""
    return np.maximum(1, rng.exponential(mean_us, size)).astype(np.int64)


def _in_sorted(sorted_keys: np.ndarray, keys: np.ndarray) -> np.ndarray:
    if sorted_keys.size == 0:
        return np.zeros(keys.size, dtype=bool)
    pos = np.minimum(np.searchsorted(sorted_keys, keys), sorted_keys.size - 1)
    return sorted_keys[pos] == keys


def _expand(indptr: np.ndarray, users: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For every out-edge of ``users``: the index of its user and the edge position."""
    start = indptr[users]
    cnt = indptr[users + 1] - start
    rep = np.repeat(np.arange(users.size), cnt)
    return rep, start[rep] + np.arange(int(cnt.sum())) - (np.cumsum(cnt) - cnt)[rep]


def _pick(
    rng: np.random.Generator, indptr: np.ndarray, nbr: np.ndarray, users: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """A uniformly chosen neighbour of each user, and whether the user has any."""
    deg = indptr[users + 1] - indptr[users]
    pos = indptr[users] + (rng.random(users.size) * deg).astype(np.int64)
    padded = np.append(nbr, -1)  # users without neighbours point past the end
    return padded[np.where(deg > 0, pos, nbr.size)], deg > 0


def cascades(
    rng: np.random.Generator,
    indptr: np.ndarray,
    dst: np.ndarray,
    *,
    a: np.ndarray,
    b: np.ndarray,
    theta: np.ndarray,
    scale: float,
    root_user: np.ndarray,
    root_topic: np.ndarray,
    root_time: np.ndarray,
    end_us: float,
    delay_us: float,
) -> Adoptions:
    """Run one IC cascade per root on the CSR follower lists ``(indptr, dst)``.

    Adoptions later than ``end_us`` are not made (nor, so, their descendants).
    """
    n = indptr.size - 1
    f_c = np.arange(root_user.size, dtype=np.int64)
    f_u, f_t, f_id = root_user.astype(np.int64), root_time.astype(np.int64), f_c.copy()
    seen = np.unique(f_c * n + f_u)
    parts: list[tuple[np.ndarray, ...]] = []
    next_id, depth = root_user.size, 0
    while f_c.size:
        depth += 1
        rep, e = _expand(indptr, f_u)
        v = dst[e]
        p = np.minimum(1.0, scale * a[f_u[rep]] * b[v] * theta[v, root_topic[f_c[rep]]])
        hit = rng.random(e.size) < p
        rep, v = rep[hit], v[hit]
        key = f_c[rep] * n + v
        fresh = ~_in_sorted(seen, key)
        rep, v, key = rep[fresh], v[fresh], key[fresh]
        t = f_t[rep] + exp_delays(rng, delay_us, key.size)
        order = np.lexsort((t, key))
        rep, v, key, t = rep[order], v[order], key[order], t[order]
        first = np.ones(key.size, dtype=bool)
        first[1:] = key[1:] != key[:-1]
        ok = first & (t <= end_us)
        rep, v, key, t = rep[ok], v[ok], key[ok], t[ok]
        seen = np.sort(np.concatenate([seen, key]), kind="stable")
        c = f_c[rep]
        parts.append((c, v, f_id[rep], t, np.full(c.size, depth, dtype=np.int64)))
        f_c, f_u, f_t = c, v, t
        f_id = np.arange(next_id, next_id + c.size, dtype=np.int64)
        next_id += c.size
    cols = [np.concatenate(x) for x in zip(*parts)] if parts else [np.zeros(0, np.int64)] * 5
    return Adoptions(*cols)


def engagements(
    rng: np.random.Generator,
    *,
    follower_indptr: np.ndarray,
    followers: np.ndarray,
    following_indptr: np.ndarray,
    following: np.ndarray,
    post_user: np.ndarray,
    post_time: np.ndarray,
    reply_rate: float,
    mention_rate: float,
    end_us: float,
    delay_us: float,
) -> tuple[np.ndarray, ...]:
    """Replies (from followers of the author) and mentions (of a followee) of the posts.

    Returns ``user, target, post, time, is_reply`` arrays: ``post`` indexes the post
    replied to (replies) or that prompted the mention (mentions).
    """
    n_rep = rng.poisson(reply_rate, post_user.size)
    post = np.repeat(np.arange(post_user.size), n_rep)
    author = post_user[post]
    r_user, ok = _pick(rng, follower_indptr, followers, author)
    r_time = post_time[post] + exp_delays(rng, delay_us, post.size)
    ok &= r_time <= end_us
    m_post = np.flatnonzero(rng.random(post_user.size) < mention_rate)
    m_author = post_user[m_post]
    m_target, m_ok = _pick(rng, following_indptr, following, m_author)
    m_time = post_time[m_post] + exp_delays(rng, delay_us, m_post.size)
    m_ok &= m_time <= end_us
    return (
        np.concatenate([r_user[ok], m_author[m_ok]]),
        np.concatenate([author[ok], m_target[m_ok]]),
        np.concatenate([post[ok], m_post[m_ok]]),
        np.concatenate([r_time[ok], m_time[m_ok]]),
        np.concatenate([np.ones(int(ok.sum()), bool), np.zeros(int(m_ok.sum()), bool)]),
    )
