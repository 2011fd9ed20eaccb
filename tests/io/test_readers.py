"""load_dataset on good input: formats, schema, parsing options, reports, rejects."""

from __future__ import annotations

import gzip
from datetime import datetime, timezone
from pathlib import Path

import polars as pl
import pytest

import influence_graph as ig
from influence_graph.exceptions import InputValidationError
from influence_graph.io.readers import RULES, validate_events, validate_follows
from influence_graph.io.schema import EVENT_SCHEMA, FOLLOW_SCHEMA

T0 = datetime(2024, 3, 1, 12, tzinfo=timezone.utc)

EVENTS = pl.DataFrame(
    {
        "event_id": ["e1", "e2", "e3", "e4", "e5"],
        "user": ["alice", "bob", "carol", "dave", "alice"],
        "action": ["post", "retweet", "quote", "mention", "reply"],
        "target_user": [None, "alice", "bob", "bob", "alice"],
        "post_id": ["p1", "p2", "p3", None, "p5"],
        "parent_id": [None, "p1", "p2", None, "p1"],
        "timestamp": [
            "2024-03-01T12:00:00Z",
            "2024-03-01T12:05:00Z",
            "2024-03-01T12:06:00+01:00",
            "2024-03-01T12:07:00Z",
            "2024-03-01T12:08:00Z",
        ],
        "topics": ["higgs;physics", "higgs", "", None, "physics"],
        "platform": ["twitter", "twitter", None, "mastodon", "twitter"],
    }
)


def expected_events() -> pl.DataFrame:
    """The canonical event table of EVENTS, computed by hand."""
    ts = [T0.replace(minute=m) for m in (0, 5, 7, 8)] + [T0.replace(hour=11, minute=6)]
    return pl.DataFrame(
        {
            "event_id": ["e1", "e2", "e4", "e5", "e3"],
            "user": ["alice", "bob", "dave", "alice", "carol"],
            "action": ["post", "retweet", "mention", "reply", "quote"],
            "target_user": [None, "alice", "bob", "alice", "bob"],
            "post_id": ["p1", "p2", None, "p5", "p3"],
            "parent_id": [None, "p1", None, "p1", "p2"],
            "timestamp": ts,
            "topics": [["higgs", "physics"], ["higgs"], None, ["physics"], None],
            "platform": ["twitter", "twitter", "mastodon", "twitter", None],
        },
        schema=EVENT_SCHEMA,
    )


def test_csv_to_canonical_schema(tmp_path):
    # e3 quotes p2 at 11:06 UTC, before p2 (12:05): causality filter
    p = tmp_path / "events.csv"
    EVENTS.write_csv(p)
    ds = ig.load_dataset(events=p)
    exp = expected_events().filter(pl.col("event_id") != "e3")
    assert ds.events.equals(exp)
    assert ds.ingest.reasons == {"CAUSALITY": 1}
    assert ds.users["user"].to_list() == ["alice", "bob", "dave"]  # carol only had e3


@pytest.mark.parametrize("fmt", ["csv", "csv.gz", "parquet", "frame", "lazy", "tsv"])
def test_every_format_gives_the_same_dataset(tmp_path, fmt):
    ref = ig.load_dataset(events=EVENTS)
    kw = {}
    if fmt == "csv":
        src = tmp_path / "e.csv"
        EVENTS.write_csv(src)
    elif fmt == "tsv":
        src = tmp_path / "e.tsv"
        EVENTS.write_csv(src, separator="\t")
        kw["separator"] = "\t"
    elif fmt == "csv.gz":
        src = tmp_path / "e.csv.gz"
        src.write_bytes(gzip.compress(EVENTS.write_csv().encode()))
    elif fmt == "parquet":
        src = tmp_path / "e.parquet"
        EVENTS.write_parquet(src)
    elif fmt == "frame":
        src = EVENTS
    else:
        src = EVENTS.lazy()
    ds = ig.load_dataset(events=src, **kw)
    assert ds.events.equals(ref.events)
    assert ds.ingest.records_read == 5 and ds.ingest.balanced
    if fmt in ("csv", "csv.gz", "parquet", "tsv"):
        assert list(ds.provenance["sha256"]) == [str(src)]


