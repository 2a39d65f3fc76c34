"""list_categories, list_tags, list_archives, list_posts, tagcloud: oracle outputs and options."""
from __future__ import annotations

import pytest

from ._oracle import call, make_ctx, oracle_site, route_json
from engine.model import Query
from ._oracle import SITE_CALLS, site_cases

KEYS = ("list_categories", "list_tags", "list_archives", "list_archives_yearly", "list_posts",
        "tagcloud")


@pytest.mark.parametrize("site,key", site_cases(KEYS))
def test_site_helpers_match_oracle(site, key):
    ctx = make_ctx(site)
    name, args, kwargs = SITE_CALLS[key]
    assert call(ctx, name, *args, **kwargs) == route_json(site, "index.html")["site_helpers"][key]


@pytest.fixture
def ctx():
    return make_ctx("feature-site")


def test_list_categories_options(ctx):
    def li(slug: str, name: str) -> str:
        return (f'<li class="category-list-item"><a class="category-list-link" '
                f'href="/blog/categories/{slug}/">{name}</a></li>')

    assert call(ctx, "list_categories", depth=1, show_count=False) == (
        '<ul class="category-list">' + li("Diary", "Diary") + li("Life", "Life")
        + li("mapped-cat-slug", "Mapped Cat") + li("Parent", "Parent") + '</ul>')
    flat = call(ctx, "list_categories", {"style": "none", "separator": " | ", "order": -1, "depth": 1})
    assert flat.startswith('<a class="category-link" href="/blog/categories/Parent/">Parent'
                           '<span class="category-count">1</span></a> | ')
    assert call(ctx, "list_categories", style=False, depth=2, show_count=False,
                **{"class": "c"}).count('<a class="c-link"') == 7
    indicated = call(ctx, "list_categories", children_indicator="has-kids", suffix="#x")
    assert '<li class="category-list-item has-kids"><a class="category-list-link" ' \
           'href="/blog/categories/Diary/#x">' in indicated


def test_list_categories_show_current_and_custom_collection():
    site, docs = oracle_site("feature-site")
    ctx = make_ctx("feature-site", "2024/01/09/cat-string/index.html")
    out = call(ctx, "list_categories", show_current=True)
    assert '<a class="category-list-link current" href="/blog/categories/Diary/">' in out
    assert '<a class="category-list-link current" href="/blog/categories/Life/">' not in out
    post = docs["2024/01/08/cats-multi/index.html"]
    assert call(ctx, "list_categories", post.categories, show_count=False).startswith(
        '<ul class="category-list"><li class="category-list-item"><a class="category-list-link" '
        'href="/blog/categories/Diary/">Diary</a><ul class="category-list-child">')
    # As in Hexo, a child whose parent is not in the given collection is not listed.
    only = call(ctx, "list_categories", Query(c for c in site.categories if c.name == "Games"))
    assert only == '<ul class="category-list"></ul>'


def test_list_tags_options(ctx):
    def li(slug: str, name: str) -> str:
        return (f'<li class="tag-list-item"><a class="tag-list-link" href="/blog/tags/{slug}/" '
                f'rel="tag">{name}</a></li>')

    # Ties keep the site's tag order (stable sort, as warehouse's).
    assert call(ctx, "list_tags", amount=2, orderby="length", order=-1, show_count=False) == (
        '<ul class="tag-list" itemprop="keywords">' + li("Alpha", "Alpha")
        + li("%E4%B8%AD%E6%96%87%E6%A0%87%E7%AD%BE", "中文标签") + '</ul>')
    flat = call(ctx, "list_tags", style="none", amount=2,
                **{"class": {"a": "ta", "label": "tl", "count": "tc"}})
    assert flat == ('<a class="ta" href="/blog/tags/Alpha/" rel="tag"><span class="tl">Alpha</span>'
                    '<span class="tc">2</span></a>, <a class="ta" href="/blog/tags/mapped-tag-slug/" '
                    'rel="tag"><span class="tl">Mapped Tag</span><span class="tc">1</span></a>')
    assert call(ctx, "list_tags", transform=str.upper, amount=1, show_count=False).count("ALPHA") == 1


def test_list_archives_options(ctx):
    out = call(ctx, "list_archives", type="yearly", style="none", show_count=False, order=1,
               separator=" / ")
    assert out.split(" / ")[0] == '<a class="archive-link" href="/blog/archives/2019/">2019</a>'
    assert call(ctx, "list_archives", format="YYYY-MM", **{"class": "a"}).startswith(
        '<ul class="a-list"><li class="a-list-item"><a class="a-list-link" '
        'href="/blog/archives/2099/01/">2099-01</a><span class="a-list-count">1</span></li>')


def test_list_archives_in_site_timezone(ctx):
    from zoneinfo import ZoneInfo
    ctx.engine.config.tz = ZoneInfo("America/New_York")     # 2099-01-01T00:00Z is still 2098 there
    assert '/blog/archives/2098/12/">December 2098</a>' in call(ctx, "list_archives")


def test_list_posts_options(ctx):
    # An empty title sorts first and shows the slug.
    assert call(ctx, "list_posts", amount=2, orderby="title", order=1) == (
        '<ul class="post-list"><li class="post-list-item"><a class="post-list-link" '
        'href="/blog/2026/11/22/no-frontmatter/">no-frontmatter</a></li><li class="post-list-item">'
        '<a class="post-list-link" href="/blog/2024/01/22/asset-post/">Asset Post</a></li></ul>')
    assert call(ctx, "list_posts", style="none", amount=1) == \
        '<a class="post-link" href="/blog/2099/01/01/future/">Future Post</a>'


def test_tagcloud_options(ctx):
    assert call(ctx, "tagcloud", min_font=1, max_font=2, unit="em", amount=2, **{"class": "t"}) == (
        '<a href="/blog/tags/Alpha/" style="font-size: 2em;" class="t-10">Alpha</a> '
        '<a href="/blog/tags/mapped-tag-slug/" style="font-size: 1em;" class="t-0">Mapped Tag</a>')
    colored = call(ctx, "tagcloud", color=True, start_color="#ccc", end_color="red", amount=2,
                   show_count=True)
    assert colored == (
        '<a href="/blog/tags/Alpha/" style="font-size: 20px; color: #f00">Alpha<span class="count">2'
        '</span></a> <a href="/blog/tags/mapped-tag-slug/" style="font-size: 10px; color: #ccc">'
        'Mapped Tag<span class="count">1</span></a>')
    with pytest.raises(TypeError):
        call(ctx, "tagcloud", color=True)
    assert call(ctx, "tag_cloud") == call(ctx, "tagcloud")


def test_color_mixing():
    from engine.helpers._color import Color
    assert str(Color.parse("#000").mix(Color.parse("#fff"), 0.5)) == "#808080"
    assert str(Color.parse("rgba(0, 0, 0, 0.5)")) == "rgba(0, 0, 0, 0.5)"
    assert str(Color.parse("hsl(0, 100%, 50%)")) == "#f00"


def test_results_are_memoised_per_site(ctx):
    first = call(ctx, "list_archives")
    memo = ctx.site.__dict__["_pyhexo_helper_memo"]
    assert any(k[0] == "list_archives" for k in memo)
    assert call(ctx, "list_archives") is first
