"""Round-2 candidates, each a function of the pre-split log only (no truth, no per-world knob)."""
from __future__ import annotations
import numpy as np, polars as pl
from scipy.optimize import minimize_scalar
from scipy.special import gammaln
from est import Log, eb_rates, calibrate_outward, nb_loglik
from pp import item_tables, NBMixed


def _dm_concentration(counts, pi):
    """Dirichlet-multinomial ML concentration c of per-user topic counts around shares pi."""
    n = counts.sum(1)
    m = n > 0
    C = counts[m]; nn = n[m]
    def nll(lc):
        c = np.exp(lc); a = c * pi
        return -(gammaln(c) - gammaln(nn + c) + (gammaln(C + a) - gammaln(a)).sum(1)).sum()
    return float(np.exp(minimize_scalar(nll, bounds=(-5, 10), method="bounded").x))


def nb_fit(before, topics=True):
    """Fit the per-item NB mixed model; returns per-user predicted first hop per future root post."""
    L = Log(before)
    f = eb_rates(L, receiver=True)
    items, posts = item_tables(before, L.names)
    n = L.n
    u = items["u"].to_numpy(); k = items["k"].to_numpy()
    resh = (~items["is_post"]).to_numpy().astype(float)
    info = {}
    use_topics = topics and "topic" in items.columns and items["topic"].n_unique() > 1
    S = f["S"]
    if use_topics:
        tn = sorted(x for x in items["topic"].unique().to_list() if x is not None)
        tix = {x: i for i, x in enumerate(tn)}
        T = len(tn)
        ti = np.array([tix.get(x, -1) for x in items["topic"].to_list()])
        ok = ti >= 0
        # items of w per topic, adoptions made by v per topic (a re-share item of v is an adoption)
        n_wt = np.zeros((n, T)); np.add.at(n_wt, (u[ok], ti[ok]), 1.0)
        A_vt = np.zeros((n, T)); ad = ok & (resh > 0); np.add.at(A_vt, (u[ad], ti[ad]), 1.0)
        X_vt = np.stack([np.bincount(L.dst, weights=(n_wt[:, j] * f["r_hat"])[L.src], minlength=n)
                         for j in range(T)], 1)
        sv = f["s_hat"]
        mu = np.repeat(sv[:, None], T, 1)
        m = X_vt > 0
        fb = lambda lb: -nb_loglik(A_vt[m], X_vt[m], mu[m], np.exp(lb)).sum()
        beta_t = float(np.exp(minimize_scalar(fb, bounds=(-6, 10), method="bounded").x))
        s_vt = sv[:, None] * (beta_t + A_vt) / (beta_t + X_vt * sv[:, None])
        S_ut = np.stack([np.bincount(L.src, weights=s_vt[L.dst, j], minlength=n) for j in range(T)], 1)
        xs_item = np.where(ok, np.log(S_ut[u, np.maximum(ti, 0)] + 0.1), np.log(S[u] + 0.1))
        # posting mix, Dirichlet-multinomial smoothed
        P_ut = np.zeros((n, T))
        pj = np.array([tix.get(x, -1) for x in posts["topic"].to_list()]); pu = posts["u"].to_numpy()
        np.add.at(P_ut, (pu[pj >= 0], pj[pj >= 0]), 1.0)
        pi = (P_ut.sum(0) + 0.5) / (P_ut.sum() + 0.5 * T)
        cdm = _dm_concentration(P_ut, pi)
        mix = (P_ut + cdm * pi) / (P_ut.sum(1, keepdims=True) + cdm)
        info.update(beta_topic=beta_t, dm_conc=cdm, n_topics=T)
    else:
        xs_item = np.log(S[u] + 0.1)
        s_vt = f["s_hat"][:, None]; S_ut = S[:, None]
        mix = np.ones((n, 1))
    X = np.column_stack([np.ones(u.size), xs_item, resh])
    mod = NBMixed(u, k, X, n).fit()
    rho = mod.posterior_rho()
    b0, g = mod.beta[0], mod.beta[1]
    if use_topics:
        mu_post = (mix * np.exp(b0 + g * np.log(S_ut + 0.1))).sum(1)
    else:
        mu_post = np.exp(b0 + g * np.log(S + 0.1))
    info.update(nb_beta=mod.beta.tolist(), nb_alpha=mod.alpha, nb_phi=mod.phi, rcv_beta=f["info"]["beta"])
    # propagated (branching series) per topic: p_uv,t = lam_u,t * s_vt / S_ut, re-share rate e^d
    lam_post = np.exp(b0 + g * np.log(S_ut + 0.1)) * rho[:, None]
    lam_resh = lam_post * np.exp(mod.beta[2])
    from scipy.sparse import csr_matrix
    sig_post = np.zeros(n)
    for j in range(S_ut.shape[1]):
        share = s_vt[L.dst, j] / np.maximum(S_ut[L.src, j], 1e-12)
        PR = csr_matrix((np.minimum(lam_resh[L.src, j] * share, 1.0), L.dst, L.indptr), shape=(n, n))
        PP = csr_matrix((np.minimum(lam_post[L.src, j] * share, 1.0), L.dst, L.indptr), shape=(n, n))
        sr = np.ones(n)
        for _ in range(6):
            sr = 1 + PR @ sr
        sig_post += mix[:, j] * (PP @ sr)
    return dict(L=L, f=f, items=items, posts=posts, model=mod, rho=rho, mu_post=mu_post,
                m_post=mu_post * rho, m_series=sig_post, info=info)


