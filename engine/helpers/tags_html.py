"""HTML tag helpers: css, js, link_to, mail_to, image_tag, favicon_tag, feed_tag, gravatar.

Output formats follow Hexo 8 byte for byte (checked against the oracle's `site_helpers`): e.g. `css`
and `js` start and end with a newline, `feed_tag` leaves its title unescaped.
"""
from __future__ import annotations

import hashlib
from typing import Any, Iterable, Mapping
from urllib.parse import quote

from engine.helpers._util import html_tag, options, or_default, truthy
from engine.helpers.url import url_for


def _flatten(items: Iterable[Any]) -> Iterable[Any]:
    for item in items:
        if isinstance(item, (list, tuple)):
            yield from _flatten(item)
        else:
            yield item


def css(ctx, *args: Any, **kwargs: Any) -> str:
    """`<link rel="stylesheet">` per path ('.css' appended when missing); dicts give attributes."""
    out = "\n"
    for item in _flatten(args):
        if isinstance(item, Mapping):
            attrs = dict(item)
            href = url_for(ctx, attrs.get("href", ""))
            attrs["href"] = href if href.endswith(".css") else href + ".css"
            out += html_tag("link", {"rel": "stylesheet", **attrs}) + "\n"
        elif item is not None:
            path = str(item)
            if not path.endswith(".css"):
                path += ".css"
            out += f'<link rel="stylesheet" href="{url_for(ctx, path)}">\n'
    return out


def js(ctx, *args: Any, **kwargs: Any) -> str:
    """`<script src>` per path ('.js' appended when missing); dicts give attributes."""
    out = "\n"
    for item in _flatten(args):
        if isinstance(item, Mapping):
            attrs = dict(item)
            src = url_for(ctx, attrs.get("src", ""))
            attrs["src"] = src if src.endswith(".js") else src + ".js"
            out += html_tag("script", attrs, "") + "\n"
        elif item is not None:
            path = str(item)
            if not path.endswith(".js"):
                path += ".js"
            out += f'<script src="{url_for(ctx, path)}"></script>\n'
    return out


def _join_class(attrs: dict[str, Any]) -> None:
    if isinstance(attrs.get("class"), (list, tuple)):
        attrs["class"] = " ".join(str(c) for c in attrs["class"])


def link_to(ctx, path: Any, text: Any = None, *args: Any, **kwargs: Any) -> str:
    """`<a href title>`; `external=True` (or a bare boolean third argument) opens a new tab."""
    if args and isinstance(args[0], bool):
        kwargs = {"external": args[0], **kwargs}
        args = args[1:]
    opts = options(args, kwargs)
    path = str(path)
    if not truthy(text):
        text = path
        if text.startswith(("http://", "https://")):
            text = text.split("://", 1)[1]
        if text.endswith("/"):
            text = text[:-1]
    attrs: dict[str, Any] = {"href": url_for(ctx, path), "title": text, **opts}
    if truthy(attrs.get("external")):
        attrs["target"] = "_blank"
        attrs["rel"] = "noopener"
        attrs["external"] = None
    # (A falsy `external` stays an attribute, `external="false"`, exactly as Hexo prints it.)
    _join_class(attrs)
    return html_tag("a", attrs, text)


def _search_params(data: Mapping[str, str]) -> str:
    # URLSearchParams encoding: space → '+', only *-._ and alphanumerics left as they are.
    def enc(s: str) -> str:
        return quote(s, safe="*-._ ").replace(" ", "+")
    return "&".join(f"{enc(k)}={enc(v)}" for k, v in data.items())


def mail_to(ctx, path: Any, text: Any = None, *args: Any, **kwargs: Any) -> str:
    """`<a href="mailto:…">`; subject/cc/bcc/body options become the query string."""
    opts = options(args, kwargs)
    if isinstance(path, (list, tuple)):
        path = ",".join(str(p) for p in path)
    path = str(path)
    if not truthy(text):
        text = path
    attrs: dict[str, Any] = {"href": f"mailto:{path}", "title": text, **opts}
    _join_class(attrs)
    data: dict[str, str] = {}
    for key in ("subject", "cc", "bcc", "body"):
        item = attrs.get(key)
        if truthy(item):
            data[key] = ",".join(map(str, item)) if isinstance(item, (list, tuple)) else str(item)
            attrs[key] = None
    query = _search_params(data)
    if query:
        attrs["href"] += "?" + query
    return html_tag("a", attrs, text)


def image_tag(ctx, path: Any, *args: Any, **kwargs: Any) -> str:
    """`<img src>` with the root-prefixed path; other options become attributes (alt, class…)."""
    attrs: dict[str, Any] = {"src": url_for(ctx, path), **options(args, kwargs)}
    _join_class(attrs)
    return html_tag("img", attrs)


def favicon_tag(ctx, path: Any, *args: Any, **kwargs: Any) -> str:
    return f'<link rel="shortcut icon" href="{url_for(ctx, path)}">'


def _feed_type(value: Any) -> str:
    # 'atom2'/'rss2' name the same MIME type as 'atom'/'rss'.
    s = str(value) if truthy(value) else ""
    return s[:-1] if s.endswith("2") else s


def feed_tag(ctx, path: Any = None, *args: Any, **kwargs: Any) -> str:
    """`<link rel="alternate">` for a feed path, or for config.feed when no path is given."""
    opts = options(args, kwargs)
    title = or_default(opts.get("title"), ctx.config.get("title"))
    if truthy(path):
        path = str(path)
        ftype = _feed_type(opts.get("type"))
        if not ftype:
            ftype = "atom" if "atom" in path else "rss" if "rss" in path else ""
        type_attr = f'type="application/{ftype}+xml"' if ftype else ""
        return f'<link rel="alternate" href="{url_for(ctx, path)}" title="{title}" {type_attr}>'
    feed = ctx.config.get("feed")
    if isinstance(feed, Mapping) and truthy(feed.get("type")) and truthy(feed.get("path")):
        ftype, fpath = feed["type"], feed["path"]
        if isinstance(ftype, str):
            return (f'<link rel="alternate" href="{url_for(ctx, fpath)}" title="{title}" '
                    f'type="application/{_feed_type(ftype)}+xml">')
        out = ""
        for i, t in enumerate(ftype):
            p = fpath[i] if isinstance(fpath, (list, tuple)) and i < len(fpath) else ""
            out += (f'<link rel="alternate" href="{url_for(ctx, p)}" title="{title}" '
                    f'type="application/{_feed_type(t)}+xml">')
        return out
    return ""


def gravatar(ctx, email: Any, *args: Any, **kwargs: Any) -> str:
    """Gravatar image URL: md5 of the lower-cased address, options (s, d, r…) as a query string."""
    if args and isinstance(args[0], (int, float)) and not isinstance(args[0], bool):
        opts: dict[str, Any] = {"s": args[0], **kwargs}
    else:
        opts = options(args, kwargs)
    digest = hashlib.md5(str(email).lower().encode("utf-8")).hexdigest()
    url = f"https://www.gravatar.com/avatar/{digest}"
    if opts:
        safe = "!'()*-._~"
        url += "?" + "&".join(f"{quote(str(k), safe=safe)}={quote(str(v), safe=safe)}"
                              for k, v in opts.items())
    return url


HELPERS = {
    "css": css, "js": js, "link_to": link_to, "mail_to": mail_to, "image_tag": image_tag,
    "favicon_tag": favicon_tag, "feed_tag": feed_tag, "gravatar": gravatar,
}
