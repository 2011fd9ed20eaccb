"""Higgs loader: known answers on tiny files, every validation rule, and the real SNAP figures."""

from __future__ import annotations

import gzip
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import influence_graph as ig
from influence_graph.io.dataset import make_dataset
from influence_graph.datasets.higgs import read_activity, read_follows
from influence_graph.exceptions import InputValidationError

LINES = [
    "10 20 1341100972 RT",
    "30 20 1341100980 MT",
    "30 30 1341187400 MT",  # self-mention, next UTC day
    "20 10 1341187500 RE",
    "10 20 1341187600 RT",
]


def _write(path: Path, lines: list[str]) -> Path:
    with gzip.open(path, "wt") as fh:
        fh.write("\n".join(lines) + "\n")
    return path


def _networks(lines: list[str]) -> dict[str, list[str]]:
    out = {}
    for kind, name in (("RT", "retweet"), ("MT", "mention"), ("RE", "reply")):
        c = Counter(tuple(ln.split()[:2]) for ln in lines if ln.split()[3] == kind)
        out[name] = [f"{a} {b} {w}" for (a, b), w in sorted(c.items())]
    return out


@pytest.fixture
def toy_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("INFLUENCE_GRAPH_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("INFLUENCE_GRAPH_OFFLINE", "1")
    d = tmp_path / "higgs"
    d.mkdir()
    _write(d / "higgs-activity_time.txt.gz", LINES)
    for name, rows in _networks(LINES).items():
        _write(d / f"higgs-{name}_network.edgelist.gz", rows)
    return d


def test_read_activity_known_answer(toy_dir):
    ev, rep = read_activity(toy_dir / "higgs-activity_time.txt.gz")
    assert ev.select("event_id", "user", "action", "target_user").rows() == [
        ("h1", "10", "retweet", "20"),
        ("h2", "30", "mention", "20"),
        ("h3", "30", "mention", "30"),
        ("h4", "20", "reply", "10"),
        ("h5", "10", "retweet", "20"),
    ]
    assert ev["timestamp"][0] == datetime(2012, 7, 1, 0, 2, 52, tzinfo=timezone.utc)
    assert ev.schema["timestamp"] == pl.Datetime("us", "UTC")
    assert (rep.records_read, rep.used, rep.deduplicated) == (5, 5, 0) and rep.balanced


def test_loader_on_toy_folder(toy_dir):
    ds = ig.datasets.higgs(toy_dir, verify=False, cross_check=True)
    assert ds.events.height == 5 and ds.follows is None and ds.probabilities is None
    assert ds.users["user"].to_list() == ["10", "20", "30"]
    assert ds.events["post_id"].null_count() == 5 and ds.events["parent_id"].null_count() == 5
    assert (ds.events["action"] != "post").all()
    notes = " ".join(ds.ingest.notes)
    assert (
        "no post rows" in notes
        and "no post_id or parent_id" in notes
        and "No follower graph" in notes
    )
    assert ds.ingest.balanced
    assert ds.ingest.used == ds.events.height
    assert ds.ingest.reasons == {
        "CROSS_CHECK_ONLY": 4
    }  # network lines: 1 retweet pair, 2 mention, 1 reply
    assert {s.kind for s in ds.ingest.sources} == {"events", "cross-check"}


def test_cross_check_detects_disagreement(toy_dir):
    _write(toy_dir / "higgs-retweet_network.edgelist.gz", ["10 20 1"])  # activity says 2
    with pytest.raises(InputValidationError, match="10 -> 20 activity 2 vs network 1") as info:
        ig.datasets.higgs(toy_dir, verify=False, cross_check=True)
    assert info.value.rule == "CROSS_CHECK"
    assert ig.datasets.higgs(toy_dir, verify=False).events.height == 5  # default: checksum only


def test_registered_sums_reject_toy_files(toy_dir):
    with pytest.raises(ig.ChecksumError):
        ig.datasets.higgs(toy_dir)


def test_follower_file_optional(toy_dir):
    _write(
        toy_dir / "higgs-social_network.edgelist.gz", ["20 10", "30 10", "30 30", "20 10", "40 10"]
    )
    ds = ig.datasets.higgs(toy_dir, verify=False)
    assert ds.follows.select("follower", "followee").rows() == [
        ("20", "10"),
        ("30", "10"),
        ("40", "10"),
    ]
    assert "40" in ds.users["user"].to_list()  # a follower without events joins the universe
    src = [s for s in ds.ingest.sources if s.kind == "follows"][0]
    assert (src.records_read, src.used, src.filtered, src.deduplicated) == (5, 3, 1, 1)
    assert src.reasons == {"SELF_LOOP": 1, "DUP_FOLLOW": 1}
    assert any("not verified" in w for w in src.warnings)
    assert ds.ingest.balanced
    assert ig.datasets.higgs(toy_dir, verify=False, follows=False).follows is None


def test_follows_required_but_missing(toy_dir):
    with pytest.raises(ig.DataNotFoundError, match="higgs-social_network.edgelist.gz"):
        ig.datasets.higgs(toy_dir, verify=False, follows=True)


@pytest.mark.parametrize(
    ("line", "rule", "column"),
    [
        ("10 20 1341100972 XX", "ACTION_UNKNOWN", "kind"),
        ("10 20 yesterday RT", "TS_PARSE", "time"),
        ("10 20 1341100972000 RT", "TS_RANGE", "time"),  # milliseconds read as seconds
        ("10 20 1041100972 RT", "TS_RANGE", "time"),  # before Twitter
        ("10 20", "FIELD_COUNT", None),
        (" 20 1341100972 RT", "ID_MISSING", "user"),
    ],
)
def test_bad_line_names_rule_and_record(tmp_path, line, rule, column):
    p = _write(tmp_path / "a.txt.gz", [LINES[0], LINES[1], line, LINES[3]])
    with pytest.raises(InputValidationError) as info:
        read_activity(p)
    err = info.value
    assert (err.rule, err.record, err.line, err.column) == (rule, 3, 3, column)
    assert err.file == str(p)


def test_extra_field_is_an_error_not_truncated(tmp_path):
    p = _write(tmp_path / "a.txt.gz", [LINES[0], LINES[1] + " extra", LINES[2]])
    with pytest.raises(InputValidationError) as info:
        read_activity(p)
    assert (info.value.rule, info.value.record) == ("FIELD_COUNT", 2)
    assert "5 space-separated fields" in str(info.value)


def test_many_failures_counted(tmp_path):
    lines = [f"{i} {i + 1} 1341100972 ZZ" for i in range(80)]
    with pytest.raises(InputValidationError) as info:
        read_activity(_write(tmp_path / "a.txt.gz", lines))
    assert info.value.counts == {"ACTION_UNKNOWN": 80} and len(info.value.failures) == 50


def test_duplicate_lines_removed_and_counted(tmp_path):
    ev, rep = read_activity(_write(tmp_path / "a.txt.gz", [LINES[0], LINES[1], LINES[0]]))
    assert ev["event_id"].to_list() == ["h1", "h2"]
    assert (rep.records_read, rep.used, rep.deduplicated, rep.reasons) == (
        3,
        2,
        1,
        {"DUP_EVENT": 1},
    )


def test_blank_lines_filtered_and_counted(tmp_path):
    ev, rep = read_activity(_write(tmp_path / "a.txt.gz", [LINES[0], "", LINES[1]]))
    assert ev["event_id"].to_list() == ["h1", "h3"]
    assert (rep.records_read, rep.used, rep.filtered, rep.reasons) == (3, 2, 1, {"BLANK_LINE": 1})
    assert rep.balanced


def test_read_follows_rejects_short_line(tmp_path):
    p = _write(tmp_path / "s.gz", ["1 2", "3"])
    with pytest.raises(InputValidationError) as info:
        read_follows(p)
    assert (info.value.rule, info.value.record) == ("FIELD_COUNT", 2)


# ---------------------------------------------------------------- real data (SNAP)


@pytest.fixture(scope="module")
def higgs_ds(higgs_dir):
    return ig.datasets.higgs(higgs_dir, cross_check=True)


@pytest.mark.realdata
def test_real_event_counts(higgs_ds):
    ds = higgs_ds
    assert ds.events.height == 563_069
    counts = dict(ds.events["action"].cast(pl.String).value_counts().iter_rows())
    assert counts == {"retweet": 354_930, "mention": 171_237, "reply": 36_902}
    assert ds.n_users == 304_691
    assert ds.follows is None
    t = ds.events["timestamp"]
    assert t.min() == datetime.fromtimestamp(1341100972, timezone.utc)
    assert t.max() == datetime.fromtimestamp(1341705593, timezone.utc)
    assert ds.events["event_id"].n_unique() == ds.events.height


@pytest.mark.realdata
def test_real_ingest_and_provenance(higgs_ds):
    ds = higgs_ds
    assert ds.ingest.balanced and ds.ingest.used == 563_069 and ds.ingest.rejected == 0
    assert ds.ingest.reasons == {"CROSS_CHECK_ONLY": 328_132 + 150_818 + 32_523}
    files = ds.provenance["files"]
    assert set(files) == {"activity", "retweet", "mention", "reply"}
    assert all(f["verified"] for f in files.values())
    assert (
        files["activity"]["sha256"]
        == "901b199716a23b0fc0371705e3ae9941b5c9493277aec65456abc4988674ad79"
    )


activity_lines = st.lists(
    st.tuples(
        st.sampled_from(["1", "2", "007", "7"]),
        st.sampled_from(["1", "2", "007", "7"]),
        st.integers(1341100972, 1341705593),
        st.sampled_from(["RT", "MT", "RE"]),
    ),
    min_size=1,
    max_size=25,
    unique=True,
)


@settings(max_examples=10)
@given(rows=activity_lines, data=st.data())
def test_shuffled_lines_give_same_graphs_and_activity(tmp_path_factory, rows, data):
    d = tmp_path_factory.mktemp("shuffle")
    shuffled = data.draw(st.permutations(rows))
    out = []
    for i, version in enumerate((rows, shuffled)):
        p = _write(d / f"a{i}.txt.gz", [" ".join(map(str, r)) for r in version])
        ev, rep = read_activity(p)
        assert rep.balanced and rep.used == len(rows)
        ds = make_dataset(events=ev)
        g = ig.build_graphs(ds)
        out.append(
            (
                ds.events.drop("event_id").sort(pl.all()),
                {name: g.edges(name).rows() for name in g.layers},
                ig.activity(ds),
            )
        )
    assert out[0][0].equals(out[1][0]) and out[0][1] == out[1][1] and out[0][2].equals(out[1][2])
    assert set(out[0][2]["user"]) <= {"1", "2", "007", "7"}  # ids stay opaque strings
