#!/usr/bin/env python3
"""Bootstrap and run the project's two everyday commands with nothing but Python and pip.

    python3 scripts/dev.py demo   # influence-graph demo on the synthetic world -> demo-report/
    python3 scripts/dev.py test   # the whole test suite (doctests, notebooks, real data if present)
    python3 scripts/dev.py docs   # mkdocs build --strict + offline check -> site/

It installs uv with pip when missing, creates .venv from the committed uv.lock
(never downloading a Python: UV_PYTHON_DOWNLOADS=never) and runs the command in it.
Extra arguments are passed through, e.g. ``python3 scripts/dev.py test -k spread``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _uv() -> list[str]:
    exe = shutil.which("uv")
    if exe:
        return [exe]
    try:
        import uv  # noqa: F401  (installed as a Python package)
    except ImportError:
        print("uv not found: installing it with pip", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "uv"], check=True)
    from uv import find_uv_bin  # type: ignore[import-not-found]

    return [find_uv_bin()]


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"demo", "test", "docs"}:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, rest = argv[0], argv[1:]
    env = dict(os.environ, UV_PYTHON_DOWNLOADS="never")
    shared = ROOT.parent / "shared" / "data"
    if "INFLUENCE_GRAPH_DATA" not in env and shared.is_dir():
        env["INFLUENCE_GRAPH_DATA"] = str(shared)
    uv = _uv()
    groups = ["--group", "docs"] if cmd == "docs" else []
    subprocess.run([*uv, "sync", "--frozen", "--quiet", *groups], cwd=ROOT, env=env, check=True)
    run = [*uv, "run", "--frozen", "--no-sync"]
    if cmd == "demo":
        args = [*run, "influence-graph", "demo", *(rest or ["--out", "demo-report"])]
    elif cmd == "test":
        args = [*run, "pytest", *rest]
    else:  # strict build, then a check that the site loads nothing from another host
        args = [*run, "bash", "scripts/build_docs.sh", *rest]
    return subprocess.run(args, cwd=ROOT, env=env).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
