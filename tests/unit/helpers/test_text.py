"""strip_html, truncate, word_wrap, escape_html, titlecase, trim, number_format."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ._oracle import call, make_ctx, route_json
from ._oracle import SITE_CALLS, all_routes, site_cases

KEYS = ("number_format", "number_format_opts", "titlecase", "escape_html", "strip_html", "truncate",
        "word_wrap")


@pytest.mark.parametrize("site,key", site_cases(KEYS))
def test_site_helpers_match_oracle(site, key):
    ctx = make_ctx(site)
    name, args, kwargs = SITE_CALLS[key]
    assert call(ctx, name, *args, **kwargs) == route_json(site, "index.html")["site_helpers"][key]


@pytest.mark.parametrize("site,route", all_routes(("post", "page")))
def test_strip_and_truncate_of_every_page_match_oracle(site, route):
    ctx = make_ctx(site, route)
    expected = route_json(site, route)["helpers"]
    assert call(ctx, "strip_html", ctx.page.excerpt) == expected["strip_html_excerpt"]
    stripped = call(ctx, "strip_html", ctx.page.content)
    assert call(ctx, "truncate", stripped, length=150) == expected["truncate_content"]


@pytest.fixture
def ctx():
    return make_ctx("feature-site")


def test_positional_numbers_are_ignored_like_hexo(ctx):
    # Hexo hands the second argument to hexo-util as an options object; a number has no fields.
    long = "Once upon a time in a world far far away"
    assert call(ctx, "truncate", long, 17) == call(ctx, "truncate", long) == "Once upon a time in a world..."
    assert call(ctx, "word_wrap", "Once upon a time", width=8) == "Once\nupon a\ntime"


def test_truncate_options_reach_the_primitive(ctx):
    from engine.text import truncate
    assert call(ctx, "truncate", "Once upon a time", {"length": 12, "omission": "…", "separator": " "}) \
        == truncate("Once upon a time", length=12, omission="…", separator=" ")
    assert call(ctx, "truncate", "Once upon a time", length=9, omission="") == "Once upon"


def test_titlecase_rules(ctx):
    assert call(ctx, "titlecase", "the lord of the rings") == "The Lord of the Rings"
    assert call(ctx, "titlecase", "an iPhone review of example.com") == "An iPhone Review of example.com"
    assert call(ctx, "titlecase", "what is it for") == "What Is It For"
    assert call(ctx, "titlecase", "step-by-step guide") == "Step-by-Step Guide"


def test_trim_and_escape(ctx):
    assert call(ctx, "trim", "  x \n") == "x"
    assert call(ctx, "escape_html", None) == ""


def test_number_format_details(ctx):
    assert call(ctx, "number_format", 1234567) == "1,234,567"
    assert call(ctx, "number_format", 1234.5, precision=3) == "1,234.500"
    assert call(ctx, "number_format", 1.239, precision=2) == "1.24"
    assert call(ctx, "number_format", 1.25, precision=0) == "1"
    assert call(ctx, "number_format", 5.0) == "5"


# truncate() hands the primitive only the text up to the first separator after `length`: the
# result must be the primitive's on the whole text.
@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab  -.", max_size=60), st.integers(-3, 40),
       st.sampled_from([None, " ", "-", "ab", ""]), st.sampled_from(["...", "", "…"]))
def test_truncate_reads_only_what_it_keeps(text, length, separator, omission):
    from engine import text as primitives
    expected = primitives.truncate(text, length=length or 30, omission=omission,
                                   separator=separator or None)
    assert call(make_ctx("feature-site"), "truncate", text, length=length, omission=omission,
                separator=separator) == expected
