"""The command line: demo report (self-contained, offline), validate and spread."""

from __future__ import annotations

import json
import re

import polars as pl
import pytest
from typer.testing import CliRunner

from influence_graph.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    result = runner.invoke(app, ["demo", "--out", str(out), "--n-users", "400", "--seed", "3", "--quiet"])
    assert result.exit_code == 0, result.output
    return out


def test_demo_writes_every_table_and_figure(demo_dir):
    for name in ["index.html", "users.csv", "users.parquet", "correlations.csv", "overlap.csv",
                 "disagreement.csv", "recovery.csv", "provenance.json"]:
        assert (demo_dir / name).stat().st_size > 0, name
    figs = sorted(p.name for p in (demo_dir / "figures").glob("*.png"))
    assert figs == ["heatmap.png", "loud_quiet.png", "overlap.png", "rank_rank.png", "spread.png"]
    users = pl.read_parquet(demo_dir / "users.parquet")
    assert users.height == 400 and users["user"].n_unique() == 400
    assert (users["spread"] >= 1).all() and (users["ci_low"] <= users["spread"]).all()
    assert (users["spread"] <= users["ci_high"]).all()
    recovery = pl.read_csv(demo_dir / "recovery.csv")
    assert {"spread", "actions", "followers"} <= set(recovery["metric"])
    assert ((recovery["spearman_low"] <= recovery["spearman"]) & (recovery["spearman"] <= recovery["spearman_high"])).all()


def test_demo_page_is_self_contained(demo_dir):
    html = (demo_dir / "index.html").read_text(encoding="utf-8")
    # no external requests: every src/href is a data URI or a fragment, no script, no @import
    refs = re.findall(r'(?:src|href)\s*=\s*["\']([^"\']*)', html)
    assert refs and all(r.startswith(("data:", "#")) for r in refs), refs
    assert "<script" not in html and "@import" not in html and "url(" not in html
    assert html.count("<img ") == 5 and html.count("data:image/png;base64,") == 5
    prov = json.loads((demo_dir / "provenance.json").read_text())
    assert prov["seed"]["entropy"] == 3 and prov["model_version"]


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
    assert result.exit_code == 1
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
