"""A tiny, dependency-free HTML writer for self-contained reports (no external requests).

Figures are embedded as base64 PNG data URIs, so ``index.html`` opens offline and can be
mailed as one file.

Examples
--------
>>> import polars as pl
>>> html = table_html(pl.DataFrame({"user": ["a"], "spread": [1.23456]}))
>>> "<td>1.235</td>" in html
True
>>> "<script" in page("t", ["<p>x</p>"])
False
"""

from __future__ import annotations

import base64
import html as _html
from collections.abc import Sequence

import polars as pl

__all__ = ["escape", "figure_html", "table_html", "wide_table_html", "page"]

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
max-width:1100px;margin:2em auto;padding:0 1em;color:#1f2328;line-height:1.45}
h1{font-size:1.7em;margin-bottom:.2em}h2{margin-top:1.8em;border-bottom:1px solid #d0d7de}
table{border-collapse:collapse;margin:.8em 0;font-size:.88em}
th,td{border:1px solid #d0d7de;padding:.25em .55em;text-align:right}
th{background:#f6f8fa}td:first-child,th:first-child{text-align:left}
figure{margin:1em 0}figcaption{font-size:.88em;color:#57606a}
img{max-width:100%;height:auto}.note{color:#57606a;font-size:.9em}
code{background:#f6f8fa;padding:0 .25em}
.scroll{overflow-x:auto;max-width:100%}.scroll table{margin:0}
.card{border:1px solid #d0d7de;border-radius:6px;padding:.2em 1em 1em;margin:1.2em 0}
.flag{color:#b42318;font-weight:600}.absent{color:#57606a;font-style:italic}
"""


def escape(text: object) -> str:
    """HTML-escape ``str(text)``."""
    return _html.escape(str(text))


def figure_html(png: bytes, caption: str = "") -> str:
    """An embedded PNG ``<figure>`` (``png``: the image bytes, e.g. from ``plots.png_bytes``)."""
    data = base64.b64encode(png).decode("ascii")
    cap = f"<figcaption>{escape(caption)}</figcaption>" if caption else ""
    return f'<figure><img alt="{escape(caption)}" src="data:image/png;base64,{data}">{cap}</figure>'


def _fmt(value: object, digits: int) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        if value != value:  # NaN
            return "NaN"
        return f"{value:.{digits}f}" if abs(value) < 1e6 else f"{value:.3g}"
    return escape(value)


def table_html(df: pl.DataFrame, *, digits: int = 3, max_rows: int = 50) -> str:
    """Render a polars DataFrame as an HTML table (floats rounded to ``digits``)."""
    head = "".join(f"<th>{escape(c)}</th>" for c in df.columns)
    body = []
    for row in df.head(max_rows).iter_rows():
        body.append("<tr>" + "".join(f"<td>{_fmt(v, digits)}</td>" for v in row) + "</tr>")
    more = f'<p class="note">{df.height - max_rows:,} more rows in the CSV.</p>' if df.height > max_rows else ""
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>{more}"


def wide_table_html(df: pl.DataFrame, *, digits: int = 3, max_rows: int = 50,
                    table_id: str | None = None) -> str:
    """:func:`table_html` inside a box that scrolls sideways (a wide table never widens the page).

    ``table_id`` (a fixed, package-chosen name, never user data) becomes the table's ``id``.
    """
    html = table_html(df, digits=digits, max_rows=max_rows)
    if table_id is not None:
        html = html.replace("<table>", f'<table id="{escape(table_id)}">', 1)
    return f'<div class="scroll">{html}</div>'


def page(title: str, sections: Sequence[str], *, script: str | None = None) -> str:
    """Assemble a complete, self-contained HTML page.

    ``script``: optional inline JavaScript (package text, never user data; no network).
    """
    js = f"<script>{script}</script>" if script else ""
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'><title>{escape(title)}</title>"
        f"<style>{_CSS}</style></head><body>" + "\n".join(sections) + js + "</body></html>"
    )
