"""Candidate estimators of each user's expected cascade size per post (pre-split log only)."""
from __future__ import annotations
import numpy as np, polars as pl, numba
from scipy.optimize import minimize, minimize_scalar
from scipy.special import gammaln

RESHARE = ("retweet", "quote")


def fix_attribution(events: pl.DataFrame) -> pl.DataFrame:
    """target_user := author of the parent_id item whenever that item is in the log."""
    auth = events.filter(pl.col("post_id").is_not_null()).select(
        _pid="post_id", _pa="user").unique("_pid", keep="first")
    ev = events.join(auth, left_on="parent_id", right_on="_pid", how="left", maintain_order="left")
    return ev.with_columns(target_user=pl.coalesce("_pa", "target_user")).drop("_pa")


class Log:
    """Integer-indexed view of a (before-split) data set."""

    def __init__(self, ds, fix=True):
        users = ds.user_ids
        self.names = users
        self.n = n = users.len()
        idx = pl.DataFrame({"user": users, "i": pl.Series(np.arange(n), dtype=pl.Int64)})
        ev = fix_attribution(ds.events) if fix else ds.events
        ev = ev.with_columns(act=pl.col("action").cast(pl.String))
        self.has_posts = bool((ev["act"] == "post").any())
        self.has_parent = bool(ev["parent_id"].is_not_null().any())

        def ix(df, col, out):
            return df.join(idx.rename({"user": col, "i": out}), on=col, how="left")

        # items: posts + reshares carrying a post_id
        it = ev.filter(pl.col("act").is_in(["post", *RESHARE]), pl.col("post_id").is_not_null())
        it = ix(it, "user", "u")
        self.n_items = np.bincount(it["u"].to_numpy(), minlength=n).astype(float)
        posts = it.filter(pl.col("act") == "post")
        self.n_posts = np.bincount(posts["u"].to_numpy(), minlength=n).astype(float)
        ad = ev.filter(pl.col("act").is_in(list(RESHARE)), pl.col("target_user").is_not_null(),
                       pl.col("target_user") != pl.col("user"))
        ad = ix(ix(ad, "user", "v"), "target_user", "w")
        self.ad = ad
        self.K = np.bincount(ad["w"].to_numpy(), minlength=n).astype(float)      # first-hop received
        self.A = np.bincount(ad["v"].to_numpy(), minlength=n).astype(float)      # adoptions made
        # follower graph (followee -> follower) as CSR
        if ds.follows is not None:
            f = ix(ix(ds.follows, "followee", "s"), "follower", "t").select("s", "t").unique()
            s, t = f["s"].to_numpy(), f["t"].to_numpy()
        else:  # engagement graph: target_user -> user over all engagements
            e = ad.select(s="w", t="v").unique()
            s, t = e["s"].to_numpy(), e["t"].to_numpy()
        o = np.lexsort((t, s)); self.src, self.dst = s[o].astype(np.int64), t[o].astype(np.int64)
        self.indptr = np.concatenate([[0], np.cumsum(np.bincount(self.src, minlength=n))]).astype(np.int64)
        self.F = np.diff(self.indptr).astype(float)
        # past cascades of root posts (via parent chains)
        self.past_sizes = None
        if self.has_parent and self.has_posts:
            par = dict(zip(ad["post_id"].to_list(), ad["parent_id"].to_list()))
            root_user = dict(zip(posts["post_id"].to_list(), posts["u"].to_list()))
            cnt = {}
            for pid in ad["post_id"].to_list():
                q = par.get(pid); hops = 0
                while q in par and hops < 1000:
                    q = par[q]; hops += 1
                if q in root_user:
                    cnt[q] = cnt.get(q, 0) + 1
            D = np.zeros(n); 
            for q, u in root_user.items():
                D[u] += cnt.get(q, 0)
            self.D = D                                      # descendants of u's root posts
            self.past_mean = np.where(self.n_posts > 0, 1 + D / np.maximum(self.n_posts, 1), np.nan)


# ---------------------------------------------------------------- EB pieces

def nb_loglik(k, expo, mu, alpha):
    """Gamma-Poisson marginal: k ~ Poisson(expo * m), m ~ Gamma(alpha, rate alpha/mu)."""
    lam = expo * mu
    return (gammaln(k + alpha) - gammaln(alpha) - gammaln(k + 1)
            + alpha * np.log(alpha / (alpha + lam)) + k * np.log(np.where(lam > 0, lam, 1) / (alpha + lam)))


def fit_nb_reg(k, expo, x):
    """log mu = b0 + g*x, shape alpha; max marginal likelihood over units with expo > 0."""
    m = expo > 0
    k, expo, x = k[m], expo[m], x[m]
    def nll(th):
        b0, g, la = th
        return -nb_loglik(k, expo, np.exp(b0 + g * x), np.exp(la)).sum()
    r0 = max(k.sum() / expo.sum(), 1e-6)
    res = minimize(nll, [np.log(r0), 0.0, 0.0], method="Nelder-Mead",
                   options=dict(maxiter=4000, xatol=1e-5, fatol=1e-6))
    res = minimize(nll, res.x, method="L-BFGS-B")
    return res.x


