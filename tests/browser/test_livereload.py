"""Live reload in a real browser, against `pyhexo server` run as a real subprocess.

The bundled example site (scholar theme) is copied to a temp dir, one post is made long enough to
scroll, and `python -m engine server --port 0` serves it. In chromium:
  1. edit the post's Markdown: the new text appears and the scroll position is kept;
  2. edit the theme's CSS: the new style applies with no navigation (a window variable survives,
     `performance.timeOrigin` is unchanged);
  3. break the post's front-matter: the error overlay appears, naming the file and the line;
  4. fix it: the overlay goes away and the page shows the fixed post.
Waits are bounded (`wait_for_function` with timeouts). Screenshots go to tests/artifacts/.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from sitekit import REPO

pytestmark = pytest.mark.browser

POST = "source/_posts/why-preconditioning-works.md"
POST_URL = "2025/09/14/why-preconditioning-works/"
CSS = "themes/scholar/source/css/style.css"
WAIT_MS = 30_000
SCROLL_Y = 900


@pytest.fixture
def live_site(tmp_path):
    """(site dir, base URL, output lines) of a running `pyhexo server` over a copy of the example."""
    site = tmp_path / "site"
    site.mkdir()
    shutil.copy2(REPO / "_config.yml", site / "_config.yml")
    for folder in ("source", "themes", "scaffolds"):
        shutil.copytree(REPO / folder, site / folder)
    post = site / POST
    filler = "\n\n".join(f"Filler paragraph {i}: preconditioning keeps the spectrum tight, and "
                         f"this sentence only exists to make the page long enough to scroll."
                         for i in range(60))
    post.write_text(post.read_text("utf-8") + "\n\n" + filler + "\n", "utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-m", "engine", "server", "--port", "0"], cwd=site,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                            start_new_session=True)
    lines: list[str] = []
    found = threading.Event()
    url: list[str] = []

    def pump() -> None:
        for line in proc.stdout:
            lines.append(line)
            m = re.search(r"running at (http://\S+?/) \(", line)
            if m and not url:
                url.append(m.group(1))
                found.set()
        found.set()

    threading.Thread(target=pump, daemon=True).start()
    try:
        assert found.wait(120) and url, "server did not start:\n" + "".join(lines)
        yield site, url[0], lines
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


def _expected_error_location(site: Path, text: str) -> str:
    """Where the engine itself places the front-matter error ('source/_posts/x.md:3')."""
    from engine.errors import EngineError
    from engine.frontmatter import parse_front_matter
    try:
        parse_front_matter(text, POST)
    except EngineError as err:
        assert err.line is not None
        return f"{POST}:{err.line}"
    raise AssertionError("the broken front-matter parsed")


OVERLAY_TEXT = """() => {
  const host = document.querySelector('pyhexo-error-overlay');
  return host && host.shadowRoot ? host.shadowRoot.textContent : null;
}"""


def test_live_reload_in_chromium(browser, artifacts, live_site):
    site, base, server_lines = live_site
    context = browser.new_context(viewport={"width": 1000, "height": 700})
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    try:
        page.goto(base + POST_URL, wait_until="load")
        page.wait_for_function("() => window.__pyhexoLive === true", timeout=WAIT_MS)
        height = page.evaluate("document.documentElement.scrollHeight")
        assert height > SCROLL_Y + 1500, f"the post is too short to test scrolling ({height}px)"
        page.evaluate(f"window.scrollTo(0, {SCROLL_Y})")
        page.wait_for_function(f"() => Math.abs(window.scrollY - {SCROLL_Y}) <= 1", timeout=WAIT_MS)
        page.screenshot(path=str(artifacts / "livereload-1-before.png"))

        # 1. Markdown edit: new text, same scroll position.
        post = site / POST
        original = post.read_text("utf-8")
        post.write_text(original + "\nA sentence added by the live-reload test.\n", "utf-8")
        page.wait_for_function(
            "() => document.body && document.body.innerText.includes("
            "'A sentence added by the live-reload test.')", timeout=WAIT_MS)
        page.wait_for_function(f"() => Math.abs(window.scrollY - {SCROLL_Y}) <= 3",
                               timeout=WAIT_MS)
        page.screenshot(path=str(artifacts / "livereload-2-markdown-edit.png"))

        # 2. CSS edit: applied in place, no navigation.
        page.evaluate("window.__livereloadMarker = 'still here'")
        origin = page.evaluate("performance.timeOrigin")
        navs = page.evaluate("performance.getEntriesByType('navigation').length")
        css = site / CSS
        css.write_text(css.read_text("utf-8") +
                       "\nbody { border-top: 7px solid rgb(1, 2, 3) !important; }\n", "utf-8")
        page.wait_for_function(
            "() => getComputedStyle(document.body).borderTopColor === 'rgb(1, 2, 3)'",
            timeout=WAIT_MS)
        assert page.evaluate("window.__livereloadMarker") == "still here"
        assert page.evaluate("performance.timeOrigin") == origin
        assert page.evaluate("performance.getEntriesByType('navigation').length") == navs
        # Chromium's scroll anchoring may shift by the 7px border added above the content.
        y = page.evaluate("window.scrollY")
        assert abs(y - SCROLL_Y) <= 3 or abs(y - SCROLL_Y - 7) <= 3, y
        page.screenshot(path=str(artifacts / "livereload-3-css-edit.png"))

        # 3. Broken front-matter: the overlay names the file and the line.
        edited = post.read_text("utf-8")
        broken = edited.replace("\ntags:", "\ntags: [linear algebra, unclosed\nbroken: : x\ntags:", 1)
        assert broken != edited
        where = _expected_error_location(site, broken)
        post.write_text(broken, "utf-8")
        page.wait_for_function(f"() => {{ const t = ({OVERLAY_TEXT})(); "
                               f"return t !== null && t.includes({where!r}); }}", timeout=WAIT_MS)
        text = page.evaluate(OVERLAY_TEXT)
        assert "Build error" in text and where in text
        page.screenshot(path=str(artifacts / "livereload-4-error-overlay.png"))

        # 4. Fixed: the overlay goes away and the page is the fixed post.
        post.write_text(edited.replace("A sentence added by", "A sentence fixed by"), "utf-8")
        page.wait_for_function(
            "() => !document.querySelector('pyhexo-error-overlay') && document.body && "
            "document.body.innerText.includes('A sentence fixed by the live-reload test.')",
            timeout=WAIT_MS)
        page.screenshot(path=str(artifacts / "livereload-5-fixed.png"))
        assert problems == [], problems
    finally:
        context.close()
    assert not any("Traceback" in line for line in server_lines), "".join(server_lines)
