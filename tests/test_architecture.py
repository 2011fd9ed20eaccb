"""The package's import structure: no import circle, no private name taken across modules.

Parses every module of ``influence_graph`` (nothing is imported). A module-level import
``from X import Y`` of the package is an edge X ← module; imports inside functions are
lazy on purpose (import time) and are left out of the circle check, but not of the
private-name check. A private name (``_x``) may only be imported from a shared helper
module whose own name starts with ``_`` (``_validation``, ``_rng``, ``_kernels`` …).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "influence_graph"


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PKG.rglob("*.py")):
        parts = list(path.relative_to(PKG.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _resolve(mod: str, is_pkg: bool, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = mod.split(".") if is_pkg else mod.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _imports(mod: str, path: Path):
    """(target module, names, at module level?) for each package-internal from-import."""
    tree = ast.parse(path.read_text())
    top = {id(n) for n in tree.body}
    is_pkg = path.name == "__init__.py"
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            target = _resolve(mod, is_pkg, node)
            if target.split(".")[0] != "influence_graph":
                continue
            names = [a.name for a in node.names]
            yield target, names, id(node) in top


def _edges() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for mod, path in MODULES.items():
        for target, names, top in _imports(mod, path):
            if not top:
                continue
            for name in names:  # "from . import x" names a module
                sub = f"{target}.{name}"
                if sub in MODULES:
                    graph[mod].add(sub)
                    break
            else:
                if target in MODULES and target != mod:
                    graph[mod].add(target)
    return graph


def _is_parent_package(a: str, b: str) -> bool:
    """A package importing its own submodule (its __init__ re-exports) is not a circle."""
    return b.startswith(a + ".")


def test_no_import_circle():
    graph = {m: {t for t in ts if not _is_parent_package(m, t)} for m, ts in _edges().items()}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for t in sorted(graph[m]):
            if state.get(t) == 1:
                circle = stack[stack.index(t):] + [t]
                pytest.fail("import circle: " + " -> ".join(circle))
            if t not in state:
                visit(t)
        stack.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m)


def test_no_private_name_imported_across_modules():
    bad = []
    for mod, path in MODULES.items():
        for target, names, _top in _imports(mod, path):
            helper = target.rsplit(".", 1)[-1].startswith("_")
            for name in names:
                if name.startswith("_") and not name.startswith("__") and not helper:
                    if f"{target}.{name}" in MODULES:
                        continue  # a private module, e.g. "from . import _kernels"
                    bad.append(f"{mod} imports {name} from {target}")
    assert not bad, "\n".join(bad)


def test_the_flow_has_one_folder_per_stage():
    for stage in ("io", "graphs", "metrics", "diffusion", "compare", "report"):
        assert (PKG / stage / "__init__.py").is_file(), stage
