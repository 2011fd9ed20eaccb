"""A campaign, not a list: the k passionate users whose *joint* topical spread is largest.

Audiences overlap: two accounts followed by the same people reach almost the same
users, so the k best individuals are not the best k together. :func:`select_campaign`
runs influence maximisation — IMM (Tang, Shi & Xiao, SIGMOD 2015) on the package's
RR-set sampler, :func:`influence_graph.diffusion.seeds.select_seeds` — on the topic's
probabilities, with the candidates restricted to the users who pass the passion test
on the topic. With probability at least ``1 − 1/n`` the set's joint spread is at
least ``(1 − 1/e − ε)`` of the best k-set of candidates; each pick's marginal gain and
the running joint spread come with intervals from an independent sample of RR sets,
and so does the joint spread of the k candidates with the largest individual spread
(the list), on the same RR sets.

Examples
--------
>>> import influence_graph as ig
>>> ds = ig.datasets.synthetic(n_users=300, seed=1)
>>> c = select_campaign(ds, "music", k=3, seed=1)
>>> c.table["pick"].to_list(), bool(c.table["passionate"].all())
([1, 2, 3], True)
>>> c.joint_spread >= c.individual_joint_spread - 3 * c.individual_joint_se
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from .._rng import SeedLike
from .._validation import bad_param, check_dataset, check_int, check_number
from ..io.dataset import Dataset
from .assign import check_mapping
from .brief import resolve_brief, restrict_to_brief
from .profile import profile_of, topic_data

__all__ = ["Campaign", "select_campaign", "CAMPAIGN_COLUMNS"]

#: Columns of :attr:`Campaign.table`.
CAMPAIGN_COLUMNS: tuple[str, ...] = (
    "pick", "user", "marginal_gain", "gain_low", "gain_high", "joint_spread", "joint_low",
    "joint_high", "individual_spread", "in_top_k", "passion", "passionate", "posts",
    "all_posts", "why",
)


@dataclass(frozen=True)
class Campaign:
    """The selected set, its estimates and how it compares with the individual list.

    Attributes
    ----------
    table : polars.DataFrame
        One row per pick in order: ``pick``, ``user``, ``marginal_gain`` (users the
        pick adds to the set's expected reach, the first pick counting itself) with
        ``gain_low``/``gain_high`` (the gains add up to the joint spread),
        ``joint_spread`` of picks 1..i with ``joint_low``/``joint_high``,
        ``individual_spread`` (the pick alone), ``in_top_k`` (also among the k
        candidates with the largest individual spread), the passion columns and a
        ``why`` sentence.
    topic : str
    k : int
    joint_spread, joint_low, joint_high : float
        Expected number of users the whole set reaches (the set counted).
    individual_top_k : tuple of str
        The k candidates with the largest individual spread (the list).
    individual_joint_spread, individual_joint_se : float
        The list's joint spread on the same evaluation RR sets, and its standard error.
    individual_joint_low, individual_joint_high : float
        Its interval.
    overlap : int
        Users in both the set and the list.
    epsilon, guarantee : float
        IMM's ε and the approximation factor ``1 − 1/e − ε`` (NaN when a cap cut
        sampling short).
    candidates : int
        Users who pass the passion test (the ground set).
    theta, theta_eval : int
        RR sets used to select and to evaluate.
    """

    table: pl.DataFrame
    topic: str
    k: int
    joint_spread: float
    joint_low: float
    joint_high: float
    individual_top_k: tuple[str, ...]
    individual_joint_spread: float
    individual_joint_se: float
    individual_joint_low: float
    individual_joint_high: float
    overlap: int
    epsilon: float
    guarantee: float
    candidates: int
    theta: int
    theta_eval: int


def _why(row: dict[str, Any], topic: str) -> str:
    return (f"adds {row['marginal_gain']:.1f} users ({row['gain_low']:.1f}–"
            f"{row['gain_high']:.1f}) to the campaign's reach; alone a {topic} post of theirs "
            f"reaches {row['individual_spread']:.1f}; {row['posts']} of {row['all_posts']} "
            f"posts on {topic}")


def select_campaign(
    ds: Dataset,
    topic: str | Sequence[str],
    *,
    k: int = 10,
    topics: Mapping[str, Any] | pl.DataFrame | None = None,
    epsilon: float = 0.1,
    seed: SeedLike = None,
    confidence: float = 0.95,
    n_jobs: int | None = None,
) -> Campaign:
    """The ``k`` passionate users whose joint expected spread on ``topic`` is largest.

    Parameters
    ----------
    ds : Dataset
    topic : str or sequence of str
        A topic or a brief (several topics merged), as in
        :func:`influence_graph.match_topic`.
    k : int
        Size of the campaign (at most the number of passionate users).
    topics : mapping or polars.DataFrame, optional
        The ``topics=`` mapping of :func:`influence_graph.topic_profile`.
    epsilon : float
        IMM's ε in (0, 1 − 1/e).
    seed : int, SeedSequence, Generator or None
        Seeds the profile's estimator and the selection.
    confidence : float
        Level of the intervals.
    n_jobs : int, optional
        Threads.

    Returns
    -------
    Campaign

    Raises
    ------
    InputValidationError
        An unknown topic (naming the known ones), ``k`` above the number of users who
        pass the passion test, or a bad parameter (``BAD_PARAM``).
    """
    from ..diffusion.probability_graph import probability_graph_on
    from ..diffusion.seeds import check_epsilon, select_seeds

    check_dataset("ds", ds)
    check_int("k", k, low=1)
    check_epsilon(epsilon)  # before the profile, which is the slow part
    check_number("confidence", confidence, low=0.0, high=1.0, low_open=True, high_open=True)
    check_int("n_jobs", n_jobs, low=1, allow_none=True)
    td = topic_data(ds, check_mapping(topics))
    td = restrict_to_brief(td, resolve_brief(topic, td.topics))
    name = td.topics[0]
    prof, probs = profile_of(td, seed=seed, confidence=confidence, prior=None, model="ic",
                             rel_error=0.1, top_k=20, n_jobs=n_jobs, executor=None)
    cand = prof.filter(pl.col("topic") == name, pl.col("passionate"), pl.col("posts") > 0)
    if k > cand.height:
        raise bad_param("k", k, f"be at most the {cand.height} users passionate about {name!r}")
    pg = probability_graph_on(td.graphs, probs.tables[name])
    sel = select_seeds(pg, k, candidates=cand["user"], epsilon=epsilon, confidence=confidence,
                       seed=seed, n_jobs=n_jobs)
    top = set(sel.individual_top_k)
    table = (
        sel.table.join(cand.select("user", "passion", "passionate", "posts", "all_posts"),
                       on="user", how="left", maintain_order="left")
        .with_columns(in_top_k=pl.col("user").is_in(list(top)))
    )
    why = [_why(r, name) for r in table.iter_rows(named=True)]
    table = table.with_columns(why=pl.Series(why, dtype=pl.String)).select(CAMPAIGN_COLUMNS)
    last = sel.table.row(sel.table.height - 1, named=True)
    return Campaign(
        table=table, topic=name, k=k, joint_spread=last["joint_spread"],
        joint_low=last["joint_low"], joint_high=last["joint_high"],
        individual_top_k=sel.individual_top_k,
        individual_joint_spread=sel.individual_joint_spread,
        individual_joint_se=sel.individual_joint_se,
        individual_joint_low=sel.individual_joint_low,
        individual_joint_high=sel.individual_joint_high,
        overlap=len(top & set(sel.seeds)), epsilon=sel.epsilon, guarantee=sel.guarantee,
        candidates=cand.height, theta=sel.theta, theta_eval=sel.theta_eval,
    )
