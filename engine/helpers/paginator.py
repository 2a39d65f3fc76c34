"""`paginator()`: page-number links for index/archive/tag/category pages (Hexo's markup).

Reads `page.base`, `page.current`, `page.total` and config.pagination_dir; options as Hexo's
(mid_size, end_size, prev_text, next_text, space, show_all, transform, *_class, escape...).
"""
from __future__ import annotations

from typing import Any, Callable

from engine.helpers._util import html_tag, options, or_default, truthy
from engine.helpers.url import url_for


def paginator(ctx, *args: Any, **kwargs: Any) -> str:
    opts = options(args, kwargs)
    pdir = ctx.config.get("pagination_dir") or "page"
    o: dict[str, Any] = {
        "base": or_default(ctx.page_get("base"), ""),
        "current": or_default(ctx.page_get("current"), 0),
        "format": f"{pdir}/%d/",
        "total": or_default(ctx.page_get("total"), 1),
        "end_size": 1, "mid_size": 2, "space": "&hellip;",
        "next_text": "Next", "prev_text": "Prev", "prev_next": True, "escape": True,
        "page_class": "page-number", "current_class": "current", "space_class": "space",
        "prev_class": "extend prev", "next_class": "extend next", "force_prev_next": False,
    }
    o.update(opts)
    current, total = int(o["current"] or 0), int(o["total"] or 0)
    if not current:
        return ""
    base, fmt, escape = str(o["base"]), str(o["format"]), truthy(o["escape"])
    transform = o.get("transform")

    def link(i: int) -> str:
        return url_for(ctx, base if i == 1 else base + fmt.replace("%d", str(i), 1))

    def page_tag(i: int) -> str:
        label = transform(i) if callable(transform) else i
        if i == current:
            return html_tag("span", {"class": f"{o['page_class']} {o['current_class']}"}, label, escape)
        return html_tag("a", {"class": o["page_class"], "href": link(i)}, label, escape)

    tags: list[str] = []
    prev_next = truthy(o["prev_next"])
    if prev_next and current > 1:
        tags.append(html_tag("a", {"class": o["prev_class"], "rel": "prev", "href": link(current - 1)},
                             o["prev_text"], escape))
    elif truthy(o["force_prev_next"]):
        tags.append(html_tag("span", {"class": o["prev_class"], "rel": "prev"}, o["prev_text"], escape))

    if truthy(o.get("show_all")):
        tags.extend(page_tag(i) for i in range(1, total + 1))
    else:
        _partial(tags, current, total, int(o["end_size"]), int(o["mid_size"]), o["space"],
                 str(o["space_class"]), page_tag)

    if prev_next and current < total:
        tags.append(html_tag("a", {"class": o["next_class"], "rel": "next", "href": link(current + 1)},
                             o["next_text"], escape))
    elif truthy(o["force_prev_next"]):
        tags.append(html_tag("span", {"class": o["next_class"], "rel": "next"}, o["next_text"], escape))
    return "".join(tags)


def _partial(tags: list[str], current: int, total: int, end_size: int, mid_size: int, space: Any,
             space_class: str, page_tag: Callable[[int], str]) -> None:
    """Edges (end_size pages each side), the current page with mid_size neighbours, and a `space`
    marker wherever pages are skipped."""
    left_end = min(end_size, current - 1)
    right_end = max(total - end_size + 1, current + 1)
    left_mid = max(left_end + 1, current - mid_size)
    right_mid = min(right_end - 1, current + mid_size)
    space_html = html_tag("span", {"class": space_class}, space, False)

    tags.extend(page_tag(i) for i in range(1, left_end + 1))
    if truthy(space) and left_mid - left_end > 1:
        tags.append(space_html)
    tags.extend(page_tag(i) for i in range(left_mid, current))
    tags.append(page_tag(current))
    tags.extend(page_tag(i) for i in range(current + 1, right_mid + 1))
    if truthy(space) and right_end - right_mid > 1:
        tags.append(space_html)
    tags.extend(page_tag(i) for i in range(right_end, total + 1))
