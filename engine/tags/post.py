"""`post_path` and `post_link`: links to other posts by slug (or by file name under `_posts/`)."""
from __future__ import annotations

from engine.tags._util import escape_html, html_tag, url_for
from engine.tags.context import TagContext, TagError


def _find(ctx: TagContext, slug: str):
    site = ctx.site
    if site is None or not hasattr(site, "post_by_slug"):
        return None
    return site.post_by_slug(slug)


def _split_hash(slug: str) -> tuple[str, str]:
    slug, sep, frag = slug.partition("#")
    return slug, (sep + frag if sep else "")


def post_path(ctx: TagContext, args: list[str], content: str | None) -> str:
    """`{% post_path slug %}` → the post's URL; '' when there is no such post (as Hexo)."""
    if not args:
        return ""
    slug, frag = _split_hash(args[0])
    post = _find(ctx, slug)
    if post is None:
        return ""
    return url_for(ctx.config, post.path) + frag


def post_link(ctx: TagContext, args: list[str], content: str | None) -> str:
    """`{% post_link slug [text] [escape] %}`; a missing post is an error for this document
    (Hexo 8 throws too), so a broken link never reaches the output silently."""
    if not args:
        raise TagError("post_link needs a post slug", hint="{% post_link slug [text] [escape] %}")
    items = list(args)
    escape = True
    if len(items) > 1 and items[-1] in ("true", "false"):
        escape = items.pop() == "true"
    slug, frag = _split_hash(items[0])
    post = _find(ctx, slug)
    if post is None:
        raise TagError(f"post_link: no post with slug '{slug}'",
                       hint="use the post's file name (without .md) or its slug")
    title = post.title or post.slug
    text = " ".join(items[1:]) or title
    if escape:
        text = escape_html(text)
    return html_tag("a", {"href": url_for(ctx.config, post.path) + frag, "title": title}, text)


def register(extend) -> None:
    extend.tags.register("post_path", post_path)
    extend.tags.register("post_link", post_link)
