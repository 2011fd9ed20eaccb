"""The input traps a new user hits with their own files, each reproduced first.

Probability tables (percentages, decimal commas, empty and UTF-16 files), ids with
whitespace, over-long topics, gzip files named ``.csv``, semicolon files read with the
default separator.
"""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

import polars as pl
import pytest

import influence_graph as ig
from influence_graph.exceptions import InputValidationError
from influence_graph.io.readers import RULES, load_probabilities

EVENTS_CSV = (
    "user,action,target_user,post_id,parent_id,timestamp\n"
    "alice,post,,p1,,2024-03-01T12:00:00Z\n"
    "bob,retweet,alice,,p1,2024-03-01T12:05:00Z\n"
)
FOLLOWS_CSV = "follower,followee\nbob,alice\ncarol,alice\n"
USERS_CSV = "user,name\nalice,A\nbob,B\ncarol,C\n"
PROBS_CSV = "source,target,p\n007,7,0.25\n7,008,1\n"


def error(fn, *args, **kw) -> InputValidationError:
    with pytest.raises(InputValidationError) as info:
        fn(*args, **kw)
    return info.value


# --- probability tables -----------------------------------------------------------------


def test_probabilities_ids_stay_strings(tmp_path):
    p = tmp_path / "p.csv"
    p.write_text(PROBS_CSV)
    t = load_probabilities(p)
    assert t.schema == pl.Schema({"source": pl.String, "target": pl.String, "p": pl.Float64})
    assert t.rows() == [("007", "7", 0.25), ("7", "008", 1.0)]


def test_probability_percent_is_p_parse_with_record_and_column(tmp_path):
    p = tmp_path / "p.csv"
    p.write_text("source,target,p\na,b,0.5\na,c,20%\n")
    err = error(load_probabilities, p)
    assert (err.rule, err.file, err.record, err.line, err.column, err.value) == (
        "P_PARSE", str(p), 2, 3, "p", "20%"
    )
    assert "percentage" in str(err) and "0.2" in err.hint


def test_probability_decimal_comma_gets_its_hint(tmp_path):
    p = tmp_path / "p.csv"
    p.write_text("source;target;p\na;b;0,2\n")
    err = error(load_probabilities, p, separator=";")
    assert (err.rule, err.record, err.column, err.value) == ("P_PARSE", 1, "p", "0,2")
    assert "decimal" in str(err) and "0.2" in err.hint
    q = tmp_path / "q.csv"  # a quoted comma in a comma-separated file: same rule
    q.write_text('source,target,p\na,b,"0,2"\n')
    assert error(load_probabilities, q).rule == "P_PARSE"


def test_probability_value_rules(tmp_path):
    p = tmp_path / "p.csv"
    p.write_text("source,target,p\na,b,x\na,c,\na,d,nan\na,e,1.5\na,f,-0.1\n,g,0.1\n")
    err = error(load_probabilities, p)
    assert err.counts == {"P_PARSE": 1, "P_MISSING": 1, "P_NAN": 1, "P_RANGE": 2, "ID_MISSING": 1}
    assert [f.record for f in err.failures] == [1, 2, 3, 4, 5, 6]


def test_probability_empty_file(tmp_path):
    p = tmp_path / "p.csv"
    p.write_bytes(b"")
    err = error(load_probabilities, p)
    assert (err.rule, err.file) == ("EMPTY_FILE", str(p))
    assert load_probabilities(p, allow_empty=True).height == 0


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_probability_utf16_file(tmp_path, encoding):
    p = tmp_path / "p.csv"
    p.write_bytes(PROBS_CSV.encode(encoding))
    err = error(load_probabilities, p)
    assert (err.rule, err.file) == ("ENCODING", str(p))
    assert "UTF-16" in str(err) and "UTF-8" in err.hint


def test_utf16_events_and_gzip_utf16(tmp_path):
    p = tmp_path / "e.csv"
    p.write_bytes(EVENTS_CSV.encode("utf-16"))
    assert error(ig.load_dataset, events=p).rule == "ENCODING"
    g = tmp_path / "f.csv.gz"
    g.write_bytes(gzip.compress(FOLLOWS_CSV.encode("utf-16")))
    err = error(ig.load_dataset, follows=g)
    assert err.rule == "ENCODING" and "UTF-16" in str(err)


