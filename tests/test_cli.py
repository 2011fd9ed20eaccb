"""The command line: demo report (self-contained, offline), validate and spread."""

from __future__ import annotations

import ast
import gzip
import inspect
import json
import re
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from influence_graph.cli import app
from influence_graph.exceptions import InputValidationError
from influence_graph.io.readers import load_dataset, load_probabilities

runner = CliRunner()


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    result = runner.invoke(app, ["demo", "--out", str(out), "--n-users", "400", "--seed", "3", "--quiet"])
    assert result.exit_code == 0, result.output
    return out


def test_demo_writes_every_table_and_figure(demo_dir):
    """The demo is the report on the synthetic world, with its planted-truth check."""
    for name in ["index.html", "users.csv", "users.parquet", "correlations.csv", "overlap.csv",
                 "disagreement.csv", "recovery.csv", "recovery.parquet", "over_time.parquet",
                 "robustness.csv", "provenance.json"]:
        assert (demo_dir / name).stat().st_size > 0, name
    figs = {p.name for p in (demo_dir / "figures").glob("*.png")}
    assert {"rank_rank.png", "loud_quiet.png", "spread.png", "truth_overlap.png"} <= figs
    assert any(f.startswith("card-1") for f in figs)
    users = pl.read_parquet(demo_dir / "users.parquet")
    assert users.height == 400 and users["user"].n_unique() == 400
    assert (users["spread"] >= 1).all() and (users["ci_low"] <= users["spread"]).all()
    assert (users["spread"] <= users["ci_high"]).all()
    recovery = pl.read_csv(demo_dir / "recovery.csv")
    assert {"spread", "actions", "followers"} <= set(recovery["metric"])
    assert ((recovery["spearman_low"] <= recovery["spearman"])
            & (recovery["spearman"] <= recovery["spearman_high"])).all()


def test_demo_page_is_self_contained(demo_dir):
    html = (demo_dir / "index.html").read_text(encoding="utf-8")
    # no external requests: every src/href is a data URI or a fragment, one inline script
    # (the user search box) and no @import
    refs = re.findall(r'(?:src|href)\s*=\s*["\']([^"\']*)', html)
    assert refs and all(r.startswith(("data:", "#")) for r in refs), refs
    assert html.count("<script") == 1 and "<script src" not in html
    assert "@import" not in html and "url(" not in html
    n_png = len(list((demo_dir / "figures").glob("*.png")))
    assert html.count("<img ") == n_png == html.count("data:image/png;base64,")
    prov = json.loads((demo_dir / "provenance.json").read_text())
    assert prov["seed"] == 3 and prov["model_version"]
    assert prov["sections"]["truth"] is True


def test_demo_is_reproducible(demo_dir, tmp_path):
    result = runner.invoke(app, ["demo", "--out", str(tmp_path), "--n-users", "400", "--seed", "3", "--quiet"])
    assert result.exit_code == 0, result.output
    a = pl.read_parquet(demo_dir / "users.parquet")
    b = pl.read_parquet(tmp_path / "users.parquet")
    assert a.equals(b)


def test_validate_reports_rule_and_record(tmp_path):
    bad = tmp_path / "events.csv"
    bad.write_text("user,action,target_user,timestamp\na,post,,2024-03-01T00:00:00Z\nb,like,a,2024-03-01T00:01:00Z\n")
    result = runner.invoke(app, ["validate", "--events", str(bad)])
    assert result.exit_code == 2
    assert "record 2" in result.output and "ACTION_UNKNOWN" in result.output


def test_validate_prints_ingest_report(tmp_path):
    good = tmp_path / "events.csv"
    good.write_text("user,action,target_user,timestamp\na,post,,2024-03-01T00:00:00Z\nb,retweet,a,2024-03-01T00:01:00Z\n")
    result = runner.invoke(app, ["validate", "--events", str(good)])
    assert result.exit_code == 0, result.output
    assert "records read 2: used 2" in result.output


