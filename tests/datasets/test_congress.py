"""Congress loader: structure checks, the tweet-count estimate, and the real SNAP figures."""

from __future__ import annotations

import copy
import json
import math

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

import influence_graph as ig
from influence_graph.datasets.congress import parse_congress, tweet_counts
from influence_graph.exceptions import InputValidationError

# a -> b (p 0.5), a -> c (0.25), b -> a (0.2): a's weights are multiples of 1/4, b's of 1/5
TOY = [
    {
        "usernameList": ["a", "b", "c"],
        "outList": [[1, 2], [0], []],
        "outWeight": [[0.5, 0.25], [0.2], []],
        "inList": [[1], [0], [0]],
        "inWeight": [[0.2], [0.5], [0.25]],
    }
]


def test_parse_known_answer():
    probs, users = parse_congress(TOY)
    assert probs.rows() == [("a", "b", 0.5), ("a", "c", 0.25), ("b", "a", 0.2)]
    assert users.rows() == [("a", 4), ("b", 5), ("c", None)]
    assert probs.schema == pl.Schema({"source": pl.String, "target": pl.String, "p": pl.Float64})


def test_loader_on_toy_file(tmp_path, monkeypatch):
    monkeypatch.setenv("INFLUENCE_GRAPH_OFFLINE", "1")
    (tmp_path / "congress_network_data.json").write_text(json.dumps(TOY))
    ds = ig.datasets.congress(tmp_path, verify=False)
    assert ds.events.height == 0 and ds.follows is None
    assert ds.users.rows() == [("a", 4), ("b", 5), ("c", None)]
    assert ds.probabilities.height == 3 and ds.ingest.balanced
    assert any("no events, no timestamps and no follower graph" in n for n in ds.ingest.notes)
    with pytest.raises(ig.ChecksumError):
        ig.datasets.congress(tmp_path)


def _mutate(fn):
    obj = copy.deepcopy(TOY)
    fn(obj[0])
    return obj


@pytest.mark.parametrize(
    ("mutation", "rule"),
    [
        (lambda d: d["inWeight"].__setitem__(0, [0.3]), "INOUT_MISMATCH"),
        (
            lambda d: (d["inList"].__setitem__(2, []), d["inWeight"].__setitem__(2, [])),
            "INOUT_MISMATCH",
        ),
        (
            lambda d: (d["outWeight"][0].__setitem__(0, 1.5), d["inWeight"][1].__setitem__(0, 1.5)),
            "P_RANGE",
        ),
        (lambda d: d["outList"].__setitem__(1, [7]), "CONGRESS_FORMAT"),
        (lambda d: d["outWeight"].__setitem__(0, [0.5]), "CONGRESS_FORMAT"),
        (lambda d: d.pop("inList"), "MISSING_COLUMN"),
        (lambda d: d["usernameList"].__setitem__(2, "a"), "DUP_ID"),
        (lambda d: d["usernameList"].__setitem__(2, ""), "ID_MISSING"),
    ],
)
def test_bad_structure_names_rule(mutation, rule):
    with pytest.raises(InputValidationError) as info:
        parse_congress(_mutate(mutation), file="c.json")
    assert info.value.rule == rule and info.value.file == "c.json"


def test_bad_json_is_reported(tmp_path, monkeypatch):
    monkeypatch.setenv("INFLUENCE_GRAPH_OFFLINE", "1")
    (tmp_path / "congress_network_data.json").write_text('[{"usernameList": [}')
    with pytest.raises(InputValidationError) as info:
        ig.datasets.congress(tmp_path, verify=False)
    assert info.value.rule == "JSON_PARSE" and info.value.line == 1


def test_tweet_counts_known_answers():
    assert tweet_counts([[0.25, 0.5], [1 / 3, 2 / 3], [0.4, 0.6], [1.0], []]) == [4, 3, 5, 1, None]


@given(
    t=st.integers(min_value=1, max_value=3000),
    ks=st.lists(st.integers(min_value=1, max_value=3000), min_size=1, max_size=20),
)
def test_tweet_counts_is_one_over_gcd(t, ks):
    ks = [min(k, t) for k in ks]
    expected = t // math.gcd(t, *ks)  # weights k/t reduce to k'/(t/g)
    assert tweet_counts([[k / t for k in ks]]) == [expected]


@pytest.mark.realdata
def test_real_congress_figures(congress_dir):
    ds = ig.datasets.congress(congress_dir)
    assert ds.n_users == 475 and ds.probabilities.height == 13_289
    assert ds.events.height == 0 and ds.follows is None
    tweets = ds.users["tweets"]
    assert tweets.null_count() == 0 and tweets.min() == 100 and tweets.median() == 315
    p = ds.probabilities["p"]
    assert 0 < p.min() and p.max() <= 1
    # every weight is a multiple of 1/tweets of its source
    j = ds.probabilities.join(ds.users, left_on="source", right_on="user")
    k = j["p"] * j["tweets"]
    assert ((k - k.round()).abs() < 1e-6).all()
    assert ds.provenance["files"]["congress"]["verified"]
    assert (
        ds.users["user"].is_sorted()
        and ds.probabilities.select("source", "target").is_duplicated().sum() == 0
    )