def test_probability_lenient_parquet_and_column_map(tmp_path):
    p = tmp_path / "p.csv"
    p.write_text("from,to,p\na,b,0.5\na,c,20%\n")
    with pytest.warns(UserWarning, match="1 of 2 records rejected"):
        t = load_probabilities(
            p, strict=False, rejects=tmp_path / "r.parquet", column_map={"from": "source", "to": "target"}
        )
    assert t.rows() == [("a", "b", 0.5)]
    assert pl.read_parquet(tmp_path / "r.parquet").select("record", "rule").row(0) == (2, "P_PARSE")
    q = tmp_path / "p.parquet"
    pl.DataFrame({"source": ["a"], "target": ["b"], "p": [2.0]}).write_parquet(q)
    assert error(load_probabilities, q).rule == "P_RANGE"
    bad = tmp_path / "s.parquet"
    pl.DataFrame({"source": ["a"], "target": ["b"], "p": [True]}).write_parquet(bad)
    assert error(load_probabilities, bad).rule == "P_TYPE"


def test_probability_bad_parameters():
    with pytest.raises(InputValidationError) as info:
        load_probabilities(pl.DataFrame({"source": ["a"], "target": ["b"], "p": [0.1]}), separator=";;")
    assert info.value.rule == "BAD_PARAM"
    with pytest.raises(TypeError):
        load_probabilities(pl.DataFrame({"source": ["a"], "target": ["b"], "p": [0.1]}), strip_ids=1)


# --- ids with whitespace, over-long topics ----------------------------------------------


def test_id_whitespace_is_its_own_rule_not_a_second_user(tmp_path):
    p = tmp_path / "e.csv"
    p.write_text(EVENTS_CSV + "alice ,post,,p2,,2024-03-01T12:06:00Z\n")
    err = error(ig.load_dataset, events=p)
    assert (err.rule, err.record, err.column, err.value) == ("ID_WHITESPACE", 3, "user", "alice ")
    assert "strip_ids" in err.hint
    ds = ig.load_dataset(events=p, strict=False, rejects=tmp_path / "r.parquet")
    assert ds.users["user"].to_list() == ["alice", "bob"] and ds.ingest.reasons == {"ID_WHITESPACE": 1}
    ds = ig.load_dataset(events=p, strip_ids=True)
    assert ds.users["user"].to_list() == ["alice", "bob"] and ds.events.height == 3
    assert ds.provenance["options"]["strip_ids"] is True


def test_id_whitespace_in_follows_users_and_probabilities(tmp_path):
    f = tmp_path / "f.csv"
    f.write_text("follower,followee\nbob,\talice\n")
    assert error(ig.load_dataset, follows=f).rule == "ID_WHITESPACE"
    u = tmp_path / "u.csv"
    u.write_text("user\nalice\n alice\n")
    assert error(ig.load_dataset, users=u).rule == "ID_WHITESPACE"
    assert ig.load_dataset(users=u, strip_ids=True).users["user"].to_list() == ["alice"]
    p = tmp_path / "p.csv"
    p.write_text("source,target,p\na,b\u00a0,0.1\n")  # a no-break space is whitespace too
    assert error(load_probabilities, p).rule == "ID_WHITESPACE"
    assert load_probabilities(p, strip_ids=True).rows() == [("a", "b", 0.1)]


def test_oversized_topics_rejected_like_an_oversized_id(tmp_path):
    p = tmp_path / "e.csv"
    p.write_text(
        "user,action,timestamp,topics\n"
        "a,post,2024-03-01T12:00:00Z,higgs;physics\n"
        f"b,post,2024-03-01T12:00:00Z,{'x' * 5000}\n"
        f"c,post,2024-03-01T12:00:00Z,{';'.join(['t' * 900] * 6)}\n"
        f"d,post,2024-03-01T12:00:00Z,short;{'y' * 1100}\n"
    )
    err = error(ig.load_dataset, events=p)
    assert (err.rule, err.record, err.column) == ("TOPICS_TOO_LONG", 2, "topics")
    assert err.counts == {"TOPICS_TOO_LONG": 3}
    ds = ig.load_dataset(events=p, strict=False, rejects=tmp_path / "r.parquet")
    assert ds.events["user"].to_list() == ["a"] and ds.ingest.rejected == 3


# --- gzip files named .csv, names that lie ------------------------------------------------


