r"""Passion: how much of what a user writes is about a topic, shrunk by empirical Bayes.

For user ``u`` with ``n_u`` posts, ``k_ut`` of them on topic ``t``, the raw share
``k_ut / n_u`` is noisy when ``n_u`` is small (one post on a topic is a share of 1).
Each topic gets a Beta prior on the share whose mean is the pooled share ``π`` and
whose strength ``s`` (in posts) maximises the Beta–Binomial marginal likelihood of
the users' counts,

.. math:: \hat s = \arg\max_s \sum_u \log B(k_{ut} + s\pi,\; n_u - k_{ut} + s(1-\pi))
          - \log B(s\pi,\; s(1-\pi)),

so the data decide how far a few posts are pulled towards the population. The prior
is **cross-fitted**: users are split into two folds by the parity of the CRC-32 of
their name, and the prior applied to one fold is fitted on the other fold only. A
user's own posts therefore never move the prior their own passion is shrunk towards
(so adding off-topic posts can only lower it, and one prolific account cannot drag
the prior towards itself); when the other fold has no post on a topic (tiny data),
Jeffreys' Beta(½, ½) is used. Then, with the applied prior ``(a, b)``:

* ``passion = (a + k) / (a + b + n)``, the posterior mean of the share, and
  ``[passion_low, passion_high]`` its equal-tailed posterior interval, when ``k ≥ 1``;
* ``passion = 0`` when the user has no post on the topic (no post is no evidence of
  passion), with ``passion_low = 0`` and ``passion_high`` the one-sided upper
  posterior bound ``Beta(a, b + n)`` at ``confidence``: how much passion ``n``
  posts without the topic could still hide (the prior's bound when ``n = 0``).

``lift = (k / n) / π_t``, with ``π_t`` the share over *every* user: how many times
the population's share the user's raw share is (null when the user has no posts). A
user is **passionate** about ``t`` (:func:`passion_test`) when ``passion_low > π_t``:
their share is credibly above what an average user writes about it. A single post
never passes: its interval is as wide as the prior.

Examples
--------
>>> import polars as pl
>>> posts = pl.DataFrame({"user": ["a"] * 9 + ["b", "c", "c"],
...                       "topic": [["x"]] * 8 + [["y"], ["x"], ["y"], []]})
>>> tab, priors = passion_table(posts, topics=["x", "y"], confidence=0.95)
>>> tab.select("user", "topic", "posts", "all_posts", pl.col("passion").round(2)).sort(
...     "user", "topic").rows()[:3]
[('a', 'x', 8, 9, 0.85), ('a', 'y', 1, 9, 0.15), ('b', 'x', 1, 1, 0.75)]
>>> tab.filter(pl.col("user") == "c", pl.col("topic") == "x").select(
...     "passion", "passion_low").row(0)
(0.0, 0.0)
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np
import polars as pl

from .shrinkage import fit_strength

__all__ = ["passion_table", "passion_priors", "passion_test", "fold_of", "FALLBACK_PRIOR"]

def fold_of(users: pl.Series) -> pl.Series:
    """Cross-fitting fold (0 or 1) of each user: the parity of the CRC-32 of the name.

    Stable across runs, platforms and row orders.

    Examples
    --------
    >>> fold_of(pl.Series(["alice", "bob"])).to_list()
    [1, 0]
    """
    return pl.Series(users.name or "fold", [zlib.crc32(u.encode()) & 1 for u in users.to_list()],
                     dtype=pl.Int8)


#: The prior used when the other fold has no evidence on a topic: Jeffreys' Beta(½, ½).
FALLBACK_PRIOR: tuple[float, float] = (0.5, 0.5)


def _fold_prior(k: np.ndarray, n: np.ndarray) -> tuple[float, float]:
    """Beta (a, b) fitted on one fold: mean = pooled share, strength by marginal likelihood."""
    total = float(n.sum())
    pi = float(k.sum()) / total if total else 0.0
    if not 0.0 < pi < 1.0:
        return FALLBACK_PRIOR
    strength = fit_strength(k, n, pi)
    return strength * pi, strength * (1.0 - pi)


def _counts(posts: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    # sorted: the fits sum over users, and a fixed order gives the same bits every run
    per_user = posts.group_by("user").agg(all_posts=pl.len().cast(pl.Int64)).sort("user")
    per_user = per_user.with_columns(fold=fold_of(per_user["user"]))
    on = (
        posts.select("user", "topic").explode("topic").drop_nulls("topic")
        .group_by("user", "topic").agg(posts=pl.len().cast(pl.Int64))
    )
    return per_user, on


def _topic_counts(per_user: pl.DataFrame, on: pl.DataFrame, topic: str) -> pl.DataFrame:
    return per_user.join(on.filter(pl.col("topic") == topic).drop("topic"), on="user",
                         how="left", maintain_order="left").with_columns(
        pl.col("posts").fill_null(0))


def passion_priors(posts: pl.DataFrame, topics: Sequence[str]) -> pl.DataFrame:
    """The cross-fitted passion priors: ``topic``, ``fold``, ``prior_a``, ``prior_b``.

    The prior applied to the users of fold ``f`` is fitted on the users of the other
    fold only, so a user's own posts never move the prior their passion is shrunk
    towards (module docstring).
    """
    per_user, on = _counts(posts)
    rows = []
    for t in topics:
        tab = _topic_counts(per_user, on, t)
        for f in (0, 1):
            other = tab.filter(pl.col("fold") != f)
            a, b = _fold_prior(other["posts"].to_numpy().astype(np.float64),
                               other["all_posts"].to_numpy().astype(np.float64))
            rows.append({"topic": t, "fold": f, "prior_a": a, "prior_b": b})
    return pl.DataFrame(rows, schema={"topic": pl.String, "fold": pl.Int8,
                                      "prior_a": pl.Float64, "prior_b": pl.Float64})


def passion_table(
    posts: pl.DataFrame, *, topics: Sequence[str], confidence: float
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Passion of every user with posts, on every topic of ``topics`` (k = 0 rows included).

    Parameters
    ----------
    posts : polars.DataFrame
        One row per post: ``user`` (String), ``topic`` (List[String], ``[]`` when
        untopiced). Every post counts in ``n_u``, topiced or not.
    topics : sequence of str
        Topics to report.
    confidence : float
        Level of the posterior intervals.

    Returns
    -------
    table : polars.DataFrame
        ``user``, ``topic``, ``posts`` (Int64, k), ``all_posts`` (Int64, n),
        ``topic_share`` (k/n), ``passion``, ``passion_low``, ``passion_high``,
        ``lift``, ``population_share`` (π_t over every user), ``fold`` (Int8),
        ``prior_a``, ``prior_b`` (the cross-fitted prior applied to the user).
    priors : polars.DataFrame
        :func:`passion_priors` (for users without posts).
    """
    from scipy.stats import beta as beta_dist

    per_user, on = _counts(posts)
    priors = passion_priors(posts, topics)
    tail = (1.0 - confidence) / 2.0
    total = float(per_user["all_posts"].sum()) if per_user.height else 0.0
    parts = []
    for t in topics:
        tab = _topic_counts(per_user, on, t).join(
            priors.filter(pl.col("topic") == t).drop("topic"), on="fold", how="left",
            maintain_order="left")
        k = tab["posts"].to_numpy().astype(np.float64)
        n = tab["all_posts"].to_numpy().astype(np.float64)
        a = tab["prior_a"].to_numpy()
        b = tab["prior_b"].to_numpy()
        pi = float(k.sum()) / total if total else 0.0
        mean = np.where(k > 0, (a + k) / (a + b + n), 0.0)
        lo = np.where(k > 0, beta_dist.ppf(tail, a + k, b + n - k), 0.0)
        hi = np.where(k > 0, beta_dist.ppf(1.0 - tail, a + k, b + n - k),
                      beta_dist.ppf(confidence, a, b + n))
        parts.append(tab.select(
            "user", pl.lit(t).alias("topic"), "posts", "all_posts",
            topic_share=(pl.col("posts") / pl.col("all_posts")).cast(pl.Float64),
            passion=pl.Series(mean, dtype=pl.Float64),
            passion_low=pl.Series(lo, dtype=pl.Float64),
            passion_high=pl.Series(hi, dtype=pl.Float64),
            lift=((pl.col("posts") / pl.col("all_posts")) / pi if pi > 0 else pl.lit(None))
            .cast(pl.Float64),
            population_share=pl.lit(pi, pl.Float64),
            fold="fold", prior_a="prior_a", prior_b="prior_b",
        ))
    if not parts:
        return pl.DataFrame(schema={"user": pl.String, "topic": pl.String}), priors
    return pl.concat(parts), priors


def passion_test(passion_low: pl.Expr, population_share: pl.Expr) -> pl.Expr:
    """True where the user is credibly more passionate than the population.

    That is ``passion_low > π_t``: the lower end of the passion interval is above the
    share of all posts that are on the topic.
    """
    return passion_low > population_share
