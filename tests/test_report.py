"""``influence-graph report``: sections, cards, escaping, all-or-nothing, reproducible numbers."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

import influence_graph as ig
from influence_graph.cli import app
from influence_graph.report import user_report
from influence_graph.report.analysis import ReportOptions
from influence_graph.temporal.score import absolute_score

runner = CliRunner()

SCRIPT_ID = "<script>alert(1)</script>"
FORMULA_ID = '=HYPERLINK("x")'


def _rename(ds, names: dict[str, str]):
    """The world's tables with some user ids replaced (every column holding user ids)."""
    def swap(col: str) -> pl.Expr:
        return pl.col(col).replace(names)

    events = ds.events.with_columns(swap("user"), swap("target_user"))
    follows = ds.follows.with_columns(swap("follower"), swap("followee"))
    users = ds.users.with_columns(swap("user"))
    return events, follows, users


def _write_world(folder: Path, *, days: float = 14, follows: bool = True, topics: bool = True,
                 names: dict[str, str] | None = None) -> list[str]:
    ds = ig.datasets.synthetic(n_users=200, days=days, seed=3)
    events, fo, users = _rename(ds, names or {})
    if not topics:
        events = events.drop("topics")
    events.write_parquet(folder / "events.parquet")
    args = ["--events", str(folder / "events.parquet"), "--users", str(folder / "users.csv")]
    users.write_csv(folder / "users.csv")
    if follows:
        fo.write_csv(folder / "follows.csv")
        args += ["--follows", str(folder / "follows.csv")]
    return args


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """The 200-user world, with a hostile id at the top (u0101) and one asked for (u0007)."""
    folder = tmp_path_factory.mktemp("world")
    args = _write_world(folder, names={"u0101": FORMULA_ID, "u0007": SCRIPT_ID})
    out = folder / "report"
    result = runner.invoke(app, ["report", *args, "--out", str(out), "--seed", "3",
                                 "--user", SCRIPT_ID, "--quiet"])
    assert result.exit_code == 0, result.output
    return folder, out, args


def _html(out: Path) -> str:
    return (out / "index.html").read_text(encoding="utf-8")


def test_every_section_table_and_figure_is_written(world):
    _folder, out, _args = world
    prov = json.loads((out / "provenance.json").read_text())
    assert prov["sections"] == {"data": True, "activity": True, "top": True, "cards": True,
                                "robustness": True}
    for name in ["users", "ingest", "correlations", "loud", "quiet", "robustness",
                 "robustness_summary", "over_time", "score_changes", "topic_profile"]:
        assert (out / f"{name}.parquet").stat().st_size > 0, name
        assert (out / f"{name}.csv").stat().st_size > 0, name
    for n in range(1, 7):  # top 5 and the --user
        for part in ["summary", "engagers", "topics", "over-time", "change"]:
            assert (out / "cards" / f"card-{n}-{part}.parquet").is_file(), (n, part)
            assert (out / "cards" / f"card-{n}-{part}.csv").is_file(), (n, part)
    html = _html(out)
    pngs = sorted((out / "figures").glob("*.png"))
    assert {"rank_rank.png", "loud_quiet.png", "spread.png", "inflation.png",
            "card-1-over-time.png"} <= {p.name for p in pngs}
    assert html.count("data:image/png;base64,") == len(pngs)
    for h in ["1. The data and the ingest report", "2. Activity vs influence",
              "3. Top users by expected spread", "4. User cards", "5. Robustness",
              "6. Provenance", "Manipulation flag:", "Biggest move", "Passionate about"]:
        assert h in html, h
    assert 'class="absent"' not in html
    assert prov["inputs"]["events"]["sha256"] == user_report.sha256_file(
        _folder / "events.parquet")
    assert prov["seed"] == 3 and prov["model_version"] == ig.model_version
    assert "--user" in prov["command"] and prov["command"].startswith("influence-graph report")


def test_page_is_self_contained_and_tables_scroll(world):
    html = _html(world[1])
    refs = re.findall(r'(?:src|href)\s*=\s*["\']([^"\']*)', html)
    assert refs and all(r.startswith(("data:", "#")) for r in refs), refs
    assert "@import" not in html and "url(" not in html
    assert html.count("<script") == 1 and "<script>(function()" in html  # the search box only
    assert 'id="user-search"' in html and '<table id="user-index">' in html
    assert html.count("<table") == html.count('<div class="scroll"><table')
    assert ".scroll{overflow-x:auto" in html


