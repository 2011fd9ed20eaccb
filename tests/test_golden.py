"""Golden tables: the pipeline's output, bit for bit, as recorded in tests/golden/.

A regression guard for refactors: the influence table on the synthetic world (seed 7)
and on Congress, a compare_metrics result and a predictive_validity table must not
change by a single bit unless ``model_version`` moves (then rerun
``python tests/golden/make_golden.py`` and say why in the commit).
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

GOLDEN = Path(__file__).resolve().parent / "golden"
_spec = importlib.util.spec_from_file_location("make_golden", GOLDEN / "make_golden.py")
assert _spec is not None and _spec.loader is not None
make_golden = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_golden)

_CONGRESS = bool(os.environ.get("INFLUENCE_GRAPH_DATA")) and (
    Path(os.environ.get("INFLUENCE_GRAPH_DATA", "")) / "congress"
).is_dir()


@pytest.fixture(scope="module")
def tables() -> dict[str, pl.DataFrame]:
    return make_golden.golden_tables(congress=_CONGRESS)


NAMES = [
    "influence_synthetic7",
    "compare_correlations",
    "compare_overlap",
    "compare_disagreement",
    "validity_synthetic3",
]


@pytest.mark.parametrize("name", NAMES)
def test_bit_identical(tables, name):
    assert_frame_equal(tables[name], pl.read_parquet(GOLDEN / f"{name}.parquet"), check_exact=True)


@pytest.mark.skipif(not _CONGRESS, reason="Congress data not found ($INFLUENCE_GRAPH_DATA)")
def test_congress_bit_identical(tables):
    want = pl.read_parquet(GOLDEN / "influence_congress.parquet")
    assert_frame_equal(tables["influence_congress"], want, check_exact=True)