def test_spread_command_writes_intervals(tmp_path):
    probs = tmp_path / "p.csv"
    # a chain a -> b -> c with p = 1: spread(a) = 3, spread(b) = 2, spread(c) = 1 exactly;
    # RIS samples roots at random, so the estimate is close and its interval holds the truth
    probs.write_text("source,target,p\na,b,1.0\nb,c,1.0\n")
    out = tmp_path / "spread.csv"
    result = runner.invoke(app, ["spread", str(probs), "--out", str(out), "--seed", "1"])
    assert result.exit_code == 0, result.output
    table = pl.read_csv(out).sort("user")
    exact = [3.0, 2.0, 1.0]
    assert (table["ci_low"] <= pl.Series(exact)).all() and (pl.Series(exact) <= table["ci_high"]).all()
    assert table["spread"].to_list() == pytest.approx(exact, rel=0.02)
    assert table["spread"][2] == 1.0 and table["se"][2] == 0.0


# --- the reader's options on the command line (every hint can be followed) ---------------

IO = Path(__file__).resolve().parents[1] / "influence_graph" / "io"
# command -> the reader it calls, and the reader arguments that are not options
READERS = {"validate": (load_dataset, {"events", "follows", "users", "name"}),
           "spread": (load_probabilities, {"probabilities"})}


def cli_flags(command: str) -> set[str]:
    import typer.main

    group = typer.main.get_command(app)
    return {o for p in group.commands[command].params for o in [*p.opts, *p.secondary_opts]}


def hint_words() -> set[str]:
    """Every identifier in a hint= string of the validator (influence_graph/io)."""
    words = set()
    for path in IO.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.keyword) and node.arg == "hint":
                for leaf in ast.walk(node.value):
                    if isinstance(leaf, ast.Constant) and isinstance(leaf.value, str):
                        words |= set(re.findall(r"\b[a-z]+(?:_[a-z]+)*\b", leaf.value))
    return words


@pytest.mark.parametrize("command", list(READERS))
def test_every_option_a_hint_names_is_a_cli_option(command):
    reader, not_options = READERS[command]
    options = set(inspect.signature(reader).parameters) - not_options
    named = options & hint_words()
    assert {"allow_empty", "separator", "column_map", "strip_ids"} <= named  # the hints exist
    flags = cli_flags(command)
    for name in named:
        assert "--" + name.replace("_", "-") in flags, (command, name)
    # and every reader option, hinted at or not
    for name in options:
        assert "--" + name.replace("_", "-") in flags, (command, name)
    assert "--lenient" in flags and "--debug" in flags
    if command == "validate":
        assert {"epoch_unit", "timestamp_format"} <= named


def test_cli_options_reach_the_reader(tmp_path):
    epoch = tmp_path / "epoch.csv"
    epoch.write_text("uid;action;ts\na;post;1709294400\nb;post;1709294460\n")
    base = ["validate", "--events", str(epoch), "--separator", ";"]
    result = runner.invoke(app, [*base, "--column-map", "uid=user", "--column-map", "ts=timestamp",
                                 "--epoch-unit", "s"])
    assert result.exit_code == 0, result.output
    assert "records read 2: used 2" in result.output
    result = runner.invoke(app, [*base, "--column-map", '{"uid": "user", "ts": "timestamp"}',
                                 "--epoch-unit", "s"])
    assert result.exit_code == 0, result.output
    fmt = tmp_path / "fmt.tsv"
    fmt.write_text("user\taction\ttimestamp\na\tpost\t01/03/2024 12:00\n")
    result = runner.invoke(app, ["validate", "--events", str(fmt), "--separator", "tab",
                                 "--timestamp-format", "%d/%m/%Y %H:%M"])
    assert result.exit_code == 0, result.output
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert runner.invoke(app, ["validate", "--follows", str(empty)]).exit_code == 2
    result = runner.invoke(app, ["validate", "--follows", str(empty), "--allow-empty"])
    assert result.exit_code == 0, result.output
    ws = tmp_path / "ws.csv"
    ws.write_text("follower,followee\nbob ,alice\nbob,alice\n")
    result = runner.invoke(app, ["validate", "--follows", str(ws), "--strip-ids"])
    assert result.exit_code == 0 and "deduplicated 1" in result.output, result.output
    result = runner.invoke(app, ["validate", "--follows", str(ws), "--column-map", "nonsense"])
    assert result.exit_code == 2 and "SOURCE=CANONICAL" in result.output


# --- errors: exit 2, one line, no traceback; --debug shows it -----------------------------


