"""CSV injection (OWASP): every CSV the package writes neutralises formula-like text cells."""

from __future__ import annotations

import ast
from pathlib import Path

import polars as pl
import pytest

from influence_graph.io.safe_csv import FORMULA_PREFIXES, neutralize_formulas, write_safe_csv

PKG = Path(__file__).resolve().parents[2] / "influence_graph"


@pytest.mark.parametrize("prefix", FORMULA_PREFIXES)
def test_every_formula_prefix_is_quoted(tmp_path, prefix):
    df = pl.DataFrame({"user": [f"{prefix}cmd", f"a{prefix}", None], "n": [1, -2, 3]})
    path = write_safe_csv(df, tmp_path / "t.csv")
    back = pl.read_csv(path, schema_overrides={"user": pl.String})
    assert back["user"].to_list() == [f"'{prefix}cmd", f"a{prefix}", None]
    assert back["n"].to_list() == [1, -2, 3]  # numbers stay numbers, a negative one too


def test_only_text_columns_change():
    df = pl.DataFrame(
        {
            "s": ["=1+1", "ok"],
            "c": pl.Series(["@x", "y"], dtype=pl.Categorical),
            "f": [-1.5, 2.0],
            "i": [-3, 4],
        }
    )
    out = neutralize_formulas(df)
    assert out["s"].to_list() == ["'=1+1", "ok"] and out["c"].to_list() == ["'@x", "y"]
    assert out["f"].equals(df["f"]) and out["i"].equals(df["i"])
    assert neutralize_formulas(pl.DataFrame({"=h": [1]})).columns == ["'=h"]
    with pytest.raises(TypeError):
        neutralize_formulas({"a": [1]})


def test_no_bare_write_csv_in_the_package():
    """Every CSV the package writes goes through write_safe_csv."""
    offenders = []
    for path in PKG.rglob("*.py"):
        if path.name == "safe_csv.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr in ("write_csv", "sink_csv"):
                offenders.append(f"{path.relative_to(PKG)}:{node.lineno}")
    assert not offenders, offenders
