"""Sitemap (engine/generators/sitemap.py) and robots.txt (engine/generators/robots.py).

Differential: `raw/sitemap.xml` and `raw/sitemap.txt` of every oracle site (real Hexo +
hexo-generator-sitemap 3.0.1), compared parsed and in order. Known, documented differences:
- the home/tag/category `lastmod` is the newest document date in pyhexo (the plugin writes the
  build day, which makes every rebuild differ);
- posts without `date:` were dated by Hexo with the file's birth time (not reproducible), so the
  date part of their URL is not compared.
"""
from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sites" / "feeds"))
import support  # noqa: E402

S = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
_DATE_IN_URL = re.compile(r"/\d{4}/\d{2}/\d{2}/")


def parse_sitemap(text: str) -> list[tuple[str, str, str, str]]:
    root = ET.fromstring(text)
    assert root.tag == S + "urlset"
    return [(u.findtext(S + "loc"), u.findtext(S + "lastmod"), u.findtext(S + "changefreq"),
             u.findtext(S + "priority")) for u in root.findall(S + "url")]


def _dateless_slugs(site: Path) -> set[str]:
    return {Path(s).stem for s in support.dateless_sources(site) if s.startswith("_posts/")}


def _normalize(rows, slugs: set[str]):
    out = []
    for loc, lastmod, freq, prio in rows:
        if any(loc.endswith(f"/{slug}/") for slug in slugs):
            loc = _DATE_IN_URL.sub("/<date>/", loc)
        if freq in ("daily", "weekly"):
            lastmod = "<stamp>"
        out.append((loc, lastmod, freq, prio))
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    cache = {}

    def get(name):
        if name not in cache:
            site = support.prepare_oracle_site(name, tmp_path_factory.mktemp(name))
            cache[name] = (site, support.build(site, ["_config.yml", "_config.test.yml"])[1])
        return cache[name]
    return get


@pytest.mark.parametrize("name", support.ORACLE_SITES)
def test_sitemap_xml_matches_oracle(built, name):
    site, result = built(name)
    expected = parse_sitemap((support.ORACLE / name / "raw" / "sitemap.xml").read_text("utf-8"))
    actual = parse_sitemap(result.outputs["sitemap.xml"].decode("utf-8"))
    slugs = _dateless_slugs(site)
    assert _normalize(actual, slugs) == _normalize(expected, slugs)
    # The non-document entries carry the newest document day (deterministic).
    doc_days = [r[1] for r in actual if r[2] == "monthly"]
    assert {r[1] for r in actual if r[2] != "monthly"} == {max(doc_days)}


@pytest.mark.parametrize("name", support.ORACLE_SITES)
def test_sitemap_txt_matches_oracle(built, name):
    site, result = built(name)
    expected = (support.ORACLE / name / "raw" / "sitemap.txt").read_text("utf-8")
    actual = result.outputs["sitemap.txt"].decode("utf-8")
    assert actual.endswith("\n") and "\n\n" not in actual
    slugs = _dateless_slugs(site)

    def norm(text):
        return [_normalize([(line, "", "", "")], slugs)[0][0] for line in text.split("\n") if line]
    assert norm(actual) == norm(expected)


@pytest.mark.parametrize("name", support.ORACLE_SITES)
def test_no_sitemap_link_by_default(built, name):
    _, result = built(name)
    assert 'rel="sitemap"' not in result.outputs["index.html"].decode()


# ------------------------------------------------------------------------- options

FILES = {
    "source/_posts/a.md": "---\ntitle: A\ndate: 2024-01-03\nupdated: 2024-02-01\ntags: [T1]\n"
                          "categories: [C1]\n---\nA\n",
    "source/_posts/b.md": "---\ntitle: B\ndate: 2024-01-02\nupdated: 2024-03-05 23:30:00\n---\nB\n",
    "source/_posts/hidden.md": "---\ntitle: H\ndate: 2024-01-01\nsitemap: false\n---\nH\n",
    "source/about/index.md": "---\ntitle: About\ndate: 2023-05-01\nupdated: 2023-05-02\n---\nAbout\n",
    "source/raw/skip.html": "<p>raw</p>\n",
}


def _site(make_site, extra: str = "", url: str = "http://example.com", root: str = "/",
          files: dict | None = None):
    cfg = (f"title: T\nurl: {url}\nroot: {root}\ntheme: t\ntimezone: UTC\n"
           f"skip_render: ['raw/**']\n{extra}")
    all_files = dict(FILES)
    all_files.update(files or {})
    return support.build(make_site(all_files, config=cfg))[1]


