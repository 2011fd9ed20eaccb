"""The bad-input catalogue (docs/input-validation.md, rule codes) for the event, follow and user readers.

Every case asserts the rule code and the record number (and the physical line where it
differs from record + 1), and, in lenient mode, the nothing-lost identity.
"""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import polars as pl
import pytest

import influence_graph as ig
from influence_graph.exceptions import InputValidationError, MemoryBudgetError
from influence_graph.io.schema import EVENT_SCHEMA

HEADER = "event_id,user,action,target_user,post_id,parent_id,timestamp,topics"
GOOD = [
    "e1,alice,post,,p1,,2024-03-01T12:00:00Z,higgs",
    "e2,bob,retweet,alice,p2,p1,2024-03-01T12:05:00Z,higgs",
    "e3,carol,reply,alice,p3,p1,2024-03-01T12:06:00Z,",
    "e4,dave,mention,bob,,,2024-03-01T12:07:00Z,",
]


def write(
    tmp_path: Path, rows: list[str], header: str = HEADER, name: str = "events.csv", eol: str = "\n"
) -> Path:
    p = tmp_path / name
    p.write_bytes((eol.join([header, *rows]) + eol).encode())
    return p


def strict_error(**kw) -> InputValidationError:
    with pytest.raises(InputValidationError) as info:
        ig.load_dataset(**kw)
    return info.value


def lenient(tmp_path: Path, **kw) -> ig.Dataset:
    ds = ig.load_dataset(strict=False, rejects=tmp_path / "rejects.parquet", **kw)
    assert ds.ingest.balanced
    for s in ds.ingest.sources:
        assert s.records_read == s.used + s.rejected + s.deduplicated + s.filtered
    return ds


def rejects(tmp_path: Path) -> pl.DataFrame:
    return pl.read_parquet(tmp_path / "rejects.parquet")


# --- B1-B3: field counts -------------------------------------------------------------


def test_b1_extra_field_mid_file(tmp_path):
    rows = GOOD[:3] + ["e4,dave,mention,bob,,,2024-03-01T12:07:00Z,,EXTRA"]
    p = write(tmp_path, rows)
    err = strict_error(events=p)
    assert (err.rule, err.record, err.line) == ("FIELD_COUNT", 4, 5)
    assert "has 9 fields, the header has 8" in str(err)
    ds = lenient(tmp_path, events=p)
    assert (ds.ingest.records_read, ds.ingest.used, ds.ingest.rejected) == (4, 3, 1)
    rej = rejects(tmp_path)
    assert rej.select("record", "line", "rule").row(0) == (4, 5, "FIELD_COUNT")
    assert rej["raw_text"][0] == rows[3]  # byte-exact, never truncated


def test_b2_extra_field_in_first_row(tmp_path):
    p = write(tmp_path, ["e1,alice,post,,p1,,2024-03-01T12:00:00Z,higgs,oops", *GOOD[1:]])
    err = strict_error(events=p)
    assert (err.rule, err.record, err.line) == ("FIELD_COUNT", 1, 2)
    ds = lenient(tmp_path, events=p)
    assert ds.ingest.rejected == 1
    # the retweet and the reply lost their parent: filtered, not shifted into wrong columns
    assert ds.ingest.reasons == {"FIELD_COUNT": 1, "DANGLING_REF": 2}


def test_b3_missing_field(tmp_path):
    p = write(tmp_path, [GOOD[0], "e2,bob,retweet,alice,p2,p1,2024-03-01T12:05:00Z"])
    err = strict_error(events=p)
    assert (err.rule, err.record) == ("FIELD_COUNT", 2)
    ds = lenient(tmp_path, events=p)
    assert ds.ingest.used + ds.ingest.rejected == ds.ingest.records_read == 2


# --- B5-B10: header and file shape ------------------------------------------------------


def test_b5_bad_value_after_inference_window(tmp_path):
    rows = [f"e{i},u{i},post,,p{i},,2024-03-01T12:00:00Z," for i in range(1, 3001)]
    rows[2499] = "e2500,u2500,post,,p2500,,not-a-time,"
    err = strict_error(events=write(tmp_path, rows))
    assert (err.rule, err.record, err.line, err.value) == ("TS_PARSE", 2500, 2501, "not-a-time")


def test_b6_missing_required_column(tmp_path):
    p = write(tmp_path, ["alice,2024-03-01T12:00:00Z"], header="user,timestamp")
    err = strict_error(events=p)
    assert (err.rule, err.record, err.column) == ("MISSING_COLUMN", None, "action")
    assert "available: 'user', 'timestamp'" in str(err)


