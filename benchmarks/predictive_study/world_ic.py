"""Independent IC world: follower graph, p = min(1, c*a_u*b_v*K*theta_{v,k}).

a (persuasiveness) ~ LN(0, sa), b (susceptibility) ~ LN(0, sb), theta_v ~ Dir(alpha)
(interest), posting topics phi_u ~ Dir (0.7 theta_u + 0.3 noise), Poisson posting with
rate ~ LN independent of a.  Follow choice prob ∝ fitness_u (Pareto) * (0.3 + K theta_u.theta_v).
Every activated user (root or re-sharer w) tries each follower x with p_{w->x,k}.
Export: convention "parent" (target_user = author of the parent item) or "original"
(target_user = root author; parent_id still the re-shared item).
"""
from __future__ import annotations
import numpy as np, polars as pl, numba
from datetime import datetime, timezone, timedelta

START = datetime(2024, 3, 1, tzinfo=timezone.utc)
US_DAY = 86_400_000_000


@numba.njit(cache=True)
def _cascade(root, k, indptr, dst, a, bK, theta, c, rng_u, mark, stamp):
    # returns list of (child, parent) via arrays; uses random numbers from rng_u stream
    pass


@numba.njit(cache=True)
def _mc_sizes(indptr, dst, a, b, thetaK, c, K, R, seed):
    """Expected cascade size sigma_k(u) for every user u and topic k (R sims each)."""
    np.random.seed(seed)
    n = indptr.size - 1
    out = np.zeros((n, K))
    mark = np.full(n, -1, np.int64)
    queue = np.empty(n, np.int64)
    tag = 0
    for u in range(n):
        for k in range(K):
            tot = 0
            for r in range(R):
                tag += 1
                mark[u] = tag
                queue[0] = u
                head, tail = 0, 1
                while head < tail:
                    w = queue[head]; head += 1
                    aw = c * a[w]
                    for e in range(indptr[w], indptr[w + 1]):
                        x = dst[e]
                        if mark[x] == tag:
                            continue
                        p = aw * b[x] * thetaK[x, k]
                        if p > 1.0:
                            p = 1.0
                        if np.random.random() < p:
                            mark[x] = tag
                            queue[tail] = x; tail += 1
                tot += tail
            out[u, k] = tot / R
    return out


@numba.njit(cache=True)
def _simulate(roots, topics, times, indptr, dst, a, b, thetaK, c, end, dmed, dsig, seed):
    """All cascades; returns (user, parent_item, item_time) of each adoption; item ids
    of adoptions are n_roots + row index; parent item ids likewise."""
    np.random.seed(seed)
    n = indptr.size - 1
    cap = 1 << 16
    au = np.empty(cap, np.int64); ap = np.empty(cap, np.int64); at = np.empty(cap, np.int64)
    m = 0
    mark = np.full(n, -1, np.int64)
    qu = np.empty(n, np.int64); qi = np.empty(n, np.int64); qt = np.empty(n, np.int64)
    nr = roots.size
    for ci in range(nr):
        u = roots[ci]; k = topics[ci]
        mark[u] = ci
        qu[0] = u; qi[0] = ci; qt[0] = times[ci]
        head, tail = 0, 1
        while head < tail:
            w = qu[head]; iw = qi[head]; tw = qt[head]; head += 1
            aw = c * a[w]
            for e in range(indptr[w], indptr[w + 1]):
                x = dst[e]
                if mark[x] == ci:
                    continue
                p = aw * b[x] * thetaK[x, k]
                if p > 1.0:
                    p = 1.0
                if np.random.random() < p:
                    t = tw + int(np.exp(np.log(dmed) + dsig * np.random.standard_normal())) + 1
                    if t > end:
                        continue
                    mark[x] = ci
                    if m == cap:
                        cap *= 2
                        au2 = np.empty(cap, np.int64); au2[:m] = au[:m]; au = au2
                        ap2 = np.empty(cap, np.int64); ap2[:m] = ap[:m]; ap = ap2
                        at2 = np.empty(cap, np.int64); at2[:m] = at[:m]; at = at2
                    au[m] = x; ap[m] = iw; at[m] = t
                    qu[tail] = x; qi[tail] = nr + m; qt[tail] = t; tail += 1
                    m += 1
        # BFS order is not time order, fine: each child time > parent time
    return au[:m], ap[:m], at[:m]


