"""Shared helpers for the benchmark scripts (not part of the package or the test run).

What lives here
---------------
* ``context(n_jobs)``: the columns every result row carries so a reader can judge noise:
  UTC time of day, the 1/5/15-minute load averages, ``n_jobs``, CPU count.
* ``environment()``: machine and library versions, written beside each CSV as JSON.
* ``Timer``: wall-clock timing with ``time.perf_counter``.
* ``peak_rss_mib`` / ``current_rss_mib``: peak resident memory of *this* process
  (``resource.getrusage(RUSAGE_SELF).ru_maxrss``) and the current one (``/proc/self/statm``).
* ``run_isolated(func, **kwargs)``: run ``module:function`` in a fresh Python subprocess and
  return its JSON result, so ``ru_maxrss`` measures that piece of work alone.
* ``power_law_edges(n, seed)``: the seeded igraph ``Static_Power_Law(n, 10 n, 2.1, 2.5)``
  edge list, cached as Parquet under ``$IG_BENCH_CACHE`` (default ``/tmp/influence_graph_bench``).
* ``probability_table(edges, n, model)``: the polars (source, target, p) table with String ids
  ``"u<i>"`` that ``expected_spread`` takes, for weighted cascade (p = 1/in-degree of target)
  or a constant p.
* ``write_results`` / ``print_table``: CSV (plus ``.env.json``) and a rich table.

Run any benchmark from the repository root, e.g.
``.venv/bin/python benchmarks/bench_spread_scaling.py --quick``.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import importlib
import json
import os
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results"
CACHE = Path(os.environ.get("IG_BENCH_CACHE", "/tmp/influence_graph_bench"))
_MARK = "@@BENCH-RESULT@@"

if str(REPO) not in sys.path:  # scripts run as ``python benchmarks/x.py``
    sys.path.insert(0, str(REPO))

__all__ = [
    "REPO",
    "RESULTS",
    "CACHE",
    "Timer",
    "context",
    "environment",
    "peak_rss_mib",
    "current_rss_mib",
    "cpu_seconds",
    "reset_peak",
    "run_isolated",
    "power_law_edges",
    "probability_table",
    "user_ids",
    "write_results",
    "print_table",
    "base_parser",
    "fit_power",
    "data_dir",
]


# --------------------------------------------------------------------------- context
def context(n_jobs: int | None) -> dict[str, Any]:
    """Columns that let a reader judge how noisy a row is."""
    l1, l5, l15 = os.getloadavg()
    return {
        "time_utc": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "loadavg_1m": round(l1, 2),
        "loadavg_5m": round(l5, 2),
        "loadavg_15m": round(l15, 2),
        "n_jobs": n_jobs if n_jobs is not None else os.cpu_count(),
        "cpu_count": os.cpu_count(),
    }


def _version(mod: str) -> str | None:
    try:
        from importlib.metadata import version

        return version(mod)
    except Exception:  # noqa: BLE001 - optional peers may be missing
        return None


def environment() -> dict[str, Any]:
    """Machine and library versions (written next to every CSV as ``<name>.env.json``)."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        commit = None
    cpu_model = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_total = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_total = f"{int(line.split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_model": cpu_model,
        "cpu_count": os.cpu_count(),
        "affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "mem_total": mem_total,
        "git_commit": commit,
        "versions": {
            m: _version(m)
            for m in (
                "influence_graph", "numpy", "numba", "polars", "python-igraph", "networkx",
                "scipy", "cynetdiff", "ndlib",
            )
        },
    }


# --------------------------------------------------------------------------- timing, memory
class Timer:
    """``with Timer() as t: ...``; then ``t.seconds`` (wall) and ``t.cpu`` (process CPU).

    CPU time counts every thread of this process, so on a shared machine
    ``work / t.cpu`` is a per-thread rate that other users' load hardly changes.
    """

    def __enter__(self) -> Timer:
        self._t0 = time.perf_counter()
        self._c0 = cpu_seconds()
        self.seconds = self.cpu = float("nan")
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self._t0
        self.cpu = cpu_seconds() - self._c0


