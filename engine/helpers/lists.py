"""List helpers: list_categories, list_tags, list_archives, list_posts, tagcloud (tag_cloud).

Each walks a whole site collection, so the result is memoised on the Site per (arguments, language,
and the page path when relative links are on); options that depend on the page (`show_current`) or
that are random skip the cache.
"""
from __future__ import annotations

import random
from typing import Any, Callable, Mapping, Sequence

from engine.dates import moment_format, to_zone
from engine.helpers._color import Color
from engine.helpers._util import (js_number, js_round, link_key, options, or_default, page_lang,
                                  site_memo, truthy)
from engine.helpers.dates import moment_locale
from engine.helpers.url import url_for
from engine.model import Category, Document, Query, Tag
from engine.text import escape_html


def _split(args: tuple, kwargs: dict, default: Callable[[], Any]) -> tuple[Any, dict[str, Any], Any]:
    """Hexo's `(collection?, options?)`: a first positional that is not a dict is the collection.

    Also returns the collection's part of the cache key: a marker for the site's own collection
    (hashing thousands of posts on every call would cost what the cache saves), else the items.
    """
    if args and not isinstance(args[0], Mapping) and args[0] is not None \
            and not type(args[0]).__name__.endswith("Undefined"):
        items = args[0]
        # Model objects live as long as the Site (and its cache), so their ids are stable keys;
        # anything else a template builds is not cached.
        model = all(isinstance(x, (Document, Tag, Category)) for x in items)
        return items, options(args, kwargs, start=1), ("given", tuple(map(id, items))) if model else None
    return default(), options(args, kwargs), ("site",)


def _memo(ctx, name: str, which: Any, opts: dict[str, Any], compute: Callable[[], str]) -> str:
    if which is None:
        return compute()
    return site_memo(ctx, name, (which, opts, link_key(ctx)), compute)


def _sorted(items: Sequence[Any], orderby: Any, order: Any) -> Query:
    return Query(items).sort(str(orderby), order)


def _apply(transform: Any, name: Any) -> Any:
    return transform(name) if callable(transform) else name


def _show_count(opts: Mapping[str, Any]) -> bool:
    # Hexo: show_count defaults to true only when the key is absent.
    return truthy(opts["show_count"]) if "show_count" in opts else True


# --- list_categories --------------------------------------------------------------------------------

def list_categories(ctx, *args: Any, **kwargs: Any) -> str:
    """Nested `<ul class="category-list">` (style 'list') or a flat, separated list of links."""
    cats, opts, which = _split(args, kwargs, lambda: ctx.site.categories if ctx.site else Query())
    if not cats:
        return ""
    if truthy(opts.get("show_current")):
        return _list_categories(ctx, cats, opts)
    return _memo(ctx, "list_categories", which, opts, lambda: _list_categories(ctx, cats, opts))


def _list_categories(ctx, cats: Sequence[Any], opts: dict[str, Any]) -> str:
    style = opts.get("style", "list")
    transform = opts.get("transform")
    separator = opts.get("separator", ", ")
    suffix = str(opts.get("suffix", "") or "")
    show_count = _show_count(opts)
    cls = str(or_default(opts.get("class"), "category"))
    depth = int(opts["depth"]) if truthy(opts.get("depth")) else 0
    orderby = or_default(opts.get("orderby"), "name")
    order = or_default(opts.get("order"), 1)
    show_current = truthy(opts.get("show_current"))
    indicator = opts.get("children_indicator", False)

    members = {id(c) for c in cats}
    children: dict[int | None, list[Any]] = {}
    for cat in cats:
        parent = getattr(cat, "parent", None)
        # Hexo queries the given collection: top level = no parent at all, children by parent
        # id; a category whose parent is not in the collection is never reached.
        pid = id(parent) if parent is not None and id(parent) in members else None
        if parent is not None and pid is None:
            continue
        children.setdefault(pid, []).append(cat)

    def level_of(pid: int | None) -> Query:
        return _sorted(children.get(pid, ()), orderby, order)

    def is_current(cat: Any) -> bool:
        page = ctx.page
        if page is None:
            return False
        if any(p is page for p in getattr(cat, "posts", ())):
            return True
        base = page.get("base") if isinstance(page, Mapping) else getattr(page, "base", None)
        return bool(truthy(base) and str(base).startswith(cat.path))

    def hierarchical(level: int, pid: int | None) -> str:
        out = ""
        for cat in level_of(pid):
            child = hierarchical(level + 1, id(cat)) if not depth or level + 1 < depth else ""
            current = show_current and is_current(cat)
            extra = f" {indicator}" if child and truthy(indicator) else ""
            out += f'<li class="{cls}-list-item{extra}">'
            out += (f'<a class="{cls}-list-link{" current" if current else ""}" '
                    f'href="{url_for(ctx, cat.path)}{suffix}">')
            out += f"{_apply(transform, cat.name)}</a>"
            if show_count:
                out += f'<span class="{cls}-list-count">{cat.length}</span>'
            if child:
                out += f'<ul class="{cls}-list-child">{child}</ul>'
            out += "</li>"
        return out

    def flat(level: int, pid: int | None) -> str:
        out = ""
        for i, cat in enumerate(level_of(pid)):
            if i or level:
                out += str(separator)
            out += f'<a class="{cls}-link" href="{url_for(ctx, cat.path)}{suffix}">'
            out += str(_apply(transform, cat.name))
            if show_count:
                out += f'<span class="{cls}-count">{cat.length}</span>'
            out += "</a>"
            if not depth or level + 1 < depth:
                out += flat(level + 1, id(cat))
        return out

    if style == "list":
        return f'<ul class="{cls}-list">{hierarchical(0, None)}</ul>'
    return flat(0, None)


