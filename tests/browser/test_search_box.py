"""The search box in the Scholar header (the engine's `search:` index and widget), in a real browser.

Typing a word from a post's title puts that post first; the results are a keyboard-driven listbox
(↓/↑ move, Enter opens, Esc closes); nothing is fetched before the box is used; no console errors;
axe-core finds no serious or critical problems with the results open, in both colour schemes.
"""
from __future__ import annotations

import pytest

from browserkit import axe_violations, describe, open_page

pytestmark = pytest.mark.browser

POST_URL = "/2024/11/08/a-makefile-for-reproducible-experiments/"
POST_TITLE = "A Makefile for reproducible experiments"


def _open(browser, base_url, path="/", *, width=1280, scheme="light"):
    return open_page(browser, base_url + path, width=width, scheme=scheme)

def _results(page):
    return page.locator("header .pyhexo-search__results")


def test_index_is_built_and_box_is_in_the_header(built_site):
    assert (built_site / "search" / "index.json").is_file()
    assert (built_site / "search" / "search.js").is_file()
    html = (built_site / "index.html").read_text("utf-8")
    assert "data-pyhexo-search" in html and 'src="/search/search.js"' in html


@pytest.mark.parametrize("width", [375, 1280])
def test_title_word_finds_the_post_first(browser, base_url, artifacts, width):
    context, page, problems, requests = _open(browser, base_url, width=width)
    try:
        box = page.locator("header.site-header .site-search")
        assert box.get_attribute("role") == "search"
        field = box.locator("input.pyhexo-search__input")
        assert field.is_visible()
        # The accessible name comes from a real <label>.
        label_for = box.locator("label").get_attribute("for")
        assert label_for == field.get_attribute("id")
        # Nothing is downloaded until the reader uses the box.
        assert not [u for u in requests if "/search/index.json" in u or "/search/text-" in u]
        field.click()
        field.type("makefile", delay=20)
        first = _results(page).locator("[role=option]").first
        first.wait_for(state="visible")
        assert any("/search/index.json" in u for u in requests)
        assert first.locator(".pyhexo-search__title").inner_text() == POST_TITLE
        assert field.get_attribute("aria-expanded") == "true"
        # The results fit in the viewport (no sideways scrolling on a phone).
        boxr = _results(page).bounding_box()
        assert boxr["x"] >= 0 and boxr["x"] + boxr["width"] <= width
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0
        page.screenshot(path=str(artifacts / f"search-{width}.png"))
        assert problems == []
    finally:
        context.close()


def test_keyboard_navigation(browser, base_url):
    context, page, problems, _ = _open(browser, base_url, "/archives/")
    try:
        # "/" focuses the box from anywhere on the page.
        page.locator("body").click(position={"x": 5, "y": 300})
        page.keyboard.press("/")
        field = page.locator("header input.pyhexo-search__input")
        assert page.evaluate("document.activeElement.classList.contains('pyhexo-search__input')")
        page.keyboard.type("precond", delay=20)
        options = _results(page).locator("[role=option]")
        options.first.wait_for(state="visible")
        assert options.count() >= 2
        assert field.get_attribute("aria-activedescendant") is None
        page.keyboard.press("ArrowDown")
        assert options.nth(0).get_attribute("aria-selected") == "true"
        assert field.get_attribute("aria-activedescendant") == options.nth(0).get_attribute("id")
        page.keyboard.press("ArrowDown")
        assert options.nth(0).get_attribute("aria-selected") == "false"
        assert options.nth(1).get_attribute("aria-selected") == "true"
        page.keyboard.press("ArrowUp")
        assert options.nth(0).get_attribute("aria-selected") == "true"
        # The selected option is visibly marked (not only by an attribute).
        selected_bg = options.nth(0).locator(".pyhexo-search__link").evaluate("a => getComputedStyle(a).backgroundColor")
        other_bg = options.nth(1).locator(".pyhexo-search__link").evaluate("a => getComputedStyle(a).backgroundColor")
        assert selected_bg != other_bg
        # Esc closes the list, and a second Esc clears the box.
        page.keyboard.press("Escape")
        assert _results(page).is_hidden()
        assert field.get_attribute("aria-expanded") == "false"
        page.keyboard.press("Escape")
        assert field.input_value() == ""
        # Enter opens the highlighted result.
        page.keyboard.type("makefile", delay=20)
        options.first.wait_for(state="visible")
        page.keyboard.press("ArrowDown")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url.endswith(POST_URL)
        assert page.locator("h1.post-title").inner_text() == POST_TITLE
        assert problems == []
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_results_match_the_colour_scheme(browser, base_url, scheme):
    context, page, problems, _ = _open(browser, base_url, scheme=scheme)
    try:
        field = page.locator("header input.pyhexo-search__input")
        field.click()
        field.type("solver", delay=20)
        _results(page).locator("[role=option]").first.wait_for(state="visible")
        colours = page.evaluate("""() => {
            const lum = c => { const [r, g, b] = c.match(/\\d+/g).map(Number); return (r + g + b) / 3; };
            const list = document.querySelector('header .pyhexo-search__results');
            const input = document.querySelector('header .pyhexo-search__input');
            return {list: lum(getComputedStyle(list).backgroundColor),
                    input: lum(getComputedStyle(input).backgroundColor),
                    text: lum(getComputedStyle(list).color)}; }""")
        dark = scheme == "dark"
        assert (colours["list"] < 128) == dark and (colours["input"] < 128) == dark
        assert (colours["text"] > 128) == dark
        assert problems == []
    finally:
        context.close()


def _axe_with_results(browser, base_url, width, scheme):
    context, page, _, _ = _open(browser, base_url, width=width, scheme=scheme)
    try:
        field = page.locator("header input.pyhexo-search__input")
        field.click()
        field.type("preconditioning", delay=10)
        _results(page).locator("[role=option]").first.wait_for(state="visible")
        page.keyboard.press("ArrowDown")
        return axe_violations(page)
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [375, 1280])
def test_accessibility_with_results_open(browser, base_url, width, scheme):
    # Includes `nested-interactive`: result options hold no links of their own.
    bad = _axe_with_results(browser, base_url, width, scheme)
    assert bad == [], describe(bad)
