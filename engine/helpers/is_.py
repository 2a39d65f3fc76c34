"""Page-kind predicates: is_home, is_post, is_archive, is_current…

Hexo decides from flags in the page data (`__index`, `__post`, `archive`, `year`…). In pyhexo a
Document knows its `kind`; generator PageData dicts carry Hexo's keys; `ctx.route_kind` is the last
resort for anything else a theme passes as `page`.
"""
from __future__ import annotations

import re
from typing import Any

from engine.helpers._util import truthy
from engine.model import Document


def _flag(ctx, name: str) -> Any:
    page = ctx.page
    if page is None:
        return None
    if isinstance(page, dict):
        return page.get(name)
    return getattr(page, name, None)


def _kind_is(ctx, kind: str) -> bool:
    page = ctx.page
    if isinstance(page, Document):
        return page.kind == kind
    if page:
        return truthy(_flag(ctx, f"__{kind}"))   # Hexo's __index / __post / __page flags
    return ctx.route_kind == kind                # no page data at all


def _abs(path: str) -> str:
    return path if path.startswith("/") else "/" + path


def is_current(ctx, path: Any = "/", strict: Any = False, *args: Any, **kwargs: Any) -> bool:
    """Whether the page being rendered is `path` (strict) or below it."""
    path = "/" if path is None else str(path)
    current = _abs(ctx.path or "")
    if truthy(strict):
        if path.endswith("/"):
            path += "index.html"
        return current == _abs(path)
    path = re.sub(r"/index\.html$", "/", path)
    if path == "/":
        return current == "/index.html"
    return current.startswith(_abs(path))


def is_home(ctx, *args: Any, **kwargs: Any) -> bool:
    return _kind_is(ctx, "index")


def is_home_first_page(ctx, *args: Any, **kwargs: Any) -> bool:
    return is_home(ctx) and _flag(ctx, "current") == 1


def is_post(ctx, *args: Any, **kwargs: Any) -> bool:
    return _kind_is(ctx, "post")


def is_page(ctx, *args: Any, **kwargs: Any) -> bool:
    return _kind_is(ctx, "page")


def is_archive(ctx, *args: Any, **kwargs: Any) -> bool:
    return truthy(_flag(ctx, "archive"))


def is_year(ctx, year: Any = None, *args: Any, **kwargs: Any) -> bool:
    if not truthy(_flag(ctx, "archive")):
        return False
    if truthy(year):
        return _flag(ctx, "year") == _num(year)
    return truthy(_flag(ctx, "year"))


def is_month(ctx, year: Any = None, month: Any = None, *args: Any, **kwargs: Any) -> bool:
    if not truthy(_flag(ctx, "archive")):
        return False
    if truthy(year):
        if truthy(month):
            return _flag(ctx, "year") == _num(year) and _flag(ctx, "month") == _num(month)
        # One argument means the month (Hexo's signature quirk).
        return _flag(ctx, "month") == _num(year)
    return truthy(_flag(ctx, "year")) and truthy(_flag(ctx, "month"))


def is_category(ctx, category: Any = None, *args: Any, **kwargs: Any) -> bool:
    if truthy(category):
        return _flag(ctx, "category") == category
    return truthy(_flag(ctx, "category"))


def is_tag(ctx, tag: Any = None, *args: Any, **kwargs: Any) -> bool:
    if truthy(tag):
        return _flag(ctx, "tag") == tag
    return truthy(_flag(ctx, "tag"))


def _num(value: Any) -> Any:
    # Hexo compares with ===, so '2024' never equals 2024 there; templates in Python pass either,
    # so accept digit strings as numbers.
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return value


HELPERS = {
    "is_current": is_current, "is_home": is_home, "is_home_first_page": is_home_first_page,
    "is_post": is_post, "is_page": is_page, "is_archive": is_archive, "is_year": is_year,
    "is_month": is_month, "is_category": is_category, "is_tag": is_tag,
}