# --- list_tags --------------------------------------------------------------------------------------

def list_tags(ctx, *args: Any, **kwargs: Any) -> str:
    """`<ul class="tag-list" itemprop="keywords">` sorted by name (style 'list'), or flat links."""
    tags, opts, which = _split(args, kwargs, lambda: ctx.site.tags if ctx.site else Query())
    if not tags:
        return ""
    return _memo(ctx, "list_tags", which, opts, lambda: _list_tags(ctx, tags, opts))


def _list_tags(ctx, tags: Sequence[Any], opts: dict[str, Any]) -> str:
    style = opts.get("style", "list")
    transform = opts.get("transform")
    separator = opts.get("separator", ", ")
    suffix = str(opts.get("suffix", "") or "")
    show_count = _show_count(opts)
    style_part = f"-{style}" if isinstance(style, str) else ""
    klass = opts.get("class")
    per = klass if isinstance(klass, Mapping) else {}
    name = klass if isinstance(klass, str) and "class" in opts else "tag"
    ul = per.get("ul") or f"{name}{style_part}"
    li = per.get("li") or f"{name}{style_part}-item"
    a = per.get("a") or f"{name}{style_part}-link"
    label = per.get("label") or f"{name}{style_part}-label"
    count = per.get("count") or f"{name}{style_part}-count"
    label_span = "label" in per

    items = _sorted(tags, or_default(opts.get("orderby"), "name"), or_default(opts.get("order"), 1))
    if truthy(opts.get("amount")):
        items = items.limit(int(opts["amount"]))

    out = ""
    if style == "list":
        out += f'<ul class="{ul}" itemprop="keywords">'
        for tag in items:
            text = transform(tag.name) if callable(transform) else escape_html(tag.name)
            out += f'<li class="{li}"><a class="{a}" href="{url_for(ctx, tag.path)}{suffix}" rel="tag">'
            out += f"{text}</a>"
            if show_count:
                out += f'<span class="{count}">{tag.length}</span>'
            out += "</li>"
        return out + "</ul>"
    for i, tag in enumerate(items):
        if i:
            out += str(separator)
        out += f'<a class="{a}" href="{url_for(ctx, tag.path)}{suffix}" rel="tag">'
        text = _apply(transform, tag.name)
        out += f'<span class="{label}">{text}</span>' if label_span else str(text)
        if show_count:
            out += f'<span class="{count}">{tag.length}</span>'
        out += "</a>"
    return out


# --- list_archives ----------------------------------------------------------------------------------

def list_archives(ctx, *args: Any, **kwargs: Any) -> str:
    """Monthly (or `type='yearly'`) archive links, newest first, names via moment `format`."""
    opts = options(args, kwargs)
    lang = moment_locale(page_lang(ctx))
    key = (opts, lang, link_key(ctx), str(getattr(ctx.engine.config, "tz", None)))
    return site_memo(ctx, "list_archives", key, lambda: _list_archives(ctx, opts, lang))


def _list_archives(ctx, opts: dict[str, Any], lang: str) -> str:
    config = ctx.config
    tz = getattr(ctx.engine.config, "tz", None)
    archive_dir = str(config.get("archive_dir") or "archives")
    kind = or_default(opts.get("type"), "monthly")
    monthly = kind == "monthly"
    style = opts.get("style", "list")
    transform = opts.get("transform")
    separator = opts.get("separator", ", ")
    show_count = _show_count(opts)
    cls = str(or_default(opts.get("class"), "archive"))
    order = or_default(opts.get("order"), -1)
    fmt = str(or_default(opts.get("format"), "MMMM YYYY" if monthly else "YYYY"))

    posts = [p for p in (ctx.site.posts if ctx.site else ()) if p.date is not None]
    if not posts:
        return ""
    desc = order in (-1, "-1", "desc", "descending")
    posts.sort(key=lambda p: p.date.timestamp(), reverse=desc)

    data: list[list[Any]] = []          # [name, year, month, count]
    for post in posts:
        local = to_zone(post.date, tz)
        last = data[-1] if data else None
        if last and last[1] == local.year and (not monthly or last[2] == local.month):
            last[3] += 1
        else:
            data.append([moment_format(post.date, fmt, tz=tz, lang=lang), local.year, local.month, 1])

    def link(item: list[Any]) -> str:
        url = f"{archive_dir}/{item[1]}/"
        if monthly:
            url += f"{item[2]:02d}/"
        return url_for(ctx, url)

    out = ""
    if style == "list":
        out += f'<ul class="{cls}-list">'
        for item in data:
            out += f'<li class="{cls}-list-item"><a class="{cls}-list-link" href="{link(item)}">'
            out += f"{_apply(transform, item[0])}</a>"
            if show_count:
                out += f'<span class="{cls}-list-count">{item[3]}</span>'
            out += "</li>"
        return out + "</ul>"
    for i, item in enumerate(data):
        if i:
            out += str(separator)
        out += f'<a class="{cls}-link" href="{link(item)}">{_apply(transform, item[0])}'
        if show_count:
            out += f'<span class="{cls}-count">{item[3]}</span>'
        out += "</a>"
    return out