def cpu_seconds() -> float:
    """User + system CPU time of this process so far, all threads (``getrusage``)."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def peak_rss_mib() -> float:
    """High-water resident set size of this process in MiB since start or the last
    :func:`reset_peak` (Linux ``VmHWM``; elsewhere ``ru_maxrss``)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def reset_peak() -> bool:
    """Reset the high-water mark to the current RSS (Linux ``/proc/self/clear_refs`` = 5),
    so that :func:`peak_rss_mib` measures only what follows. False where unsupported."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def current_rss_mib() -> float:
    """Current resident set size in MiB (``/proc/self/statm``; falls back to the peak)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return peak_rss_mib()


def run_isolated(target: str, /, timeout: float | None = None, **kwargs: Any) -> dict[str, Any]:
    """Run ``"module:function"(**kwargs)`` in a fresh interpreter; return its dict result.

    The child's ``ru_maxrss`` then covers only that work (plus the interpreter and imports,
    which the function can subtract by recording ``current_rss_mib()`` before it starts).
    Raises ``RuntimeError`` with the child's stderr tail when it fails.
    """
    cmd = [sys.executable, "-m", "benchmarks._common", target, json.dumps(kwargs)]
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run(
        cmd, cwd=REPO, capture_output=True, text=True, timeout=timeout, env=env, check=False
    )
    for line in proc.stdout.splitlines()[::-1]:
        if line.startswith(_MARK):
            return json.loads(line[len(_MARK):])
    raise RuntimeError(
        f"{target} failed (exit {proc.returncode}):\n{proc.stderr[-4000:]}\n{proc.stdout[-2000:]}"
    )


def _child_main(argv: Sequence[str]) -> None:
    target, kwargs = argv[0], json.loads(argv[1])
    module, func = target.split(":")
    result = getattr(importlib.import_module(module), func)(**kwargs)
    result.setdefault("peak_rss_mib", round(peak_rss_mib(), 1))
    print(_MARK + json.dumps(result, default=_json_default), flush=True)


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    return str(obj)


# --------------------------------------------------------------------------- graphs
def power_law_edges(n: int, seed: int = 0, *, m_per_node: int = 10) -> np.ndarray:
    """Edges (m, 2) uint32 of igraph ``Static_Power_Law(n, 10 n, 2.1, 2.5)``, seeded, cached.

    Edge ``(u, v)`` means content moves from ``u`` to ``v``. The graph is drawn once per
    ``(n, seed)`` and kept as Parquet in ``CACHE`` (outside the repository).
    """
    import polars as pl

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"powerlaw_n{n}_m{m_per_node}_s{seed}.parquet"
    if path.exists():
        df = pl.read_parquet(path)
        return np.column_stack([df["source"].to_numpy(), df["target"].to_numpy()])
    import igraph

    from influence_graph._rng import igraph_rng

    with igraph_rng(seed):
        g = igraph.Graph.Static_Power_Law(
            n, m_per_node * n, exponent_out=2.1, exponent_in=2.5
        )
    edges = np.asarray(g.get_edgelist(), dtype=np.uint32).reshape(-1, 2)
    del g
    tmp = path.with_suffix(".tmp")
    pl.DataFrame({"source": edges[:, 0], "target": edges[:, 1]}).write_parquet(tmp)
    tmp.replace(path)
    return edges


def user_ids(n: int):  # -> pl.Series
    """String ids ``u0 … u{n-1}`` as a polars Series named ``user``."""
    import polars as pl

    return pl.select(
        ("u" + pl.int_range(0, n, dtype=pl.Int64).cast(pl.String)).alias("user")
    ).to_series()


