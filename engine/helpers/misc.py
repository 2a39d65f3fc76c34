"""The remaining Hexo helpers: search_form, fragment_cache, inspect, log."""
from __future__ import annotations

import logging
import pprint
from typing import Any, Callable

from engine.helpers._util import options, or_default, truthy

log_ = logging.getLogger("pyhexo.theme")


def search_form(ctx, *args: Any, **kwargs: Any) -> str:
    """A Google site-search form (Hexo's markup); options class, text, button."""
    opts = options(args, kwargs)
    cls = or_default(opts.get("class"), "search-form")
    text = opts.get("text", "Search")
    button = opts.get("button")
    placeholder = f' placeholder="{text}"' if truthy(text) else ""
    btn = ""
    if truthy(button):
        label = button if isinstance(button, str) else text
        btn = f'<button type="submit" class="{cls}-submit">{label}</button>'
    return (f'<form action="//google.com/search" method="get" accept-charset="UTF-8" class="{cls}">'
            f'<input type="search" name="q" class="{cls}-input"{placeholder}>{btn}'
            f'<input type="hidden" name="sitesearch" value="{ctx.config.get("url", "")}"></form>')


def fragment_cache(ctx, id_: Any, fn: Callable[[], Any] | None = None, *args: Any, **kwargs: Any) -> Any:
    """Render `fn()` once per build and reuse it for every page (`fragment_cache('nav', fn)`)."""
    site = ctx.site
    if site is None:
        return fn() if callable(fn) else fn
    memo = site.__dict__.setdefault("_pyhexo_helper_memo", {})
    key = ("fragment_cache", str(id_))
    if key not in memo:
        memo[key] = fn() if callable(fn) else fn
    return memo[key]


def inspect(ctx, obj: Any = None, *args: Any, **kwargs: Any) -> str:
    """A readable dump of a value (Hexo uses Node's util.inspect; this is Python's pprint)."""
    opts = options(args, kwargs)
    depth = opts.get("depth")
    return pprint.pformat(obj, depth=int(depth) if truthy(depth) else None, width=100)


def log(ctx, *args: Any, **kwargs: Any) -> str:
    """Log the arguments (at INFO on the 'pyhexo.theme' logger) and print nothing."""
    log_.info(" ".join(str(a) for a in args))
    return ""


HELPERS = {"search_form": search_form, "fragment_cache": fragment_cache, "inspect": inspect,
           "log": log}
