"""The `<head>` filters' shortcuts (feed autodiscovery, meta generator) decide exactly as their
regular expressions do."""
from __future__ import annotations

from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.filters.feed_link import _HAS_FEED, FEED_ATTR, SITEMAP_ATTR, _has_feed, feed_link_filter
from engine.filters.meta_generator import GENERATOR_TAG, _HAS_GENERATOR, meta_generator_filter

_PIECES = ["<link", "<meta", " ", "\n", "type=", "TYPE = ", '"', "'", "application/",
           "APPLICATION/", "applıcation/", "atom", "rss", "rſſ", "+xml", "image/svg+xml", "on/r",
           "name=", "generator", "GENERATOR", ">", "x"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=20).map("".join))
def test_has_feed_is_the_regex(head):
    html = head + "</head><body>" + head
    assert _has_feed(html, len(head)) == (_HAS_FEED.search(head) is not None)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=20).map("".join))
def test_meta_generator_only_when_the_regex_finds_none(head):
    html = f"<html><head>{head}</head><body></body></html>"
    engine = SimpleNamespace(config=SimpleNamespace(raw={}))
    out = meta_generator_filter(html, engine=engine)
    if _HAS_GENERATOR.search(html, 0, html.index("</head>")):
        assert out is None
    else:
        assert out == html.replace("</head>", GENERATOR_TAG + "</head>", 1)


def test_feed_link_added_once():
    link = '<link rel="alternate" href="/atom.xml" title="T" type="application/atom+xml">'
    engine = SimpleNamespace(**{FEED_ATTR: [link], SITEMAP_ATTR: []})
    html = "<html><head><title>x</title></head><body></body></html>"
    once = feed_link_filter(html, engine=engine)
    assert once == html.replace("</head>", link + "</head>")
    assert feed_link_filter(once, engine=engine) is None
    assert feed_link_filter(html, engine=SimpleNamespace()) is None
