"""The embedded synthetic world: a Twitter-like data set whose ground truth is known.

:func:`synthetic` builds a :class:`~influence_graph.dataset.Dataset` (events, follows,
users) from a small generative model and attaches the planted facts as
:class:`SyntheticTruth` (``ds.truth``): latent traits, archetype labels, the true
transmission probabilities, the true who-got-it-from-whom of every cascade and, lazily,
the true expected spread of every user, overall and per topic.

Examples
--------
>>> import influence_graph as ig
>>> ds = ig.datasets.synthetic(n_users=200, seed=1)
>>> ds.n_users, ds.name
(200, 'synthetic')
>>> sorted(ds.events["action"].unique().cast(str).to_list())
['mention', 'post', 'quote', 'reply', 'retweet']
>>> ds.truth.users.group_by("archetype").len().sort("archetype").rows()
[('loud', 2), ('ordinary', 188), ('quiet', 2), ('topic_expert', 8)]
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import numpy as np
import polars as pl

from .._rng import SeedLike, as_generator, as_seed_sequence, seed_entropy, task_seeds
from .._validation import bad_param, check_int, check_number
from ._planted import planted_leaders
from ..io.dataset import Dataset, make_dataset
from ._world_cascades import csr
from ._world_events import categorical, make_events
from ._world_graph import US_PER_DAY, follow_edges
from ._world_traits import draw_traits

__all__ = ["synthetic", "SyntheticTruth", "TOPIC_NAMES"]

#: Topic labels used for the first 16 topics (then ``"topic17"``, ``"topic18"``, …).
TOPIC_NAMES: tuple[str, ...] = (
    "science", "politics", "sports", "music", "tech", "film", "food", "travel",
    "health", "gaming", "fashion", "finance", "art", "books", "climate", "space",
)
_ACTIONS = ("post", "retweet", "quote", "reply", "mention")
#: Independent random streams, one per stage of the generator (task_seeds order).
_STREAMS = ("traits", "graph", "posts", "cascades", "extras", "platform")
_SPREAD_COLUMNS = ("spread", "outward", "se", "ci_low", "ci_high")


def _topic_names(n_topics: int) -> list[str]:
    return [TOPIC_NAMES[i] if i < len(TOPIC_NAMES) else f"topic{i + 1}" for i in range(n_topics)]


def _user_names(n: int) -> list[str]:
    width = max(4, len(str(n - 1)))
    return [f"u{i:0{width}d}" for i in range(n)]


#: The truth's spread tables reach ``spread_rel_error`` for the users with the largest spread.
SPREAD_TOP_K = 100


def _true_spread(
    src: pl.Series, dst: pl.Series, p: np.ndarray, users: pl.Series, *, rel_error: float, seed: int
) -> pl.DataFrame:
    """Expected IC spread of every user on (src, dst, p), by the package's RIS engine."""
    from ..diffusion.spread import expected_spread  # lazy: numba, only for the truth

    table = pl.DataFrame({"source": src, "target": dst, "p": p})
    res = expected_spread(
        table, users=users, model="ic", estimator="ris", rel_error=rel_error, top_k=SPREAD_TOP_K,
        seed=seed,
    )
    return res.table


