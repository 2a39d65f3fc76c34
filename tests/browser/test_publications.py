"""Publications from BibTeX and news from YAML (the engine's scholar features) in the Scholar theme.

/publications/ (`{% publications %}`) and the homepage's Selected Publications (the
`publications()` helper) load in both colour schemes without console errors, with the theme's own
publications.css (no CDN); the owner's name is bold; a BibTeX block opens and its Copy button
copies the entry and says "Copied!"; axe-core is clean with a block open. The homepage News section
(the `news()` helper) links to the /news/ archive.
"""
from __future__ import annotations

import pytest

from browserkit import axe_violations, describe, open_page

pytestmark = pytest.mark.browser

PUBS = "/publications/"
ENTRY = "#pub-ashdown2025sketch"


def _open(browser, base_url, path, *, width=1280, scheme="light"):
    return open_page(browser, base_url + path, width=width, scheme=scheme)

def _is_dark(page) -> bool:
    return page.evaluate("""() => {
        const [r, g, b] = getComputedStyle(document.body).backgroundColor.match(/\\d+/g).map(Number);
        return (r + g + b) / 3 < 128; }""")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [375, 1280])
def test_publications_page_loads_cleanly(browser, base_url, artifacts, width, scheme):
    context, page, problems, requests = _open(browser, base_url, PUBS, width=width, scheme=scheme)
    try:
        assert _is_dark(page) == (scheme == "dark")
        assert page.locator("h1.post-title").inner_text() == "Publications"
        assert any(u.endswith("/css/publications.css") for u in requests)
        assert all(u.startswith(base_url) for u in requests), "no third-party requests"
        # Grouped by year, newest first; every entry of the .bib file is listed.
        years = page.locator(".pub-list .pub-group-title").all_inner_texts()
        assert years == sorted(years, reverse=True) and years[0] == "2025"
        assert page.locator(".pub-list li.pub").count() == 9
        # LaTeX decoded, links as [PDF] [Code] … buttons, awards as badges.
        assert "Nyström" in page.locator(f"{ENTRY} .pub-title").inner_text()
        assert "Rémi Dubois" in page.locator("#pub-dubois2025ledger .pub-authors").inner_text()
        assert page.locator("#pub-dubois2025ledger .pub-etal").count() == 1
        kinds = page.locator(f"{ENTRY} a.pub-link").evaluate_all(
            "els => els.map(e => e.className.split('pub-link-')[1])")
        assert kinds == ["pdf", "code", "arxiv", "video"]
        assert page.locator("#pub-halvorsen2022implicit .pub-award").inner_text() == "Best Student Paper"
        # The publication styles apply (links are compact, not default blue underlined text).
        deco = page.locator(f"{ENTRY} a.pub-link-pdf").evaluate(
            "a => getComputedStyle(a).textDecorationLine")
        assert deco == "none"
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0
        page.screenshot(path=str(artifacts / f"publications-{width}-{scheme}.png"), full_page=True)
        assert problems == []
    finally:
        context.close()


def test_owner_name_is_bold(browser, base_url):
    context, page, problems, _ = _open(browser, base_url, PUBS)
    try:
        entries = page.locator(".pub-list li.pub").count()
        me = page.locator(".pub-authors strong.pub-me")
        # Every paper is Noor's: "Noor Halvorsen" or the variant "N. Halvorsen" (scholar.name_variants).
        assert me.count() == entries
        assert set(me.all_inner_texts()) == {"Noor Halvorsen", "N. Halvorsen"}
        weight = me.first.evaluate("e => parseInt(getComputedStyle(e).fontWeight, 10)")
        other = page.locator(".pub-authors span.pub-author").first.evaluate(
            "e => parseInt(getComputedStyle(e).fontWeight, 10)")
        assert weight >= 700 > other
        assert problems == []
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_bibtex_copy(browser, base_url, artifacts, scheme):
    context, page, problems, _ = _open(browser, base_url, PUBS, scheme=scheme)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    try:
        details = page.locator(f"{ENTRY} details.pub-bibtex")
        body = details.locator(".pub-bibtex-body")
        assert not body.is_visible()
        details.locator("summary").click()
        assert details.evaluate("d => d.open")
        code = body.locator("pre code")
        assert code.is_visible()
        text = code.inner_text()
        assert text.startswith("@inproceedings{ashdown2025sketch,")
        # Site-only fields (selected, pdf, code, video…) are not part of the citation.
        assert "selected" not in text and "video" not in text
        button = body.locator("button.pub-copy")
        assert button.is_visible() and button.inner_text() == "Copy"
        button.click()
        page.wait_for_function(
            f"document.querySelector('{ENTRY} button.pub-copy').textContent === 'Copied!'")
        assert button.inner_text() == "Copied!"
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied.strip() == text.strip()
        details.screenshot(path=str(artifacts / f"publications-bibtex-{scheme}.png"))
        # The copy button sits inside the block, not past its edge.
        b, p = button.bounding_box(), body.bounding_box()
        assert p["x"] <= b["x"] and b["x"] + b["width"] <= p["x"] + p["width"] + 0.5
        assert problems == []
    finally:
        context.close()


def test_homepage_selected_publications(browser, base_url):
    context, page, problems, _ = _open(browser, base_url, "/")
    try:
        section = page.locator("section#publications")
        assert section.locator("h2").inner_text() == "Selected Publications"
        topics = section.locator("h3.pub-topic").all_inner_texts()
        assert [t.lower() for t in topics] == ["learned solvers", "randomized linear algebra", "theory"]
        # Only `selected = {true}` entries: 6 of the 9 in the .bib file.
        assert section.locator("li.pub").count() == 6
        assert section.locator(".pub-authors strong.pub-me").count() == 6
        assert section.locator("a.pub-link-pdf").count() == 6
        assert section.locator("a.pub-link-pdf").first.inner_text() == "PDF"
        assert section.locator("details.pub-bibtex").count() == 0   # compact on the homepage
        # One equal-contribution note at the end, not one per topic.
        assert section.locator(".pub-footnote").count() == 1
        more = section.locator(".section-more a")
        assert more.get_attribute("href") == "/publications/"
        assert problems == []
    finally:
        context.close()


def test_homepage_news_and_archive(browser, base_url):
    context, page, problems, _ = _open(browser, base_url, "/")
    try:
        news = page.locator("section#news")
        items = news.locator("li.news-item")
        assert items.count() == 5                      # theme_config.home.news_visible
        assert items.first.locator("time.news-date").get_attribute("datetime") == "2025-10"
        assert items.first.locator("strong").count() == 1   # Markdown rendered
        link = news.locator(".news-more a")
        assert link.get_attribute("href") == "/news/"
        with page.expect_navigation():
            link.click()
        assert page.locator("h1.post-title").inner_text() == "News"
        assert page.locator(".news-archive li.news-item").count() == 9
        assert page.locator(".news-archive h2").all_inner_texts()[:2] == ["2025", "2024"]
        assert problems == []
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", [PUBS, "/news/"])
def test_accessibility(browser, base_url, path, scheme):
    context, page, _, _ = _open(browser, base_url, path, scheme=scheme)
    try:
        if path == PUBS:
            page.locator(f"{ENTRY} details.pub-bibtex summary").click()
        bad = axe_violations(page)
        assert bad == [], describe(bad)
    finally:
        context.close()
