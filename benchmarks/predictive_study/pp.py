"""Per-item negative-binomial mixed model of first-hop re-shares (issue 14, study round 2).

Everything here is estimated from one (pre-split) log; nothing sees planted truth.

Units
-----
An *item* is one holding of a piece of content: a root post (u posted it) or a re-share
(u retweeted/quoted it).  For each item i of user u, k_i = number of users who got the
content from that item (children of u in that cascade, read from the package's
``cascades()`` reconstruction, i.e. from ``parent_id`` chains when present).  For each
root post j, D_j = observed cascade size − 1 (all generations), the unit of the future
target.

Model (per item; hypothesis (a) of the brief)
--------------------------------------------
    k_i | rho_u, eps_i ~ Poisson(mu_i rho_u eps_i),   eps_i ~ Gamma(phi, phi)   (post-level burst)
    rho_u ~ Gamma(alpha, alpha)                        (user factor, mean 1)
    log mu_i = b0 + g log(S_u + 0.1) + d [i is a re-share] (+ topic terms, see below)
so k_i | rho_u ~ NB(mean mu_i rho_u, shape phi).  S_u: receiver-aware effective audience
(est.eb_rates).  (b0, g, d, log alpha, log phi) maximise the marginal likelihood
prod_u ∫ prod_i NB(k_i; mu_i rho, phi) Gamma(rho; alpha, alpha) d rho (quadrature on a
log grid).  Posterior mean E[rho_u | k] by the same quadrature.
"""
from __future__ import annotations
import numpy as np, polars as pl
from scipy.optimize import minimize
from scipy.special import gammaln

from influence_graph.metrics.cascades import cascades as ig_cascades


def item_tables(ds, names):
    """items: u (int), cascade_id, is_post, k, topic; posts: u, cascade_id, D, topic, time."""
    res = ig_cascades(ds)
    idx = pl.DataFrame({"user": names, "i": pl.Series(np.arange(names.len()), dtype=pl.Int64)})
    c = res.cascades
    e = res.edges
    kids = e.group_by("cascade_id", "parent_user").agg(k=pl.len())
    roots = c.select("cascade_id", user="root_user", is_post="root_logged", time="root_time")
    adopt = e.select("cascade_id", "user", is_post=pl.lit(False), time="timestamp")
    items = pl.concat([roots, adopt]).join(
        kids.rename({"parent_user": "user"}), on=["cascade_id", "user"], how="left"
    ).with_columns(pl.col("k").fill_null(0).cast(pl.Float64))
    # topic of a cascade: topic of its root post event (first element of topics)
    topic = None
    if "topics" in ds.events.columns and ds.events["topics"].drop_nulls().len():
        topic = ds.events.filter(pl.col("post_id").is_not_null()).select(
            cascade_id="post_id", topic=pl.col("topics").list.first())
        items = items.join(topic, on="cascade_id", how="left")
    items = items.join(idx, on="user", how="left").rename({"i": "u"})
    posts = c.filter(pl.col("root_logged")).select(
        "cascade_id", user="root_user", D=(pl.col("size") - 1).cast(pl.Float64), time="root_time")
    if topic is not None:
        posts = posts.join(topic, on="cascade_id", how="left")
    posts = posts.join(idx, on="user", how="left").rename({"i": "u"})
    return items.sort("u"), posts.sort("u")


# ------------------------------------------------------------------ quadrature
_G = 96
_LOGZ = np.linspace(np.log(1e-5), np.log(200.0), _G)
_Z = np.exp(_LOGZ)
_DL = _LOGZ[1] - _LOGZ[0]


def _prior_logw(alpha):
    """log weights of the grid for rho ~ Gamma(alpha, rate alpha) (normalised on the grid)."""
    lw = alpha * np.log(alpha) - gammaln(alpha) + alpha * _LOGZ - alpha * _Z + np.log(_DL)
    return lw - np.logaddexp.reduce(lw)


def _nb_grid(k, mu, phi):
    """sum over items of log NB(k; mu z_g, phi) without the z-free constant: (n_items, G)."""
    lam = mu[:, None] * _Z[None, :]
    return phi * np.log(phi / (phi + lam)) + k[:, None] * np.log(lam / (phi + lam))


class NBMixed:
    """Fit and posterior of the per-item NB mixed model for one user-level grouping."""

    def __init__(self, u, k, X, n_users):
        # items sorted by u; identical rows (u, k, X) are merged with a count weight
        key = np.column_stack([u, k, X])
        key, cnt = np.unique(key, axis=0, return_counts=True)
        u, k, X = key[:, 0].astype(np.int64), key[:, 1], key[:, 2:]
        self.u, self.k, self.X, self.n, self.w = u, k, X, n_users, cnt.astype(float)
        self.starts = np.flatnonzero(np.r_[True, u[1:] != u[:-1]])
        self.uu = u[self.starts]

    def _user_ll(self, beta, phi):
        mu = np.exp(self.X @ beta)
        ll = _nb_grid(self.k, mu, phi) * self.w[:, None]
        const = (gammaln(self.k + phi) - gammaln(phi) - gammaln(self.k + 1)) * self.w
        return np.add.reduceat(ll, self.starts, axis=0), np.add.reduceat(const, self.starts)

    def nll(self, th):
        p = self.X.shape[1]
        beta, la, lp = th[:p], th[p], th[p + 1]
        alpha, phi = np.exp(la), np.exp(lp)
        U, c = self._user_ll(beta, phi)
        return -(np.logaddexp.reduce(U + _prior_logw(alpha)[None, :], axis=1) + c).sum()

    def fit(self):
        p = self.X.shape[1]
        r0 = max(self.k.mean(), 1e-6)
        th0 = np.r_[np.log(r0), np.zeros(p - 1), 0.0, 0.0]
        res = minimize(self.nll, th0, method="L-BFGS-B",
                       bounds=[(None, None)] * p + [(-6, 8), (-6, 8)])
        self.th = res.x
        self.beta, self.alpha, self.phi = res.x[:p], float(np.exp(res.x[p])), float(np.exp(res.x[p + 1]))
        self.loglik = -float(res.fun)
        return self

    def posterior_rho(self):
        """E[rho_u | items] for every user (1 for users without items)."""
        U, _ = self._user_ll(self.beta, self.phi)
        lp = U + _prior_logw(self.alpha)[None, :]
        lp -= lp.max(axis=1, keepdims=True)
        w = np.exp(lp); w /= w.sum(axis=1, keepdims=True)
        out = np.ones(self.n)
        out[self.uu] = w @ _Z
        # grid-normalised prior mean (≈ 1) so that users without items sit on the same scale
        pw = np.exp(_prior_logw(self.alpha))
        out /= 1.0  # posterior means are on the grid prior's scale
        self.prior_mean = float(pw @ _Z)
        out[np.setdiff1d(np.arange(self.n), self.uu)] = self.prior_mean
        return out
