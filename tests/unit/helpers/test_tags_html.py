"""css, js, link_to, mail_to, image_tag, favicon_tag, feed_tag, gravatar."""
from __future__ import annotations

import pytest

from ._oracle import call, make_ctx, route_json
from ._oracle import SITE_CALLS, site_cases

KEYS = ("css", "css_multi", "js", "link_to", "link_to_internal", "mail_to", "image_tag",
        "favicon_tag", "feed_tag", "gravatar")


@pytest.mark.parametrize("site,key", site_cases(KEYS))
def test_site_helpers_match_oracle(site, key):
    ctx = make_ctx(site)
    name, args, kwargs = SITE_CALLS[key]
    assert call(ctx, name, *args, **kwargs) == route_json(site, "index.html")["site_helpers"][key]


@pytest.fixture
def ctx():
    return make_ctx("feature-site")


def test_css_and_js_with_attribute_dicts(ctx):
    assert call(ctx, "css", {"href": "x", "media": "print"}) == \
        '\n<link rel="stylesheet" href="/blog/x.css" media="print">\n'
    assert call(ctx, "js", {"src": "a", "async": True}) == '\n<script src="/blog/a.js" async></script>\n'
    assert call(ctx, "css", "a", "b") == ('\n<link rel="stylesheet" href="/blog/a.css">\n'
                                          '<link rel="stylesheet" href="/blog/b.css">\n')


def test_link_to_defaults_and_options(ctx):
    assert call(ctx, "link_to", "https://x.org/") == \
        '<a href="https://x.org/" title="x.org">x.org</a>'
    assert call(ctx, "link_to", "/a/", "A <b>", {"class": ["c1", "c2"]}) == \
        '<a href="/blog/a/" title="A &lt;b&gt;" class="c1 c2">A &lt;b&gt;</a>'
    assert call(ctx, "link_to", "http://a.com/", "A", True) == \
        '<a href="http://a.com/" title="A" target="_blank" rel="noopener">A</a>'


def test_mail_to_query_and_list(ctx):
    # URLSearchParams encoding; URL attributes are percent-encoded, not HTML-escaped (htmlTag).
    assert call(ctx, "mail_to", ["a@b.com", "c@d.com"], "Mail", subject="Hi there", cc="x@y.z") == \
        '<a href="mailto:a@b.com,c@d.com?subject=Hi+there&cc=x%40y.z" title="Mail">Mail</a>'


def test_link_to_keeps_a_false_external_attribute(ctx):
    # Hexo only drops `external` when it is truthy; String(false) is printed.
    assert call(ctx, "link_to", "/a/", "x", external=False) == \
        '<a href="/blog/a/" title="x" external="false">x</a>'


def test_image_tag_class_list(ctx):
    assert call(ctx, "image_tag", "/a.png", alt="A", **{"class": ["x", "y"]}) == \
        '<img src="/blog/a.png" alt="A" class="x y">'


def test_feed_tag_from_config_and_types(ctx):
    assert call(ctx, "feed_tag") == \
        '<link rel="alternate" href="/blog/atom.xml" title="Feature Site" type="application/atom+xml">'
    assert call(ctx, "feed_tag", "feed.xml") == \
        '<link rel="alternate" href="/blog/feed.xml" title="Feature Site" >'
    assert call(ctx, "feed_tag", "rss.xml", title="T") == \
        '<link rel="alternate" href="/blog/rss.xml" title="T" type="application/rss+xml">'
    assert call(ctx, "feed_tag", "x.xml", type="rss2") == \
        '<link rel="alternate" href="/blog/x.xml" title="Feature Site" type="application/rss+xml">'


def test_gravatar_size_and_options(ctx):
    base = "https://www.gravatar.com/avatar/357a20e8c56e69d6f9734d23ef9517e8"
    assert call(ctx, "gravatar", "A@B.com", 40) == base + "?s=40"
    assert call(ctx, "gravatar", "a@b.com", s=40, d="mm") == base + "?s=40&d=mm"