def test_typed_frame_with_zone_converted_to_utc():
    ev = EVENTS.with_columns(
        pl.col("timestamp").str.to_datetime(time_zone="UTC").dt.convert_time_zone("Europe/Paris"),
        pl.col("topics").str.split(";"),
    )
    ds = ig.load_dataset(events=ev)
    assert ds.events["timestamp"].dtype == pl.Datetime("us", "UTC")
    assert ds.events["timestamp"].to_list() == [T0.replace(minute=m) for m in (0, 5, 7, 8)]


def test_naive_typed_datetime_is_rejected():
    ev = pl.DataFrame({"user": ["a"], "action": ["post"], "timestamp": [datetime(2024, 3, 1)]})
    with pytest.raises(InputValidationError) as info:
        ig.load_dataset(events=ev)
    assert (info.value.rule, info.value.record, info.value.line) == ("TS_NAIVE", 1, None)


def test_integer_timestamps_need_epoch_unit():
    ev = pl.DataFrame({"user": ["a"], "action": ["post"], "timestamp": [1_709_294_400_000]})
    with pytest.raises(InputValidationError) as info:
        ig.load_dataset(events=ev)
    assert info.value.rule == "TS_TYPE"
    ds = ig.load_dataset(events=ev, epoch_unit="ms")
    assert ds.events["timestamp"][0] == T0


def test_column_map_and_follows_since(tmp_path):
    p = tmp_path / "f.csv"
    p.write_text("src,dst,since\nb,a,2024-01-01T00:00:00Z\nc,a,\n")
    ds = ig.load_dataset(follows=p, column_map={"src": "follower", "dst": "followee"})
    assert ds.follows.schema == pl.Schema(FOLLOW_SCHEMA)
    assert ds.follows.rows() == [
        ("b", "a", datetime(2024, 1, 1, tzinfo=timezone.utc)),
        ("c", "a", None),
    ]
    assert ds.events.height == 0


def test_users_attributes_kept(tmp_path):
    p = tmp_path / "u.csv"
    p.write_text("user,party,tweets\nb,R,10\na,D,\n")
    ds = ig.load_dataset(users=p, events=EVENTS.head(1))
    assert ds.users.rows() == [("a", "D", None), ("alice", None, None), ("b", "R", "10")]
    typed = pl.DataFrame({"user": ["x"], "tweets": [3]})
    assert ig.load_dataset(users=typed).users.schema["tweets"] == pl.Int64


def test_lenient_default_rejects_path_is_cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    bad = EVENTS.with_columns(action=pl.Series(["post", "retweet", "quote", "mention", "boost"]))
    ds = ig.load_dataset(events=bad, strict=False)
    assert ds.ingest.rejects_path == str(tmp_path / "rejects.parquet")
    rej = pl.read_parquet(tmp_path / "rejects.parquet")
    assert rej.columns == ["file", "record", "line", "column", "rule", "raw_text"]
    assert rej.select("file", "record", "line", "column", "rule").rows() == [
        ("<events DataFrame>", 5, None, "action", "ACTION_UNKNOWN")
    ]
    assert "boost" in rej["raw_text"][0]
    assert not ds.ingest.strict
    # nothing rejected: no file written
    (tmp_path / "rejects.parquet").unlink()
    ds = ig.load_dataset(events=EVENTS, strict=False)
    assert ds.ingest.rejects_path is None and not (tmp_path / "rejects.parquet").exists()


def test_strict_and_lenient_agree_on_valid_input():
    a = ig.load_dataset(events=EVENTS)
    b = ig.load_dataset(events=EVENTS, strict=False)
    assert a.events.equals(b.events) and a.ingest.reasons == b.ingest.reasons


def test_derived_event_ids_follow_content_order():
    ev = EVENTS.drop("event_id")
    ds = ig.load_dataset(events=ev)
    assert ds.events["event_id"].to_list() == ["e0", "e1", "e2", "e3"]
    assert ds.events["user"].to_list() == ["alice", "bob", "dave", "alice"]


