"""Hexo's template helpers, registered on an `Extend` like any plugin's helpers.

Each helper is `fn(ctx: RenderContext, *args, **kwargs)`; Hexo's trailing options object is accepted
as keyword arguments or as a dict positional. `partial` belongs to the theme (engine.theme).
"""
from __future__ import annotations

from typing import Any, Callable

from engine.extend import Extend


def builtin_helpers() -> dict[str, Callable[..., Any]]:
    """Name → function for every built-in helper."""
    from engine.helpers import (dates, i18n, is_, jsonld, lists, meta, misc, paginator, render,
                                tags_html, text, toc, url)

    helpers: dict[str, Callable[..., Any]] = {}
    for module in (url, tags_html, is_, dates, lists, toc, text, render, meta, misc, i18n, jsonld):
        helpers.update(module.HELPERS)
    helpers["paginator"] = paginator.paginator
    return helpers


def register_builtin_helpers(extend: Extend) -> None:
    for name, fn in builtin_helpers().items():
        extend.helpers.register(name, fn)


__all__ = ["register_builtin_helpers", "builtin_helpers"]