def probability_table(edges: np.ndarray, n: int, model: str = "wc", p: float = 0.01):
    """Polars (source, target, p) with String ids for weighted cascade (``"wc"``) or constant p.

    Weighted cascade: ``p(u, v) = 1 / in-degree(v)`` (Kempe, Kleinberg & Tardos 2003).
    """
    import polars as pl

    src = edges[:, 0].astype(np.int64)
    dst = edges[:, 1].astype(np.int64)
    if model == "wc":
        indeg = np.bincount(dst, minlength=n)
        prob = 1.0 / indeg[dst]
    elif model == "const":
        prob = np.full(len(dst), float(p))
    else:
        raise ValueError(f"model must be 'wc' or 'const'; got {model!r}")
    df = pl.DataFrame({"source": src, "target": dst, "p": prob})
    return df.with_columns(
        ("u" + pl.col("source").cast(pl.String)).alias("source"),
        ("u" + pl.col("target").cast(pl.String)).alias("target"),
    )


def data_dir() -> Path:
    """Where the real data live (``$INFLUENCE_GRAPH_DATA``, default ``/work/shared/data``)."""
    d = Path(os.environ.setdefault("INFLUENCE_GRAPH_DATA", "/work/shared/data"))
    return d


# --------------------------------------------------------------------------- output
def write_results(rows: list[dict[str, Any]], name: str, *, out: str | None, quick: bool) -> Path:
    """Write rows as CSV (``benchmarks/results/<name>.csv``; quick runs go to ``CACHE``)."""
    import polars as pl

    if out is not None:
        path = Path(out)
    elif quick:
        path = CACHE / "results" / f"{name}_quick.csv"
    else:
        path = RESULTS / f"{name}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    pl.DataFrame(rows, infer_schema_length=None).write_csv(path)
    path.with_suffix(".env.json").write_text(json.dumps(environment(), indent=2) + "\n")
    print(f"wrote {path}")
    return path


def print_table(rows: list[dict[str, Any]], title: str,
                columns: Sequence[str] | None = None) -> None:
    """Print rows as a rich table (plain text when rich is missing)."""
    if not rows:
        print(f"{title}: no rows")
        return
    cols = list(columns) if columns else list(rows[0])

    def fmt(v: Any) -> str:
        if isinstance(v, float):
            if v != v:
                return "nan"
            if v == 0 or 1e-3 <= abs(v) < 1e6:
                return f"{v:.4g}"
            return f"{v:.3e}"
        return str(v)

    try:
        from rich.console import Console
        from rich.table import Table

        table = Table(title=title)
        for c in cols:
            table.add_column(c, overflow="fold")
        for r in rows:
            table.add_row(*(fmt(r.get(c)) for c in cols))
        Console(width=max(120, 14 * len(cols))).print(table)
    except ImportError:
        print(title)
        print(" | ".join(cols))
        for r in rows:
            print(" | ".join(fmt(r.get(c)) for c in cols))


def base_parser(description: str, default_sizes: Sequence[int]) -> argparse.ArgumentParser:
    """Common flags: --sizes, --quick, --n-jobs, --seed, --out."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--sizes", type=int, nargs="+", default=list(default_sizes))
    p.add_argument("--quick", action="store_true", help="small sizes and budgets, CSV to the cache")
    p.add_argument("--n-jobs", type=int, default=None, help="threads (default: all CPUs)")
    p.add_argument("--seed", type=int, default=20261126)
    p.add_argument("--out", default=None, help="CSV path (default benchmarks/results/<name>.csv)")
    return p


def fit_power(x: Sequence[float], y: Sequence[float]) -> tuple[float, float, float]:
    """Least-squares fit of ``log y = a + b log x``: returns (b, a, r²); NaN with < 2 points."""
    lx, ly = np.log(np.asarray(x, float)), np.log(np.asarray(y, float))
    ok = np.isfinite(lx) & np.isfinite(ly)
    if ok.sum() < 2:
        return float("nan"), float("nan"), float("nan")
    b, a = np.polyfit(lx[ok], ly[ok], 1)
    resid = ly[ok] - (a + b * lx[ok])
    ss = ((ly[ok] - ly[ok].mean()) ** 2).sum()
    r2 = 1.0 - (resid**2).sum() / ss if ss > 0 else float("nan")
    return float(b), float(a), float(r2)


if __name__ == "__main__":
    _child_main(sys.argv[1:])