# --- list_posts -------------------------------------------------------------------------------------

def list_posts(ctx, *args: Any, **kwargs: Any) -> str:
    """The `amount` (default 6) newest posts as `<ul class="post-list">` (titles not escaped)."""
    posts, opts, which = _split(args, kwargs, lambda: ctx.site.posts if ctx.site else Query())
    return _memo(ctx, "list_posts", which, opts, lambda: _list_posts(ctx, posts, opts))


def _list_posts(ctx, posts: Sequence[Any], opts: dict[str, Any]) -> str:
    style = opts.get("style", "list")
    transform = opts.get("transform")
    separator = opts.get("separator", ", ")
    cls = str(or_default(opts.get("class"), "post"))
    amount = int(or_default(opts.get("amount"), 6))
    items = _sorted(posts, or_default(opts.get("orderby"), "date"), or_default(opts.get("order"), -1))
    if amount:
        items = items.limit(amount)

    out = ""
    if style == "list":
        out += f'<ul class="{cls}-list">'
        for post in items:
            title = post.title or post.slug
            out += (f'<li class="{cls}-list-item"><a class="{cls}-list-link" '
                    f'href="{url_for(ctx, post.path)}">{_apply(transform, title)}</a></li>')
        return out + "</ul>"
    for i, post in enumerate(items):
        if i:
            out += str(separator)
        title = post.title or post.slug
        out += f'<a class="{cls}-link" href="{url_for(ctx, post.path)}">{_apply(transform, title)}</a>'
    return out


# --- tagcloud ---------------------------------------------------------------------------------------

def tagcloud(ctx, *args: Any, **kwargs: Any) -> str:
    """Tag links sized min_font..max_font (10–20px) by how many posts each tag has."""
    tags, opts, which = _split(args, kwargs, lambda: ctx.site.tags if ctx.site else Query())
    if not tags:
        return ""
    if str(opts.get("orderby")) in ("random", "rand"):
        return _tagcloud(ctx, tags, opts)
    return _memo(ctx, "tagcloud", which, opts, lambda: _tagcloud(ctx, tags, opts))


def _tagcloud(ctx, tags: Sequence[Any], opts: dict[str, Any]) -> str:
    min_font = float(or_default(opts.get("min_font"), 10))
    max_font = float(or_default(opts.get("max_font"), 20))
    orderby = or_default(opts.get("orderby"), "name")
    order = or_default(opts.get("order"), 1)
    unit = str(or_default(opts.get("unit"), "px"))
    color = truthy(opts.get("color"))
    cls = opts.get("class")
    show_count = truthy(opts.get("show_count"))
    count_cls = or_default(opts.get("count_class"), "count")
    level = float(or_default(opts.get("level"), 10))
    transform = opts.get("transform")
    separator = str(or_default(opts.get("separator"), " "))

    start = end = None
    if color:
        if not truthy(opts.get("start_color")):
            raise TypeError("start_color is required!")
        if not truthy(opts.get("end_color")):
            raise TypeError("end_color is required!")
        start, end = Color.parse(opts["start_color"]), Color.parse(opts["end_color"])

    if orderby in ("random", "rand"):
        items = list(tags)
        random.shuffle(items)
        items = Query(items)
    else:
        items = _sorted(tags, orderby, order)
    if truthy(opts.get("amount")):
        items = items.limit(int(opts["amount"]))

    sizes: list[int] = []
    for tag in sorted(items, key=lambda t: t.length):
        if tag.length not in sizes:
            sizes.append(tag.length)
    steps = len(sizes) - 1

    out = []
    for tag in items:
        ratio = sizes.index(tag.length) / steps if steps else 0
        size = min_font + (max_font - min_font) * ratio
        style = f"font-size: {js_number(float(f'{size:.2f}'))}{unit};"
        attr = f' class="{cls}-{js_round(ratio * level)}"' if truthy(cls) else ""
        if color:
            style += f" color: {start.mix(end, ratio)}"
        count = f'<span class="{count_cls}">{tag.length}</span>' if show_count else ""
        out.append(f'<a href="{url_for(ctx, tag.path)}" style="{style}"{attr}>'
                   f"{_apply(transform, tag.name)}{count}</a>")
    return separator.join(out)


HELPERS = {
    "list_categories": list_categories, "list_tags": list_tags, "list_archives": list_archives,
    "list_posts": list_posts, "tagcloud": tagcloud, "tag_cloud": tagcloud,
}