def test_bad_file_is_one_line_exit_2_and_debug_shows_traceback(tmp_path):
    bad = tmp_path / "events.csv"
    bad.write_text("user,action,timestamp\na,post,2024-03-01T00:00:00Z\nb,like,2024-03-01T00:01:00Z\n"
                   "c,post,soon\n")
    result = runner.invoke(app, ["validate", "--events", str(bad)])
    assert result.exit_code == 2 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output
    line = lines[0]
    for part in (str(bad), "record 2 (line 3)", "column 'action'", "rule=ACTION_UNKNOWN",
                 "2 failures in all"):
        assert part in line, part
    result = runner.invoke(app, ["validate", "--events", str(bad), "--debug"])
    assert isinstance(result.exception, InputValidationError)
    assert result.exception.counts == {"ACTION_UNKNOWN": 1, "TS_PARSE": 1}
    missing = runner.invoke(app, ["validate", "--events", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 2 and "not found" in missing.stderr and "Traceback" not in missing.output
    bad_param = runner.invoke(app, ["validate", "--events", str(bad), "--epoch-unit", "ns"])
    assert bad_param.exit_code == 2 and "BAD_PARAM" in bad_param.stderr


def test_hints_get_their_cli_spelling(tmp_path):
    empty = tmp_path / "p.csv"
    empty.write_bytes(b"")
    result = runner.invoke(app, ["spread", str(empty)])
    assert result.exit_code == 2
    assert "rule=EMPTY_FILE" in result.stderr and "--allow-empty" in result.stderr
    semi = tmp_path / "semi.csv"
    semi.write_text("source;target;p\na;b;0.5\n")
    result = runner.invoke(app, ["spread", str(semi)])
    assert result.exit_code == 2 and "--separator ';'" in result.stderr


# --- spread reads with the validating reader ---------------------------------------------


@pytest.mark.parametrize(
    "content,rule,where",
    [
        (b"source,target,p\na,b,0.5\nb,c,20%\n", "P_PARSE", "record 2 (line 3), column 'p'"),
        (b"source;target;p\na;b;0,2\n", "P_PARSE", "record 1 (line 2), column 'p'"),
        (b"source,target,p\na,b,1.5\n", "P_RANGE", "record 1 (line 2), column 'p'"),
        (b"", "EMPTY_FILE", ""),
        ("source,target,p\na,b,0.5\n".encode("utf-16"), "ENCODING", ""),
        (b"source,target,p\na,b ,0.5\n", "ID_WHITESPACE", "record 1 (line 2), column 'target'"),
    ],
)
def test_spread_bad_tables_are_one_clear_line(tmp_path, content, rule, where):
    p = tmp_path / "p.csv"
    p.write_bytes(content)
    args = ["spread", str(p), "--out", str(tmp_path / "o.csv")]
    if b";" in content:
        args += ["--separator", ";"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    line = result.stderr.strip()
    assert "\n" not in line and "Traceback" not in result.output
    assert f"{p}: {where}" in line and f"rule={rule}" in line
    if "0,2" in str(content):
        assert "decimal" in line and "0.2" in line
    assert not (tmp_path / "o.csv").exists()


def test_spread_keeps_ids_and_reads_gzip_named_csv(tmp_path):
    p = tmp_path / "p.csv"
    p.write_bytes(gzip.compress(b"source,target,p\n007,7,1.0\n"))
    out = tmp_path / "o.parquet"
    result = runner.invoke(app, ["spread", str(p), "--out", str(out), "--seed", "1"])
    assert result.exit_code == 0, result.output
    assert sorted(pl.read_parquet(out)["user"].to_list()) == ["007", "7"]


def test_spread_csv_is_neutralised(tmp_path):
    p = tmp_path / "p.csv"
    p.write_text('source,target,p\n"=HYPERLINK(""x"")",-1,1.0\n-1,@b,0.5\n')
    out = tmp_path / "o.csv"
    result = runner.invoke(app, ["spread", str(p), "--out", str(out), "--seed", "1"])
    assert result.exit_code == 0, result.output
    table = pl.read_csv(out, schema_overrides={"user": pl.String})
    assert sorted(table["user"].to_list()) == ["'-1", "'=HYPERLINK(\"x\")", "'@b"]
    assert table["spread"].dtype == pl.Float64 and (table["spread"] >= 1).all()


def test_demo_report_neutralises_csv_and_escapes_html(tmp_path, monkeypatch):
    import importlib

    synthetic_module = importlib.import_module("influence_graph.datasets.synthetic")

    def names(n):
        evil = ['=HYPERLINK("x")', "<script>alert(1)</script>"]
        return evil + [f'<script>alert({i})</script>' if i % 2 else f"=cmd{i}" for i in range(2, n)]

    monkeypatch.setattr(synthetic_module, "_user_names", names)
    result = runner.invoke(app, ["demo", "--out", str(tmp_path), "--n-users", "120", "--seed", "2",
                                 "--quiet"])
    assert result.exit_code == 0, result.output
    users = pl.read_csv(tmp_path / "users.csv", infer_schema=False)["user"].to_list()
    assert "'=HYPERLINK(\"x\")" in users and "<script>alert(1)</script>" in users
    assert not any(u.startswith(("=", "+", "-", "@")) for u in users)
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(" in html and "<script>alert(" not in html
    assert html.count("<script") == 1  # the page's own search box, nothing from the data


# ---- score, compare, datasets ------------------------------------------------------------


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    import influence_graph as ig

    folder = tmp_path_factory.mktemp("score")
    ds = ig.datasets.synthetic(n_users=150, days=14, seed=4)
    ds.events.write_parquet(folder / "events.parquet")
    ds.follows.write_parquet(folder / "follows.parquet")
    out = folder / "scores"
    result = runner.invoke(app, ["score", "--events", str(folder / "events.parquet"),
                                 "--follows", str(folder / "follows.parquet"),
                                 "--out", str(out), "--seed", "5"])
    assert result.exit_code == 0, result.output
    return folder, out


def test_score_writes_the_tables_and_they_reproduce(scored):
    import influence_graph as ig

    folder, out = scored
    for name in ("activity", "influence"):
        assert (out / f"{name}.parquet").is_file() and (out / f"{name}.csv").is_file()
    prov = json.loads((out / "provenance.json").read_text())
    assert prov["seed"] == 5 and prov["model_version"] == ig.model_version
    assert set(prov["inputs"]) == {"events", "follows"}
    ds = load_dataset(events=folder / "events.parquet", follows=folder / "follows.parquet")
    again = ig.influence(ds, seed=5, defended=True, rel_error=0.05)
    got = pl.read_parquet(out / "influence.parquet")
    assert got["spread"].to_list() == again["spread"].to_list()
    assert got["defended_spread"].to_list() == again["defended_spread"].to_list()


def test_score_refuses_a_folder_of_other_files(scored, tmp_path):
    folder, _ = scored
    (tmp_path / "mine.txt").write_text("keep me")
    result = runner.invoke(app, ["score", "--events", str(folder / "events.parquet"),
                                 "--out", str(tmp_path)])
    assert result.exit_code == 2 and (tmp_path / "mine.txt").read_text() == "keep me"


def test_compare_prints_and_writes_the_comparison(scored, tmp_path):
    _, out = scored
    result = runner.invoke(app, ["compare", str(out / "influence.parquet"), "--metric", "spread",
                                 "--metric", "retweets_received", "--out", str(tmp_path / "c")])
    assert result.exit_code == 0, result.output
    assert "spearman" in result.output
    corr = pl.read_parquet(tmp_path / "c" / "correlations.parquet")
    assert corr.height > 0 and (tmp_path / "c" / "overlap.csv").is_file()


def test_compare_bad_table_is_one_line_exit_2(tmp_path):
    bad = tmp_path / "t.parquet"
    bad.write_text("not parquet")
    result = runner.invoke(app, ["compare", str(bad)])
    assert result.exit_code == 2 and "readable CSV or Parquet" in result.output
    assert "Traceback" not in result.output
    result = runner.invoke(app, ["compare", str(tmp_path / "absent.csv")])
    assert result.exit_code == 2 and "file not found" in result.output


def test_datasets_says_where_it_looked_and_catches_a_corrupt_file(tmp_path, monkeypatch):
    monkeypatch.setenv("INFLUENCE_GRAPH_DATA", str(tmp_path))
    monkeypatch.setenv("INFLUENCE_GRAPH_OFFLINE", "1")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    result = runner.invoke(app, ["datasets"])
    assert result.exit_code == 0, result.output
    assert "congress/congress_network_data.json: MISSING" in result.output
    assert str(tmp_path / "congress" / "congress_network_data.json") in result.output
    (tmp_path / "congress").mkdir()
    (tmp_path / "congress" / "congress_network_data.json").write_text("{}")
    result = runner.invoke(app, ["datasets"])
    assert result.exit_code == 2 and "SHA-256 mismatch" in result.output
    assert "congress/congress_network_data.json: MISMATCH" in result.output
