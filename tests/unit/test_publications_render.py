"""Publications → HTML: the markup contract, grouping, owner highlighting, links, BibTeX block,
CSL option; and the tag and helper inside a real build."""
from __future__ import annotations

import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sites" / "scholar"))
import scholar_support  # noqa: E402

from engine.scholar.bibtex import load_publications  # noqa: E402
from engine.scholar.render import (PubOptions, copy_script, group_publications,  # noqa: E402
                                   render_publications, select_publications)

FIXTURE = scholar_support.HERE / "source" / "_data" / "publications.bib"
OWNER = ["Jue Wang", "J. Wang"]


def pubs():
    return load_publications(FIXTURE, "publications.bib").publications


class _Tree(HTMLParser):
    """Well-formedness: every opened non-void element is closed in order."""
    VOID = {"br", "img", "hr", "meta", "link", "input", "source"}

    def __init__(self):
        super().__init__()
        self.stack, self.ids, self.errors = [], [], []

    def handle_starttag(self, tag, attrs):
        if dict(attrs).get("id"):
            self.ids.append(dict(attrs)["id"])
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(tag)


def well_formed(html):
    t = _Tree()
    t.feed(html)
    assert not t.errors and not t.stack, (t.errors, t.stack)
    assert len(t.ids) == len(set(t.ids)), "duplicate ids"
    return t


def test_grouped_by_year_newest_first_undated_last():
    html = render_publications(pubs(), PubOptions(owner=OWNER))
    well_formed(html)
    years = re.findall(r'<h3 class="pub-group-title" id="pub-(\w+)">', html)
    assert years == ["2025", "2023", "2020", "Undated"]   # slugize keeps case, as heading ids
    # within 2023: July (cocktail) before undated-month entries, then file order
    keys = re.findall(r'<li class="pub[^"]*" id="pub-([\w-]+)"', html)
    assert keys == ["zhang2025ladder", "wang2023cocktailsgd", "liu2023dejavu",
                    "liang2022helm", "wang2023thesis", "wang2020pyramid", "goedel2024workshop"]


def test_owner_bold_equal_contribution_et_al_and_escaping():
    html = render_publications(pubs(), PubOptions(owner=OWNER))
    assert html.count('<strong class="pub-author pub-me">Jue Wang</strong>') == 5
    assert '<strong class="pub-author pub-me">JUE WANG</strong>' in html     # case-insensitive
    assert '<span class="pub-etal">et al.</span>' in html
    assert ('<strong class="pub-author pub-me">Jue Wang</strong><sup class="pub-equal" '
            'title="Equal contribution">*</sup>') in html
    assert 'class="pub-footnote"' in html
    assert "Sätze &amp; Other Stories" in html


def test_links_buttons_and_bibtex_block():
    html = render_publications(pubs(), PubOptions(owner=OWNER, url_for=lambda p: "/root" + p))
    li = re.search(r'<li [^>]*id="pub-wang2020pyramid".*?</li>', html, re.S).group(0)
    buttons = re.findall(r'class="pub-link pub-link-(\w+)"', li)
    assert buttons == ["doi", "slides", "video", "bibtex"]
    assert 'href="/root/files/pyramid-slides.pdf"' in li          # site paths get the root
    assert '<a href="https://aclanthology.org/2020.acl-main.525">Pyramid' in li
    assert '<details class="pub-bibtex"><summary class="pub-link pub-link-bibtex">BibTeX' in li
    assert 'data-pub-copy="pub-wang2020pyramid-bibtex" hidden>Copy</button>' in li
    assert 'id="pub-wang2020pyramid-bibtex">@inproceedings{wang2020pyramid,' in li
    award = re.search(r'<li [^>]*id="pub-liu2023dejavu".*?</li>', html, re.S).group(0)
    assert '<span class="pub-venue">ICML 2023</span> <span class="pub-award">Oral</span>' in award
    nobib = render_publications(pubs(), PubOptions(bibtex=False))
    assert "pub-bibtex" not in nobib and "data-pub-copy" not in nobib


