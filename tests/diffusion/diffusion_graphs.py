"""Small graphs with hand-computed spreads, shared by the diffusion tests.

Imported by the tests as ``diffusion_graphs`` (conftest.py puts this folder on sys.path,
since tests run with --import-mode=importlib).
"""

from __future__ import annotations

import json
from collections import deque
from pathlib import Path

import polars as pl


def table(rows: list[tuple[str, str, float]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={"source": pl.String, "target": pl.String, "p": pl.Float64},
                        orient="row")


# name -> (rows, extra users, {user: exact IC spread}, {user: exact LT spread} or None)
SMALL_GRAPHS: dict[str, tuple[list, list[str], dict[str, float], dict[str, float] | None]] = {
    # 3-cycle, p = 1/2: sigma = 1 + p + p^2 for every node, IC and LT alike (one in-edge each)
    "cycle": (
        [("a", "b", 0.5), ("b", "c", 0.5), ("c", "a", 0.5)], [],
        {"a": 1.75, "b": 1.75, "c": 1.75}, {"a": 1.75, "b": 1.75, "c": 1.75},
    ),
    # DAG with two disjoint paths a->b->d, a->c->d and a certain edge d->e.
    # IC: Pr[d | a] = 1 - (1 - .5*.3)(1 - .4*.6) = .354; LT: Pr[d | a] = .3*.5 + .6*.4 = .39
    "dag": (
        [("a", "b", 0.5), ("a", "c", 0.4), ("b", "d", 0.3), ("c", "d", 0.6), ("d", "e", 1.0)], [],
        {"a": 1 + .5 + .4 + .354 + .354, "b": 1 + .3 + .3, "c": 1 + .6 + .6, "d": 2.0, "e": 1.0},
        {"a": 1 + .5 + .4 + .39 + .39, "b": 1.6, "c": 2.2, "d": 2.0, "e": 1.0},
    ),
    # p in {0, 1}: spread = size of the reachable set over p = 1 edges
    "p01": (
        [("a", "b", 1.0), ("b", "c", 1.0), ("c", "d", 0.0), ("a", "e", 0.0), ("e", "a", 1.0)], [],
        {"a": 3.0, "b": 2.0, "c": 1.0, "d": 1.0, "e": 4.0},
        {"a": 3.0, "b": 2.0, "c": 1.0, "d": 1.0, "e": 4.0},
    ),
    # star: hub reaches each of 5 leaves with p = .3
    "star": (
        [("hub", f"l{i}", 0.3) for i in range(5)], [],
        {"hub": 2.5, **{f"l{i}": 1.0 for i in range(5)}},
        {"hub": 2.5, **{f"l{i}": 1.0 for i in range(5)}},
    ),
    # path (tree), closed form sigma(a) = 1 + .5 + .5*.4 + .5*.4*.3
    "path": (
        [("a", "b", 0.5), ("b", "c", 0.4), ("c", "d", 0.3)], [],
        {"a": 1.76, "b": 1.52, "c": 1.3, "d": 1.0},
        {"a": 1.76, "b": 1.52, "c": 1.3, "d": 1.0},
    ),
    # mixed p with a 2-cycle and an isolated user z
    # IC: sigma(a) = 1 + .2 + .2*.9 = 1.38; sigma(b) = 1 + .7 + .9 = 2.6
    "mixed_isolated": (
        [("a", "b", 0.2), ("b", "a", 0.7), ("b", "c", 0.9)], ["z"],
        {"a": 1.38, "b": 2.6, "c": 1.0, "z": 1.0},
        {"a": 1.38, "b": 2.6, "c": 1.0, "z": 1.0},
    ),
}


def reach_size(rows, source: str, live=lambda r: r[2] > 0) -> int:
    """Readable BFS: users reachable from ``source`` over edges with ``live(row)``."""
    adj: dict[str, list[str]] = {}
    for r in rows:
        if live(r):
            adj.setdefault(r[0], []).append(r[1])
    seen = {source}
    queue = deque([source])
    while queue:
        u = queue.popleft()
        for v in adj.get(u, []):
            if v not in seen:
                seen.add(v)
                queue.append(v)
    return len(seen)


def congress_table(congress_dir: Path) -> pl.DataFrame:
    """Congress probability table: source = usernameList[i], target = its outList entries."""
    data = json.loads((congress_dir / "congress_network_data.json").read_text())
    d = data[0] if isinstance(data, list) else data
    names = d["usernameList"]
    rows = [(names[i], names[j], float(w))
            for i, (outs, ws) in enumerate(zip(d["outList"], d["outWeight"]))
            for j, w in zip(outs, ws)]
    return table(rows)
