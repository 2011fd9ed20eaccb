"""Matching users to a topic: both passionate about it and influential on it.

``method="both"`` (default) keeps the users who pass the passion test
(``passion_low > π_t``: their share of posts on the topic is credibly above the
population's, which one post never is) and ranks them by

    score = passion × (spread_low − 1),

the shrunken share of their posts on the topic times the users beyond themselves a
post of theirs on it reaches at the pessimistic end of its interval. Both factors
must be high: a single viral post (topical spread without passion) fails the test,
and a prolific poster whom nobody re-shares (passion without spread) scores near 0.
The uncertainty of passion is used once, in the test; using its lower bound again
in the score would penalise a short posting history a second time and demote
exactly the quiet, far-reaching accounts that activity counts miss (measured:
docs/topics.md).

``method="engagement"`` is the 2010s services' rule, kept for comparison only: credit
is the re-shares received on any post about the topic, every generation counted for
the original author (``cascade_reshares``, what a retweet counter shows), with no
passion test; an account whose one post on the topic went viral tops it.

Several topics at once (a brand's brief, e.g. ``["basketball", "nba"]``) are merged
into one topic when a Dataset is given (a post on any of them is a post on the
brief, and the probabilities are learned from all their events); with a profile
table each user's best topic of the brief counts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from .._rng import SeedLike
from .._validation import bad_param, check_choice, check_dataset, check_int, check_number
from ..io.dataset import Dataset
from .assign import check_mapping
from .brief import resolve_brief, restrict_to_brief
from .profile import PROFILE_COLUMNS, profile_of, topic_data

__all__ = ["match_topic", "MATCH_METHODS", "MATCH_COLUMNS", "why_sentence"]

#: Accepted ``method`` values, the default first.
MATCH_METHODS: tuple[str, ...] = ("both", "engagement")
#: Columns of :func:`match_topic`'s table, in order.
MATCH_COLUMNS: tuple[str, ...] = (
    "rank", "user", "topic", "score", "why", "posts", "all_posts", "passion", "passion_low",
    "passion_high", "passionate", "topical_spread", "spread_low", "spread_high",
    "reshares_received", "unique_engagers", "cascade_reshares",
)


def why_sentence(row: dict[str, Any], method: str) -> str:
    """One plain sentence with the numbers behind a match."""
    t = row["topic"]
    half = (row["spread_high"] - row["spread_low"]) / 2 if row["spread_high"] is not None else 0
    reach = (f"a {t} post of theirs reaches {row['topical_spread']:.1f} ± {half:.1f} users"
             if row["topical_spread"] is not None else "no spread estimate")
    posts = f"{row['posts']} of {row['all_posts']} posts on {t}"
    if method == "engagement":
        return (f"{row['cascade_reshares']} re-shares of their {t} posts (all generations); "
                f"{posts}; {reach}")
    return (f"{posts} (passion {row['passion']:.2f}, at least {row['passion_low']:.2f}); "
            f"{reach}; {row['reshares_received']} re-shares received on it")


def _rank(prof: pl.DataFrame, method: str, k: int) -> pl.DataFrame:
    if method == "engagement":
        ranked = prof.with_columns(score=pl.col("cascade_reshares").cast(pl.Float64))
    else:
        ranked = prof.filter(pl.col("passionate"), pl.col("posts") > 0).with_columns(
            score=pl.col("passion") * (pl.col("reach_low") - 1.0).clip(lower_bound=0.0)
        )
    ranked = ranked.sort(["score", "user"], descending=[True, False]).unique(
        "user", keep="first", maintain_order=True
    ).head(k)
    why = [why_sentence(r, method) for r in ranked.iter_rows(named=True)]
    return ranked.with_columns(
        rank=pl.int_range(1, ranked.height + 1, dtype=pl.Int64), why=pl.Series(why, dtype=pl.String)
    ).select(MATCH_COLUMNS)


def match_topic(
    data: Dataset | pl.DataFrame,
    topic: str | Sequence[str],
    *,
    k: int = 20,
    method: str = "both",
    topics: Mapping[str, Any] | pl.DataFrame | None = None,
    seed: SeedLike = None,
    confidence: float = 0.95,
    rel_error: float = 0.1,
    top_k: int | None = 20,
    n_jobs: int | None = None,
    as_set: bool = False,
) -> pl.DataFrame:
    """The ``k`` users to approach about ``topic``: passionate about it and influential on it.

    Parameters
    ----------
    data : Dataset or polars.DataFrame
        A data set (its profile is computed, :func:`influence_graph.topic_profile`)
        or a profile table already computed.
    topic : str or sequence of str
        A topic, or several (a brief); case-insensitive, ``#`` optional.
    k : int
        How many users.
    method : {"both", "engagement"}
        The ranking rule (module docstring); ``"engagement"`` is the baseline.
    topics, seed, confidence, rel_error, top_k, n_jobs
        As in :func:`influence_graph.topic_profile` (used only with a Dataset).
    as_set : bool
        False (default): the ``k`` best individuals. True: a campaign — the ``k``
        passionate users whose *joint* spread is largest (audiences overlap), the
        table of :func:`influence_graph.select_campaign` (needs a Dataset).

    Returns
    -------
    polars.DataFrame
        At most ``k`` rows (fewer when fewer users pass the passion test), best first:
        ``rank``, ``user``, ``topic``, ``score``, ``why`` (one sentence with the numbers
        behind the rank), and the profile's passion, spread and engagement columns.

    Raises
    ------
    InputValidationError
        A topic the data do not have (``BAD_PARAM``, naming the known topics);
        ``NO_TOPICS`` for a data set without topics.

    Examples
    --------
    >>> import influence_graph as ig
    >>> ds = ig.datasets.synthetic(n_users=300, seed=1)
    >>> top = match_topic(ds, "#Music", k=3, seed=1)
    >>> top["rank"].to_list(), top["passionate"].all()
    ([1, 2, 3], True)
    >>> match_topic(ds, "knitting", seed=1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    influence_graph.exceptions.InputValidationError: ...must be a topic of the data: 'film', ...
    """
    check_int("k", k, low=1)
    check_choice("method", method, MATCH_METHODS)
    if as_set:
        if not isinstance(data, Dataset):
            raise bad_param("data", type(data).__name__,
                            "be a Dataset with as_set=True (the campaign needs the probabilities)")
        if method != "both":
            raise bad_param("method", method, "be 'both' with as_set=True")
        from .campaign import select_campaign

        return select_campaign(data, topic, k=k, topics=topics, seed=seed,
                               confidence=confidence, n_jobs=n_jobs).table
    if isinstance(data, pl.DataFrame):
        missing = [c for c in PROFILE_COLUMNS if c not in data.columns]
        if missing:
            raise bad_param("data", f"table without {missing[:3]}",
                            "be a Dataset or a topic_profile() table")
        brief = resolve_brief(topic, data["topic"].unique().to_list())
        return _rank(data.filter(pl.col("topic").is_in(list(brief))), method, k)
    check_dataset("data", data)
    check_number("confidence", confidence, low=0.0, high=1.0, low_open=True, high_open=True)
    check_number("rel_error", rel_error, low=0.0, low_open=True)
    check_int("top_k", top_k, low=1, allow_none=True)
    check_int("n_jobs", n_jobs, low=1, allow_none=True)
    td = topic_data(data, check_mapping(topics))
    brief = resolve_brief(topic, td.topics)
    td = restrict_to_brief(td, brief)
    prof, _ = profile_of(td, seed=seed, confidence=confidence, prior=None, model="ic",
                         rel_error=rel_error, top_k=top_k, n_jobs=n_jobs, executor=None)
    return _rank(prof, method, k)