def fit_gamma_mean1(k, X):
    """k ~ Poisson(X s), s ~ Gamma(beta, beta): max marginal likelihood beta."""
    m = X > 0
    f = lambda lb: -nb_loglik(k[m], X[m], 1.0, np.exp(lb)).sum()
    return float(np.exp(minimize_scalar(f, bounds=(-8, 10), method="bounded").x))


def eb_rates(L: Log, receiver=True, iters=4, covariate="audience"):
    """Two-sided EB: p_{uv} = r_u s_v.  Returns dict with m_hat (first hop per item),
    r_hat (per exposure), s_hat (receiver factor), fitted hyper-parameters."""
    n = L.n
    s = np.ones(n)
    src, dst, ip = L.src, L.dst, L.indptr
    info = {}
    for it in range(iters if receiver else 1):
        S = np.bincount(src, weights=s[dst], minlength=n)               # effective audience
        x = np.log(S + 0.1) if covariate == "audience" else np.zeros(n)
        b0, g, la = fit_nb_reg(L.K, L.n_items, x)
        alpha = np.exp(la); mu = np.exp(b0 + g * x)
        m_hat = (alpha + L.K) / (alpha / mu + L.n_items)
        r_hat = np.where(S > 0, m_hat / np.maximum(S, 1e-12), 0.0)
        if not receiver:
            break
        # receiver: A_v ~ Poisson(X_v s_v), X_v = sum over followees w of n_w r_w
        X = np.bincount(dst, weights=(L.n_items * r_hat)[src], minlength=n)
        beta = fit_gamma_mean1(L.A, X)
        s = (beta + L.A) / (beta + X)
        info["beta"] = beta
    info.update(b0=b0, gamma=g, alpha=alpha)
    return dict(m_hat=m_hat, r_hat=r_hat, s_hat=s, mu=mu, S=S, info=info)


@numba.njit(cache=True)
def _spread_mc(indptr, dst, p, R, seed):
    np.random.seed(seed)
    n = indptr.size - 1
    out = np.zeros(n)
    mark = np.full(n, -1, np.int64)
    queue = np.empty(n, np.int64)
    tag = 0
    for u in range(n):
        tot = 0
        for r in range(R):
            tag += 1
            mark[u] = tag; queue[0] = u; head, tail = 0, 1
            while head < tail:
                w = queue[head]; head += 1
                for e in range(indptr[w], indptr[w + 1]):
                    x = dst[e]
                    if mark[x] != tag and np.random.random() < p[e]:
                        mark[x] = tag; queue[tail] = x; tail += 1
            tot += tail
        out[u] = tot / R
    return out


def spread_mc(L: Log, p_edge, R=200, seed=0):
    return _spread_mc(L.indptr, L.dst, np.minimum(p_edge, 1.0), R, seed)


def spread_series(L: Log, p_edge, depth=6):
    """sigma = 1 + P sigma, truncated (branching approximation, overlaps ignored)."""
    from scipy.sparse import csr_matrix
    P = csr_matrix((np.minimum(p_edge, 1.0), L.dst, L.indptr), shape=(L.n, L.n))
    sig = np.ones(L.n)
    for _ in range(depth):
        sig = 1 + P @ sig
    return sig


def eb_models(L: Log, R=200, seed=0):
    out = {}
    for name, rec in (("eb_src", False), ("eb_src_rcv", True)):
        f = eb_rates(L, receiver=rec)
        p = f["r_hat"][L.src] * f["s_hat"][L.dst]
        out[name + "_first"] = 1 + f["m_hat"]
        out[name + "_ic"] = spread_mc(L, p, R=R, seed=seed)
        out[name + "_series"] = spread_series(L, p)
        out["_fit_" + name] = f
    return out


def shrink_to_past(L: Log, M, alpha=None):
    """(e') user factor rho ~ Gamma(alpha, alpha) on descendants of past root posts:
    D_u ~ Poisson(n_u (M_u - 1) rho_u); y = 1 + (M_u - 1)(alpha + D_u)/(alpha + n_u (M_u - 1))."""
    E = L.n_posts * np.maximum(M - 1, 1e-9)
    if alpha is None:
        alpha = fit_gamma_mean1(L.D, E)
    return 1 + (M - 1) * (alpha + L.D) / (alpha + E), alpha


def shrink_linear(L: Log, M):
    """(e) y = M + w (ybar - M), w = n/(n + kappa); kappa = sigma_w^2 / tau^2 by moments
    on the scale of (size - 1)/(M - 1) (relative deviations)."""
    # per-post relative sizes needed: approximate within variance from Poisson-ish ratio
    m = L.n_posts >= 2
    rel = (L.past_mean - 1) / np.maximum(M - 1, 1e-9)         # ratio ybar-1 over model
    # within-user variance of a single post's relative size ~ 1/(M-1) (Poisson) * phi
    # moment: Var(rel) = tau2 + E[phi/((M-1) n)]
    good = L.n_posts > 0
    v_tot = np.nanvar(rel[good])
    # phi estimated from dispersion of D around its expectation: Var(D)/E(D) pooled
    phi = 1.0
    tau2 = max(v_tot - np.mean(phi / (np.maximum(M[good] - 1, 1e-9) * L.n_posts[good])), 1e-6)
    kappa = phi / (tau2 * np.maximum(M - 1, 1e-9))
    w = L.n_posts / (L.n_posts + kappa)
    y = 1 + (M - 1) * np.where(good, 1 + w * (np.nan_to_num(rel, nan=1.0) - 1), 1)
    return y, tau2