@dataclass(frozen=True, eq=False)
class SyntheticTruth:
    """The planted facts of a :func:`synthetic` world (``ds.truth``).

    Tables are keyed by ``user`` (String, sorted), like every metric table, so they join
    directly onto the package's outputs. The expected-spread tables are computed on first
    access (the package's RIS engine; a few seconds for 2,000 users) and then cached.

    Attributes
    ----------
    users : polars.DataFrame
        One row per user:

        - ``user`` (String)
        - ``archetype`` (String): ``"ordinary"``, ``"loud"``, ``"quiet"`` or ``"topic_expert"``
        - ``main_topic`` (String): the topic of the user's largest passion
        - ``persuasiveness`` (Float64, > 0): multiplier of every transmission from the user
        - ``posting_rate`` (Float64, posts per day): rate of the user's original posts
        - ``fitness`` (Float64, ≥ 1): attractiveness as a followee (Pareto draw)
        - ``followers``, ``following`` (Int64): degrees in the follower graph
        - ``posts`` (Int64): original posts in the window (the viral post included)
        - ``viral_post_id`` (String): the planted viral off-topic post (experts only, else null)
        - ``share_<platform>`` (Float64): share of the user's events on each platform
    passions : polars.DataFrame
        One row per (user, topic): ``user``, ``topic`` (String), ``interest`` (Float64; a
        user's interests sum to 1: how much a post on the topic appeals to them) and
        ``post_share`` (Float64; sums to 1: the topic mix of the user's ordinary posts).
    probabilities : polars.DataFrame
        One row per follower edge: ``source`` (followee), ``target`` (follower), ``p``
        (Float64): the topic-averaged IC probability
        ``p̄(u→v) = Σ_t post_share_u(t) · p(u→v | t)``, i.e. the chance that ``v`` adopts
        a post of ``u``'s when the topic is drawn from ``u``'s own post mix (what a
        Goyal-style learned estimator of ``A_{u→v}/A_u`` targets).
    cascades : polars.DataFrame
        One row per cascade event (original posts and their retweets/quotes):
        ``post_id``, ``user``, ``action`` (String: post, retweet or quote),
        ``root_post_id`` (the original post), ``parent_post_id`` (null for roots: the
        content this user got it from, the true who-got-it-from-whom) and ``depth``
        (Int64; 0 for roots). Replies and mentions are not cascade events.
    posts : polars.DataFrame
        One row per original post: ``post_id``, ``user``, ``topic`` (String),
        ``timestamp``, ``size`` (Int64; the post plus its adopters in the window),
        ``max_depth`` (Int64) and ``viral`` (Boolean; the planted off-topic post).
    topics : tuple of str
        Topic labels in order.
    params : dict
        Every knob of the world, as passed to :func:`synthetic`.
    spread_rel_error : float
        Relative precision asked of the engine for the spread tables: the interval
        half-width of ``outward`` is at most this share for the 100 users with the
        largest spread (``expected_spread(..., top_k=100)``); others are less precise.
    spread_seed : int
        Seed of the spread tables (derived from the world's seed).

    Notes
    -----
    Lazy tables (computed once, then cached):

    - :meth:`spread_table` ``(topic=None)``: per user ``user``, ``archetype``,
      ``main_topic``, ``spread`` (≥ 1, the user counted), ``outward`` (``spread − 1``),
      ``se``, ``ci_low``, ``ci_high``, ``rank`` (1 = largest) and ``n_samples`` (RR
      sets), the expected IC spread
      of a single seed under ``p̄`` (``topic=None``) or under ``p(· | topic)``.
    - :attr:`spread`: ``spread_table()``.
    - :attr:`topic_spread`: long table ``user``, ``topic``, ``spread``, ``outward``, ``se``,
      ``ci_low``, ``ci_high``: spread under each topic's probabilities.
    - :attr:`post_spread`: ``user``, ``post_spread``, ``se``: the expected cascade size of
      one ordinary post of the user, ``Σ_t post_share_u(t) · spread_t(u)`` (the topic
      stays with the post along the whole cascade), what observed mean cascade size per
      post estimates (up to truncation at the window's end).
    - :attr:`topic_probabilities`: ``source``, ``target``, ``topic``, ``p``: the per-topic
      IC probability of every follower edge.
    """

    users: pl.DataFrame
    passions: pl.DataFrame
    probabilities: pl.DataFrame
    cascades: pl.DataFrame
    posts: pl.DataFrame
    topics: tuple[str, ...]
    params: dict[str, Any]
    spread_rel_error: float = 0.05
    spread_seed: int = 0
    _edge_prob: np.ndarray = field(default=None, repr=False)  # type: ignore[assignment]
    _memo: dict[Any, pl.DataFrame] = field(default_factory=dict, repr=False)

    def __repr__(self) -> str:
        counts = dict(self.users.group_by("archetype").len().iter_rows())
        planted = ", ".join(f"{counts.get(a, 0):,} {a}" for a in ("loud", "quiet", "topic_expert"))
        return (
            f"SyntheticTruth({self.users.height:,} users ({planted}), {len(self.topics)} topics, "
            f"{self.probabilities.height:,} follower edges, {self.posts.height:,} posts)"
        )

    def _topic_index(self, topic: str) -> int:
        if topic not in self.topics:
            raise bad_param("topic", topic, "be one of " + ", ".join(repr(t) for t in self.topics))
        return self.topics.index(topic)

    def spread_table(self, topic: str | None = None) -> pl.DataFrame:
        """True expected spread per user under ``p̄`` (``topic=None``) or one topic's ``p``.

        Parameters
        ----------
        topic : str, optional
            One of :attr:`topics`.

        Returns
        -------
        polars.DataFrame
            ``user``, ``archetype``, ``main_topic``, ``spread``, ``outward``, ``se``,
            ``ci_low``, ``ci_high``, ``rank``, plus any extra columns of the engine.

        Raises
        ------
        InputValidationError
            When ``topic`` is not a topic of the world (rule ``BAD_PARAM``).
        """
        key = None if topic is None else self._topic_index(topic)
        if key not in self._memo:
            p = self.probabilities["p"].to_numpy() if key is None else self._edge_prob[:, key]
            seed = self.spread_seed + (0 if key is None else 1 + key)
            res = _true_spread(self.probabilities["source"], self.probabilities["target"], p,
                               self.users["user"], rel_error=self.spread_rel_error, seed=seed)
            lead = self.users.select("user", "archetype", "main_topic")
            self._memo[key] = lead.join(res, on="user", how="left", maintain_order="left")
        return self._memo[key]

    @functools.cached_property
    def spread(self) -> pl.DataFrame:
        """``spread_table()``: true expected spread per user under ``p̄``."""
        return self.spread_table()

    @functools.cached_property
    def topic_spread(self) -> pl.DataFrame:
        """Long table (user, topic, spread, outward, se, ci_low, ci_high), every topic."""
        parts = [
            self.spread_table(t).select("user", pl.lit(t).alias("topic"), *_SPREAD_COLUMNS)
            for t in self.topics
        ]
        return pl.concat(parts).sort("user", "topic")

    @functools.cached_property
    def post_spread(self) -> pl.DataFrame:
        """Expected cascade size of one ordinary post per user: (user, post_spread, se)."""
        mix = self.passions.select("user", "topic", "post_share")
        return (
            self.topic_spread.join(mix, on=["user", "topic"])
            .group_by("user")
            .agg(
                post_spread=(pl.col("post_share") * pl.col("spread")).sum(),
                se=((pl.col("post_share") * pl.col("se")) ** 2).sum().sqrt(),
            )
            .sort("user")
        )

    def topic_leaders(
        self, topic: str, *, min_share: float = 0.5, top_share: float = 0.05
    ) -> pl.DataFrame:
        """The planted users both passionate and influential about ``topic``.

        A user is *passionate* about ``topic`` when at least ``min_share`` of their
        ordinary posts are drawn on it (``passions.post_share ≥ min_share``: the topic
        is the majority of what they write about), and *influential* about it when
        their true expected spread under the topic's probabilities
        (:meth:`spread_table`) is among the ``top_share`` largest of all users (ties at
        the boundary included). Both facts are planted traits, not anything observed
        in the log; the set is the truth that :func:`influence_graph.match_topic` is
        scored against (precision@k = share of its k picks in this set).

        Parameters
        ----------
        topic : str
            One of :attr:`topics`.
        min_share : float
            Smallest planted share of the user's posts on the topic.
        top_share : float
            Share of all users (by true topic spread) counted as influential.

        Returns
        -------
        polars.DataFrame
            ``user``, ``archetype``, ``post_share``, ``spread`` (true topic spread),
            ``rank`` (1 = largest), sorted by ``rank``.

        Raises
        ------
        InputValidationError
            An unknown ``topic`` or a share outside (0, 1] (``BAD_PARAM``).
        """
        self._topic_index(topic)
        share = self.passions.filter(pl.col("topic") == topic).select("user", "post_share")
        leaders = planted_leaders(self.spread_table(topic).select("user", "spread"), share,
                                  min_share=min_share, top_share=top_share)
        kind = self.users.select("user", "archetype")
        return leaders.join(kind, on="user", how="left").select(
            "user", "archetype", "post_share", "spread", "rank")

    @functools.cached_property
    def topic_probabilities(self) -> pl.DataFrame:
        """Per-topic IC probability of every follower edge: (source, target, topic, p)."""
        T = len(self.topics)
        e = self.probabilities.height
        return pl.DataFrame({
            "source": self.probabilities["source"].gather(np.repeat(np.arange(e), T)),
            "target": self.probabilities["target"].gather(np.repeat(np.arange(e), T)),
            "topic": pl.Series(self.topics).gather(np.tile(np.arange(T), e)),
            "p": self._edge_prob.reshape(-1),
        })


