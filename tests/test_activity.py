"""activity: hand-computed counts, null follower columns without follows, properties, Higgs."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

import influence_graph as ig
from influence_graph.metrics.activity import ACTIVITY_COLUMNS, activity
from influence_graph.io.dataset import make_dataset
from tests.conftest import events_frame

ROWS = [
    ("a", "post", None, "p1", None, 0),
    ("a", "post", None, "p2", None, 60 * 24),  # next day
    ("b", "retweet", "a", None, None, 5),
    ("b", "quote", "a", None, None, 6),
    ("c", "reply", "c", None, None, 7),  # self-reply counts as activity
    ("c", "mention", "a", None, None, 8),
    ("c", "mention", "c", None, None, 9),  # self-mention too
]
FOLLOWS = pl.DataFrame({"follower": ["b", "c", "d"], "followee": ["a", "a", "b"]})


def test_hand_computed_table():
    act = activity(make_dataset(events=events_frame(ROWS), follows=FOLLOWS))
    assert act.columns == list(ACTIVITY_COLUMNS)
    assert all(act.schema[c] == pl.Int64 for c in ACTIVITY_COLUMNS[1:])
    assert act.rows() == [
        # user posts rt quotes replies mentions actions days followers following
        ("a", 2, 0, 0, 0, 0, 2, 2, 2, 0),
        ("b", 0, 1, 1, 0, 0, 2, 1, 1, 1),
        ("c", 0, 0, 0, 1, 2, 3, 1, 0, 1),
        ("d", 0, 0, 0, 0, 0, 0, 0, 0, 1),  # only in the follower graph: zeros, not nulls
    ]


def test_no_follower_graph_gives_null_not_zero():
    act = activity(make_dataset(events=events_frame(ROWS)))
    assert act["followers"].null_count() == act.height == 3
    assert act["following"].null_count() == 3 and act.schema["followers"] == pl.Int64


def test_active_days_are_utc_dates():
    t = datetime(2024, 3, 1, 23, 30, tzinfo=timezone(timedelta(hours=-5)))  # 2 March 04:30 UTC
    ev = pl.DataFrame(
        {
            "user": ["a", "a"],
            "action": ["post", "post"],
            "target_user": [None, None],
            "timestamp": [t, t + timedelta(hours=1)],
        },
        schema_overrides={"timestamp": pl.Datetime("us", "UTC")},
    )
    assert activity(make_dataset(events=ev))["active_days"].to_list() == [1]


def test_self_follow_and_duplicate_follow_not_counted():
    fo = pl.DataFrame({"follower": ["a", "b", "b"], "followee": ["a", "a", "a"]})
    act = activity(make_dataset(follows=fo))
    assert act.select("user", "followers", "following").rows() == [("a", 1, 0), ("b", 0, 1)]


def test_congress_like_dataset_without_events():
    probs = pl.DataFrame({"source": ["x"], "target": ["y"], "p": [0.5]})
    act = activity(make_dataset(probabilities=probs))
    assert act["user"].to_list() == ["x", "y"] and act["actions"].to_list() == [0, 0]


NAMES = ["a", "b", "c", "dd"]
event_rows = st.lists(
    st.tuples(
        st.sampled_from(NAMES),
        st.sampled_from(["post", "retweet", "quote", "reply", "mention"]),
        st.sampled_from(NAMES),
        st.integers(0, 60 * 24 * 5),
    ),
    max_size=30,
)


def _ds(rows):
    if not rows:
        return make_dataset(users=pl.DataFrame({"user": NAMES}))
    return make_dataset(
        events=events_frame(
            [(u, a, None if a == "post" else t, None, None, m) for u, a, t, m in rows]
        )
    )


@given(rows=event_rows, data=st.data())
def test_properties(rows, data):
    act = activity(_ds(rows))
    assert act["user"].to_list() == sorted(set(act["user"]))
    made = ["posts", "retweets_made", "quotes_made", "replies_made", "mentions_made"]
    assert act.select(pl.sum_horizontal(made) == pl.col("actions")).to_series().all()
    assert act["actions"].sum() == len(rows)
    for col, a in zip(made, ["post", "retweet", "quote", "reply", "mention"], strict=True):
        assert act[col].sum() == sum(r[1] == a for r in rows)
    assert ((act["active_days"] > 0) == (act["actions"] > 0)).all()
    assert (act["active_days"] <= act["actions"]).all()
    shuffled = data.draw(st.permutations(rows))
    assert activity(_ds(shuffled)).equals(act)


@pytest.mark.realdata
def test_higgs_activity(higgs_dir):
    ds = ig.datasets.higgs(higgs_dir)
    act = activity(ds)
    assert act.height == ds.n_users == 304_691
    assert act["user"].equals(ds.users["user"])
    sums = act.select(
        pl.col(
            "posts", "retweets_made", "quotes_made", "replies_made", "mentions_made", "actions"
        ).sum()
    ).row(0)
    assert sums == (0, 354_930, 0, 36_902, 171_237, 563_069)
    assert act["followers"].null_count() == act.height  # no follower graph in the shared data
    assert act["active_days"].max() <= 7 and act.filter(pl.col("actions") == 0).height > 0
