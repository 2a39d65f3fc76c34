"""`url_for` and `full_url_for` tags: `{% url_for text path %}` → `<a href="/root/path">text</a>`."""
from __future__ import annotations

from engine.tags._util import escape_html, full_url_for as _full, html_tag, url_for as _url
from engine.tags.context import TagContext, TagError


def _split(name: str, args: list[str]) -> tuple[str, str]:
    if len(args) < 2:
        raise TagError(f"{name} needs a text and a path", hint=f"{{% {name} text path %}}")
    return " ".join(args[:-1]), args[-1]


def url_for(ctx: TagContext, args: list[str], content: str | None) -> str:
    items = list(args)
    # Hexo accepts a trailing relative flag; relative URLs need the page path, which a post body
    # does not have, so the flag is accepted and ignored.
    if len(items) > 2 and items[-1] in ("true", "false"):
        items.pop()
    text, path = _split("url_for", items)
    return html_tag("a", {"href": _url(ctx.config, path)}, escape_html(text))


def full_url_for(ctx: TagContext, args: list[str], content: str | None) -> str:
    text, path = _split("full_url_for", args)
    return html_tag("a", {"href": _full(ctx.config, path)}, escape_html(text))


def register(extend) -> None:
    extend.tags.register("url_for", url_for)
    extend.tags.register("full_url_for", full_url_for)