def _check(n_users: int, knobs: dict[str, Any]) -> None:
    check_int("n_users", n_users, low=10)
    check_int("n_topics", knobs["n_topics"], low=2)
    check_number("days", knobs["days"], low=0, low_open=True)
    check_number("mean_following", knobs["mean_following"], low=1, high=n_users - 1)
    check_number("reciprocity", knobs["reciprocity"], low=0, high=1, high_open=True)
    check_number("homophily", knobs["homophily"], low=0, high=1)
    check_number("tail_index", knobs["tail_index"], low=0, low_open=True)
    check_number("posts_per_day", knobs["posts_per_day"], low=0, low_open=True)
    check_number("base_probability", knobs["base_probability"], low=0)
    check_number("persuasiveness_sigma", knobs["persuasiveness_sigma"], low=0)
    check_number("max_probability", knobs["max_probability"], low=0, high=1, low_open=True)
    check_number("loud_share", knobs["loud_share"], low=0, high=0.3)
    check_number("quiet_share", knobs["quiet_share"], low=0, high=0.3)
    check_int("n_experts", knobs["n_experts"], low=0, allow_none=True)
    check_number("viral_boost", knobs["viral_boost"], low=1)
    check_number("quote_share", knobs["quote_share"], low=0, high=1)
    check_number("reply_rate", knobs["reply_rate"], low=0)
    check_number("mention_share", knobs["mention_share"], low=0, high=1)
    check_number("delay_hours", knobs["delay_hours"], low=0, low_open=True)
    check_number("spread_rel_error", knobs["spread_rel_error"], low=0, high=1, low_open=True)
    platforms = knobs["platforms"]
    if isinstance(platforms, str) or not platforms or len(set(platforms)) != len(platforms):
        raise bad_param("platforms", platforms, "be a non-empty sequence of distinct names")
    start = knobs["start"]
    if not isinstance(start, datetime) or start.tzinfo is None:
        raise bad_param("start", start, "be a timezone-aware datetime")


