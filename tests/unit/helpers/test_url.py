"""url_for / full_url_for / relative_url against the oracle, plus the relative option."""
from __future__ import annotations

import pytest

from ._oracle import call, make_ctx, route_json
from ._oracle import SITE_CALLS, all_routes, site_cases

KEYS = ("url_for_rel", "url_for_abs", "url_for_index", "url_for_ext", "relative_url", "full_url_for")


@pytest.mark.parametrize("site,key", site_cases(KEYS))
def test_site_helpers_match_oracle(site, key):
    ctx = make_ctx(site)
    name, args, kwargs = SITE_CALLS[key]
    assert call(ctx, name, *args, **kwargs) == route_json(site, "index.html")["site_helpers"][key]


@pytest.mark.parametrize("site,route", all_routes())
def test_url_for_of_every_route_matches_oracle(site, route):
    ctx = make_ctx(site, route)
    helpers = route_json(site, route)["helpers"]
    if "full_url_for_path" in helpers:          # posts and pages: url_for(page.path)
        assert call(ctx, "url_for", ctx.page.path) == helpers["url_for_path"]
        assert call(ctx, "full_url_for", ctx.page.path) == helpers["full_url_for_path"]
    else:                                       # generator pages: url_for(route path)
        assert call(ctx, "url_for", ctx.path) == helpers["url_for_path"]


def test_relative_option_is_relative_to_the_page():
    ctx = make_ctx("feature-site", "2024/01/18/headings/index.html")
    assert call(ctx, "url_for", "css/style.css", relative=True) == "../../../../css/style.css"
    assert call(ctx, "url_for", "css/style.css", {"relative": True}) == "../../../../css/style.css"
    assert call(ctx, "url_for", "css/style.css", relative=False) == "/blog/css/style.css"


def test_relative_link_config_applies_by_default():
    ctx = make_ctx("feature-site", "2024/01/18/headings/index.html")
    ctx.engine.config.raw = {**ctx.engine.config.raw, "relative_link": True}
    assert call(ctx, "url_for", "/css/style.css") == "../../../../css/style.css"


def test_memoised_url_for_is_per_site():
    ctx = make_ctx("feature-site")
    assert call(ctx, "url_for", "x/") == call(ctx, "url_for", "x/") == "/blog/x/"
