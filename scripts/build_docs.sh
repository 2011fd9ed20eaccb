#!/usr/bin/env bash
# Build the docs site with `mkdocs build --strict` (any warning fails), executing every
# notebook, then check that the site makes no external requests (it must render offline).
#
#   scripts/build_docs.sh [SITE_DIR]     (default: site/)
#
# The notebooks read the real data sets through INFLUENCE_GRAPH_DATA (default: the
# shared/data folder beside the checkout). Python: $PYTHON, else .venv/bin/python.
# INFLUENCE_GRAPH_DOCS_EXECUTE=false skips running the notebooks (a quick check of the
# pages and API reference; the published build always executes them).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
site="${1:-site}"
py="${PYTHON:-$root/.venv/bin/python}"
if [[ -z "${INFLUENCE_GRAPH_DATA:-}" && -d "$root/../shared/data" ]]; then
  export INFLUENCE_GRAPH_DATA="$root/../shared/data"
fi
export NO_MKDOCS_2_WARNING=1
"$py" -m mkdocs build --strict --clean -d "$site"
# offline check: no script, stylesheet, font or image fetched from another host
external="$(grep -rhoE '<(script|link|img|iframe|source)[^>]+(src|href)="(https?:)?//[^"]*"' \
  --include='*.html' "$site" || true)"
external+="$(grep -rhoE "@import url\((\"|')?(https?:)?//[^)]*" --include='*.css' "$site" || true)"
if [[ -n "$external" ]]; then
  printf '%s\n' "$external" | sort | uniq -c >&2
  echo "error: the site loads the external resources above; it must render offline" >&2
  exit 1
fi
echo "docs built in $site (strict, offline-safe)"
