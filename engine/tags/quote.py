"""`blockquote` and `pullquote` (SPEC §9). Bodies are Markdown."""
from __future__ import annotations

import re

from engine.tags.context import TagContext

# "author source-url title…" / "author source-url" (the URL must have a scheme).
_FULL_CITE = re.compile(r"(\S.*)\s+(https?://\S+)\s+(.+)", re.I)
_CITE = re.compile(r"(\S.*)\s+(https?://\S+)", re.I)


def _footer(args: list[str], ctx: TagContext) -> str:
    text = " ".join(args)
    author = source = title = ""
    m = _FULL_CITE.match(text)
    if m:
        author, source, title = m.group(1), m.group(2), m.group(3)
    else:
        m = _CITE.match(text)
        if m:
            author, source = m.group(1), m.group(2)
        elif ", " in text:
            author, _, title = text.partition(", ")
        else:
            author = text
    if title and ctx.config.get("titlecase"):
        title = _titlecase(title)
    out = f"<strong>{author}</strong>" if author else ""
    if source:
        # Without a title the link text is the URL minus its scheme and trailing slash.
        shown = title or re.sub(r"^https?://", "", source).rstrip("/")
        out += f'<cite><a href="{source}">{shown}</a></cite>'
    elif title:
        out += f"<cite>{title}</cite>"
    return out


def _titlecase(s: str) -> str:
    small = {"a", "an", "and", "as", "at", "but", "by", "en", "for", "if", "in", "of", "on", "or",
             "the", "to", "v", "via", "vs"}
    words = s.split(" ")
    return " ".join(w if (i and w.lower() in small) else w[:1].upper() + w[1:]
                    for i, w in enumerate(words))


def blockquote(ctx: TagContext, args: list[str], content: str | None) -> str:
    """`{% blockquote [author[, source]] [link] [source_link_title] %}…{% endblockquote %}`."""
    footer = _footer(args, ctx)
    body = ctx.markdown(content or "")
    return f"<blockquote>{body}" + (f"<footer>{footer}</footer>" if footer else "") + "</blockquote>"


def pullquote(ctx: TagContext, args: list[str], content: str | None) -> str:
    """`{% pullquote [class] %}…{% endpullquote %}` → `<blockquote class="pullquote CLASS">`."""
    cls = " ".join(["pullquote", *args])
    return f'<blockquote class="{cls}">{ctx.markdown(content or "")}</blockquote>'


def register(extend) -> None:
    extend.tags.register("blockquote", blockquote, ends=True)
    extend.tags.register("quote", blockquote, ends=True)
    extend.tags.register("pullquote", pullquote, ends=True)
