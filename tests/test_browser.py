"""The report in a real browser: headless Chromium (Debian's ``chromium``) renders the
demo report's ``index.html``; every image must load and no request may leave the page.

The page is opened from disk with a checker appended to a copy of it: after the load
event it lists the images that did not decode and every resource the page fetched
(``performance.getEntriesByType("resource")``). Chromium also runs behind a recording
proxy on loopback, so a request the page cannot see (a prefetch, a font, a beacon) is
caught too — except the browser's own service calls, which Chromium makes for any page
(even an empty one, flags notwithstanding) to the hosts in :data:`BROWSER_OWN`; a page's
own request to those hosts still shows in its resource list. Outside CI the test
skips, with a message, when ``chromium`` is missing; in CI ``.ci/run`` installs it
first (``IG_BROWSER_UNAVAILABLE`` carries the reason when it could not).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from influence_graph.cli import app

CHECKER = """
<script>
window.addEventListener("load", function () {
  var imgs = Array.from(document.images);
  var broken = imgs.filter(function (i) { return !(i.complete && i.naturalWidth > 0); })
                   .map(function (i) { return (i.getAttribute("src") || "").slice(0, 80); });
  var res = performance.getEntriesByType("resource").map(function (e) { return e.name; });
  var pre = document.createElement("pre");
  pre.id = "ig-check";
  pre.textContent = JSON.stringify({images: imgs.length, broken: broken, resources: res});
  document.body.appendChild(pre);
});
</script>
"""
#: Hosts Chromium itself contacts at start-up, whatever the page (measured on an empty page).
BROWSER_OWN = ("www.google.com:443", "accounts.google.com:443", "clients2.google.com")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions", "--virtual-time-budget=10000",
         "--disable-features=NetworkTimeServiceQuerying,OptimizationHints,Translate,MediaRouter",
         "--bwsi", "--no-pings", "--disable-domain-reliability", "--dump-dom"]


def _chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe:
        return exe
    reason = os.environ.get("IG_BROWSER_UNAVAILABLE")
    if reason:
        pytest.skip(f"chromium unavailable in this CI run: {reason}")
    if os.environ.get("CI"):
        pytest.fail("chromium is missing in CI: .ci/run should install Debian's chromium")
    pytest.skip("chromium not installed (apt-get install chromium); the browser test "
                "runs in CI")


class _Proxy:
    """A loopback 'proxy' that records the first line of every connection and refuses it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.requests: list[str] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                try:
                    line = conn.recv(4096).split(b"\r\n", 1)[0].decode("latin-1")
                    self.requests.append(line)
                    conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
                except OSError:
                    pass

    def close(self) -> None:
        self.sock.close()


def render(page: Path, tmp: Path) -> tuple[dict, list[str]]:
    """Open ``page`` (with the checker) in headless Chromium; the checker's report and the
    requests the proxy saw."""
    exe = _chromium()
    html = page.read_text(encoding="utf-8")
    checked = page.with_name("_browser_check.html")
    checked.write_text(html.replace("</body>", CHECKER + "</body>") if "</body>" in html
                       else html + CHECKER, encoding="utf-8")
    proxy = _Proxy()
    try:
        out = subprocess.run(
            [exe, *FLAGS, f"--user-data-dir={tmp / 'profile'}",
             f"--proxy-server=http://127.0.0.1:{proxy.port}", "--proxy-bypass-list=<-loopback>",
             checked.as_uri()],
            capture_output=True, text=True, timeout=120)
    finally:
        proxy.close()
        checked.unlink()
    m = re.search(r'<pre id="ig-check">(.*?)</pre>', out.stdout, re.S)
    assert m, f"the checker did not run; chromium said: {out.stderr[-800:]}"
    report = json.loads(m.group(1).replace("&quot;", '"').replace("&amp;", "&")
                        .replace("&lt;", "<").replace("&gt;", ">"))
    return report, proxy.requests


def test_the_checker_catches_a_broken_and_an_external_image(tmp_path):
    page = tmp_path / "bad.html"
    page.write_text('<html><body><img src="http://example.invalid/x.png">'
                    '<img src="data:image/png;base64,AAAA"></body></html>', encoding="utf-8")
    report, requests = render(page, tmp_path)
    assert report["images"] == 2 and len(report["broken"]) == 2
    assert any("example.invalid" in r for r in report["resources"] + requests)


def test_demo_report_renders_offline_with_every_image(tmp_path):
    out = tmp_path / "report"
    res = CliRunner().invoke(app, ["demo", "--out", str(out), "--n-users", "300", "--seed", "3",
                                   "--quiet"])
    assert res.exit_code == 0, res.output
    report, requests = render(out / "index.html", tmp_path)
    n_png = len(list((out / "figures").glob("*.png")))
    assert report["images"] >= n_png > 0
    assert report["broken"] == []
    external = [r for r in report["resources"]
                if not r.startswith(("data:", "blob:", "about:"))]
    assert external == []
    assert [r for r in requests if not any(h in r for h in BROWSER_OWN)] == []


def test_an_empty_page_makes_only_the_browsers_own_requests(tmp_path):
    """The allowance above is what Chromium does on its own: an empty page makes no
    other request, and its resource list is empty."""
    page = tmp_path / "empty.html"
    page.write_text("<html><body>empty</body></html>", encoding="utf-8")
    report, requests = render(page, tmp_path)
    assert report["resources"] == [] and report["images"] == 0
    assert [r for r in requests if not any(h in r for h in BROWSER_OWN)] == []


def test_user_report_renders_offline_and_a_hostile_id_stays_text(tmp_path):
    """The report on a user's own files, with a user id that is HTML for an external image:
    escaped, it is text; unescaped, the browser would fetch it (and the test would fail)."""
    import polars as pl

    import influence_graph as ig

    hostile = '<img src="http://example.invalid/pwn.png">'
    ds = ig.datasets.synthetic(n_users=200, days=14, seed=3)
    rename = pl.col("*").replace("u0007", hostile)
    ev = ds.events.with_columns(pl.col("user", "target_user").cast(pl.String).replace(
        "u0007", hostile))
    paths = {"events": tmp_path / "events.parquet", "follows": tmp_path / "follows.parquet",
             "users": tmp_path / "users.parquet"}
    ev.write_parquet(paths["events"])
    ds.follows.select(pl.col("follower", "followee").cast(pl.String)).select(rename).write_parquet(
        paths["follows"])
    ds.users.select(pl.col("user").cast(pl.String).replace("u0007", hostile)).write_parquet(
        paths["users"])
    out = tmp_path / "report"
    args = [f"--{k}={v}" for k, v in paths.items()]
    res = CliRunner().invoke(app, ["report", *args, "--out", str(out), "--seed", "3",
                                   "--user", hostile, "--quiet"])
    assert res.exit_code == 0, res.output
    import html

    assert html.escape(hostile) in (out / "index.html").read_text(encoding="utf-8")
    report, requests = render(out / "index.html", tmp_path)
    assert report["images"] > 0 and report["broken"] == []
    assert [r for r in report["resources"] if not r.startswith(("data:", "blob:"))] == []
    assert [r for r in requests if not any(h in r for h in BROWSER_OWN)] == []