def test_hostile_ids_are_text_in_the_page_and_neutralised_in_csv(world):
    _folder, out, _args = world
    html = _html(out)
    assert SCRIPT_ID not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "=HYPERLINK(&quot;x&quot;)" in html
    users = pl.read_parquet(out / "users.parquet")
    assert {SCRIPT_ID, FORMULA_ID} <= set(users["user"])  # Parquet keeps ids exact
    text = (out / "users.csv").read_text(encoding="utf-8")
    assert "\n=HYPERLINK" not in text and "'=HYPERLINK" in text
    engagers = (out / "cards" / "card-1-summary.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in engagers


def test_card_for_a_requested_user(world):
    _folder, out, _args = world
    prov = json.loads((out / "provenance.json").read_text())
    assert prov["card_users"][-1] == SCRIPT_ID and len(prov["card_users"]) == 6
    card = pl.read_parquet(out / "cards" / "card-6-summary.parquet").row(0, named=True)
    assert card["user"] == SCRIPT_ID
    assert card["score_low"] <= card["score"] <= card["score_high"]
    assert 1 <= card["score"] <= 100
    html = _html(out)
    assert '<div class="card" id="card-6"><h3>6. &lt;script&gt;' in html


def test_numbers_recompute_through_the_api(world):
    folder, out, args = world
    prov = json.loads((out / "provenance.json").read_text())
    s = prov["settings"]
    ds = ig.load_dataset(events=folder / "events.parquet", follows=folder / "follows.csv",
                         users=folder / "users.csv")
    inf = ig.influence(ds, seed=prov["seed"], defended=True, rel_error=s["rel_error"],
                       confidence=s["confidence"], top_k=s["top_k"])
    users = pl.read_parquet(out / "users.parquet")
    sample = users.head(10).select("user", "spread", "ci_low", "defended_spread", "score")
    again = inf.join(sample.select("user"), on="user").sort("user")
    got = sample.sort("user")
    assert again["spread"].to_list() == pytest.approx(got["spread"].to_list(), rel=1e-12)
    assert again["ci_low"].to_list() == pytest.approx(got["ci_low"].to_list(), rel=1e-12)
    assert again["defended_spread"].to_list() == pytest.approx(
        got["defended_spread"].to_list(), rel=1e-12)
    assert absolute_score(got["spread"]).to_list() == pytest.approx(got["score"].to_list())
    user = prov["card_users"][0]
    ex = ig.explain(ds, user, seed=prov["seed"], runs=s["explain_runs"])
    engagers = pl.read_parquet(out / "cards" / "card-1-engagers.parquet")
    assert engagers.equals(ex.table)
    ot = ig.scores_over_time(ds, window=prov["window"], seed=prov["seed"])
    mine = pl.read_parquet(out / "cards" / "card-1-over-time.parquet")
    ref = ot.filter(pl.col("user") == user).select(mine.columns)
    assert ref.equals(mine)


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """One day, no topics, no follows: the time and topic parts must say why they are absent."""
    folder = tmp_path_factory.mktemp("small")
    return folder, _write_world(folder, days=1, follows=False, topics=False)


def test_absent_parts_say_why_and_progress_is_plain(small):
    folder, args = small
    out = folder / "report"
    out.mkdir()  # a previous complete report: it is replaced as a whole
    (out / "provenance.json").write_text("{}")
    (out / "stale.txt").write_text("old")
    result = runner.invoke(app, ["report", *args, "--out", str(out), "--seed", "1", "--top", "1"])
    assert result.exit_code == 0, result.output
    html = _html(out)
    assert "less than the two days needed" in html
    assert "No event carries a topic and no --topics mapping was given" in html
    assert "Over time" in html and "Biggest move" not in html and "Passionate about" not in html
    assert not (out / "stale.txt").exists() and not (out / "over_time.csv").exists()
    assert sorted(p.name for p in folder.iterdir()) == ["events.parquet", "report", "users.csv"]
    # not a terminal: plain progress lines, no escape codes
    assert "Scoring influence" in result.stderr and "done in" in result.stderr
    assert "\x1b[" not in result.stderr
    # without follows, follower attacks are refused and the page lists why
    assert "Attacks refused on these data" in html


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("where", ["section", "writing"])
def test_all_or_nothing_on_error(small, tmp_path, monkeypatch, where):
    folder, _args = small
    ds = ig.load_dataset(events=folder / "events.parquet", users=folder / "users.csv")
    out = tmp_path / "report"
    out.mkdir()
    (out / "provenance.json").write_text('{"previous": true}')
    (out / "index.html").write_text("previous report")
    before = _snapshot(out)
    if where == "section":
        def boom(*a, **k):
            raise RuntimeError("section failed")
        monkeypatch.setattr(user_report, "robustness_section", boom)
    else:
        real, calls = user_report.write_table, []

        def boom(df, folder, name):  # fail after some files are written
            calls.append(name)
            if len(calls) > 3:
                raise RuntimeError("disk full")
            real(df, folder, name)
        monkeypatch.setattr(user_report, "write_table", boom)
    with pytest.raises(RuntimeError):
        user_report.run_report(ds, out, ReportOptions(seed=1, top=1, attacks=()),
                               progress=False)
    assert _snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["report"]  # no temporary folder left
    fresh = tmp_path / "fresh"
    with pytest.raises(RuntimeError):
        user_report.run_report(ds, fresh, ReportOptions(seed=1, top=1, attacks=()),
                               progress=False)
    assert not fresh.exists()


def test_bad_file_exits_2_with_one_line(tmp_path):
    bad = tmp_path / "events.csv"
    bad.write_text("user,action,target_user,timestamp\na,post,,2024-03-01T00:00:00Z\n"
                   "b,like,a,2024-03-01T00:01:00Z\n")
    out = tmp_path / "report"
    result = runner.invoke(app, ["report", "--events", str(bad), "--out", str(out)])
    assert result.exit_code == 2
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    assert "record 2" in lines[0] and "ACTION_UNKNOWN" in lines[0]
    assert not out.exists()


def test_refuses_a_folder_that_is_not_a_report(small, tmp_path):
    _folder, args = small
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.tex").write_text("precious")
    result = runner.invoke(app, ["report", *args, "--out", str(out), "--quiet"])
    assert result.exit_code == 2
    assert len([ln for ln in result.stderr.splitlines() if ln.strip()]) == 1
    assert (out / "thesis.tex").read_text() == "precious"


def test_unknown_user_exits_2(small, tmp_path):
    _folder, args = small
    result = runner.invoke(app, ["report", *args, "--out", str(tmp_path / "r"), "--quiet",
                                 "--user", "nobody"])
    assert result.exit_code == 2 and "nobody" in result.stderr
    assert not (tmp_path / "r").exists()


def test_report_takes_every_reader_option_and_has_an_example():
    import typer.main

    group = typer.main.get_command(app)
    flags = {c: {o for p in group.commands[c].params for o in [*p.opts, *p.secondary_opts]}
             for c in ("validate", "report")}
    assert flags["validate"] <= flags["report"]
    result = runner.invoke(app, ["report", "--help"])
    assert result.exit_code == 0 and "Example: influence-graph report --events" in result.output


@pytest.mark.realdata
def test_report_on_measured_probabilities_says_what_is_absent(congress_dir, tmp_path,
                                                              monkeypatch):
    monkeypatch.setenv("INFLUENCE_GRAPH_DATA", str(congress_dir.parent))
    out = tmp_path / "c"
    result = runner.invoke(app, ["report", "--dataset", "congress", "--out", str(out),
                                 "--top", "1", "--quiet"])
    assert result.exit_code == 0, result.output
    prov = json.loads((out / "provenance.json").read_text())
    assert prov["sections"] == {"data": True, "activity": False, "top": True, "cards": True,
                                "robustness": False}
    html = _html(out)
    assert "The data have no events, so there is no activity to set beside influence." in html
    assert "cannot be split over engagers" in html
    assert "robustness is not measured" in html


@pytest.mark.slow
@pytest.mark.realdata
def test_report_on_higgs(higgs_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("INFLUENCE_GRAPH_DATA", str(higgs_dir.parent))
    t0 = time.perf_counter()
    result = runner.invoke(app, ["report", "--dataset", "higgs", "--out", str(tmp_path / "h"),
                                 "--quiet"])
    print(f"higgs report: {time.perf_counter() - t0:.1f} s")
    assert result.exit_code == 0, result.output
    prov = json.loads((tmp_path / "h" / "provenance.json").read_text())
    assert prov["sections"]["data"] and prov["sections"]["top"]


def test_a_card_past_the_time_budget_names_its_move_without_explaining_it(world):
    from influence_graph.report.analysis import analyse
    from influence_graph.report.cards import build_card, card_html
    from influence_graph.report.progress import steps

    folder, _out, _args = world
    ds = ig.load_dataset(events=folder / "events.parquet", follows=folder / "follows.csv",
                         users=folder / "users.csv")
    opts = ReportOptions(seed=3, n_boot=10, top=1)
    with steps(False) as step:
        a = analyse(ds, opts, step)
        card = build_card(a, a.card_users[0], 1, opts, step, explain_change=False)
    assert card.change is None and card.change_row is not None
    assert "not explained here" in card.why_not["change"]
    html = card_html(card, {})
    assert "Biggest move: " in html and "Test of the change" not in html
