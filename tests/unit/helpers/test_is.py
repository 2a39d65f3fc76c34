"""is_* helpers: every route's `is` block of every oracle site."""
from __future__ import annotations

import pytest

from ._oracle import call, make_ctx, route_json
from engine.model import PageData
from ._oracle import all_routes

NAMES = {"home": "is_home", "home_first_page": "is_home_first_page", "post": "is_post",
         "page": "is_page", "archive": "is_archive", "year": "is_year", "month": "is_month",
         "category": "is_category", "tag": "is_tag"}


@pytest.mark.parametrize("site,route", all_routes())
def test_is_block_matches_oracle(site, route):
    ctx = make_ctx(site, route)
    expected = route_json(site, route)["is"]
    got = {key: call(ctx, name) for key, name in NAMES.items()}
    got["current_root"] = call(ctx, "is_current", "/")
    assert got == expected


def _ctx(path: str, **page):
    ctx = make_ctx("feature-site")
    ctx.path, ctx.page = path, PageData(page)
    return ctx


def test_is_current_prefix_and_strict():
    ctx = _ctx("archives/2024/01/index.html", archive=True, year=2024, month=1)
    assert call(ctx, "is_current", "archives/")
    assert call(ctx, "is_current", "/archives/2024/")
    assert not call(ctx, "is_current", "/tags/")
    assert call(ctx, "is_current", "/archives/2024/01/", True)
    assert not call(ctx, "is_current", "/archives/2024/", True)


def test_is_year_and_month_with_arguments():
    ctx = _ctx("archives/2024/01/index.html", archive=True, year=2024, month=1)
    assert call(ctx, "is_year", 2024) and not call(ctx, "is_year", 2023)
    assert call(ctx, "is_month", 2024, 1) and call(ctx, "is_month", 1)   # one argument = month
    assert not call(ctx, "is_month", 2024, 2)


def test_is_tag_and_category_with_names():
    assert call(_ctx("tags/a/index.html", tag="Alpha"), "is_tag", "Alpha")
    assert not call(_ctx("tags/a/index.html", tag="Alpha"), "is_tag", "beta")
    assert call(_ctx("categories/x/index.html", category="Games"), "is_category", "Games")


def test_route_kind_is_used_when_there_is_no_page_data():
    ctx = make_ctx("feature-site")
    ctx.page, ctx.route_kind = None, "post"
    assert call(ctx, "is_post") and not call(ctx, "is_home")