def test_b7_duplicate_header(tmp_path):
    p = write(tmp_path, ["a,b,post,2024-03-01T12:00:00Z"], header="user,user,action,timestamp")
    err = strict_error(events=p)
    assert (err.rule, err.record, err.line, err.column) == ("DUP_COLUMN", None, 1, "user")


def test_b7_duplicate_after_column_map(tmp_path):
    p = write(tmp_path, ["a,b,post,2024-03-01T12:00:00Z"], header="uid,user,action,timestamp")
    err = strict_error(events=p, column_map={"uid": "user"})
    assert (err.rule, err.column) == ("DUP_COLUMN", "user")


def test_b8_unknown_column_warns_or_errors(tmp_path):
    p = write(
        tmp_path, ["alice,post,2024-03-01T12:00:00Z,red"], header="user,action,timestamp,colour"
    )
    with pytest.warns(UserWarning, match="colour"):
        ds = ig.load_dataset(events=p)
    assert ds.events.height == 1 and "colour" not in ds.events.columns
    assert any("colour" in w for w in ds.ingest.sources[0].warnings)
    err = strict_error(events=p, strict_columns=True)
    assert (err.rule, err.record, err.column) == ("UNKNOWN_COLUMN", None, "colour")


def test_b9_empty_file(tmp_path):
    p = tmp_path / "events.csv"
    p.write_bytes(b"")
    err = strict_error(events=p)
    assert (err.rule, err.record, err.file) == ("EMPTY_FILE", None, str(p))
    ds = ig.load_dataset(events=p, allow_empty=True)
    assert ds.ingest.records_read == 0 and ds.events.schema == pl.Schema(EVENT_SCHEMA)


def test_b10_header_only(tmp_path):
    ds = ig.load_dataset(events=write(tmp_path, []))
    assert (ds.ingest.records_read, ds.ingest.used) == (0, 0)
    assert ds.events.height == 0 and ds.events.schema == pl.Schema(EVENT_SCHEMA)


# --- B12, B13: duplicates and self-loops -----------------------------------------------


def test_b12_identical_duplicate_event_is_deduplicated(tmp_path):
    ds = ig.load_dataset(events=write(tmp_path, [*GOOD, GOOD[1], GOOD[1]]))
    assert ds.events.height == 4
    assert (ds.ingest.records_read, ds.ingest.deduplicated, ds.ingest.reasons) == (
        6,
        2,
        {"DUP_EVENT": 2},
    )


def test_b12_conflicting_event_id(tmp_path):
    p = write(tmp_path, [*GOOD, "e2,bob,retweet,alice,p9,p1,2024-03-01T12:09:00Z,"])
    err = strict_error(events=p)
    assert (err.rule, err.record, err.column, err.value) == (
        "DUP_EVENT_CONFLICT",
        2,
        "event_id",
        "e2",
    )
    assert [f.record for f in err.failures] == [2, 5]
    ds = lenient(tmp_path, events=p)
    assert ds.ingest.rejected == 2 and sorted(rejects(tmp_path)["record"]) == [2, 5]


def test_conflicting_post_id(tmp_path):
    p = write(tmp_path, [*GOOD, "e5,erin,post,,p1,,2024-03-01T12:09:00Z,"])
    err = strict_error(events=p)
    assert (err.rule, err.record, err.column) == ("DUP_POST_ID", 1, "post_id")
    assert [f.record for f in err.failures] == [1, 5]


def test_b11_duplicate_follow_rows(tmp_path):
    p = write(tmp_path, ["a,b", "a,b", "b,a"], header="follower,followee", name="follows.csv")
    ds = ig.load_dataset(follows=p)
    assert ds.follows.select("follower", "followee").rows() == [("a", "b"), ("b", "a")]
    assert (ds.ingest.deduplicated, ds.ingest.reasons) == (1, {"DUP_FOLLOW": 1})


def test_b13_self_loop_follow_filtered(tmp_path):
    p = write(tmp_path, ["a,b", "c,c", "b,a"], header="follower,followee", name="follows.csv")
    ds = ig.load_dataset(follows=p)
    assert ds.follows.height == 2
    assert (ds.ingest.filtered, ds.ingest.reasons) == (1, {"SELF_LOOP": 1})


# --- B18-B24: ids -------------------------------------------------------------------------


