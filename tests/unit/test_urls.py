"""engine.urls against the feature-site oracle (root '/blog/') and hexo-util's rules."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.config import load_config
from engine.urls import full_url_for, is_external, pretty_url, relative_url, url_for

SHARED = Path(__file__).resolve().parents[3] / "shared"
INDEX = json.loads((SHARED / "hexo-oracle" / "feature-site" / "pages" / "index.html.json")
                   .read_text("utf-8"))
HELPERS = INDEX["site_helpers"]


@pytest.fixture(scope="module")
def raw():
    return load_config(SHARED / "corpora" / "feature-site").raw


def test_oracle_site_helpers(raw):
    assert url_for(raw, "a/b.html") == HELPERS["url_for_rel"] == "/blog/a/b.html"
    assert url_for(raw, "/a/b.html") == HELPERS["url_for_abs"]
    assert url_for(raw, "/a/index.html") == HELPERS["url_for_index"]
    assert url_for(raw, "https://x.org/") == HELPERS["url_for_ext"]
    assert relative_url("foo/bar/", "css/style.css") == HELPERS["relative_url"]
    assert full_url_for(raw, "/a/b/") == HELPERS["full_url_for"]
    assert url_for(raw, INDEX["route_path"]) == INDEX["helpers"]["url_for_path"]
    assert full_url_for(raw, INDEX["route_path"]) == INDEX["url"]


def test_every_oracle_page_url(raw):
    for path in (SHARED / "hexo-oracle" / "feature-site" / "pages").rglob("*.json"):
        data = json.loads(path.read_text("utf-8"))
        route = data["route_path"]
        assert full_url_for(raw, route) == data["url"], route
        # posts/pages: the probe passes page.path; generator pages: the route
        target = data["page"]["path"] if data["page"].get("kind") in ("post", "page") else route
        assert url_for(raw, target) == data["helpers"]["url_for_path"], route


@pytest.mark.parametrize("path,expected", [
    ("#top", "#top"),
    ("//cdn.x.org/a.js", "//cdn.x.org/a.js"),
    ("http://x.org/a b", "http://x.org/a b"),
    ("mailto:a@b.com", "mailto:a@b.com"),
    ("data:image/png;base64,AAA", "data:image/png;base64,AAA"),
    ("/", "/blog/"),
    ("", "/blog/"),
    (None, "/blog/"),
    ("//", "//"),
    ("a//b", "/blog/a/b"),
    ("tags/中文标签/", "/blog/tags/%E4%B8%AD%E6%96%87%E6%A0%87%E7%AD%BE/"),
    ("a b.html", "/blog/a%20b.html"),
    ("already%20encoded/", "/blog/already%20encoded/"),
    ("/search?q=1#x", "/blog/search?q=1#x"),
])
def test_url_for_cases(raw, path, expected):
    assert url_for(raw, path) == expected


def test_pretty_urls():
    cfg = {"root": "/", "url": "http://e.com",
           "pretty_urls": {"trailing_index": False, "trailing_html": False}}
    assert url_for(cfg, "a/index.html") == "/a/"
    assert url_for(cfg, "a/b.html") == "/a/b"
    assert full_url_for(cfg, "index.html") == "http://e.com/"
    only_html = {"root": "/", "pretty_urls": {"trailing_index": True, "trailing_html": False}}
    assert url_for(only_html, "a/index.html") == "/a/index.html"
    assert url_for(only_html, "a/b.html") == "/a/b"
    assert pretty_url("/x.html", {}) == "/x.html"


def test_relative_link(raw):
    cfg = dict(raw, relative_link=True)
    assert url_for(cfg, "css/style.css", current="2024/01/02/x/index.html") == \
        "../../../../css/style.css"
    assert url_for(raw, "css/style.css", relative="foo/bar/") == "../../css/style.css"
    assert url_for(cfg, "css/a.css", relative=False) == "/blog/css/a.css"
    assert url_for(cfg, "https://x.org/", current="a/") == "https://x.org/"


@pytest.mark.parametrize("from_,to,expected", [
    ("foo/bar/", "css/style.css", "../../css/style.css"),
    ("index.html", "css/style.css", "css/style.css"),
    ("foo/bar/index.html", "foo/baz/", "../baz/"),
    ("a/b/", "a/b/", ""),
    ("", "", ""),
    ("a/", "中文/", "../%E4%B8%AD%E6%96%87/"),
    ("a/b", "a//", "index.html"),                 # two empty trailing parts -> index.html
])
def test_relative_url(from_, to, expected):
    assert relative_url(from_, to) == expected


def test_full_url_for(raw):
    assert full_url_for(raw, "/") == "http://example.com/blog/"
    assert full_url_for(raw, "a/b.html") == "http://example.com/blog/a/b.html"
    assert full_url_for(raw, "https://x.org/p") == "https://x.org/p"
    assert full_url_for(raw, "//x.org/p") == "//x.org/p"


@pytest.mark.parametrize("url,expected", [
    ("http://example.com/blog/x", False),
    ("https://EXAMPLE.com/x", False),
    ("https://other.com/x", True),
    ("//other.com/x", True),
    ("/about/", False),
    ("about/", False),
    ("#top", False),
    ("mailto:a@b.com", False),
    ("javascript:void(0)", False),
    ("", False),
])
def test_is_external(raw, url, expected):
    assert is_external(raw, url) is expected


def test_is_external_exclude(raw):
    assert is_external(raw, "https://a.com/", exclude="a.com") is False
    assert is_external(raw, "https://a.com/", exclude=["b.com", "a.com"]) is False
    assert is_external(raw, "https://www.a.com/", exclude=["a.com"]) is True
