"""toc(): every post/page route of the oracle (default and list_number=False, max_depth=3), options."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ._oracle import call, make_ctx, route_json
from ._oracle import all_routes


@pytest.mark.parametrize("site,route", all_routes(("post", "page")))
def test_toc_matches_oracle(site, route):
    ctx = make_ctx(site, route)
    expected = route_json(site, route)["helpers"]
    content = ctx.page.content
    assert call(ctx, "toc", content) == expected["toc"]
    assert call(ctx, "toc", content, list_number=False, max_depth=3) == expected["toc_list_number_false"]


@pytest.fixture
def ctx():
    return make_ctx("feature-site")


HTML = ('<h2 id="a">A</h2><h3 id="b">B</h3><h4 id="c">C</h4><h3 id="d">D</h3>'
        '<h2 id="e">E <a class="headerlink" href="#e">¶</a></h2>')


def test_min_depth_class_and_item_classes(ctx):
    assert call(ctx, "toc", HTML, min_depth=3, max_depth=3, class_name="t", class_item="it") == (
        '<ol class="t"><li class="it t-level-3"><a class="t-link" href="#b"><span class="t-number">1.'
        '</span> <span class="t-text">B</span></a></li><li class="it t-level-3"><a class="t-link" '
        'href="#d"><span class="t-number">2.</span> <span class="t-text">D</span></a></li></ol>')


def test_permalink_symbol_is_not_part_of_the_text(ctx):
    out = call(ctx, "toc", HTML, {"max_depth": 2})
    assert '<span class="toc-text">E </span>' in out


def test_max_items_drops_deep_levels_first(ctx):
    out = call(ctx, "toc", HTML, max_items=3)
    assert out.count("<li") == 2 and "toc-level-3" not in out
    assert call(ctx, "toc", HTML, max_items=1).count("<li") == 1


def test_ids_from_ancestors_unnumbered_and_no_headings(ctx):
    html = ('<div id="sec"><h1>Intro</h1></div><h1 data-toc-unnumbered="true" id="x">Skip</h1>'
            '<h1 id="y">Two</h1><h1>No id</h1>')
    out = call(ctx, "toc", html)
    assert '<a class="toc-link" href="#sec"><span class="toc-number">1.</span>' in out
    assert '<a class="toc-link" href="#x"><span class="toc-text">Skip</span>' in out
    assert '<a class="toc-link" href="#y"><span class="toc-number">2.</span>' in out
    assert '<a class="toc-link"><span class="toc-number">3.</span> <span class="toc-text">No id' in out
    assert call(ctx, "toc", "<p>nothing</p>") == ""


def test_headings_in_comments_and_scripts_are_not_headings(ctx):
    html = ('<!-- <h1 id="c">Commented</h1> --><script>var s = "<h1 id=s>S</h1>";</script>'
            '<h1 id="real">Real &amp; <code>x</code></h1>')
    assert call(ctx, "toc", html) == (
        '<ol class="toc"><li class="toc-item toc-level-1"><a class="toc-link" href="#real">'
        '<span class="toc-number">1.</span> <span class="toc-text">Real &amp; x</span></a></li></ol>')


def test_fast_and_full_paths_agree(ctx):
    from engine.helpers.toc import toc_items
    content = make_ctx("feature-site", "2024/01/18/headings/index.html").page.content
    fast = [(h.level, h.id, h.text) for h in toc_items(content)]
    full = [(h.level, h.id, h.text) for h in toc_items("<!---->" + content)]
    assert fast == full and len(fast) == 11


# The direct reading of the usual heading markup must give what the tag walker gives.
_ID = st.text(alphabet='ab1-_ &;#x27.é"<', min_size=1, max_size=6)
_TEXT = st.text(alphabet='ab ¶&;amp#39<>"é\n', max_size=8)
_ANCHOR = st.sampled_from(["", "<a></a>", '<a href="#x" class="headerlink" title="x"></a>',
                           '<a id="y"></a>', '<a data-toc-unnumbered="true"></a>', "<a>¶</a>"])


@settings(max_examples=500, deadline=None)
@given(st.integers(1, 6), _ID, _ANCHOR, _TEXT)
def test_simple_headings_read_like_the_walker(level, ident, anchor, text):
    from engine.helpers.toc import _HEADINGS, _SIMPLE, _Collector, _simple_heading
    markup = f'<h{level} id="{ident}">{anchor}{text}</h{level}>'
    m = _SIMPLE.fullmatch(markup)
    if m is None:
        return
    walker = _Collector(_HEADINGS)
    walker.feed(markup)
    fields = ("level", "id", "unnumbered", "parts", "all_text", "text")
    assert [getattr(_simple_heading(m), f) for f in fields] == \
        [getattr(walker.headings[0], f) for f in fields]
