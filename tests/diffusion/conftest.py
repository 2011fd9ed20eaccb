"""Diffusion test fixtures; puts this folder on sys.path for ``diffusion_graphs``."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from diffusion_graphs import SMALL_GRAPHS, table  # noqa: E402


@pytest.fixture(params=sorted(SMALL_GRAPHS))
def small_graph(request):
    """(name, probability table, extra users, exact IC spreads, exact LT spreads)."""
    rows, users, ic, lt = SMALL_GRAPHS[request.param]
    return request.param, table(rows), users, ic, lt
