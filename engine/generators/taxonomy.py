"""Tag and category pages (`tags/<slug>/`, `categories/<parent>/<child>/`), paginated."""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from engine.generators.paginate import paginate, per_page_of, sort_posts
from engine.model import PageData, Query
from engine.routes import Route

if TYPE_CHECKING:
    from engine.core import Engine
    from engine.model import Site


def generate_tags(site: "Site", engine: "Engine") -> Iterable[Route]:
    raw = engine.config.raw
    opts = raw.get("tag_generator") or {}
    pdir = str(raw.get("pagination_dir") or "page")
    per_page = per_page_of(opts, raw)
    for tag in site.tags:
        posts = sort_posts(tag.posts, opts.get("order_by"))
        yield from paginate(tag.path, posts, per_page, pdir, ("tag", "archive", "index"), "tag",
                            {"tag": tag.name}, "tag")
    if opts.get("enable_index_page"):
        base = str(raw.get("tag_dir") or "tags").strip("/") + "/"
        data = PageData(base=base, total=1, current=1, current_url=base, posts=Query(site.posts),
                        prev=0, prev_link="", next=0, next_link="", tags=site.tags)
        yield Route(base, ("tag-index", "tag", "archive", "index"), data, "tag", None, "tag")


def generate_categories(site: "Site", engine: "Engine") -> Iterable[Route]:
    raw = engine.config.raw
    opts = raw.get("category_generator") or {}
    pdir = str(raw.get("pagination_dir") or "page")
    per_page = per_page_of(opts, raw)
    for cat in site.categories:
        posts = sort_posts(cat.posts, opts.get("order_by"))
        yield from paginate(cat.path, posts, per_page, pdir, ("category", "archive", "index"),
                            "category", {"category": cat.name}, "category")
