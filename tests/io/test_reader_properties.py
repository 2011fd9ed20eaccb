"""Hypothesis properties of load_dataset: row order, one bad record, user relabelling."""

from __future__ import annotations

import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

import influence_graph as ig
from influence_graph.exceptions import InputValidationError

T0 = datetime(2024, 3, 1, 12, tzinfo=timezone.utc)
USERS = ["alice", "bob", "007", "7", "Jos\u00e9", "\U0001f600"]
TOPICS = ["", "higgs", "higgs;physics", "art"]


@st.composite
def tables(draw, with_ids: bool | None = None):
    """An event table (as CSV-ready strings) with posts, engagements, copies and bad links,
    plus a follow table with duplicates and self-loops."""
    n = draw(st.integers(1, 20))
    if with_ids is None:
        with_ids = draw(st.booleans())
    rows: list[dict] = []
    authors: dict[str, str] = {}
    for i in range(n):
        user = draw(st.sampled_from(USERS))
        t = T0 + timedelta(minutes=draw(st.integers(0, 30)))
        action = draw(st.sampled_from(["post", "retweet", "quote", "reply", "mention"]))
        row = {
            "event_id": f"e{i}",
            "user": user,
            "action": action,
            "target_user": None,
            "post_id": None,
            "parent_id": None,
            "timestamp": t.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "topics": draw(st.sampled_from(TOPICS)),
        }
        if action in ("retweet", "quote", "reply"):
            parent = draw(st.sampled_from([*authors, "p-missing"]))
            row["parent_id"] = parent
            row["target_user"] = authors.get(parent, draw(st.sampled_from(USERS)))
        elif action == "mention":
            row["target_user"] = draw(st.sampled_from(USERS))
        if action != "mention" and draw(st.booleans()) or action == "post":
            row["post_id"] = f"p{i}"
            authors[f"p{i}"] = user
        rows.append(row)
    for j in draw(st.lists(st.integers(0, n - 1), max_size=3)):
        rows.append(dict(rows[j]))  # exact copies (same event_id)
    events = pl.DataFrame(rows, schema={k: pl.String for k in rows[0]})
    if not with_ids:
        events = events.drop("event_id")
    pairs = draw(
        st.lists(st.tuples(st.sampled_from(USERS), st.sampled_from(USERS)), min_size=1, max_size=12)
    )
    follows = pl.DataFrame(
        pairs, schema={"follower": pl.String, "followee": pl.String}, orient="row"
    )
    return events, follows


def load(events: pl.DataFrame, follows: pl.DataFrame | None = None, **kw) -> ig.Dataset:
    with tempfile.TemporaryDirectory() as d:
        pe = Path(d) / "events.csv"
        events.write_csv(pe)
        pf = None
        if follows is not None:
            pf = Path(d) / "follows.csv"
            follows.write_csv(pf)
        kw.setdefault("rejects", Path(d) / "rejects.parquet")
        return ig.load_dataset(events=pe, follows=pf, **kw)


def counts(ds: ig.Dataset) -> list[tuple]:
    return [
        (s.kind, s.records_read, s.used, s.rejected, s.deduplicated, s.filtered, s.reasons)
        for s in ds.ingest.sources
    ]


@given(tables(), st.randoms(use_true_random=False))
def test_shuffled_rows_change_nothing(tab, rnd):
    events, follows = tab
    ev_perm = list(range(events.height))
    fo_perm = list(range(follows.height))
    rnd.shuffle(ev_perm)
    rnd.shuffle(fo_perm)
    a = load(events, follows)
    b = load(events[ev_perm], follows[fo_perm])
    assert a.ingest.balanced and b.ingest.balanced
    assert a.events.equals(b.events)
    assert a.follows.equals(b.follows)
    assert a.users.equals(b.users)
    assert counts(a) == counts(b)


MUTATIONS = [
    ("timestamp", "not a time", "TS_PARSE"),
    ("timestamp", "2024-03-01T12:00:00", "TS_NAIVE"),
    ("timestamp", "1999-12-31T23:59:59Z", "TS_RANGE"),
    ("action", "like", "ACTION_UNKNOWN"),
    ("user", None, "ID_MISSING"),
]


@given(tables(with_ids=True), st.data())
def test_one_bad_record(tab, data):
    events, _ = tab
    referenced = set(events["parent_id"].drop_nulls())
    leaves = [i for i, pid in enumerate(events["post_id"]) if pid is None or pid not in referenced]
    i = data.draw(st.sampled_from(leaves))
    column, value, rule = data.draw(st.sampled_from(MUTATIONS))
    bad = events.with_columns(
        pl.when(pl.int_range(pl.len()) == i)
        .then(pl.lit(value, pl.String))
        .otherwise(pl.col(column))
        .alias(column)
    )
    with pytest.raises(InputValidationError) as info:
        load(bad)
    assert (info.value.rule, info.value.record, info.value.line) == (rule, i + 1, i + 2)
    assert info.value.counts == {rule: 1}
    lenient = load(bad, strict=False)
    assert lenient.ingest.balanced
    assert (lenient.ingest.records_read, lenient.ingest.rejected) == (events.height, 1)
    without = load(events.filter(pl.int_range(pl.len()) != i))
    assert lenient.events.equals(without.events)


def relabel(u: str | None) -> str | None:
    return None if u is None else "x:" + u[::-1] + ":\u00e9"


@given(tables(with_ids=True))
def test_user_relabelling(tab):
    events, follows = tab
    a = load(events, follows)
    mapped_ev = events.with_columns(
        pl.col("user", "target_user").map_elements(relabel, return_dtype=pl.String)
    )
    mapped_fo = follows.with_columns(
        pl.col("follower", "followee").map_elements(relabel, return_dtype=pl.String)
    )
    b = load(mapped_ev, mapped_fo)
    assert counts(a) == counts(b)
    expect = a.events.with_columns(
        pl.col("user", "target_user").map_elements(relabel, return_dtype=pl.String)
    )
    assert b.events.equals(expect)
    assert sorted(b.users["user"]) == sorted(relabel(u) for u in a.users["user"])
    pairs = {(relabel(f), relabel(g)) for f, g in a.follows.select("follower", "followee").rows()}
    assert set(b.follows.select("follower", "followee").rows()) == pairs
