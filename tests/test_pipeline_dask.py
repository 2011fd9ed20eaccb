"""The whole pipeline on a Dask cluster: bit-identical to a local run, even when a worker dies.

``influence``, ``predictive_validity`` and ``channel_ablation`` take ``executor=`` (or
``options=SpreadOptions(executor=...)``) and hand it to every spread computation. Random
streams belong to tasks (each task's seed is one of its arguments), so a task that Dask
reschedules after its worker was killed draws exactly the same numbers again.
"""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest
from polars.testing import assert_frame_equal

import influence_graph as ig
from influence_graph.diffusion import SpreadOptions

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def ds():
    return ig.datasets.synthetic(n_users=200, seed=5)


@pytest.fixture(scope="module")
def client(dask_processes_client):
    return dask_processes_client


def test_influence_validity_ablation_bit_identical_on_a_cluster(ds, client):
    local = ig.influence(ds, seed=3, n_jobs=1)
    remote = ig.influence(ds, seed=3, executor=client)
    assert_frame_equal(remote, local, check_exact=True)
    opts = SpreadOptions(rel_error=0.1, executor=client)
    pv_local = ig.predictive_validity(ds, seed=3, n_boot=50, n_jobs=1)
    pv_remote = ig.predictive_validity(ds, seed=3, n_boot=50, options=opts)
    assert_frame_equal(pv_remote, pv_local, check_exact=True)
    ab_local = ig.channel_ablation(ds, seed=3, n_jobs=1)
    ab_remote = ig.channel_ablation(ds, seed=3, executor=client)
    assert_frame_equal(ab_remote.users, ab_local.users, check_exact=True)
    assert_frame_equal(ab_remote.summary, ab_local.summary, check_exact=True)


def _kill_one_worker_when_busy(client, killed: list[float], stop: threading.Event) -> None:
    pids = client.run(os.getpid)  # worker address -> process id
    while not stop.is_set():
        busy = [w for w, tasks in client.processing().items() if tasks]
        if busy:
            os.kill(pids[busy[0]], signal.SIGKILL)
            killed.append(time.monotonic())
            return
        time.sleep(0.005)


def test_a_worker_killed_mid_run_gives_the_same_bits(ds, client):
    kw = dict(seed=11, rel_error=0.02, top_k=None, viral=False)
    local = ig.influence(ds, n_jobs=1, **kw)
    killed: list[float] = []
    stop = threading.Event()
    killer = threading.Thread(target=_kill_one_worker_when_busy, args=(client, killed, stop))
    killer.start()
    try:
        remote = ig.influence(ds, executor=client, **kw)
    finally:
        finished = time.monotonic()
        stop.set()
        killer.join()
    assert killed and killed[0] < finished, "no worker was killed while the run was going on"
    assert_frame_equal(remote, local, check_exact=True)
    client.wait_for_workers(2, timeout=60)  # the nanny restarts the killed worker


def test_options_and_keywords_are_not_both_set(ds):
    with pytest.raises(ig.InputValidationError, match="rel_error"):
        ig.influence(ds, rel_error=0.2, options=SpreadOptions(), spread=False)
    with pytest.raises(TypeError, match="executor"):
        ig.influence(ds, executor=object(), spread=False)