def test_sitemap_lists_documents_by_updated_then_home_tags_categories(make_site):
    result = _site(make_site)
    rows = parse_sitemap(result.outputs["sitemap.xml"].decode())
    assert rows == [
        ("http://example.com/2024/01/02/b/", "2024-03-05", "monthly", "0.6"),
        ("http://example.com/2024/01/03/a/", "2024-02-01", "monthly", "0.6"),
        ("http://example.com/about/index.html", "2023-05-02", "monthly", "0.6"),
        ("http://example.com/", "2024-03-05", "daily", "1.0"),
        ("http://example.com/tags/T1/", "2024-03-05", "weekly", "0.2"),
        ("http://example.com/categories/C1/", "2024-03-05", "weekly", "0.2"),
    ]
    txt = result.outputs["sitemap.txt"].decode().splitlines()
    assert txt == [r[0] for r in rows]


def test_tags_categories_off_and_single_path(make_site):
    result = _site(make_site, "sitemap:\n  path: map.xml\n  tags: false\n  categories: false\n")
    assert "sitemap.xml" not in result.outputs and "sitemap.txt" not in result.outputs
    rows = parse_sitemap(result.outputs["map.xml"].decode())
    assert [r[2] for r in rows] == ["monthly"] * 3 + ["daily"]


def test_rel_link_in_head_with_root(make_site):
    result = _site(make_site, "sitemap:\n  rel: true\n", url="http://example.com/blog",
                   root="/blog/")
    html = result.outputs["index.html"].decode()
    assert ('<link rel="sitemap" type="application/xml" title="Sitemap" href="/blog/sitemap.xml">'
            in html)
    rows = parse_sitemap(result.outputs["sitemap.xml"].decode())
    assert rows[0][0] == "http://example.com/blog/2024/01/02/b/"
    assert ("http://example.com/blog", "2024-03-05", "daily", "1.0") in rows


@pytest.mark.parametrize("setting", [
    "sitemap: false",
    "sitemap:\n  enable: false"])
def test_sitemap_can_be_turned_off(make_site, setting):
    result = _site(make_site, setting + "\n")
    assert "sitemap.xml" not in result.outputs and "sitemap.txt" not in result.outputs


def test_custom_template(make_site):
    tpl = "{% for p in posts %}{{ p.permalink | uriencode }} {{ p.updated.strftime('%Y') }}\n{% endfor %}"
    result = _site(make_site, "sitemap:\n  path: sitemap.txt\n  template_txt: s.j2\n",
                   files={"s.j2": tpl})
    assert result.outputs["sitemap.txt"].decode().splitlines()[0] == \
        "http://example.com/2024/01/02/b/ 2024"


def test_sitemap_escapes_and_encodes(make_site):
    result = _site(make_site, files={"source/_posts/q.md": "---\ntitle: Q\ndate: 2024-01-04\n"
                                                           "permalink: a&b/ü/\n---\nQ\n"})
    rows = parse_sitemap(result.outputs["sitemap.xml"].decode())
    assert any(r[0] == "http://example.com/a&b/%C3%BC/" for r in rows)


# ------------------------------------------------------------------------- robots.txt

def test_robots_is_opt_in(make_site):
    assert "robots.txt" not in _site(make_site).outputs


def test_robots_with_sitemap_and_root(make_site):
    result = _site(make_site, "robots:\n  disallow: ['/drafts/']\n  extra: 'Crawl-delay: 5'\n",
                   url="http://example.com/blog", root="/blog/")
    assert result.outputs["robots.txt"].decode() == (
        "User-agent: *\nDisallow: /blog/drafts/\n\nCrawl-delay: 5\n\n"
        "Sitemap: http://example.com/blog/sitemap.xml\n")


def test_robots_true_allows_everything(make_site):
    assert _site(make_site, "robots: true\n").outputs["robots.txt"].decode() == (
        "User-agent: *\nDisallow:\n\nSitemap: http://example.com/sitemap.xml\n")


def test_robots_without_sitemap(make_site):
    out = _site(make_site, "robots:\n  sitemap: false\n").outputs["robots.txt"].decode()
    assert "Sitemap" not in out


def test_user_robots_file_is_never_overwritten(make_site):
    result = _site(make_site, "robots: true\n", files={"source/robots.txt": "User-agent: mine\n"})
    assert not result.errors
    out = result.outputs["robots.txt"]
    data = out.read_bytes() if isinstance(out, Path) else out
    assert data == b"User-agent: mine\n"
