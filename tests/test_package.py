"""Package-wide contracts: public names resolve, no global RNG, modules stay small."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

import influence_graph as ig

PKG = Path(ig.__file__).parent
SOURCES = sorted(p for p in PKG.rglob("*.py"))


@pytest.mark.parametrize("name", ig.__all__)
def test_public_name_resolves(name):
    assert getattr(ig, name) is not None


def test_unknown_attribute_raises():
    with pytest.raises(AttributeError, match="no_such_thing"):
        ig.no_such_thing  # noqa: B018


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PKG)))
def test_no_global_random_state(path):
    """Randomness only through seeds: nothing calls np.random.* module functions or random.* globals."""
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    allowed_np = {"SeedSequence", "Generator", "PCG64", "Philox", "default_rng", "BitGenerator"}
    offenders = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute):
            base = node.value
            if isinstance(base.value, ast.Name) and base.value.id in {"np", "numpy"} and base.attr == "random":
                if node.attr not in allowed_np:
                    offenders.append(f"line {node.lineno}: np.random.{node.attr}")
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "random":
            if node.attr not in {"Random", "_inst"}:
                offenders.append(f"line {node.lineno}: random.{node.attr}")
    # Inside numba kernels np.random.* compiles to numba's own per-thread generator, which the
    # kernels seed per task from a SeedSequence (documented there): allowed in numba modules.
    if re.search(r"^\s*(import numba|from numba)", text, re.M):
        offenders = [o for o in offenders if "np.random." not in o]
    assert not offenders, f"{path.name} touches global random state: {offenders}"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PKG)))
def test_public_modules_declare_all(path):
    if path.name.startswith("_") and path.name != "__init__.py":
        return
    text = path.read_text(encoding="utf-8")
    assert re.search(r"^__all__\s*[:=]", text, re.M), f"{path} has no __all__"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PKG)))
def test_module_imports(path):
    rel = path.relative_to(PKG.parent).with_suffix("")
    name = ".".join(rel.parts).removesuffix(".__init__")
    importlib.import_module(name)


@pytest.mark.parametrize(
    "name",
    ["build_graphs", "activity", "observed_influence", "cascades", "influence",
     "channel_ablation", "predictive_validity"],
)
def test_dataset_functions_reject_other_inputs(name):
    with pytest.raises(TypeError, match="must be an influence_graph Dataset"):
        getattr(ig, name)("events.csv")


def test_import_is_light():
    """``import influence_graph`` loads no numba, scipy.stats, igraph or matplotlib.pyplot."""
    import subprocess
    import sys

    code = (
        "import sys, influence_graph as ig; ig.influence; ig.activity; ig.cascades\n"
        "heavy = [m for m in ('numba', 'scipy.stats', 'igraph', 'matplotlib.pyplot')"
        " if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"imported at `import influence_graph`: {out.stdout}"