def test_b18_unicode_ids_opaque_and_nfc_collisions(tmp_path):
    nfc, nfd = "Jos\u00e9", "Jose\u0301"
    rows = [
        f"e1,{nfc},post,,p1,,2024-03-01T12:00:00Z,",
        f"e2,{nfd},post,,p2,,2024-03-01T12:01:00Z,",
        "e3,\U0001f600,post,,p3,,2024-03-01T12:02:00Z,",
        "e4,a\u200bb,mention,ab,,,2024-03-01T12:03:00Z,",
    ]
    p = write(tmp_path, rows)
    ds = ig.load_dataset(events=p)
    assert set(ds.users["user"]) == {nfc, nfd, "\U0001f600", "a\u200bb", "ab"}
    ds = ig.load_dataset(events=p, normalize_ids="NFC")
    assert set(ds.users["user"]) == {nfc, "\U0001f600", "a\u200bb", "ab"}
    info = ds.provenance["normalize_ids"]
    assert (info["n_ids_before"], info["n_ids_after"], info["collisions"]) == (5, 4, 1)
    assert any("merged 1 groups" in n for n in ds.ingest.notes)


def test_b19_utf8_bom(tmp_path):
    p = tmp_path / "events.csv"
    p.write_bytes(b"\xef\xbb\xbf" + ("\n".join([HEADER, *GOOD]) + "\n").encode())
    ds = ig.load_dataset(events=p)
    assert ds.events.height == 4 and ds.events["event_id"].to_list()[0] == "e1"


def test_b20_leading_zeros_are_distinct_ids(tmp_path):
    p = write(tmp_path, ["007,7", "7,007", "0007,7"], header="follower,followee", name="f.csv")
    ds = ig.load_dataset(follows=p)
    assert ds.users["user"].to_list() == ["0007", "007", "7"]


def test_b21_float_formatted_ids_stay_strings(tmp_path):
    p = write(tmp_path, ["1.0,1", "1,1e0"], header="follower,followee", name="f.csv")
    ds = ig.load_dataset(follows=p)
    assert ds.users["user"].to_list() == ["1", "1.0", "1e0"]


def test_b22_ids_beyond_int64_round_trip(tmp_path):
    big = ["9223372036854775808", "18446744073709551616", "340282366920938463463374607431768211456"]
    p = write(
        tmp_path,
        [f"{big[0]},{big[1]}", f"{big[1]},{big[2]}"],
        header="follower,followee",
        name="f.csv",
    )
    ds = ig.load_dataset(follows=p)
    assert ds.users["user"].to_list() == sorted(big)
    pq = tmp_path / "f.parquet"
    pl.DataFrame(
        {"follower": [2**64 - 1], "followee": [2**63]},
        schema={"follower": pl.UInt64, "followee": pl.UInt64},
    ).write_parquet(pq)
    ds = ig.load_dataset(follows=pq)
    assert ds.follows.row(0)[:2] == (str(2**64 - 1), str(2**63))


def test_b23_missing_id(tmp_path):
    p = write(tmp_path, ["1,2", ",3", "4,5"], header="follower,followee", name="f.csv")
    err = strict_error(follows=p)
    assert (err.rule, err.record, err.line, err.column) == ("ID_MISSING", 2, 3, "follower")
    ds = lenient(tmp_path, follows=p)
    assert ds.users["user"].to_list() == ["1", "2", "4", "5"]


def test_id_too_long(tmp_path):
    p = write(tmp_path, [GOOD[0], "e2," + "x" * 2000 + ",post,,p2,,2024-03-01T12:00:00Z,"])
    err = strict_error(events=p)
    assert (err.rule, err.record, err.column) == ("ID_TOO_LONG", 2, "user")


# --- B25-B29: time and causality ------------------------------------------------------------


def test_b25_out_of_order_timestamps_accepted_and_sorted(tmp_path):
    rows = [GOOD[0], GOOD[3], GOOD[2], GOOD[1]]
    ds = ig.load_dataset(events=write(tmp_path, rows))
    assert ds.events["event_id"].to_list() == ["e1", "e2", "e3", "e4"]
    assert any("2 events are earlier" in w for w in ds.ingest.sources[0].warnings)


def test_b26_invalid_timestamp(tmp_path):
    p = write(tmp_path, [*GOOD[:2], "e3,carol,reply,alice,p3,p1,2024-02-30T12:00:00Z,"])
    err = strict_error(events=p)
    assert (err.rule, err.record, err.column, err.value) == (
        "TS_PARSE",
        3,
        "timestamp",
        "2024-02-30T12:00:00Z",
    )


