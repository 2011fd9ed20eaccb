"""The planted truth of :func:`~influence_graph.datasets.cascade_world` (``ds.truth``).

Private helper module; import the class from :mod:`influence_graph.datasets.cascade_world`.

Examples
--------
>>> from influence_graph.datasets.cascade_world import cascade_world
>>> t = cascade_world(n_users=100, n_days=5, seed=2).truth
>>> t.topic_probabilities.columns, t.edge_probabilities("science").height == t.probabilities.height
(['source', 'target', 'topic', 'p'], True)
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from .._validation import check_choice, check_int, check_number
from ._planted import planted_leaders

__all__ = ["CascadeWorldTruth"]


@dataclass(frozen=True, eq=False)
class CascadeWorldTruth:
    """The planted facts of a :func:`cascade_world` (``ds.truth``); tables keyed by ``user``.

    Attributes
    ----------
    users : polars.DataFrame
        ``user``, ``persuasiveness`` (a), ``susceptibility`` (b), ``post_rate`` (posts per
        day), ``main_topic`` (largest interest), ``followers``, ``following``, ``posts``
        (original posts in the window) and ``joined`` (arrival rank in the graph's growth).
    interests : polars.DataFrame
        ``user``, ``topic``, ``interest`` (θ; sums to 1 per user; also the topic mix of
        the user's own posts).
    probabilities : polars.DataFrame
        One row per follower edge, ``source`` (followee) → ``target`` (follower): ``p``,
        the topic-averaged probability ``Σ_k θ_source,k · p_k`` (topic drawn from the
        source's own mix). Per-topic values: :meth:`edge_probabilities`.
    cascades : polars.DataFrame
        One row per adoption (retweet), the true who-got-it-from-whom: ``post_id``,
        ``user``, ``source_user`` (the holder it came from), ``parent_post_id``,
        ``root_post_id``, ``root_user``, ``depth`` (≥ 1) and ``topic``.
    posts : polars.DataFrame
        One row per original post: ``post_id``, ``user``, ``topic``, ``timestamp``,
        ``size`` (the post plus its adoptions in the window) and ``max_depth``.
    topics : tuple of str
    scale : float
        The global scale ``c`` of the transmission probabilities.
    attribution : str
        The export convention of the events (``"parent"`` or ``"root"``).
    params : dict
        Every knob, as passed.
    spread_rel_error : float
    spread_seed : int
    """

    users: pl.DataFrame
    interests: pl.DataFrame
    probabilities: pl.DataFrame
    cascades: pl.DataFrame
    posts: pl.DataFrame
    topics: tuple[str, ...]
    scale: float
    attribution: str
    params: dict[str, Any]
    spread_rel_error: float = 0.05
    spread_seed: int = 0
    _P: np.ndarray = field(default=None, repr=False)  # type: ignore[assignment]
    _theta: np.ndarray = field(default=None, repr=False)  # type: ignore[assignment]
    _memo: dict[Any, pl.DataFrame] = field(default_factory=dict, repr=False)

    def __repr__(self) -> str:
        return (
            f"CascadeWorldTruth({self.users.height:,} users, {len(self.topics)} topics, "
            f"{self.probabilities.height:,} follower edges, {self.posts.height:,} posts, "
            f"{self.cascades.height:,} adoptions, attribution={self.attribution!r})"
        )

    def edge_probabilities(self, topic: str | None = None) -> pl.DataFrame:
        """``source, target, p`` for one topic's posts (``None``: the topic-averaged ``p``).

        Raises
        ------
        InputValidationError
            When ``topic`` is not one of :attr:`topics` (rule ``BAD_PARAM``).
        """
        if topic is None:
            return self.probabilities
        k = self.topics.index(check_choice("topic", topic, self.topics))
        return self.probabilities.with_columns(p=pl.Series(self._P[:, k]))

    @functools.cached_property
    def topic_probabilities(self) -> pl.DataFrame:
        """Long table ``source, target, topic, p``: every edge's per-topic probability."""
        parts = [self.edge_probabilities(t).with_columns(topic=pl.lit(t)) for t in self.topics]
        out = pl.concat(parts).select("source", "target", "topic", "p")
        return out.sort("source", "target", "topic")

    def true_spread(
        self, *, rel_error: float | None = None, seed: int | None = None
    ) -> pl.DataFrame:
        """True expected spread of one post per user: ``Σ_k θ_u,k · σ_k(u)`` (cached).

        ``σ_k(u)`` is the IC spread from ``u`` (``u`` counted) under topic ``k``'s
        probabilities, estimated by the package's RIS engine (``expected_spread``, top
        100 users at ``rel_error``); ``se = sqrt(Σ_k θ_u,k² · se_k²)``. Untruncated by
        the window, so the observed mean size of a user's posts is a little smaller.

        Parameters
        ----------
        rel_error : float, optional
            Default :attr:`spread_rel_error`.
        seed : int, optional
            Default :attr:`spread_seed` (topic ``k`` uses ``seed + k``).

        Returns
        -------
        polars.DataFrame
            ``user``, ``spread`` (≥ 1), ``outward`` (``spread − 1``), ``se``, ``rank``.
        """
        from .. import expected_spread

        rel = self.spread_rel_error if rel_error is None else check_number(
            "rel_error", rel_error, low=0, high=1, low_open=True)
        base = self.spread_seed if seed is None else check_int("seed", seed, low=0)
        key = (rel, base)
        if key not in self._memo:
            users = self.users["user"]
            outward = np.zeros(users.len())
            var = np.zeros(users.len())
            for k in range(len(self.topics)):
                table = self.edge_probabilities(self.topics[k]).filter(pl.col("p") > 0)
                res = expected_spread(
                    table, users=users, rel_error=rel, top_k=100, seed=base + k
                ).table
                res = users.to_frame().join(res, on="user", how="left", maintain_order="left")
                outward += self._theta[:, k] * res["outward"].to_numpy()  # θ_u sums to 1
                var += (self._theta[:, k] * res["se"].to_numpy()) ** 2
            out = pl.DataFrame(
                {"user": users, "spread": 1.0 + outward, "outward": outward, "se": np.sqrt(var)}
            )
            self._memo[key] = out.with_columns(rank=pl.col("spread").rank("min", descending=True))
        return self._memo[key]

    def topic_spread(self, topic: str) -> pl.DataFrame:
        """True IC spread ``σ_k(u)`` of every user under one topic's probabilities (cached).

        ``user``, ``spread`` (≥ 1), ``outward``, ``se``; the package's RIS engine at
        :attr:`spread_rel_error` for the top 100 users, seed ``spread_seed + k``.
        """
        from .. import expected_spread

        k = self.topics.index(check_choice("topic", topic, self.topics))
        key = ("topic", k)
        if key not in self._memo:
            table = self.edge_probabilities(topic).filter(pl.col("p") > 0)
            res = expected_spread(table, users=self.users["user"], rel_error=self.spread_rel_error,
                                  top_k=100, seed=self.spread_seed + k).table
            self._memo[key] = self.users.select("user").join(
                res.select("user", "spread", "outward", "se"), on="user", how="left",
                maintain_order="left")
        return self._memo[key]

    def topic_leaders(
        self, topic: str, *, min_share: float = 0.5, top_share: float = 0.05
    ) -> pl.DataFrame:
        """The planted users both passionate and influential about ``topic``.

        Passionate: interest θ_u,k ≥ ``min_share`` (θ is also the topic mix of the
        user's posts); influential: true topic spread (:meth:`topic_spread`) among the
        ``top_share`` largest of all users. The same rule as
        :meth:`influence_graph.datasets.synthetic.SyntheticTruth.topic_leaders`.

        Returns ``user``, ``post_share``, ``spread``, ``rank`` sorted by rank.
        """
        share = self.interests.filter(pl.col("topic") == topic).select(
            "user", post_share="interest")
        return planted_leaders(self.topic_spread(topic).select("user", "spread"), share,
                               min_share=min_share, top_share=top_share)

    @functools.cached_property
    def spread(self) -> pl.DataFrame:
        """``true_spread()`` at the default precision and seed."""
        return self.true_spread()