def heldout_scale(before, topics=True, key="m_post", r1=None):
    """Fit on the first half of the pre-split window, predict the second half's root posts:
    c = sum_j D_j / sum_j m1_u(j) (Poisson ML of one scale), and the held-out slope."""
    ts = before.events["timestamp"]
    tm = ts.min() + (ts.max() - ts.min()) / 2
    from influence_graph.compare.validity import split_dataset
    b1, _, _ = split_dataset(before, tm)
    r1 = r1 or nb_fit(b1, topics=topics)
    _, posts = item_tables(before, r1["L"].names)
    p2 = posts.filter(pl.col("time") >= tm)
    m1 = r1[key][p2["u"].to_numpy()]
    D = p2["D"].to_numpy()
    c = float(D.sum() / m1.sum())
    # held-out calibration slope (per-user means, users with >= 1 second-half post)
    g = pl.DataFrame({"u": p2["u"], "y": 1 + D, "x": 1 + c * m1}).group_by("u").agg(
        pl.col("y").mean(), pl.col("x").first())
    x, y = g["x"].to_numpy(), g["y"].to_numpy()
    xc = x - x.mean()
    slope = float((xc * (y - y.mean())).sum() / (xc * xc).sum())
    # two-constant held-out recalibration of the outward part: y - 1 = a + b * c * m1
    b = slope; a = float(y.mean() - 1 - b * (x.mean() - 1))
    return c, slope, r1, (a, b)


def all_candidates(before):
    out, info = {}, {}
    L = Log(before)
    f = eb_rates(L, receiver=True)
    out["eb_src_rcv_first_cal"], info["cal_ref"] = calibrate_outward(L, 1 + f["m_hat"])
    r = nb_fit(before, topics=True)
    info["nbt"] = r["info"]
    r1 = None
    for key, tag in (("m_post", "nbt"), ("m_series", "nbt_ser")):
        c_ho, slope_ho, r1, (a, b) = heldout_scale(before, topics=True, key=key, r1=r1)
        out[f"{tag}_ho"] = 1 + c_ho * r[key]
        out[f"{tag}_ho2"] = 1 + np.maximum(a + b * c_ho * r[key], 0)
        info[tag + "_cal"] = dict(c_ho=c_ho, slope_ho=slope_ho, a=a, b=b)
    return out, info