def test_b27_mixed_zone_forms_and_naive(tmp_path):
    rows = [
        "e1,a,post,,p1,,2024-03-01T12:00:00Z,",
        "e2,b,post,,p2,,2024-03-01T14:00:00+02:00,",
        "e3,c,post,,p3,,2024-03-01 09:00:00.000-03:00,",
    ]
    ds = ig.load_dataset(events=write(tmp_path, rows))
    assert ds.events["timestamp"].n_unique() == 1
    p = write(tmp_path, [*rows, "e4,d,post,,p4,,2024-03-01T12:00:00,"])
    err = strict_error(events=p)
    assert (err.rule, err.record, err.line) == ("TS_NAIVE", 4, 5)
    # a declared format is UTC
    p = write(tmp_path, ["a,post,01/03/2024 12:00"], header="user,action,timestamp")
    ds = ig.load_dataset(events=p, timestamp_format="%d/%m/%Y %H:%M")
    assert str(ds.events["timestamp"][0]) == "2024-03-01 12:00:00+00:00"


def test_b28_epoch_seconds_read_as_milliseconds(tmp_path):
    p = write(tmp_path, ["a,post,1709294400", "b,post,1709294460"], header="user,action,timestamp")
    assert ig.load_dataset(events=p, epoch_unit="s").events.height == 2
    err = strict_error(events=p, epoch_unit="ms")
    assert (err.rule, err.record, err.line) == ("TS_RANGE", 1, 2)
    assert err.counts == {"TS_RANGE": 2}
    future = write(tmp_path, ["a,post,2999-01-01T00:00:00Z"], header="user,action,timestamp")
    assert strict_error(events=future).rule == "TS_RANGE"


def test_missing_timestamp(tmp_path):
    p = write(tmp_path, ["a,post,2024-03-01T12:00:00Z", "b,post,"], header="user,action,timestamp")
    err = strict_error(events=p)
    assert (err.rule, err.record) == ("TS_MISSING", 2)


def test_b29_causality_and_dangling_filtered_self_retweet_kept(tmp_path):
    rows = [
        "e1,alice,post,,p1,,2024-03-01T12:00:00Z,",
        "e2,bob,retweet,alice,,p1,2024-03-01T11:00:00Z,",  # before its original
        "e3,carol,retweet,zed,,p404,2024-03-01T12:05:00Z,",  # unknown post
        "e4,alice,retweet,alice,,p1,2024-03-01T12:10:00Z,",  # self-retweet: activity
        "e5,dave,quote,alice,,p1,2024-03-01T12:00:00Z,",  # same instant: causal
    ]
    ds = ig.load_dataset(events=write(tmp_path, rows))
    assert ds.events["event_id"].to_list() == ["e1", "e5", "e4"]
    assert ds.ingest.reasons == {"CAUSALITY": 1, "DANGLING_REF": 1}
    assert ds.ingest.filtered == 2 and ds.ingest.balanced


def test_unknown_action_and_missing_target(tmp_path):
    p = write(
        tmp_path,
        [
            GOOD[0],
            "e2,bob,like,alice,,p1,2024-03-01T12:05:00Z,",
            "e3,carol,reply,,,p1,2024-03-01T12:06:00Z,",
        ],
    )
    err = strict_error(events=p)
    assert [(f.rule, f.record, f.column) for f in err.failures] == [
        ("ACTION_UNKNOWN", 2, "action"),
        ("TARGET_MISSING", 3, "target_user"),
    ]


# --- B30-B36: file format, users, Parquet, encoding, size ----------------------------------


def test_b30_quoted_newline_records_differ_from_lines(tmp_path):
    rows = [
        'e1,alice,post,,p1,,2024-03-01T12:00:00Z,"higgs;',
        'boson"',
        "e2,bob,retweet,alice,,p1,someday,",
    ]
    p = write(tmp_path, rows)
    err = strict_error(events=p)
    assert (err.rule, err.record, err.line) == ("TS_PARSE", 2, 4)
    ds = lenient(tmp_path, events=p)
    assert ds.ingest.records_read == 2  # three data lines, two records
    assert ds.events["topics"][0].to_list() == ["higgs", "boson"]
    assert rejects(tmp_path).select("record", "line").row(0) == (2, 4)


def test_b31_crlf_golden(tmp_path):
    lf = ig.load_dataset(events=write(tmp_path, GOOD, name="lf.csv"))
    crlf = ig.load_dataset(events=write(tmp_path, GOOD, name="crlf.csv", eol="\r\n"))
    assert crlf.events.equals(lf.events)
    assert crlf.events["topics"][0].to_list() == ["higgs"]  # no stray "\r"
    p = write(tmp_path, [*GOOD, "e5,erin,post,,p5,,bad,"], name="bad.csv", eol="\r\n")
    err = strict_error(events=p)
    assert (err.rule, err.record, err.line, err.value) == ("TS_PARSE", 5, 6, "bad")


