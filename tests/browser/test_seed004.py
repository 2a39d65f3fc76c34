"""Issue 4 in a browser: the reference homepage (/work/shared/corpora/seed004-post, one Markdown post
with `top: 100`) built with the default theme and `math: true` from an extra config file. The pinned
post opens the home page, its superscript stars render as raised MathML, nothing overflows on a
phone, no console errors, axe-core is clean; screenshots at 375 and 1280 px go to tests/artifacts/.
The structural checks are in tests/integration/test_theme_seed004.py.
"""
from __future__ import annotations

import functools
import http.server
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from browserkit import axe_violations, describe, open_page

pytestmark = pytest.mark.browser

CORPUS = Path("/work/shared/corpora/seed004-post")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def seed_url(tmp_path_factory):
    if not CORPUS.is_dir():
        pytest.skip(f"corpus missing: {CORPUS}")
    site = tmp_path_factory.mktemp("seed004") / "site"
    shutil.copytree(CORPUS, site, ignore=shutil.ignore_patterns("public", "node_modules", "db.json"))
    (site / "extra.yml").write_text("theme: scholar\nmath: true\n", "utf-8")
    proc = subprocess.run([sys.executable, "-m", "engine", "--config", "_config.yml,extra.yml",
                           "generate"], cwd=site, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    handler = functools.partial(_Quiet, directory=str(site / "public"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _open(browser, url, width, scheme):
    context, page, problems, _ = open_page(browser, url + "/", width=width, scheme=scheme)
    return context, page, problems

@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [375, 1280])
def test_reference_page_as_pinned_post(browser, seed_url, artifacts, width, scheme):
    context, page, problems = _open(browser, seed_url, width, scheme)
    try:
        page.wait_for_timeout(100)
        page.screenshot(path=str(artifacts / f"seed004-home-{width}-{scheme}.png"), full_page=True)
        page.screenshot(path=str(artifacts / f"seed004-home-{width}-{scheme}-top.png"))
        assert problems == []
        # The pinned post is the first thing in <main>, and it is visible without scrolling.
        first = page.locator("main > *").first
        assert "pinned" in first.get_attribute("class")
        title = page.locator("main h1")
        assert title.count() == 1 and title.inner_text() == "Jue Wang"
        assert title.bounding_box()["y"] < 300
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"overflows by {overflow}px at {width}px"
        # Nested lists are indented under their parent item.
        outer = page.locator("main .prose > ul > li").first
        inner = outer.locator(":scope > ul > li").first
        assert inner.bounding_box()["x"] > outer.bounding_box()["x"] + 8
        # Superscript stars: MathML laid out by the browser, raised above the line and smaller.
        star = page.locator("main math msup mo").first
        star.scroll_into_view_if_needed()
        geometry = star.evaluate("""mo => {
            const line = mo.closest('li, p');
            const text = [...line.querySelectorAll('strong')].find(s => s.textContent.includes('Jue Wang'));
            const a = mo.getBoundingClientRect(), b = text.getBoundingClientRect();
            return {starTop: a.top, starHeight: a.height, textTop: b.top, textHeight: b.height,
                    visible: a.width > 0 && a.height > 0}; }""")
        assert geometry["visible"]
        assert geometry["starTop"] < geometry["textTop"] + geometry["textHeight"] / 2
        assert geometry["starHeight"] < geometry["textHeight"]
        # Headings and links are styled by the theme.
        h2 = page.locator("main .prose h2").first
        assert h2.inner_text() == "Updates"
        link = page.locator("main .prose a[href='https://zhangce.github.io/']")
        assert link.evaluate("a => getComputedStyle(a).textDecorationLine") == "underline"
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_reference_page_accessibility(browser, seed_url, scheme):
    context, page, _ = _open(browser, seed_url, 1280, scheme)
    try:
        bad = axe_violations(page)
        assert bad == [], describe(bad)
    finally:
        context.close()
