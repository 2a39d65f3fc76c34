"""The default theme (`scholar`) and the bundled example site, in a real browser.

Pages load without console errors or failed requests at phone and desktop widths in both colour
schemes, nothing overflows sideways on a phone, the colour toggle works and persists, axe-core finds
no serious or critical accessibility problems, and the print stylesheet hides the chrome.
Screenshots go to tests/artifacts/ (git-ignored).

Needs: `pip install playwright`, Debian's chromium, and axe-core (`npm install --prefix tests/browser`).
"""
from __future__ import annotations

import pytest

from browserkit import axe_violations, describe, open_page

pytestmark = pytest.mark.browser

PAGES = {
    "home": "/",
    "post": "/2025/06/02/conjugate-gradients-in-forty-lines/",
    "archive": "/archives/",
    "tag": "/tags/linear-algebra/",
}
WIDTHS = [375, 1280]
SCHEMES = ["light", "dark"]


def _open(browser, base_url, path, *, width=1280, scheme="light"):
    """A new page at `path`, recording console errors, failed requests and HTTP errors."""
    context, page, problems, _ = open_page(browser, base_url + path, width=width, scheme=scheme)
    return context, page, problems

@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", list(PAGES))
def test_page_loads_cleanly(browser, base_url, artifacts, name, width, scheme):
    context, page, problems = _open(browser, base_url, PAGES[name], width=width, scheme=scheme)
    try:
        page.wait_for_timeout(100)
        page.screenshot(path=str(artifacts / f"theme-{name}-{width}-{scheme}.png"), full_page=True)
        assert problems == []
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name} overflows horizontally by {overflow}px at {width}px"
        # The page follows the system scheme until the reader chooses.
        dark_bg = page.evaluate("""() => {
            const [r, g, b] = getComputedStyle(document.body).backgroundColor.match(/\\d+/g).map(Number);
            return (r + g + b) / 3 < 128; }""")
        assert dark_bg == (scheme == "dark")
        # Landmarks and the skip link.
        assert page.locator("header.site-header").count() == 1
        assert page.locator("main#main").count() == 1
        assert page.locator("footer.site-footer").count() == 1
        assert page.locator("a.skip-link[href='#main']").count() == 1
        # Every image has an alt attribute.
        assert page.locator("img:not([alt])").count() == 0
    finally:
        context.close()


def test_home_page_sections(browser, base_url):
    context, page, _ = _open(browser, base_url, "/")
    try:
        for section in ("about", "news", "publications", "posts", "experience", "education", "contact"):
            assert page.locator(f"section#{section}").count() == 1, section
        assert page.locator(".hero .avatar").count() == 1
        links = page.locator(".links-row a").all_inner_texts()
        assert any("Scholar" in t for t in links) and any("CV" in t for t in links)
        # The owner's name is bold in author lists; [PDF] links are there.
        assert page.locator(".pub-authors strong.pub-me").count() >= 3
        assert "PDF" in page.locator(".pub-links").first.inner_text()
        # The e-mail link is assembled by JS.
        href = page.locator("#contact a.js-email").get_attribute("href")
        assert href.startswith("mailto:") and "@" in href
    finally:
        context.close()


def test_theme_toggle_persists(browser, base_url):
    context, page, problems = _open(browser, base_url, "/", scheme="light")
    try:
        toggle = page.locator("button.theme-toggle")
        assert toggle.is_visible()
        assert toggle.get_attribute("aria-pressed") == "false"
        toggle.click()
        assert page.evaluate("document.documentElement.dataset.theme") == "dark"
        assert toggle.get_attribute("aria-pressed") == "true"
        assert page.evaluate("localStorage.getItem('scholar-theme')") == "dark"
        # Persists across navigation (set before first paint by the inline script).
        page.click("a[href='/archives/']")
        page.wait_for_load_state("load")
        assert page.url.endswith("/archives/")
        assert page.evaluate("document.documentElement.dataset.theme") == "dark"
        assert page.locator("button.theme-toggle").get_attribute("aria-pressed") == "true"
        bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert sum(map(int, bg[bg.index("(") + 1:-1].split(",")[:3])) / 3 < 128
        # And back.
        page.locator("button.theme-toggle").click()
        assert page.evaluate("localStorage.getItem('scholar-theme')") == "light"
        page.reload()
        assert page.evaluate("document.documentElement.dataset.theme") == "light"
        assert problems == []
    finally:
        context.close()


def test_post_page_features(browser, base_url, artifacts):
    context, page, problems = _open(browser, base_url, PAGES["post"], width=1280)
    try:
        assert page.locator("h1.post-title").count() == 1
        assert page.locator(".post-meta time").count() >= 1
        assert page.locator(".post-nav a").count() >= 1
        assert page.locator(".tag-chips a[rel=tag]").count() >= 1
        assert page.locator("details.toc-box a.toc-link").count() >= 3
        blocks = page.locator("figure.highlight")
        if blocks.count():  # code highlighting on: every block gets a copy button
            assert page.locator("figure.highlight .copy-btn").count() == blocks.count()
            page.context.grant_permissions(["clipboard-read", "clipboard-write"])
            page.locator("figure.highlight .copy-btn").first.click()
            page.wait_for_timeout(100)
            copied = page.evaluate("navigator.clipboard.readText()")
            assert "def cg(" in copied and "\n" in copied
        assert problems == []
    finally:
        context.close()


def test_print_stylesheet(browser, base_url, artifacts):
    context, page, _ = _open(browser, base_url, "/")
    try:
        page.emulate_media(media="print")
        assert not page.locator("header.site-header").is_visible()
        assert not page.locator("footer.site-footer").is_visible()
        assert page.locator("section#publications").is_visible()
        page.screenshot(path=str(artifacts / "theme-home-print.png"), full_page=True)
    finally:
        context.close()


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", list(PAGES))
def test_accessibility(browser, base_url, name, width, scheme):
    context, page, _ = _open(browser, base_url, PAGES[name], width=width, scheme=scheme)
    try:
        bad = axe_violations(page)
        assert bad == [], describe(bad)
    finally:
        context.close()