def test_b32_user_absent_from_user_table(tmp_path):
    users = write(tmp_path, ["alice", "bob", "carol"], header="user", name="users.csv")
    events = write(tmp_path, GOOD)
    ds = ig.load_dataset(events=events, users=users)
    assert any("1 users appear" in n for n in ds.ingest.notes)  # dave
    err = strict_error(events=events, users=users, closed_user_set=True)
    assert (err.rule, err.record, err.column, err.value) == ("USER_UNKNOWN", 4, "user", "dave")


def test_users_table_duplicates(tmp_path):
    users = write(
        tmp_path,
        ["alice,physics", "alice,physics", "bob,art", "bob,music"],
        header="user,field",
        name="users.csv",
    )
    err = strict_error(users=users)
    assert (err.rule, err.record, err.value) == ("DUP_USER_CONFLICT", 3, "bob")
    ds = lenient(tmp_path, users=users)
    assert ds.users.rows() == [("alice", "physics")]
    assert ds.ingest.reasons == {"DUP_USER": 1, "DUP_USER_CONFLICT": 2}


def test_b34_parquet_ids_stored_as_double(tmp_path):
    pq = tmp_path / "events.parquet"
    pl.DataFrame(
        {"user": [1.0, 2.0], "action": ["post", "post"], "timestamp": ["2024-03-01T12:00:00Z"] * 2}
    ).write_parquet(pq)
    err = strict_error(events=pq)
    assert (err.rule, err.record, err.column, err.value) == ("ID_TYPE", None, "user", "Float64")


def test_b35_wrong_encoding_with_byte_offset(tmp_path):
    p = tmp_path / "events.csv"
    body = "user,action,timestamp\nalice,post,2024-03-01T12:00:00Z\n".encode()
    p.write_bytes(body + "b\u00e9a,post,2024-03-01T12:00:00Z\n".encode("latin-1"))
    err = strict_error(events=p)
    assert (err.rule, err.record, err.line) == ("ENCODING", 2, 3)
    assert f"byte offset {len(body) + 1}" in str(err)
    ds = lenient(tmp_path, events=p)
    assert ds.ingest.reasons == {"ENCODING": 1} and ds.events["user"].to_list() == ["alice"]


def test_b36_file_over_memory_budget_raises_before_reading(tmp_path):
    p = write(tmp_path, GOOD)
    with pytest.raises(MemoryBudgetError, match="max_memory"):
        ig.load_dataset(events=p, max_memory=100)
    gz = tmp_path / "events.csv.gz"
    gz.write_bytes(gzip.compress(p.read_bytes()))
    with pytest.raises(MemoryBudgetError):
        ig.load_dataset(events=gz, max_memory=100)


def test_unclosed_quote(tmp_path):
    p = write(tmp_path, [GOOD[0], 'e2,bob,retweet,alice,,p1,2024-03-01T12:05:00Z,"higgs'])
    err = strict_error(events=p)
    assert (err.rule, err.record, err.line) == ("QUOTE_UNCLOSED", 2, 3)


def test_error_lists_50_and_counts_all(tmp_path):
    rows = [f"u{i},post,never" for i in range(120)] + [
        f"v{i},nope,2024-03-01T12:00:00Z" for i in range(7)
    ]
    err = strict_error(events=write(tmp_path, rows, header="user,action,timestamp"))
    assert len(err.failures) == 50
    assert err.counts == {"TS_PARSE": 120, "ACTION_UNKNOWN": 7}
    assert [f.record for f in err.failures[:3]] == [1, 2, 3]
    assert "127 failures in all" in str(err)


def test_sha256_provenance(tmp_path):
    p = write(tmp_path, GOOD)
    ds = ig.load_dataset(events=p)
    assert ds.provenance["sha256"] == {str(p): hashlib.sha256(p.read_bytes()).hexdigest()}


def test_column_map_names_the_source_column_in_errors(tmp_path):
    users = write(tmp_path, ["alice,x", "alice,y"], header="id,field", name="users.csv")
    err = strict_error(users=users, column_map={"id": "user"})
    assert (err.rule, err.record, err.column, err.value) == ("DUP_USER_CONFLICT", 1, "id", "alice")
    events = write(tmp_path, ["alice,post,soon"], header="who,action,when", name="ev.csv")
    err = strict_error(events=events, column_map={"who": "user", "when": "timestamp"})
    assert (err.rule, err.record, err.column, err.value) == ("TS_PARSE", 1, "when", "soon")