def credit_distribution(L: Log, ev, trace=True, norm=False):
    """Goyal-Bonchi-Lakshmanan 2011 credit, per item of the user.
    trace=True: direct credit 1 to the parent (parent_id known).  trace=False: credit
    1/|N_in| split over v's followees who adopted the same cascade earlier (the paper)."""
    n = L.n
    ad = L.ad
    if trace:
        par = dict(zip(ad["post_id"].to_list(), ad["parent_id"].to_list()))
        who = dict(zip(ad["post_id"].to_list(), ad["v"].to_list()))
        credit = np.zeros(n)
        wA = 1.0 / np.maximum(L.A, 1) if norm else np.ones(n)
        items_user = None
        # item -> author for all items
        auth = {}
        for pid, u in zip(ad["post_id"].to_list(), ad["v"].to_list()):
            auth[pid] = u
        for pid, w in zip(ad["parent_id"].to_list(), ad["w"].to_list()):
            auth.setdefault(pid, w)
        for pid, v in who.items():
            q = par.get(pid); seen = set(); hops = 0
            while q is not None and hops < 1000:
                x = auth.get(q)
                if x is not None and x not in seen and x != v:
                    credit[x] += wA[v]; seen.add(x)
                q = par.get(q); hops += 1
        return 1 + credit / np.maximum(L.n_items, 1)
    raise NotImplementedError


def bb_loglik(k, n, mu, kappa):
    from scipy.special import betaln
    a, b = kappa * mu, kappa * (1 - mu)
    return betaln(k + a, n - k + b) - betaln(a, b)


def eb_variants(L: Log, f, R=1000, seed=0):
    """Extra variants on top of the two-sided EB fit f = eb_rates(L, receiver=True)."""
    out = {}
    n = L.n
    # (c-post) first hop from root posts only: K^post_u adoptions whose parent is u's post
    ad = L.ad
    isroot = ~ad["parent_id"].str.starts_with("r") if False else None
    par_is_post = ad.join(L.ad.select(pl.col("post_id").alias("parent_id"), _x=pl.lit(1)),
                          on="parent_id", how="left")["_x"].is_null().to_numpy()
    Kp = np.bincount(ad["w"].to_numpy()[par_is_post], minlength=n).astype(float)
    x = np.log(f["S"] + 0.1)
    b0, g, la = fit_nb_reg(Kp, L.n_posts, x)
    al = np.exp(la); mu = np.exp(b0 + g * x)
    out["eb_post_first"] = 1 + (al + Kp) / (al / mu + L.n_posts)
    # (c-ic, more samples) IC MC at R sims
    p = np.minimum(f["r_hat"][L.src] * f["s_hat"][L.dst], 1.0)
    out[f"eb_src_rcv_ic_R{R}"] = spread_mc(L, p, R=R, seed=seed)
    # (c-edge) edge level Beta-Binomial around mu_uv = r_u s_v, kappa by marginal likelihood
    key = pl.DataFrame({"s": L.src, "t": L.dst})
    kuv = ad.group_by(s="w", t="v").agg(k=pl.col("parent_id").n_unique())
    kk = key.join(kuv, on=["s", "t"], how="left")["k"].fill_null(0).to_numpy().astype(float)
    nn = L.n_items[L.src]
    kk = np.minimum(kk, nn)
    m = nn > 0
    pm = np.clip(p, 1e-6, 1 - 1e-6)
    fk = lambda lk: -bb_loglik(kk[m], nn[m], pm[m], np.exp(lk)).sum()
    kappa = float(np.exp(minimize_scalar(fk, bounds=(-5, 12), method="bounded").x))
    pe = (kk + kappa * pm) / (nn + kappa)
    out["eb_edge_series"] = spread_series(L, pe)
    out["eb_edge_first"] = 1 + np.bincount(L.src, weights=pe, minlength=n)
    # hybrid: EB first hop of u, then downstream sigma of followers from the series
    sig = spread_series(L, p)
    out["eb_first_x_mean_child"] = 1 + f["m_hat"] * np.average(sig, weights=np.maximum(L.A, 0) + 1e-12) \
        if L.A.sum() > 0 else 1 + f["m_hat"]
    return out, dict(kappa_edge=kappa, post_alpha=al, post_gamma=g)


def calibrate_outward(L: Log, M):
    """Global in-sample scale of the outward part: sigma = 1 + c (M - 1) with
    c = sum_u D_u / sum_u n^post_u (M_u - 1)  (pre-split root posts only, no truth)."""
    if not hasattr(L, "D"):
        return M, 1.0
    den = float((L.n_posts * (M - 1)).sum())
    c = float(L.D.sum()) / den if den > 0 else 1.0
    return 1 + c * (M - 1), c
