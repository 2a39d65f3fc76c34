"""URL helpers: `url_for`, `full_url_for`, `relative_url` (thin wrappers over engine.urls)."""
from __future__ import annotations

from typing import Any

from engine import urls
from engine.helpers._util import options, site_memo, truthy


def url_for(ctx, path: Any = "/", *args: Any, **kwargs: Any) -> str:
    """Root-prefixed URL of a site path; `relative=True` (or config.relative_link) gives a path
    relative to the page being rendered, as Hexo's `url_for(path, {relative})`."""
    opts = options(args, kwargs)
    path = "/" if path is None else str(path)
    relative = opts["relative"] if "relative" in opts else ctx.config.get("relative_link")
    if truthy(relative):
        return urls.url_for(ctx.config, path, relative=ctx.path or "")
    # The result only depends on the config and the path: memoise (themes call this a lot).
    return site_memo(ctx, "url_for", path, lambda: urls.url_for(ctx.config, path, False))


def full_url_for(ctx, path: Any = "/", *args: Any, **kwargs: Any) -> str:
    """Absolute URL (config.url + root + path); external URLs unchanged."""
    path = "/" if path is None else str(path)
    return urls.full_url_for(ctx.config, path)


def relative_url(ctx, from_: Any = "", to: Any = "", *args: Any, **kwargs: Any) -> str:
    """Path from one site path to another: ('foo/bar/', 'css/style.css') → '../../css/style.css'."""
    return urls.relative_url(str(from_ or ""), str(to or ""))


HELPERS = {"url_for": url_for, "full_url_for": full_url_for, "relative_url": relative_url}
