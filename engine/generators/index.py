"""The home page list: posts ordered by `top`, then `sticky` (higher first), then the configured order.

Hexo's default index generator honours `sticky`; the popular pin-top plugin honours `top`. pyhexo does
both, so a pinned page (`top: 100`) comes first without a plugin.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from engine.generators.paginate import paginate, per_page_of, sort_posts
from engine.routes import Route

if TYPE_CHECKING:
    from engine.core import Engine
    from engine.model import Site


def _rank(value) -> float:
    try:
        return float(value) if value else 0.0
    except (TypeError, ValueError):
        return 1.0 if value else 0.0  # `top: true` pins too


def generate_index(site: "Site", engine: "Engine") -> Iterable[Route]:
    raw = engine.config.raw
    opts = raw.get("index_generator") or {}
    posts = sort_posts(site.posts, opts.get("order_by"))
    posts = sorted(posts, key=lambda p: (-_rank(p.get("top")), -_rank(p.get("sticky"))))
    base = str(opts.get("path") or "").strip("/")
    base = base + "/" if base else ""
    layouts = opts.get("layout") or ["index", "archive"]
    return paginate(base, posts, per_page_of(opts, raw),
                    str(opts.get("pagination_dir") or raw.get("pagination_dir") or "page"),
                    tuple(layouts if isinstance(layouts, list) else [layouts]), "index",
                    {"__index": True}, "index")
