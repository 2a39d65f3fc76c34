"""`__` and `_p` against the oracle's i18n blocks (probe theme languages), and formatting rules."""
from __future__ import annotations

import pytest

from ._oracle import call, make_ctx, route_json
from ._oracle import all_routes


@pytest.mark.parametrize("site,route", all_routes())
def test_i18n_block_matches_oracle(site, route):
    ctx = make_ctx(site, route)
    expected = route_json(site, route)["i18n"]
    assert call(ctx, "__", "probe_hello") == expected["hello"]
    assert call(ctx, "_p", "probe_count", 2) == expected["count2"]
    assert call(ctx, "__", "no.such.key") == expected["missing"]
    # page_lang is not a Hexo 8 helper (the oracle shows an error); pyhexo doesn't register it.
    assert "__error" in expected["page_lang"]


@pytest.fixture
def ctx():
    return make_ctx("feature-site")


def test_plural_forms(ctx):
    assert call(ctx, "_p", "probe_count", 0) == "No item"
    assert call(ctx, "_p", "probe_count", 1) == "One item"
    assert call(ctx, "_p", "probe_count", 5) == "5 items"


def test_fallback_to_default_language_and_other_languages(ctx):
    ctx.lang = "fr"                                     # no fr.yml: en (config) then default
    assert call(ctx, "__", "probe_hello") == "Hello (en)"
    ctx.engine.config.raw = {**ctx.engine.config.raw, "language": ["zh-CN", "en"]}
    assert call(ctx, "__", "probe_hello") == "你好"
    ctx.engine.config.raw = {**ctx.engine.config.raw, "language": "de"}
    assert call(ctx, "__", "probe_hello") == "Hello (default)"


def test_sprintf_formatting():
    from engine.helpers.i18n import sprintf
    assert sprintf("%s has %d posts (%%)", ("Ann", 3.7)) == "Ann has 3 posts (%)"
    assert sprintf("%2$s %1$s", ("a", "b")) == "b a"
    assert sprintf("%s", ()) == "%s"


def test_nested_keys_flatten(tmp_path, ctx):
    (tmp_path / "languages").mkdir()
    (tmp_path / "languages" / "en.yml").write_text("menu:\n  home: Home %s\n", "utf-8")
    ctx.engine.config.theme_dir = tmp_path
    ctx.site = None                                     # no per-site cache
    assert call(ctx, "__", "menu.home", "X") == "Home X"
    assert call(ctx, "__", "menu") == "menu"            # a table is not a string: the key
