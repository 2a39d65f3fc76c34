"""search_form, fragment_cache, inspect, log, and the registry of built-in helpers."""
from __future__ import annotations

import logging

import pytest

from ._oracle import call, make_ctx, route_json
from engine.extend import Extend
from engine.helpers import register_builtin_helpers
from ._oracle import SITE_CALLS, SITES


@pytest.mark.parametrize("site", SITES)
def test_search_form_matches_oracle(site):
    name, args, kwargs = SITE_CALLS["search_form"]
    assert call(make_ctx(site), name, *args, **kwargs) == \
        route_json(site, "index.html")["site_helpers"]["search_form"]


def test_search_form_options():
    ctx = make_ctx("feature-site")
    assert call(ctx, "search_form", {"class": "s", "text": "Find", "button": True}) == (
        '<form action="//google.com/search" method="get" accept-charset="UTF-8" class="s">'
        '<input type="search" name="q" class="s-input" placeholder="Find">'
        '<button type="submit" class="s-submit">Find</button>'
        '<input type="hidden" name="sitesearch" value="http://example.com/blog"></form>')
    assert 'placeholder' not in call(ctx, "search_form", text="", button="Go")


def test_fragment_cache_runs_once_per_site():
    ctx = make_ctx("feature-site")
    calls = []

    def render():
        calls.append(1)
        return "<nav>"

    assert call(ctx, "fragment_cache", "nav", render) == "<nav>"
    assert call(ctx, "fragment_cache", "nav", render) == "<nav>"
    assert len(calls) == 1
    assert call(make_ctx("feature-site"), "fragment_cache", "nav", render) == "<nav>"
    assert len(calls) == 2                       # a new Site (a new build) renders again


def test_inspect_and_log(caplog):
    ctx = make_ctx("feature-site")
    assert call(ctx, "inspect", {"a": [1, 2]}) == "{'a': [1, 2]}"
    with caplog.at_level(logging.INFO, logger="pyhexo.theme"):
        assert call(ctx, "log", "hello", 3) == ""
    assert "hello 3" in caplog.text


def test_every_hexo_helper_is_registered():
    extend = Extend()
    register_builtin_helpers(extend)
    hexo = set(route_json("feature-site", "index.html")["site_helpers"]["helper_names"])
    # partial is the theme's; probe_dump is the oracle's probe; pyhexo adds the i18n functions.
    # pyhexo adds its SEO helpers (json_ld, canonical_link) and a CJK-aware word_count.
    assert set(extend.helpers.names()) == (hexo - {"partial", "probe_dump"}) | {"__", "_p"} | \
        {"json_ld", "canonical_link", "word_count"}