def world(seed=1, n=3000, K=6, days=30.0, mean_following=25.0, sa=1.0, sb=0.8,
          alpha=0.3, c=0.006, post_rate=0.25, post_sigma=0.8, tail=1.5, truth_R=200):
    rng = np.random.default_rng(seed)
    a = rng.lognormal(0.0, sa, n)
    b = rng.lognormal(0.0, sb, n)
    theta = rng.dirichlet(np.full(K, alpha), n)
    phi = 0.7 * theta + 0.3 * rng.dirichlet(np.full(K, alpha), n)
    rate = rng.lognormal(np.log(post_rate), post_sigma, n)          # independent of a
    fit = rng.pareto(tail, n) + 1.0
    # follow graph: v follows m_v users, prob ∝ fit_u * (0.3 + K theta_u . theta_v)
    m_v = np.clip(rng.negative_binomial(2, 2 / (2 + mean_following), n), 1, n - 1)
    sim = theta @ theta.T * K
    src, tgt = [], []
    for v in range(n):
        w = fit * (0.3 + sim[v]); w[v] = 0.0; w /= w.sum()
        fol = rng.choice(n, size=min(m_v[v], n - 1), replace=False, p=w)
        src.append(fol); tgt.append(np.full(fol.size, v))
    src = np.concatenate(src); tgt = np.concatenate(tgt)           # followee -> follower
    order = np.lexsort((tgt, src)); src, tgt = src[order], tgt[order]
    indptr = np.zeros(n + 1, np.int64); np.add.at(indptr, src + 1, 1); indptr = np.cumsum(indptr)
    thetaK = theta * K
    # posts
    end = int(days * US_DAY)
    npost = rng.poisson(rate * days)
    roots = np.repeat(np.arange(n), npost)
    ptime = rng.integers(0, end, roots.size)
    ptop = np.array([rng.choice(K, p=phi[u]) for u in roots], dtype=np.int64)
    o = np.argsort(ptime, kind="stable"); roots, ptime, ptop = roots[o], ptime[o], ptop[o]
    au, ap, at = _simulate(roots, ptop, ptime, indptr, tgt.astype(np.int64), a, b, thetaK,
                           c, end, 3.6e9, 1.2, int(rng.integers(1 << 30)))
    sig = _mc_sizes(indptr, tgt.astype(np.int64), a, b, thetaK, c, K, truth_R,
                    int(rng.integers(1 << 30)))
    truth = pl.DataFrame({"user": names(n), "post_spread": (phi * sig).sum(1),
                          "a": a, "b": b, "rate": rate, "followers": np.diff(indptr)})
    return dict(n=n, roots=roots, ptime=ptime, ptop=ptop, au=au, ap=ap, at=at, src=src,
                tgt=tgt, truth=truth, K=K)


def names(n):
    return [f"w{i:05d}" for i in range(n)]


def export(w, convention="parent", name=None):
    from influence_graph.io.dataset import make_dataset
    n = w["n"]; nm = np.array(names(n), dtype=object)
    nr = w["roots"].size
    item_user = np.concatenate([w["roots"], w["au"]])
    root_of = np.empty(nr + w["au"].size, np.int64); root_of[:nr] = np.arange(nr)
    # adoption rows are in BFS order per cascade; parents precede children
    for j, p in enumerate(w["ap"]):
        root_of[nr + j] = root_of[p]
    pid = np.array([f"p{i}" for i in range(nr)] + [f"r{j}" for j in range(w["au"].size)], dtype=object)
    if convention == "parent":
        tu = item_user[w["ap"]]
    else:
        tu = w["roots"][root_of[nr:]]
    topics = [f"t{k}" for k in range(w["K"])]
    t_us = np.concatenate([w["ptime"], w["at"]])
    ev = pl.DataFrame({
        "user": nm[item_user].tolist(),
        "action": ["post"] * nr + ["retweet"] * w["au"].size,
        "target_user": [None] * nr + nm[tu].tolist(),
        "post_id": pid.tolist(),
        "parent_id": [None] * nr + pid[w["ap"]].tolist(),
        "_t": t_us.astype("int64"),
    }, strict=False)
    ev = ev.with_columns(pl.col("action").cast(pl.Enum(["post", "retweet", "quote", "reply", "mention"])),
                         timestamp=pl.lit(START) + pl.duration(microseconds=pl.col("_t"))).drop("_t")
    ev = ev.with_columns(topics=pl.Series([[topics[k]] for k in w["ptop"][root_of]]))
    fol = pl.DataFrame({"follower": nm[w["tgt"]].tolist(), "followee": nm[w["src"]].tolist()}
                       ).with_columns(since=pl.lit(START - timedelta(days=30)).cast(pl.Datetime("us", "UTC")))
    users = pl.DataFrame({"user": names(n)})
    return make_dataset(events=ev, follows=fol, users=users, truth=w["truth"],
                        name=name or f"world_ic_{convention}")


if __name__ == "__main__":
    import time
    t = time.time(); w = world(1); print("gen", time.time() - t)
    ds = export(w, "parent"); print(ds, time.time() - t)
    tr = w["truth"]; print(tr.describe())
    print("adoptions", w["au"].size, "posts", w["roots"].size)
    import influence_graph as ig
    from scipy.stats import spearmanr
    print("rho(followers, truth)", spearmanr(tr["followers"], tr["post_spread"])[0])