def _timestamps(us: np.ndarray) -> pl.Series:
    return pl.Series(us, dtype=pl.Int64).cast(pl.Datetime("us")).dt.replace_time_zone("UTC")


def _gather_or_null(names: pl.Series, idx: np.ndarray) -> pl.Series:
    out = names.gather(np.maximum(idx, 0))
    return out.to_frame("x").select(pl.when(pl.Series(idx >= 0)).then(pl.col("x"))).to_series()


def synthetic(
    n_users: int = 2000,
    *,
    seed: SeedLike = 7,
    n_topics: int = 8,
    days: float = 14,
    mean_following: float = 20.0,
    reciprocity: float = 0.25,
    homophily: float = 0.6,
    tail_index: float = 1.6,
    posts_per_day: float = 0.3,
    base_probability: float = 0.004,
    persuasiveness_sigma: float = 1.0,
    max_probability: float = 0.5,
    loud_share: float = 0.01,
    quiet_share: float = 0.01,
    n_experts: int | None = None,
    viral_boost: float = 25.0,
    quote_share: float = 0.1,
    reply_rate: float = 0.3,
    mention_share: float = 0.1,
    delay_hours: float = 2.0,
    platforms: Sequence[str] = ("alpha", "beta"),
    start: datetime = datetime(2024, 3, 1, tzinfo=timezone.utc),
    spread_rel_error: float = 0.05,
) -> Dataset:
    r"""Build a Twitter-like world with planted ground truth (``ds.truth``).

    Users follow each other on a heavy-tailed, reciprocal, topic-homophilous graph;
    they post on topics they care about at rates drawn independently of how persuasive
    they are; posts spread as independent cascades along follower edges; a few users
    are planted as *loud* (busy, unpersuasive), *quiet* (rarely post, persuasive) and
    *topic experts* (one topic, influential in it, one viral off-topic post). Same seed,
    same tables; different seeds, different worlds.

    Parameters
    ----------
    n_users : int, default 2000
        Number of users (≥ 10); ids ``"u0000" … "u1999"`` (zero-padded, so they sort).
    seed : int, SeedSequence, Generator or None, default 7
        Randomness of the whole world. Five independent streams (``task_seeds``) feed
        the traits, the graph, the posts, the cascades and the other events, so changing
        one knob of one stage leaves the others' draws alone.
    n_topics : int, default 8
        Number of topics (≥ 2); named ``science, politics, sports, music, tech, film,
        food, travel, …``.
    days : float, default 14
        Length of the observation window; events after its end are not made.
    mean_following : float, default 20
        Mean number of accounts a user follows (follow-backs included; self-follows
        and repeats are dropped, so the realised mean is a little lower).
    reciprocity : float in [0, 1), default 0.25
        Share of follow edges whose reverse edge exists (follow-backs are added until
        it holds).
    homophily : float in [0, 1], default 0.6
        Probability that a follow is chosen among users of the follower's main topic.
    tail_index : float, default 1.6
        Tail index α of the fitness distribution, Pareto: ``P(f > x) = x^-α``; the
        in-degree (followers) inherits it (``P(followers > k) ~ k^-α``).
    posts_per_day : float, default 0.3
        Median posting rate of ordinary users (log-normal, log-sd 1).
    base_probability : float, default 0.004
        ``b`` in the transmission formula below.
    persuasiveness_sigma : float, default 1.0
        Log-sd of ordinary users' persuasiveness (log-normal, median 1). The default
        was 0.6 until the predictive-validity check of issue 4: with 0.6 follower
        counts ranked the users' true expected spread almost as well as the truth
        itself predicted later cascades (Spearman of followers with true spread ≈ 0.6
        at 2,000 users), so the world did not express its premise — Cha et al.'s
        "million follower fallacy", that indegree reveals little about influence.
        With 1.0 the middle 90 % of ordinary users span a 27-fold range of
        persuasiveness (0.19–5.2), followers rank true spread at ≈ 0.44–0.50, and the
        planted quiet users (5–8) still sit above the ordinary 95th percentile.
        Measurements: docs/observed-influence.md, "Predictive validity".
    max_probability : float in (0, 1], default 0.5
        Cap ``p_max`` on any transmission probability.
    loud_share, quiet_share : float, default 0.01
        Share of users planted as loud / quiet (at least one each when > 0).
    n_experts : int, optional
        Number of topic experts, one per topic (default ``n_topics``; at most ``n_topics``).
        In very small worlds the pools below hold fewer users and fewer are planted.
    viral_boost : float, default 25
        Multiplier of every transmission probability of the experts' viral posts.
    quote_share : float, default 0.1
        Share of cascade adoptions made as quotes rather than retweets.
    reply_rate : float, default 0.3
        Mean number of replies per ordinary post (Poisson), from followers of the author.
    mention_share : float, default 0.1
        Probability that a post comes with a tweet mentioning an account its author follows.
    delay_hours : float, default 2
        Median delay of a retweet, quote or reply after its parent (log-normal, log-sd 1.2).
    platforms : sequence of str, default ("alpha", "beta")
        Platform labels. 30 % of users are only on the first, 20 % only on the last, the
        rest split their events by a Dirichlet(1, …, 1) share; no platform is privileged.
    start : datetime, default 2024-03-01T00:00Z
        Start of the window (timezone-aware).
    spread_rel_error : float, default 0.05
        Relative precision of the lazily computed true-spread tables (reached by the
        100 users with the largest spread; about 2 s per table for 2,000 users).

    Returns
    -------
    Dataset
        ``name="synthetic"`` with

        - ``events``: the canonical event table; every event creates a post
          (``post_id`` ``"p…"``, ``event_id`` ``"e…"``, both numbered in time order).
          ``post`` rows are original posts; ``retweet``/``quote`` rows are cascade
          adoptions whose ``parent_id`` is the post they got it from and
          ``target_user`` its author; ``reply`` rows answer an original post
          (``parent_id`` it, ``target_user`` its author); ``mention`` rows are tweets
          naming ``target_user`` (no ``parent_id``). ``topics`` is a one-element list
          (the original post's topic), ``platform`` one of ``platforms``.
        - ``follows``: ``follower``, ``followee``, ``since`` (formed in the two years
          before ``start``; a follow-back after the follow it returns).
        - ``users``: every user (``user`` only; the latent traits are in ``truth``).
        - ``truth``: :class:`SyntheticTruth`.
        - ``provenance``: the knobs and the seed's entropy.

    Raises
    ------
    InputValidationError
        A knob outside its range (rule ``BAD_PARAM``, naming the knob).
    TypeError
        A knob of the wrong type, or a bad ``seed``.

    See Also
    --------
    SyntheticTruth : the planted facts and the lazy true-spread tables.

    Notes
    -----
    **Traits.** Fitness ``f_u ~ Pareto(α)`` on ``[1, ∞)``. Main topic uniform; passion
    ``interest_u = normalise(0.02 + a·e_main + b·e_second)``, ``a ~ U(0.5, 0.9)``, and for
    half the users a second topic with ``b ~ U(0.1, 0.4)``. Ordinary posts draw their
    topic from ``post_share_u = interest_u``. Persuasiveness ``s_u ~ LogNormal(0, σ)``
    and posting rate ``r_u ~ LogNormal(ln posts_per_day, 1)`` are separate draws, so
    activity and influence are independent by construction.

    **Planted archetypes** (drawn after the ordinary traits, which they overwrite):

    - ``topic_expert`` (one per topic, among the top 20 % by fitness): interest 0.95 in
      their topic (the rest spread evenly), ordinary posts all on it, ``s ~ U(3, 5)``,
      ``r ~ U(0.5, 1.5)``/day, plus one viral post on another topic, posted in the first
      half of the window with every probability of its cascade multiplied by
      ``viral_boost`` (capped at ``p_max``) and re-drawn (at most 50 times, from the
      world's streams) until it is larger than each of the expert's other posts.
    - ``quiet`` (among the top 10 % by fitness): ``s ~ U(5, 8)``, ``r ~ U(0.02, 0.08)``/day.
    - ``loud`` (among the bottom 50 % by fitness): ``s ~ U(0.05, 0.2)``, ``r ~ U(8, 15)``/day.

    **Follower graph.** User ``v`` makes ``k_v ~ LogNormal`` follow attempts (mean
    ``mean_following·(2 − ρ)/2``); each picks a followee with probability ∝ fitness,
    among users of ``v``'s main topic with probability ``homophily``, else among all.
    Self-follows and repeats are dropped; then follow-backs of uniformly chosen
    unreciprocated edges are added until the reciprocated share is ``reciprocity``.

    **Transmission.** On follower edge ``u → v`` (``v`` follows ``u``) a post on topic
    ``t`` passes with

    .. math:: p(u \to v \mid t) = \min\bigl(p_{max},\; b \cdot s_u \cdot T \cdot
              \mathrm{interest}_v(t)\bigr)

    (``T`` topics, so ``T·interest`` averages 1). Each post starts an independent
    cascade (Kempe et al. 2003): each new adopter ``u`` has one chance per follower,
    with the post's topic; the topic stays with the post. An adopter gets the content
    from whoever reached them first; its ``parent_id`` is that user's post. Delays are
    log-normal (median ``delay_hours``). Post times are uniform in the window; a post's
    count is ``Poisson(r_u · days)``.

    **Other events.** Replies (``Poisson(reply_rate)`` per post, uniformly chosen
    followers of the author) and mentions (one per post with probability
    ``mention_share``, of a uniformly chosen account the author follows, within an hour)
    engage without spreading. Each event's platform is drawn from the acting user's
    platform shares.

    The truth's spread tables come from ``influence_graph.diffusion.spread.
    expected_spread`` (IC, RIS) on ``truth.probabilities`` or the per-topic
    probabilities; they are computed on first access.

    References
    ----------
    Kempe, Kleinberg & Tardos, "Maximizing the spread of influence through a social
    network", KDD 2003. Cha, Haddadi, Benevenuto & Gummadi, "Measuring user influence in
    Twitter: the million follower fallacy", ICWSM 2010. Bianconi & Barabási, "Competition
    and multiscaling in evolving networks", EPL 2001 (fitness).

    Examples
    --------
    >>> import influence_graph as ig
    >>> ds = ig.datasets.synthetic(n_users=300, seed=3)
    >>> ds.events.columns
    ['event_id', 'user', 'action', 'target_user', 'post_id', 'parent_id', 'timestamp',
     'topics', 'platform']
    >>> ds.follows.columns, ds.truth.topics[:3]
    (['follower', 'followee', 'since'], ('science', 'politics', 'sports'))
    >>> ig.datasets.synthetic(n_users=300, seed=3).events.equals(ds.events)
    True
    >>> t = ds.truth
    >>> t.users.columns[:6]
    ['user', 'archetype', 'main_topic', 'persuasiveness', 'posting_rate', 'fitness']
    >>> t.probabilities.columns, t.cascades.columns
    (['source', 'target', 'p'],
     ['post_id', 'user', 'action', 'root_post_id', 'parent_post_id', 'depth'])
    >>> t
    SyntheticTruth(300 users (3 loud, 3 quiet, 8 topic_expert), 8 topics, ... posts)
    >>> viral = t.posts.filter("viral")
    >>> viral.height == t.users.filter(pl.col("archetype") == "topic_expert").height
    True
    """
    knobs = dict(
        n_topics=n_topics, days=days, mean_following=mean_following, reciprocity=reciprocity,
        homophily=homophily, tail_index=tail_index, posts_per_day=posts_per_day,
        base_probability=base_probability, persuasiveness_sigma=persuasiveness_sigma,
        max_probability=max_probability, loud_share=loud_share, quiet_share=quiet_share,
        n_experts=n_experts, viral_boost=viral_boost, quote_share=quote_share,
        reply_rate=reply_rate, mention_share=mention_share, delay_hours=delay_hours,
        platforms=tuple(platforms) if not isinstance(platforms, str) else platforms, start=start,
        spread_rel_error=spread_rel_error,
    )
    _check(n_users, knobs)
    n, T = int(n_users), int(n_topics)
    ss = as_seed_sequence(seed)
    streams = task_seeds(ss, len(_STREAMS))
    rng = {k: as_generator(int(s)) for k, s in zip(_STREAMS, streams)}
    n_exp = T if n_experts is None else min(int(n_experts), T)
    platforms = knobs["platforms"]

    tr = draw_traits(
        rng["traits"], n_users=n, n_topics=T, tail_index=tail_index, posts_per_day=posts_per_day,
        persuasiveness_sigma=persuasiveness_sigma, loud_share=loud_share, quiet_share=quiet_share,
        n_experts=n_exp, platform_count=len(platforms),
        mean_following=mean_following * (2.0 - reciprocity) / 2.0,
    )
    follower, followee, since = follow_edges(
        rng["graph"], tr.fitness, tr.main_topic, tr.following, homophily=homophily,
        reciprocity=reciprocity, n_topics=T,
    )
    # content edges u -> v (followee -> follower), in CSR order
    indptr, dst, order = csr(followee, follower, n)
    src = followee[order]
    raw = base_probability * tr.persuasiveness[src, None] * T * tr.passion[dst]
    P = np.minimum(max_probability, raw)  # (edges, topics)
    p_bar = (tr.post_mix[src] * P).sum(axis=1)
    f_indptr, f_dst, _ = csr(follower, followee, n)
    window = int(round(days * US_PER_DAY))
    experts = np.flatnonzero(tr.archetype == "topic_expert")
    ev = make_events(
        rng, indptr=indptr, dst=dst, following_indptr=f_indptr, following_dst=f_dst, P=P,
        posting_rate=tr.posting_rate, post_mix=tr.post_mix, main_topic=tr.main_topic,
        experts=experts,
        window_us=window, days=float(days), viral_boost=viral_boost, p_max=max_probability,
        quote_share=quote_share, reply_rate=reply_rate, mention_share=mention_share,
        delay_median_us=delay_hours * 3600e6,
    )
    platform = categorical(rng["platform"], tr.platform_share[ev.user])

    # number events in time order; event k creates post "p{k}"
    m = ev.user.size
    t_order = np.lexsort((np.arange(m), ev.time))
    rank = np.empty(m, dtype=np.int64)
    rank[t_order] = np.arange(m)
    width = len(str(max(m - 1, 1)))
    ids = pl.Series(np.arange(m)).cast(pl.String).str.zfill(width)
    post_ids = ("p" + ids).gather(rank)
    event_ids = ("e" + ids).gather(rank)
    names = pl.Series("user", _user_names(n))
    topic_names = pl.Series("topic", _topic_names(T))
    start_us = int(start.timestamp() * 1_000_000)
    ts = _timestamps(start_us + ev.time)

    events = pl.DataFrame({
        "event_id": event_ids,
        "user": names.gather(ev.user),
        "action": pl.Series(_ACTIONS).gather(ev.action),
        "target_user": _gather_or_null(names, ev.target),
        "post_id": post_ids,
        "parent_id": _gather_or_null(post_ids, ev.parent),
        "timestamp": ts,
        "topic": topic_names.gather(ev.topic),
        "platform": pl.Series(list(platforms), dtype=pl.String).gather(platform),
    }).with_columns(topics=pl.concat_list("topic")).drop("topic")
    f_order = np.lexsort((followee, follower))  # ids are zero-padded: code order = string order
    follows = pl.DataFrame({
        "follower": names.gather(follower[f_order]),
        "followee": names.gather(followee[f_order]),
        "since": _timestamps(start_us + since[f_order]),
    })

    # truth tables
    is_casc = ev.depth >= 0
    casc_idx = np.flatnonzero(is_casc)
    cascades = pl.DataFrame({
        "post_id": post_ids.gather(casc_idx),
        "user": names.gather(ev.user[casc_idx]),
        "action": pl.Series(_ACTIONS).gather(ev.action[casc_idx]),
        "root_post_id": post_ids.gather(ev.root[casc_idx]),
        "parent_post_id": _gather_or_null(post_ids, ev.parent[casc_idx]),
        "depth": ev.depth[casc_idx],
        "_rank": rank[casc_idx],
    }).sort("_rank").drop("_rank")
    R = ev.n_roots
    adopt_root = ev.root[casc_idx][ev.depth[casc_idx] > 0]
    adopt_depth = ev.depth[casc_idx][ev.depth[casc_idx] > 0]
    size = 1 + np.bincount(adopt_root, minlength=R)
    max_depth = np.zeros(R, dtype=np.int64)
    np.maximum.at(max_depth, adopt_root, adopt_depth)
    r_order = np.argsort(rank[:R])
    posts = pl.DataFrame({
        "post_id": post_ids.gather(r_order),
        "user": names.gather(ev.user[r_order]),
        "topic": topic_names.gather(ev.topic[r_order]),
        "timestamp": ts.gather(r_order),
        "size": size[r_order],
        "max_depth": max_depth[r_order],
        "viral": ev.viral[r_order],
    })
    followers_n = np.bincount(followee, minlength=n)
    following_n = np.bincount(follower, minlength=n)
    n_posts = np.bincount(ev.user[:R], minlength=n)
    viral_of = np.full(n, -1, dtype=np.int64)
    vr = np.flatnonzero(ev.viral[:R])
    viral_of[ev.user[vr]] = vr
    users_truth = pl.DataFrame({
        "user": names,
        "archetype": pl.Series(tr.archetype.astype(str)),
        "main_topic": topic_names.gather(tr.main_topic),
        "persuasiveness": tr.persuasiveness,
        "posting_rate": tr.posting_rate,
        "fitness": tr.fitness,
        "followers": followers_n,
        "following": following_n,
        "posts": n_posts,
        "viral_post_id": _gather_or_null(post_ids, viral_of),
        **{f"share_{p}": tr.platform_share[:, j] for j, p in enumerate(platforms)},
    })
    passions = pl.DataFrame({
        "user": names.gather(np.repeat(np.arange(n), T)),
        "topic": topic_names.gather(np.tile(np.arange(T), n)),
        "interest": tr.passion.reshape(-1),
        "post_share": tr.post_mix.reshape(-1),
    })
    probabilities = pl.DataFrame(
        {"source": names.gather(src), "target": names.gather(dst), "p": p_bar}
    )
    params = {"n_users": n, **knobs}
    truth = SyntheticTruth(
        users=users_truth,
        passions=passions,
        probabilities=probabilities,
        cascades=cascades,
        posts=posts,
        topics=tuple(topic_names.to_list()),
        params=params,
        spread_rel_error=float(spread_rel_error),
        spread_seed=int(task_seeds(ss, 1, offset=6)[0] % (2**62)),
        _edge_prob=P,
    )
    provenance = {
        "generator": "influence_graph.datasets.synthetic",
        "seed": seed_entropy(ss),
        "params": {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in params.items()},
    }
    return make_dataset(events=events, follows=follows, users=names.to_frame(), truth=truth,
                        name="synthetic", provenance=provenance)