def test_selected_type_year_limit_keys_and_grouping_by_type():
    items = select_publications(pubs(), PubOptions(selected=True))
    assert [p.key for p in items] == ["wang2023cocktailsgd", "liu2023dejavu"]
    items = select_publications(pubs(), PubOptions(years=(2020, 2023), types=["inproceedings"]))
    assert [p.key for p in items] == ["wang2023cocktailsgd", "liu2023dejavu", "wang2020pyramid"]
    assert len(select_publications(pubs(), PubOptions(limit=2))) == 2
    items = select_publications(pubs(), PubOptions(keys=["wang2020pyramid", "liu2023dejavu"],
                                                   group="none"))
    assert [p.key for p in items] == ["wang2020pyramid", "liu2023dejavu"]
    groups = [label for label, _ in group_publications(select_publications(pubs(), PubOptions()),
                                                       "type")]
    assert groups == ["Journal Articles", "Conference Papers", "Preprints", "Theses", "Other"]
    asc = select_publications(pubs(), PubOptions(order="asc"))
    assert asc[0].key == "wang2020pyramid" and asc[-1].key == "goedel2024workshop"
    html = render_publications(pubs(), PubOptions(group="none"))
    assert "pub-group-title" not in html and well_formed(html)
    assert "No publications" in render_publications([], PubOptions())


def test_csl_style_formats_the_reference_and_keeps_buttons():
    pytest.importorskip("citeproc")
    from engine.scholar.render import load_csl_style
    style = load_csl_style("harvard-cite-them-right")
    html = render_publications(pubs(), PubOptions(owner=OWNER, csl=style))
    well_formed(html)
    li = re.search(r'<li [^>]*id="pub-wang2023thesis".*?</li>', html, re.S).group(0)
    assert '<div class="pub-citation">' in li and "(2023)" in li
    assert '<strong class="pub-me">Wang, J.</strong>' in li
    li = re.search(r'<li [^>]*id="pub-liu2023dejavu".*?</li>', html, re.S).group(0)
    assert "Liu, Z." in li and 'pub-link-code' in li and "pub-bibtex" in li


def test_copy_script_is_shipped_and_idempotent():
    js = copy_script()
    assert "data-pub-copy" in js and "__pyhexoPubCopy" in js and "clipboard" in js


# ---- in a build ----------------------------------------------------------------------------

@pytest.fixture
def built(tmp_path):
    site = scholar_support.copy_fixture(tmp_path)
    engine = scholar_support.engine_for(site)
    return engine, engine.build()


def test_tag_in_pages_and_script_inlined_once(built):
    _engine, result = built
    page = result.outputs["publications/index.html"].decode()
    well_formed(page[page.index("<main>"):page.rindex("</main>") + 7])
    assert page.count("<script data-pub-copy-script>") == 1
    assert page.count('class="pub ') == 7
    assert '<strong class="pub-author pub-me">Jue Wang</strong>' in page   # site `author`
    about = result.outputs["about/index.html"].decode()
    assert about.count('class="pub ') == 2 and 'data-group="none"' in about


def test_bad_entries_are_one_build_error_with_file_and_lines(built):
    _engine, result = built
    (err,) = [e for e in result.errors if "publications.bib" in (e.path or "")]
    assert err.path == "source/_data/publications.bib" and err.line == 80
    assert "line 80:" in err.context and "line 86:" in err.context


def test_helper_from_a_template(tmp_path):
    site = scholar_support.copy_fixture(tmp_path)
    (site / "themes/t/layout/page.html").write_text(
        "<main>{{ page.content }}</main><aside>{{ publications('selected', group='none', "
        "bibtex=False) }}</aside>")
    result = scholar_support.engine_for(site).build()
    page = result.outputs["about/index.html"].decode()
    aside = page[page.index("<aside>"):]
    assert aside.count('class="pub ') == 2 and "pub-bibtex" not in aside


def test_bad_tag_arguments_fail_the_page_with_its_line(tmp_path):
    site = scholar_support.copy_fixture(tmp_path)
    (site / "source/bad.md").write_text("---\ntitle: Bad\n---\n\nText\n\n{% publications group:decade %}\n")
    result = scholar_support.engine_for(site).build()
    (err,) = [e for e in result.errors if e.path and e.path.endswith("bad.md")]
    assert err.line == 7 and "group" in err.message
