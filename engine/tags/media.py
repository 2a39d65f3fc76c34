"""`iframe`, `img`/`image` and `link`/`a`/`anchor` (SPEC §9, outputs as Hexo 8.1.2 prints them)."""
from __future__ import annotations

import re

from engine.tags._util import escape_html, html_tag, is_url_like, url_for
from engine.tags.context import TagContext, TagError

# Hexo's title/alt split of the remaining img words: an optional quoted title, then an optional
# quoted alt. Quotes were already removed by the argument splitter, so in practice everything
# left becomes the title (`"Title text" "Alt text"` → title="Title text Alt text", as Hexo does).
_META = re.compile(r"""["']?([^"']+)?["']?\s*["']?([^"']+)?["']?""")
_SIZE = re.compile(r"^\d+(?:px|%)?$")


def iframe(ctx: TagContext, args: list[str], content: str | None) -> str:
    """`{% iframe url [width] [height] %}`."""
    if not args:
        raise TagError("iframe needs a URL")
    url = args[0]
    width = args[1] if len(args) > 1 else "100%"
    height = args[2] if len(args) > 2 else "300"
    return html_tag("iframe", {"src": url, "width": width, "height": height, "frameborder": "0",
                               "loading": "lazy", "allowfullscreen": True})


def img_attrs(ctx: TagContext, args: list[str], src_of=None) -> dict | None:
    """Parse `[class names] src [width] [height] [title [alt]]` into ordered attributes.
    `src_of(word)` turns the source word into a URL (asset_img resolves assets with it)."""
    items = list(args)
    classes: list[str] = []
    src = None
    while items:
        item = items.pop(0)
        if src_of is None and not is_url_like(item):
            classes.append(item)
            continue
        if src_of is not None:
            resolved = src_of(item)
            if resolved is None:
                classes.append(item)
                continue
            src = resolved
        else:
            src = url_for(ctx.config, item)
        break
    if src is None:
        return None
    attrs: dict = {"src": src, "class": " ".join(classes)}
    if items and _SIZE.match(items[0]):
        attrs["width"] = items.pop(0)
        if items and _SIZE.match(items[0]):
            attrs["height"] = items.pop(0)
    rest = " ".join(items)
    if rest:
        m = _META.match(rest)
        if m and m.group(1):
            attrs["title"] = m.group(1).strip()
        if m and m.group(2):
            attrs["alt"] = m.group(2).strip()
    return attrs


def img(ctx: TagContext, args: list[str], content: str | None) -> str:
    """`{% img [class names] /path/to/image [width] [height] ["title text" ["alt text"]] %}`."""
    attrs = img_attrs(ctx, args)
    if attrs is None:
        raise TagError("img needs an image path (an absolute path or URL)")
    return html_tag("img", attrs, void=True)


def link(ctx: TagContext, args: list[str], content: str | None) -> str:
    """`{% link text url [external] [title] %}`: words before the first URL are the text; then an
    optional `true`/`false` (open in a new window) and the rest is the title."""
    text: list[str] = []
    url = None
    i = 0
    for i, item in enumerate(args):
        if is_url_like(item):
            url = item
            break
        text.append(item)
    if url is None:
        raise TagError("link needs a URL", hint="{% link text url [external] [title] %}")
    rest = args[i + 1:]
    external = False
    if rest and rest[0] in ("true", "false"):
        external = rest.pop(0) == "true"
    title = " ".join(rest)
    attrs = {"href": url, "title": title, "target": "_blank" if external else ""}
    return html_tag("a", attrs, escape_html(" ".join(text)))


def register(extend) -> None:
    extend.tags.register("iframe", iframe)
    extend.tags.register("img", img)
    extend.tags.register("image", img)
    extend.tags.register("link", link)
    extend.tags.register("a", link)
    extend.tags.register("anchor", link)