@pytest.mark.parametrize(
    "kind,text", [("events", EVENTS_CSV), ("follows", FOLLOWS_CSV), ("users", USERS_CSV)]
)
def test_gzip_named_csv_is_read_as_gzip(tmp_path, kind, text):
    plain = tmp_path / "plain.csv"
    plain.write_text(text)
    packed = tmp_path / f"{kind}.csv"
    packed.write_bytes(gzip.compress(text.encode()))
    a = ig.load_dataset(**{kind: plain})
    b = ig.load_dataset(**{kind: packed})
    assert a.users.equals(b.users) and a.ingest.records_read == b.ingest.records_read
    if kind == "follows":
        assert a.follows.equals(b.follows)
    if kind == "events":
        assert a.events.equals(b.events)


def test_gzip_named_csv_probabilities_and_gzip_failures_keep_record(tmp_path):
    p = tmp_path / "p.csv"
    p.write_bytes(gzip.compress(PROBS_CSV.encode()))
    assert load_probabilities(p).rows() == [("007", "7", 0.25), ("7", "008", 1.0)]
    e = tmp_path / "e.csv"
    e.write_bytes(gzip.compress((EVENTS_CSV + "carol,like,alice,,,2024-03-01T12:07:00Z\n").encode()))
    err = error(ig.load_dataset, events=e)
    assert (err.rule, err.record, err.line) == ("ACTION_UNKNOWN", 3, 4)


def test_names_that_lie_raise_file_format(tmp_path):
    g = tmp_path / "f.csv.gz"
    g.write_text(FOLLOWS_CSV)
    err = error(ig.load_dataset, follows=g)
    assert err.rule == "FILE_FORMAT" and "not gzip" in str(err)
    q = tmp_path / "e.parquet"
    q.write_text(EVENTS_CSV)
    assert error(ig.load_dataset, events=q).rule == "FILE_FORMAT"
    z = tmp_path / "e.csv"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("e.csv", EVENTS_CSV)
    z.write_bytes(buf.getvalue())
    err = error(ig.load_dataset, events=z)
    assert err.rule == "FILE_FORMAT" and "zip" in str(err)
    t = tmp_path / "trunc.csv"
    t.write_bytes(gzip.compress(FOLLOWS_CSV.encode() * 50)[:30])
    assert error(ig.load_dataset, follows=t).rule == "FILE_FORMAT"
    pq = tmp_path / "p.csv"  # Parquet bytes under a .csv name: read as Parquet
    pl.DataFrame({"follower": ["bob"], "followee": ["alice"]}).write_parquet(pq)
    assert ig.load_dataset(follows=pq).follows.select("follower", "followee").rows() == [("bob", "alice")]


# --- separators ---------------------------------------------------------------------------


@pytest.mark.parametrize("sep,shown", [(";", "';'"), ("\t", "'\\t'"), ("|", "'|'")])
def test_other_separator_read_with_default_gets_separator_hint(tmp_path, sep, shown):
    p = tmp_path / "e.csv"
    p.write_text(EVENTS_CSV.replace(",", sep))
    err = error(ig.load_dataset, events=p)
    assert err.rule == "MISSING_COLUMN"
    assert f"separator={shown}" in err.hint and "--separator" in err.hint
    assert ig.load_dataset(events=p, separator=sep).events.height == 2
    f = tmp_path / "f.csv"
    f.write_text(FOLLOWS_CSV.replace(",", sep))
    assert f"separator={shown}" in error(ig.load_dataset, follows=f).hint


def test_semicolon_probabilities_get_separator_hint(tmp_path):
    p = tmp_path / "p.csv"
    p.write_text(PROBS_CSV.replace(",", ";"))
    err = error(load_probabilities, p)
    assert err.rule == "MISSING_COLUMN" and "separator=';'" in err.hint
    assert load_probabilities(p, separator=";").height == 2


def test_new_rules_are_in_the_rule_table():
    for rule in ("ID_WHITESPACE", "TOPICS_TOO_LONG", "FILE_FORMAT", "P_PARSE", "P_RANGE", "P_TYPE"):
        assert rule in RULES
    doc = (Path(__file__).resolve().parents[2] / "docs" / "input-validation.md").read_text()
    for option in ("strip_ids", "load_probabilities", "--separator", "--column-map", "--debug"):
        assert option in doc, option
