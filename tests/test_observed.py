"""Observed influence: hand-counted answers and invariance properties."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from influence_graph.io.dataset import make_dataset
from influence_graph.metrics.observed import OBSERVED_COLUMNS, observed_influence
from tests.conftest import events_frame


def _row(df, u):
    return df.filter(pl.col("user") == u).row(0, named=True)


def test_hand_counted_log():
    ev = events_frame(
        [
            ("a", "post", None, "p1", None, 0),
            ("a", "post", None, "p2", None, 0),
            ("b", "retweet", "a", None, "p1", 1),
            ("b", "retweet", "a", None, "p2", 2),
            ("c", "quote", "a", None, "p1", 3),
            ("d", "reply", "a", None, "p1", 4),
            ("e", "mention", "a", None, None, 5),
            ("a", "reply", "a", None, "p1", 6),  # a self-reply is a thread, not received
            ("a", "mention", "a", None, None, 7),
        ]
    )
    out = observed_influence(make_dataset(events=ev))
    assert out.columns == ["user", *OBSERVED_COLUMNS]
    a = _row(out, "a")
    assert (
        a["retweets_received"],
        a["quotes_received"],
        a["replies_received"],
        a["mentions_received"],
    ) == (2, 1, 1, 1)
    assert a["total_engagement"] == 5
    assert a["unique_engagers"] == 3  # b, c, d (e only mentioned)
    assert a["posts"] == 2
    assert a["engagement_per_post"] == pytest.approx(4 / 2)
    assert a["audience_reach"] is None  # no follower graph: unknown, not 0
    b = _row(out, "b")
    assert (b["posts"], b["engagement_per_post"], b["total_engagement"]) == (0, None, 0)


def test_posts_unknown_without_post_rows():
    ev = events_frame([("b", "retweet", "a", None, None, 1)])
    out = observed_influence(make_dataset(events=ev))
    assert out["posts"].null_count() == out.height
    assert out["engagement_per_post"].null_count() == out.height
    assert _row(out, "a")["retweets_received"] == 1


def test_audience_reach_is_union_of_retweeters_followers():
    ev = events_frame(
        [
            ("b", "retweet", "a", None, None, 1),
            ("c", "retweet", "a", None, None, 2),
            ("c", "mention", "b", None, None, 3),
        ]
    )
    fo = pl.DataFrame(
        {
            "follower": ["x", "y", "x", "a", "z", "w"],
            "followee": ["b", "b", "c", "c", "a", "d"],
        }
    )
    out = observed_influence(make_dataset(events=ev, follows=fo))
    assert _row(out, "a")["audience_reach"] == 2  # x, y; a itself excluded
    assert _row(out, "b")["audience_reach"] == 0  # mentions reach nobody
    assert _row(out, "w")["audience_reach"] == 0
    assert out["audience_reach"].null_count() == 0


_actions = ["post", "retweet", "quote", "reply", "mention"]
_rows = st.lists(
    st.tuples(
        st.sampled_from("abcde"),
        st.sampled_from(_actions),
        st.sampled_from("abcde"),
        st.integers(0, 50),
    ),
    max_size=30,
)


def _frame(rows):
    return events_frame([(u, a, None if a == "post" else t, None, None, m) for u, a, t, m in rows])


@given(_rows, st.integers(0, 10_000))
def test_row_order_invariance(rows, seed):
    ev = _frame(rows)
    a = observed_influence(make_dataset(events=ev))
    b = observed_influence(make_dataset(events=ev.sample(fraction=1.0, shuffle=True, seed=seed)))
    assert a.equals(b)


@given(_rows, st.sampled_from(_actions[1:]), st.sampled_from("abcde"), st.sampled_from("abcdef"))
def test_adding_an_engagement_never_lowers_counts(rows, action, actor, target):
    before = observed_influence(make_dataset(events=_frame(rows)))
    after = observed_influence(make_dataset(events=_frame([*rows, (actor, action, target, 60)])))
    if target not in before["user"].to_list():
        before = pl.DataFrame({"user": [target]}).join(before, on="user", how="left")
    b, a = _row(before, target), _row(after, target)
    for col in (
        "retweets_received",
        "quotes_received",
        "replies_received",
        "mentions_received",
        "total_engagement",
        "unique_engagers",
    ):
        assert a[col] >= (b[col] or 0)
    if actor != target:
        assert a["total_engagement"] == (b["total_engagement"] or 0) + 1


@given(_rows)
def test_every_user_gets_a_row_and_zeros(rows):
    extra = pl.DataFrame({"user": ["zz_silent"]})
    ds = make_dataset(events=_frame(rows), users=extra)
    out = observed_influence(ds)
    assert out["user"].to_list() == ds.user_ids.to_list()
    z = _row(out, "zz_silent")
    assert z["total_engagement"] == 0 and z["unique_engagers"] == 0
    counts = [
        "retweets_received",
        "quotes_received",
        "replies_received",
        "mentions_received",
        "total_engagement",
        "unique_engagers",
    ]
    assert out.select(pl.col(counts).null_count().sum()).row(0) == (0,) * len(counts)
