"""Small helpers shared by the built-in tags: HTML attribute building, escaping and URLs.

URLs go through `engine.urls` (the project's one implementation of Hexo's `url_for`) when it is
importable; the minimal fallback below only exists so the tag package can be used and tested on its
own while that module is written, and follows the same rules for the common cases.
"""
from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import quote

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//")


def escape_html(text: Any) -> str:
    """hexo-util's escapeHTML subset that matters in attributes: & < > " '."""
    return html.escape(str(text), quote=True)


def html_tag(name: str, attrs: dict[str, Any], content: str | None = None, *,
             void: bool = False) -> str:
    """`<name a="v">content</name>`; None/False attributes are dropped, True is a bare attribute
    (`allowfullscreen`), values are escaped. Order is the dict's order (Hexo's output order)."""
    parts = [name]
    for k, v in attrs.items():
        if v is None or v is False:
            continue
        parts.append(k if v is True else f'{k}="{escape_html(v)}"')
    head = "<" + " ".join(parts) + ">"
    if void:
        return head
    return f"{head}{content or ''}</{name}>"


def is_url_like(item: str) -> bool:
    """An argument that is a link target rather than text: a scheme, `//host`, `/path` or `www.`."""
    return bool(_SCHEME.match(item)) or item.startswith("/") or item.startswith("www.")


def url_for(config: dict[str, Any], path: str) -> str:
    try:
        from engine.urls import url_for as real
    except ImportError:   # pragma: no cover - only while engine.urls is missing
        return _fallback_url_for(config, path)
    return real(config, path)


def full_url_for(config: dict[str, Any], path: str) -> str:
    try:
        from engine.urls import full_url_for as real
    except ImportError:   # pragma: no cover
        return _fallback_full_url_for(config, path)
    return real(config, path)


def _fallback_url_for(config: dict[str, Any], path: str) -> str:
    path = path or "/"
    if _SCHEME.match(path) or path.startswith("#"):
        return path
    root = str(config.get("root") or "/")
    if not root.endswith("/"):
        root += "/"
    if not path.startswith(root):
        path = root + path.lstrip("/")
    pretty = config.get("pretty_urls") or {}
    if pretty.get("trailing_index") is False and path.endswith("index.html"):
        path = path[: -len("index.html")]
    return quote(path, safe="/#?&=%:@!$'()*+,;~")


def _fallback_full_url_for(config: dict[str, Any], path: str) -> str:
    path = path or "/"
    if _SCHEME.match(path):
        return path
    base = str(config.get("url") or "").rstrip("/")
    return base + "/" + quote(path.lstrip("/"), safe="/#?&=%:@!$'()*+,;~")
