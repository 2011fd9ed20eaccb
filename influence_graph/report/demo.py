"""The demo behind ``influence-graph demo``: :func:`~.user_report.run_report` on the
embedded synthetic world.

The synthetic world is built with ``n_users`` users and ``seed`` (the same seed then
keys every estimate), and the report is the one a user gets for their own log
(:mod:`.user_report`): the ingest report, activity vs influence, top users with intervals
and a searchable index, per-user cards, robustness and provenance. Because the world
carries a planted truth, the report also checks every metric against it
(:mod:`.truth`, ``recovery.parquet`` / ``recovery.csv``). All or nothing on disk, as the
report: an existing folder is replaced only by a complete report.
"""

from __future__ import annotations

from pathlib import Path

from ..datasets.synthetic import synthetic
from .analysis import ReportOptions
from .user_report import run_report

__all__ = ["run_demo"]


def run_demo(out: str | Path = "demo-report", *, n_users: int = 2000, seed: int = 7,
             progress: bool = True) -> Path:
    """Build the synthetic world and write its influence report.

    Parameters
    ----------
    out : str or Path
        Report folder (replaced only when the whole report is written).
    n_users : int
        Users in the synthetic world.
    seed : int
        Seed of the world and of every estimate: the same seed gives the same report.
    progress : bool
        Progress lines on stderr.

    Returns
    -------
    Path
        The report's ``index.html``.
    """
    ds = synthetic(n_users=n_users, seed=seed)
    command = f"influence-graph demo --out {out} --n-users {n_users} --seed {seed}"
    return run_report(ds, out, ReportOptions(seed=seed), command=command,
                      progress=progress).index
