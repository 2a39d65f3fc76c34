"""`asset_path`, `asset_img`/`asset_image`, `asset_link`: files in the post's asset folder
(`post_asset_folder: true`). An asset that does not exist renders as '' (Hexo's behaviour)."""
from __future__ import annotations

import posixpath
from pathlib import Path

from engine.tags._util import escape_html, html_tag, url_for
from engine.tags.context import TagContext
from engine.tags.media import img_attrs


def _asset_url(ctx: TagContext, name: str) -> str | None:
    doc = ctx.doc
    if doc is None or not getattr(doc, "asset_dir", ""):
        return None
    folder = Path(doc.asset_dir)
    target = (folder / name)
    try:
        # Only files inside the asset folder: `../` must not reach other posts' or site files.
        if not target.resolve().is_relative_to(folder.resolve()) or not target.is_file():
            return None
    except OSError:
        return None
    base = doc.path or ""
    if not base.endswith("/"):
        base = posixpath.dirname(base) + "/"
    return url_for(ctx.config, base + name)


def asset_path(ctx: TagContext, args: list[str], content: str | None) -> str:
    """`{% asset_path name %}` → the asset's URL."""
    if not args:
        return ""
    return _asset_url(ctx, args[0]) or ""


def asset_img(ctx: TagContext, args: list[str], content: str | None) -> str:
    """`{% asset_img [class names] name [width] [height] [title [alt]] %}`."""
    attrs = img_attrs(ctx, args, src_of=lambda word: _asset_url(ctx, word))
    if attrs is None:
        return ""
    return html_tag("img", attrs, void=True)


def asset_link(ctx: TagContext, args: list[str], content: str | None) -> str:
    """`{% asset_link name [title] [escape] %}` → `<a href title>title</a>`."""
    if not args:
        return ""
    items = list(args)
    escape = True
    if len(items) > 1 and items[-1] in ("true", "false"):
        escape = items.pop() == "true"
    url = _asset_url(ctx, items[0])
    if url is None:
        return ""
    title = " ".join(items[1:]) or items[0]
    text = escape_html(title) if escape else title
    return html_tag("a", {"href": url, "title": title}, text)


def register(extend) -> None:
    extend.tags.register("asset_path", asset_path)
    extend.tags.register("asset_img", asset_img)
    extend.tags.register("asset_image", asset_img)
    extend.tags.register("asset_link", asset_link)
