"""Hexo-style pagination: `base`, `base/page/2/`, … with the page data keys themes expect."""
from __future__ import annotations

from typing import Any, Iterator, Sequence

from engine.model import PageData, Query
from engine.routes import Route


def paginate(base: str, posts: Sequence[Any], per_page: int, pagination_dir: str,
             layouts: tuple[str, ...], kind: str, extra: dict[str, Any],
             generator: str) -> Iterator[Route]:
    """Yield one route per page. `base` is '' or ends with '/'; per_page 0 means one page.

    No posts, no pages: as Hexo, so a site whose `source/index.md` is its home page keeps it."""
    if not posts:
        return
    per_page = int(per_page or 0)
    total = max(1, -(-len(posts) // per_page)) if per_page > 0 else 1
    fmt = f"{pagination_dir.strip('/')}/%d/"

    def link(n: int) -> str:
        return base if n == 1 else base + fmt % n

    for current in range(1, total + 1):
        chunk = posts[(current - 1) * per_page: current * per_page] if per_page > 0 else posts
        prev = current - 1 if current > 1 else 0
        nxt = current + 1 if current < total else 0
        data = PageData(
            base=base, total=total, current=current, current_url=link(current),
            posts=Query(chunk), prev=prev, prev_link=link(prev) if prev else "",
            next=nxt, next_link=link(nxt) if nxt else "",
        )
        data.update(extra)
        yield Route(link(current), layouts, data, kind, None, generator)


def per_page_of(options: dict | None, config_raw: dict) -> int:
    value = (options or {}).get("per_page")
    if value is None:
        value = config_raw.get("per_page", 10)
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 10


def sort_posts(posts: Sequence[Any], order_by: str | None) -> Query:
    """Order by a field such as '-date' (stable, so ties keep the incoming order)."""
    order_by = order_by or "-date"
    return Query(posts).sort(order_by) if order_by != "-date" else Query(posts)
