"""The site model: documents (posts and pages), tags, categories and the `Site` that holds them.

These are the objects themes see as `page`, `site.posts`, `page.tags`... with Hexo's field names.
Building the model from parsed sources is `engine.site_model.build_site`; this module only defines
the types and the small query helpers themes use (`site.posts.sort('-date').limit(5)`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable


class Query(tuple):
    """An immutable list with Hexo's Query methods that themes call (`sort`, `limit`, `length`)."""

    @property
    def length(self) -> int:
        return len(self)

    def toArray(self) -> list:  # noqa: N802 - Hexo's name
        return list(self)

    def to_list(self) -> list:
        return list(self)

    def first(self):
        return self[0] if self else None

    def last(self):
        return self[-1] if self else None

    def limit(self, n: int) -> "Query":
        return Query(self[: int(n)]) if n else Query(self)

    def skip(self, n: int) -> "Query":
        return Query(self[int(n):])

    def filter(self, fn: Callable[[Any], bool]) -> "Query":
        return Query(x for x in self if fn(x))

    def map(self, fn: Callable[[Any], Any]) -> list:
        return [fn(x) for x in self]

    def sort(self, spec: str = "-date", order: int | str | None = None) -> "Query":
        """`sort('-date')`, `sort('title')`, `sort('date', -1)`, `sort('name', 'desc')`."""
        key = spec.lstrip("-")
        desc = spec.startswith("-") or order in (-1, "-1", "desc", "descending")
        return Query(sorted(self, key=lambda x: sort_key(_field(x, key)), reverse=desc))

    def each(self, fn: Callable[[Any], Any]) -> None:
        for x in self:
            fn(x)


def _field(obj: Any, name: str) -> Any:
    if isinstance(obj, dict):
        return obj.get(name)
    return getattr(obj, name, None)


def sort_key(value: Any) -> tuple:
    """A key that orders None first and never compares unlike types."""
    if value is None:
        return (0, 0)
    if isinstance(value, datetime):
        return (1, value.timestamp())
    if isinstance(value, (int, float)):
        return (2, value)
    return (3, str(value))


class PageData(dict):
    """Generator page data (index, archive, tag, category pages); attribute access for Python code."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass(eq=False)
class Document:
    """A post or a page. Unknown attributes fall back to the front-matter (`page.custom_field`)."""

    kind: str                              # 'post' or 'page'
    source: str                            # relative to source_dir, posix: '_posts/x.md'
    full_source: Path
    raw: str                               # the whole file
    body: str                              # text after the front-matter
    body_line: int                         # 1-based file line of the first body line
    front_matter: dict[str, Any]
    title: str = ""
    date: datetime | None = None
    updated: datetime | None = None
    layout: str | bool = "post"
    comments: bool = True
    published: bool = True
    slug: str = ""
    path: str = ""                         # '2024/01/02/x/' (posts) or 'about/index.html' (pages)
    permalink: str = ""
    content: str = ""
    excerpt: str = ""
    more: str = ""
    tag_names: list[str] = field(default_factory=list)
    category_paths: list[list[str]] = field(default_factory=list)
    tags: "Query" = field(default_factory=Query)
    categories: "Query" = field(default_factory=Query)
    prev: "Document | None" = None
    next: "Document | None" = None
    photos: list[Any] = field(default_factory=list)
    link: str = ""
    lang: str | None = None
    asset_dir: str = ""                    # absolute dir of the post asset folder, if any
    disable_nunjucks: bool = False
    render_markdown: bool = True           # False for .html pages: tags only
    draft: bool = False
    render_warnings: list[Any] = field(default_factory=list)   # from the last body render

    def __getattr__(self, name: str) -> Any:
        # Only reached when normal lookup fails: front-matter keys become attributes.
        fm = self.__dict__.get("front_matter")
        if fm is not None and name in fm:
            return fm[name]
        raise AttributeError(name)

    def __getitem__(self, name: str) -> Any:
        try:
            return getattr(self, name)
        except AttributeError:
            raise KeyError(name) from None

    def get(self, name: str, default: Any = None) -> Any:
        return getattr(self, name, default)

    @property
    def full_path(self) -> str:
        return str(self.full_source)

    @property
    def canonical_path(self) -> str:
        p = self.path.lstrip("/")
        return p + "index.html" if p.endswith("/") or not p else p

    @property
    def is_post(self) -> bool:
        return self.kind == "post"

    @property
    def is_page(self) -> bool:
        return self.kind == "page"

    def __repr__(self) -> str:
        return f"Document({self.kind}, {self.source!r})"


@dataclass(eq=False)
class Tag:
    name: str
    slug: str
    path: str                              # 'tags/Alpha/'
    permalink: str
    posts: Query = field(default_factory=Query)

    @property
    def length(self) -> int:
        return len(self.posts)

    def __repr__(self) -> str:
        return f"Tag({self.name!r})"


@dataclass(eq=False)
class Category:
    name: str
    slug: str                              # 'Parent/Child'
    path: str                              # 'categories/Parent/Child/'
    permalink: str
    parent: "Category | None" = None
    posts: Query = field(default_factory=Query)   # distinct posts linked here, newest first
    children: list["Category"] = field(default_factory=list)
    # Hexo counts post-category links, so a post listed under two hierarchies that share this
    # parent counts twice in `length` (feature-site: Diary has 2 posts and length 3).
    link_count: int = 0

    @property
    def length(self) -> int:
        return self.link_count or len(self.posts)

    def __repr__(self) -> str:
        return f"Category({self.slug!r})"


@dataclass(eq=False)
class Site:
    """What themes see as `site`. `posts` is newest first; tags/categories in creation order."""

    posts: Query = field(default_factory=Query)
    pages: Query = field(default_factory=Query)
    tags: Query = field(default_factory=Query)
    categories: Query = field(default_factory=Query)
    data: dict[str, Any] = field(default_factory=dict)

    def post_by_slug(self, slug: str) -> Document | None:
        index = self.__dict__.setdefault("_slug_index", {})
        if not index:
            for p in self.posts:
                index.setdefault(p.slug, p)
                index.setdefault(p.source.removeprefix("_posts/").rsplit(".", 1)[0], p)
        return index.get(slug)
