"""`json_ld()` and `canonical_link()` (engine/helpers/jsonld.py), through a real theme render."""
from __future__ import annotations

import json
import re

LAYOUT = ("<html><head>{{ json_ld() }}{{ canonical_link() }}</head><body>{{ body }}</body></html>")
FILES = {
    "themes/t/layout/layout.html": LAYOUT,
    "source/_posts/post.md": "---\ntitle: A </script> post\ndate: 2024-01-02 03:04:05\n"
                             "updated: 2024-02-01\ntags: [b, a]\ncategories: [Notes]\n---\n"
                             "Intro text ![x](/img/pic.png)\n\n<!-- more -->\n\nRest.\n",
    "source/_posts/paper.md": "---\ntitle: A paper\ndate: 2024-01-01\ndoi: 10.1000/xyz\n---\nAbstract.\n",
    "source/about/index.md": "---\ntitle: About\n---\nHello.\n",
}


def _build(make_site, root="/", url="http://example.com"):
    from engine.helpers.jsonld import HELPERS
    from engine.core import Engine
    site = make_site(dict(FILES), config=f"title: Site\nauthor: Ann\nurl: {url}\nroot: {root}\n"
                                         f"theme: t\ntimezone: UTC\nlanguage: en\n")
    engine = Engine(site)
    for name, fn in HELPERS.items():
        engine.extend.helpers.register(name, fn)
    engine.theme._bind_helpers()   # registered after the theme was made (as a plugin's would not be)
    result = engine.build()
    assert not result.errors, result.errors
    return result


def _ld(html: str) -> dict:
    m = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert m, html
    return json.loads(m.group(1))


def test_post_is_a_blog_posting(make_site):
    out = _build(make_site).outputs["2024/01/02/post/index.html"].decode()
    data = _ld(out)
    assert data["@context"] == "https://schema.org" and data["@type"] == "BlogPosting"
    assert data["headline"] == "A </script> post"
    assert data["url"] == "http://example.com/2024/01/02/post/"
    assert data["mainEntityOfPage"]["@id"] == data["url"]
    assert data["datePublished"] == "2024-01-02T03:04:05.000Z"
    assert data["dateModified"] == "2024-02-01T00:00:00.000Z"
    assert data["author"] == {"@type": "Person", "name": "Ann", "url": "http://example.com/"}
    assert data["keywords"] == "b, a" and data["articleSection"] == "Notes"
    assert data["image"] == "http://example.com/img/pic.png"
    assert data["description"].startswith("Intro text")
    assert data["inLanguage"] == "en"
    assert "</script> post" not in out.split("<body>")[0]       # cannot close the script early
    assert '<link rel="canonical" href="http://example.com/2024/01/02/post/">' in out


def test_doi_makes_a_scholarly_article(make_site):
    data = _ld(_build(make_site).outputs["2024/01/01/paper/index.html"].decode())
    assert data["@type"] == "ScholarlyArticle"
    assert data["identifier"]["value"] == "10.1000/xyz"
    assert data["sameAs"] == "https://doi.org/10.1000/xyz"


def test_home_is_a_website_and_pages_are_webpages(make_site):
    result = _build(make_site, root="/blog/", url="http://example.com/blog")
    home = _ld(result.outputs["index.html"].decode())
    assert home["@type"] == "WebSite" and home["url"] == "http://example.com/blog/"
    assert home["name"] == "Site"
    html = result.outputs["about/index.html"].decode()
    about = _ld(html)
    assert about["@type"] == "WebPage" and about["url"] == "http://example.com/blog/about/"
    assert '<link rel="canonical" href="http://example.com/blog/about/">' in html
