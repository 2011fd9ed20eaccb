"""Simulation stages of the cascade world: follower graph, cascades, engagements, scale.

Private helper of :mod:`influence_graph.datasets.cascade_world` (formulas documented
there).

*Graph.* Users join one at a time; each newcomer follows earlier users chosen with
probability ∝ ``followers + δ`` (linear preferential attachment, in-degree tail
``k^-γ`` with ``γ = 2 + δ / m``), then each follow is returned with a fixed
probability. The sequential draw is vectorised: a "copy" draw takes the followee of a
uniformly chosen earlier edge (choosing ∝ followers), so every edge holds its own
uniform pick or points at an earlier edge, and pointer jumping resolves the chains.

*Cascades.* :func:`cascades` runs the independent cascade model for every post in lock
step, one generation per numpy pass: a holder tries each follower once with
``p = min(1, c · a_holder · b_follower · θ_follower[topic])``; a follower already
holding the post is skipped, and when several holders reach the same follower in one
generation the earliest arrival wins. Delays are exponential (at least 1 µs).

Examples
--------
>>> import numpy as np
>>> from influence_graph.datasets._cw_sim import attachment_graph, cascades, csr
>>> g = attachment_graph(np.random.default_rng(1), 200, mean_following=6,
...                      reciprocity=0.3, exponent=2.5)
>>> bool((g.follower != g.followee).all()), bool((g.since < 0).all())
(True, True)

A chain 0 → 1 → 2 (each follows the previous) with certain transmission:

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

__all__ = [
    "FollowGraph", "attachment_graph", "Adoptions", "cascades", "csr", "engagements",
    "calibrate_scale", "US_PER_DAY",
]

US_PER_DAY = 86_400 * 1_000_000
#: The network grew during the two years before the observation window.
HISTORY_DAYS = 730


@dataclass(frozen=True, eq=False)
class FollowGraph:
    """Follow edges ``follower -> followee`` (user indices), sorted by (follower, followee).

    ``since`` is the formation time in µs relative to the window start (negative);
    ``joined`` the rank at which each user joined (0 = first).
    """

    follower: np.ndarray
    followee: np.ndarray
    since: np.ndarray
    joined: np.ndarray


def _resolve(ptr: np.ndarray, value: np.ndarray) -> np.ndarray:
    """Follow ``ptr`` chains (``ptr[j] <= j``, fixed points hold values) to their ends."""
    while True:
        nxt = ptr[ptr]
        if np.array_equal(nxt, ptr):
            return value[ptr]
        ptr = nxt


def attachment_graph(
    rng: np.random.Generator,
    n: int,
    *,
    mean_following: float,
    reciprocity: float,
    exponent: float,
) -> FollowGraph:
    """Draw the follower graph of ``n`` users (see the module docstring).

    Parameters
    ----------
    rng : numpy.random.Generator
    n : int
    mean_following : float
        Mean number of follows a newcomer makes (``1 + Poisson(Gamma)``, capped at the
        number of earlier users); repeats are dropped.
    reciprocity : float
        Probability that a follow is returned (when the reverse edge does not exist).
    exponent : float
        In-degree exponent γ > 2 of the attachment; sets ``δ = (γ − 2)·mean_following``.
    """
    joined = rng.permutation(n).astype(np.int64)  # joined[user] = arrival rank
    by_rank = np.argsort(joined)  # by_rank[rank] = user
    extra = rng.poisson(rng.gamma(2.0, max(mean_following - 1.0, 1e-9) / 2.0, n))
    m = np.minimum(1 + extra, np.arange(n)).astype(np.int64)  # newcomer r follows m[r]
    offset = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(m, out=offset[1:])
    total = int(offset[-1])
    owner = np.repeat(np.arange(n, dtype=np.int64), m)  # rank of the newcomer
    before = offset[owner].astype(float)  # edges that exist when the newcomer joins
    delta = (exponent - 2.0) * mean_following
    copy = rng.random(total) < before / (before + delta * owner)
    pick = rng.random(total)
    ptr = np.where(copy, (pick * before).astype(np.int64), np.arange(total))
    value = np.where(copy, -1, (pick * owner).astype(np.int64))
    target = _resolve(ptr, value)  # rank of the followee, always < owner
    key = np.unique(owner * n + target)
    f_rank, g_rank = key // n, key % n
    # the newcomer's follows happen within a day of joining
    history = HISTORY_DAYS * US_PER_DAY
    join_time = -history + (np.arange(n) + rng.random(n)) / n * history
    t = join_time[f_rank] + rng.random(key.size) * US_PER_DAY
    since = np.minimum(t, -1.0)
    # follow-backs: the followee returns the follow, some time before the window
    back = rng.random(key.size) < reciprocity
    back_since = since[back] + rng.random(int(back.sum())) * -since[back]
    follower = np.concatenate([by_rank[f_rank], by_rank[g_rank[back]]])
    followee = np.concatenate([by_rank[g_rank], by_rank[f_rank[back]]])
    since = np.concatenate([since, np.minimum(back_since, -1.0)]).astype(np.int64)
    order = np.lexsort((followee, follower))
    return FollowGraph(follower[order], followee[order], since[order], joined)



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


def spectral_radius(src: np.ndarray, dst: np.ndarray, w: np.ndarray, n: int) -> float:
    """Largest eigenvalue of ``M[src, dst] = w ≥ 0`` (power iteration on ``M + I``)."""
    x, ratio = np.full(n, 1.0 / n), 1.0
    for _ in range(300):
        y = x + np.bincount(dst, weights=w * x[src], minlength=n)
        ratio = float(y.sum())  # x ≥ 0 sums to 1, so this tends to ρ + 1
        x = y / ratio
    return ratio - 1.0


def calibrate_scale(
    seed: int, indptr: np.ndarray, dst: np.ndarray, src: np.ndarray, *, a: np.ndarray,
    b: np.ndarray, theta: np.ndarray, rate: np.ndarray, target: float, n_roots: int = 4000,
) -> float:
    """The scale ``c`` whose untruncated mean cascade size is ``target`` (bisection).

    Roots are drawn ∝ post rate with topics from the author's θ; every evaluation
    reuses the same random stream (common random numbers), so the estimated mean size
    is a smooth, near-monotone function of ``c``. The bracket starts at the critical
    scale ``1 / max_k ρ_k`` (ρ_k the spectral radius of topic ``k``'s weights).
    """
    rng = np.random.default_rng(seed)
    n, K = theta.shape
    users = rng.choice(n, size=n_roots, p=rate / rate.sum())
    cum = np.cumsum(theta[users], axis=1)
    topics = np.minimum((rng.random(n_roots)[:, None] > cum).sum(axis=1), K - 1)
    cascade_seed = int(rng.integers(2**62))
    radius = max(spectral_radius(src, dst, a[src] * b[dst] * theta[dst, k], n) for k in range(K))
    if radius <= 0:
        return 0.0

    def mean_size(c: float) -> float:
        ad = cascades(np.random.default_rng(cascade_seed), indptr, dst, a=a, b=b, theta=theta,
                      scale=c, root_user=users, root_topic=topics, root_time=np.zeros(n_roots),
                      end_us=np.inf, delay_us=1.0)
        return 1.0 + ad.user.size / n_roots

    lo = hi = 1.0 / radius
    for _ in range(30):  # bracket: mean_size(lo) <= target <= mean_size(hi), or give up
        if mean_size(hi) >= target:
            break
        lo, hi = hi, hi * 2.0
    while lo > 1e-12 and mean_size(lo) > target:
        lo /= 2.0
    for _ in range(20):
        mid = float(np.sqrt(lo * hi))
        lo, hi = (mid, hi) if mean_size(mid) < target else (lo, mid)
    return float(np.sqrt(lo * hi))