def test_message_form(tmp_path):
    p = tmp_path / "events.csv"
    p.write_text("user,action,timestamp\na,post,2024-03-01T12:00:00Z\nb,post,tomorrow\n")
    with pytest.raises(InputValidationError) as info:
        ig.load_dataset(events=p)
    first = str(info.value).splitlines()[0]
    assert first.startswith(
        f"{p}: record 2 (line 3), column 'timestamp': 'tomorrow' is not an ISO 8601"
    )
    assert first.endswith(
        "[rule=TS_PARSE] (hint: expected e.g. 2024-03-01T12:34:56Z; declare "
        "timestamp_format or epoch_unit otherwise)"
    )
    assert isinstance(info.value, ValueError)


def test_validate_events_and_follows_helpers():
    valid, rep = validate_events(EVENTS, "mine")
    assert valid.height == 4 and rep.source == "mine" and rep.reasons == {"CAUSALITY": 1}
    bad = EVENTS.with_columns(user=pl.Series(["alice", None, "carol", "dave", "alice"]))
    with pytest.raises(InputValidationError) as info:
        validate_events(bad)
    assert (info.value.rule, info.value.record) == ("ID_MISSING", 2)
    valid, rep = validate_events(bad, strict=False)
    assert rep.rejected == 1 and rep.balanced
    valid, rep = validate_follows(pl.DataFrame({"follower": ["a", "a"], "followee": ["b", "b"]}))
    assert valid.height == 1 and rep.reasons == {"DUP_FOLLOW": 1}


def test_bad_parameters():
    for kw in (
        {"epoch_unit": "ns"},
        {"normalize_ids": "NFX"},
        {"separator": ",,"},
        {"epoch_unit": "s", "timestamp_format": "%s"},
        {"column_map": {"a": 1}},
    ):
        with pytest.raises(InputValidationError) as info:
            ig.load_dataset(events=EVENTS, **kw)
        assert info.value.rule == "BAD_PARAM"
    with pytest.raises(InputValidationError):
        ig.load_dataset()
    with pytest.raises(InputValidationError):
        ig.load_dataset(events=EVENTS, closed_user_set=True)
    with pytest.raises(FileNotFoundError):
        ig.load_dataset(events=Path("/nonexistent/events.csv"))
    with pytest.raises(TypeError):
        ig.load_dataset(events=[1, 2])


def test_rule_table_is_documented():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "input-validation.md").read_text()
    for rule in RULES:
        assert f"`{rule}`" in doc, rule


def test_gzip_temp_copy_is_removed(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    src = tmp_path / "e.csv.gz"
    src.write_bytes(gzip.compress(EVENTS.write_csv().encode()))
    ds = ig.load_dataset(events=src)
    assert ds.events.height == 4
    bad = tmp_path / "bad.csv.gz"
    bad.write_bytes(gzip.compress(b"user,action,timestamp\na,post,never\n"))
    with pytest.raises(InputValidationError):
        ig.load_dataset(events=bad)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv.gz", "e.csv.gz"]


def test_fast_and_full_timestamp_paths_agree(tmp_path):
    stamps = [
        "2024-03-01T12:00:00Z",
        "2024-03-01T14:00:00+02:00",
        "2024-03-01 12:00:00Z",
        "2024-03-01T12:00:00.000000Z",
        "2024-03-01T07:00:00-0500",
        "2024-03-01T12:00:00+00",
    ]
    p = tmp_path / "e.csv"
    p.write_text(
        "user,action,timestamp\n" + "".join(f"u{i},post,{t}\n" for i, t in enumerate(stamps))
    )
    ds = ig.load_dataset(events=p)
    assert ds.events["timestamp"].to_list() == [T0] * len(stamps)
    bad = stamps + ["2024-03-01T12:00:00", "2024-13-01T12:00:00Z", "1990-03-01T12:00:00+01:00"]
    p.write_text("user,action,timestamp\n" + "".join(f"u{i},post,{t}\n" for i, t in enumerate(bad)))
    with pytest.raises(InputValidationError) as info:
        ig.load_dataset(events=p)
    assert [(f.rule, f.record) for f in info.value.failures] == [
        ("TS_NAIVE", 7),
        ("TS_PARSE", 8),
        ("TS_RANGE", 9),
    ]
