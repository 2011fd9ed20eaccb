"""The docs site stays in step with the code and the README (no build needed).

The full strict build (which executes the notebooks) is ``scripts/build_docs.sh``.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

import influence_graph as ig

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


class _Loader(yaml.SafeLoader):
    pass


_Loader.add_constructor("!ENV", lambda loader, node: None)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/name:", lambda loader, suffix, node: None)


def _config() -> dict:
    return yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=_Loader)


def _nav_files(nav) -> list[str]:
    out = []
    for item in nav:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        out += _nav_files(value) if isinstance(value, list) else [value]
    return out


def _first_bash_block(text: str, heading: str) -> str:
    section = text.split(heading, 1)[1]
    return re.search(r"```bash\n(.*?)```", section, re.S).group(1).strip()


def test_getting_started_has_the_readme_quickstart():
    readme = _first_bash_block((ROOT / "README.md").read_text(), "## Quickstart")
    docs = _first_bash_block((DOCS / "index.md").read_text(), "## Getting started")
    assert docs == readme


def test_every_page_and_notebook_is_in_the_nav():
    nav = set(_nav_files(_config()["nav"]))
    pages = {p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md")}
    notebooks = {f"notebooks/{p.name}" for p in (ROOT / "notebooks").glob("*.py")}
    assert pages | notebooks <= nav
    assert all((DOCS / f).exists() for f in nav)


def test_every_public_module_has_an_api_page():
    documented = set()
    for page in (DOCS / "api").glob("*.md"):
        documented |= set(re.findall(r"^::: (influence_graph[\w.]*)", page.read_text(), re.M))
    modules = {"influence_graph" + m for m in ig._LAZY.values()} - {"influence_graph.datasets"}
    missing = {m for m in modules if m not in documented}
    assert not missing, f"no API page for {sorted(missing)}"


def test_theme_loads_no_external_fonts_and_build_is_strict():
    cfg = _config()
    assert cfg["strict"] is True
    assert cfg["theme"]["font"] is False
    plugins = [p for p in cfg["plugins"] if isinstance(p, dict) and "mkdocs-jupyter" in p]
    jupyter = plugins[0]["mkdocs-jupyter"]
    assert jupyter["allow_errors"] is False
