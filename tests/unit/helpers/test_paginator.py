"""paginator() and paginator(mid_size=1, end_size=1, prev_text='P', next_text='N') on every
index/archive/tag/category route of the oracle, plus the other options."""
from __future__ import annotations

import pytest

from ._oracle import call, make_ctx, route_json
from engine.model import PageData
from ._oracle import all_routes


@pytest.mark.parametrize("site,route", all_routes(("index", "archive", "tag", "category")))
def test_paginator_matches_oracle(site, route):
    ctx = make_ctx(site, route)
    expected = route_json(site, route)["helpers"]
    assert call(ctx, "paginator") == expected["paginator"]
    assert call(ctx, "paginator", mid_size=1, end_size=1, prev_text="P", next_text="N") == \
        expected["paginator_opts"]
    assert call(ctx, "paginator", {"mid_size": 1, "end_size": 1, "prev_text": "P",
                                   "next_text": "N"}) == expected["paginator_opts"]


def _ctx(current, total=5, base="archives/"):
    ctx = make_ctx("feature-site")
    ctx.page = PageData(base=base, current=current, total=total)
    return ctx


def test_no_current_page_means_no_paginator():
    ctx = make_ctx("feature-site", "about/index.html")
    assert call(ctx, "paginator") == ""


def test_show_all_force_prev_next_and_classes():
    ctx = _ctx(1, 3)
    assert call(ctx, "paginator", show_all=True, force_prev_next=True, page_class="p",
                current_class="c", prev_class="pv", next_class="nx") == (
        '<span class="pv" rel="prev">Prev</span><span class="p c">1</span>'
        '<a class="p" href="/blog/archives/page/2/">2</a><a class="p" href="/blog/archives/page/3/">3</a>'
        '<a class="nx" rel="next" href="/blog/archives/page/2/">Next</a>')


def test_transform_escape_space_and_format():
    ctx = _ctx(3, 9)
    out = call(ctx, "paginator", prev_next=False, space="", transform=lambda i: f"<{i}>",
               format="p%d.html")
    assert out == ('<a class="page-number" href="/blog/archives/">&lt;1&gt;</a>'
                   '<a class="page-number" href="/blog/archives/p2.html">&lt;2&gt;</a>'
                   '<span class="page-number current">&lt;3&gt;</span>'
                   '<a class="page-number" href="/blog/archives/p4.html">&lt;4&gt;</a>'
                   '<a class="page-number" href="/blog/archives/p5.html">&lt;5&gt;</a>'
                   '<a class="page-number" href="/blog/archives/p9.html">&lt;9&gt;</a>')
    assert "<b>Next</b>" in call(ctx, "paginator", next_text="<b>Next</b>", escape=False)
