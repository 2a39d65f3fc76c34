"""URL helpers: `url_for`, `full_url_for`, `relative_url` (thin wrappers over engine.urls)."""
from __future__ import annotations

from typing import Any

from engine import urls
from engine.helpers._util import options, site_memo, truthy


def url_for(ctx, path: Any = "/", *args: Any, **kwargs: Any) -> str:
    """Root-prefixed URL of a site path; `relative=True` (or config.relative_link) gives a path
    relative to the page being rendered, as Hexo's `url_for(path, {relative})`."""
    if args or kwargs:
        opts = options(args, kwargs)
        relative = opts["relative"] if "relative" in opts else ctx.config.get("relative_link")
    else:
        relative = ctx.config.get("relative_link")
    path = "/" if path is None else str(path)
    if relative is not None and relative is not False and truthy(relative):
        return urls.url_for(ctx.config, path, relative=ctx.path or "")
    # The result only depends on the config and the path: memoised per build (themes call this
    # a lot), in a dict looked up once per page.
    try:
        memo = ctx.extra["_url_for"]
    except (AttributeError, KeyError, TypeError):
        memo = _url_memo(ctx)
    url = memo.get(path)
    if url is None:
        url = memo[path] = urls.url_for(ctx.config, path, False)
    return url


def _url_memo(ctx) -> dict[str, str]:
    extra = getattr(ctx, "extra", None)
    memo = extra.get("_url_for") if isinstance(extra, dict) else None
    if memo is None:
        memo = site_memo(ctx, "url_for", None, dict)
        if isinstance(extra, dict):
            extra["_url_for"] = memo
    return memo


def full_url_for(ctx, path: Any = "/", *args: Any, **kwargs: Any) -> str:
    """Absolute URL (config.url + root + path); external URLs unchanged."""
    path = "/" if path is None else str(path)
    return urls.full_url_for(ctx.config, path)


def relative_url(ctx, from_: Any = "", to: Any = "", *args: Any, **kwargs: Any) -> str:
    """Path from one site path to another: ('foo/bar/', 'css/style.css') → '../../css/style.css'."""
    return urls.relative_url(str(from_ or ""), str(to or ""))


HELPERS = {"url_for": url_for, "full_url_for": full_url_for, "relative_url": relative_url}
