"""Shared fixtures: real-data discovery, hypothesis profiles, tiny event tables."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, settings

# Hypothesis profiles, picked by HYPOTHESIS_PROFILE (default "ci": fast and derandomized,
# so the default test run is reproducible; "thorough" for local sweeps).
settings.register_profile(
    "ci", max_examples=40, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile("thorough", max_examples=500, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

T0 = datetime(2024, 3, 1, 12, 0, tzinfo=timezone.utc)


def real_data_dir(name: str) -> Path:
    """Folder holding real data set ``name`` ('higgs' or 'congress').

    Looks in $INFLUENCE_GRAPH_DATA/<name>, then ../shared/data/<name> beside the
    checkout. Skips the test when absent, except under CI=true where a missing data
    set is a failure.
    """
    candidates = []
    env = os.environ.get("INFLUENCE_GRAPH_DATA")
    if env:
        candidates.append(Path(env) / name)
    candidates.append(Path(__file__).resolve().parents[1].parent / "shared" / "data" / name)
    for c in candidates:
        if c.is_dir() and any(c.iterdir()):
            return c
    msg = (
        f"real data set {name!r} not found (looked in {', '.join(map(str, candidates))}); "
        f"set INFLUENCE_GRAPH_DATA to the folder holding {name}/ or run "
        f"`python -c 'import influence_graph as ig; ig.datasets.{name}()'` online to download it"
    )
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(msg)
    pytest.skip(msg)


@pytest.fixture(scope="session")
def higgs_dir() -> Path:
    return real_data_dir("higgs")


@pytest.fixture(scope="session")
def congress_dir() -> Path:
    return real_data_dir("congress")


def events_frame(rows: list[tuple], *, minutes: bool = True) -> pl.DataFrame:
    """Canonical events from compact rows ``(user, action, target_user, post_id, parent_id, t)``.

    ``t`` is minutes after T0. Missing trailing fields are None.
    """
    cols = {"user": [], "action": [], "target_user": [], "post_id": [], "parent_id": [], "timestamp": []}
    for r in rows:
        r = tuple(r) + (None,) * (6 - len(r))
        user, action, target, post, parent, t = r
        cols["user"].append(user)
        cols["action"].append(action)
        cols["target_user"].append(target)
        cols["post_id"].append(post)
        cols["parent_id"].append(parent)
        cols["timestamp"].append(T0 + timedelta(minutes=t or 0))
    return pl.DataFrame(cols, schema_overrides={"timestamp": pl.Datetime("us", "UTC")})


@pytest.fixture(scope="session")
def dask_processes_client():
    """One 2-worker Dask LocalCluster (processes) for every test that needs one.

    A test may kill a worker process: the nanny starts a new one, and the scheduler
    reschedules what the dead worker held.
    """
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster, distributed.Client(cluster) as client:
        yield client
