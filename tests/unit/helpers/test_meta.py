"""open_graph() on every post/page route of the oracle, its options, and meta_generator()."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

import engine
from ._oracle import call, make_ctx, route_json
from engine.model import PageData
from ._oracle import SITES, all_routes


@pytest.mark.parametrize("site,route", all_routes(("post", "page")))
def test_open_graph_matches_oracle(site, route):
    ctx = make_ctx(site, route)
    assert call(ctx, "open_graph") == route_json(site, route)["helpers"]["open_graph"]


@pytest.mark.parametrize("site", SITES)
def test_meta_generator_names_pyhexo(site):
    # Hexo prints "Hexo 8.1.2" (oracle); pyhexo names itself in the same tag.
    assert route_json(site, "index.html")["site_helpers"]["meta_generator"] == \
        '<meta name="generator" content="Hexo 8.1.2">'
    assert call(make_ctx(site), "meta_generator") == \
        f'<meta name="generator" content="pyhexo {engine.__version__}">'


@pytest.fixture
def post_ctx():
    return make_ctx("feature-site", "2024/01/02/yaml-basic/index.html")


def test_options_override_and_extra_tags(post_ctx):
    out = call(post_ctx, "open_graph", title="T & x", description="<b>Desc</b>", image="/i.png",
               twitter_id="me", twitter_site="@site", fb_admins="1", fb_app_id="2",
               twitter_card="summary_large_image", date=False, updated=False, author="Ann",
               language="zh-CN", site_name="S")
    lines = out.split("\n")
    assert lines[0] == '<meta name="description" content="Desc">'
    assert '<meta property="og:title" content="T &amp; x">' in lines
    assert '<meta property="og:site_name" content="S">' in lines
    assert '<meta property="og:locale" content="zh_CN">' in lines
    assert '<meta property="og:image" content="http://example.com/i.png">' in lines
    assert not any("published_time" in x or "modified_time" in x for x in lines)
    assert lines[-6:] == [
        '<meta name="twitter:card" content="summary_large_image">',
        '<meta name="twitter:image" content="http://example.com/i.png">',
        '<meta name="twitter:creator" content="@me">',
        '<meta name="twitter:site" content="@site">',
        '<meta property="fb:admins" content="1">',
        '<meta property="fb:app_id" content="2">',
    ]


def test_description_is_cut_at_200_utf16_units(post_ctx):
    text = "😀" * 150                                   # 300 UTF-16 units
    out = call(post_ctx, "open_graph", description=text)
    assert f'<meta name="description" content="{"😀" * 100}">' in out


def test_index_page_without_date_and_keywords_from_config():
    ctx = make_ctx("feature-site")
    ctx.engine.config.raw = {**ctx.engine.config.raw, "keywords": "k1",
                             "pretty_urls": {"trailing_index": False, "trailing_html": True}}
    out = call(ctx, "open_graph")
    assert '<meta property="og:type" content="website">' in out
    assert '<meta property="og:url" content="http://example.com/blog/">' in out
    assert '<meta property="article:tag" content="k1">' in out
    assert "published_time" not in out and "og:description" not in out


def test_unknown_locale_and_data_images():
    ctx = make_ctx("feature-site")
    ctx.page = PageData(content='<p>x<img src="data:image/png;base64,AAA"><img src="a b.png"></p>',
                        date=datetime(2024, 1, 1, tzinfo=timezone.utc))
    out = call(ctx, "open_graph", language="english")
    assert '<meta property="og:locale">' in out
    assert '<meta property="og:image" content="http://example.com/blog/a%20b.png">' in out
    assert "data:" not in out
    assert '<meta property="article:published_time" content="2024-01-01T00:00:00.000Z">' in out
