"""`open_graph()` (Open Graph + Twitter card meta tags) and `meta_generator()`.

open_graph follows Hexo 8's field order and fallbacks: description from options, page.description,
the excerpt, the content, then config.description — stripped of HTML, cut to 200 UTF-16 units,
trimmed and escaped; images from options, page.photos, else every `<img src>` in the content,
resolved against the page URL; article:tag from the page's tags sorted by name.
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import engine
from engine.dates import iso_z
from engine.helpers._util import options, or_default, truthy
from engine.helpers.is_ import is_post
from engine.text import encode_url, escape_html, strip_html
from engine.urls import pretty_url

_LOCALES = {"en": "en_US", "de": "de_DE", "es": "es_ES", "fr": "fr_FR", "hu": "hu_HU",
            "id": "id_ID", "it": "it_IT", "ja": "ja_JP", "ko": "ko_KR", "nl": "nl_NL",
            "ru": "ru_RU", "th": "th_TH", "tr": "tr_TR", "vi": "vi_VN"}
_IMG = re.compile(r"""<img [^>]*src=['"]([^'"]+)([^>]*>)""", re.I)


def locale_territory(lang: str) -> str | None:
    """'en' → 'en_US', 'zh-cn' / 'zh_CN' → 'zh_CN'; anything else → None."""
    if len(lang) == 2 and lang in _LOCALES:
        return _LOCALES[lang]
    if len(lang) == 5:
        parts = lang.split("-") if "-" in lang else lang.split("_")
        if len(parts) == 2:
            return parts[0].lower() + "_" + parts[1].upper()
    return None


def _meta(name: str, content: Any, escape: bool = True, attr: str = "name") -> str:
    if escape and isinstance(content, str):
        content = escape_html(content)
    if truthy(content):
        return f'<meta {attr}="{name}" content="{content}">\n'
    return f'<meta {attr}="{name}">\n'


def _og(name: str, content: Any = None, escape: bool = True) -> str:
    return _meta(name, content, escape, attr="property")


def _utf16_prefix(text: str, units: int) -> str:
    """JS `substring(0, units)`: count UTF-16 code units, as Hexo measures the 200 characters."""
    if text.isascii() or len(text) * 2 <= units:
        return text[:units]
    out, used = [], 0
    for ch in text:
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > units:
            break
        out.append(ch)
    return "".join(out)


def _resolve(path: str, base: str) -> str:
    """WHATWG `new URL(path, base).toString()` closely enough for image URLs."""
    absolute = urljoin(base, path)
    parts = urlsplit(absolute)
    if parts.scheme in ("http", "https") and not parts.path:
        absolute += "/"
    return encode_url(absolute)


def _time(value: Any) -> str | None:
    return iso_z(value) if isinstance(value, datetime) else None


def open_graph(ctx, *args: Any, **kwargs: Any) -> str:
    opts = options(args, kwargs)
    config, page = ctx.config, ctx.page
    get = ctx.page_get
    content = get("content")

    images: Any = opts.get("image") or opts.get("images") or get("photos") or []
    description = (or_default(opts.get("description"), None) or or_default(get("description"), None)
                   or or_default(get("excerpt"), None) or or_default(content, None)
                   or config.get("description"))
    tags = get("tags")
    keywords: Any = (tags if tags is not None and len(tags) else None) or config.get("keywords") or False
    title = opts.get("title") or get("title") or config.get("title")
    og_type = opts.get("type") or ("article" if is_post(ctx) else "website")
    url = pretty_url(str(opts.get("url") or ctx.url or ""), config)
    site_name = opts.get("site_name") or config.get("title")
    card = opts.get("twitter_card") or "summary"
    date = (opts.get("date") or get("date")) if opts.get("date") is not False else None
    updated = (opts.get("updated") or get("updated")) if opts.get("updated") is not False else None
    language = opts.get("language") or get("lang") or get("language") or config.get("language")
    if isinstance(language, (list, tuple)):
        language = language[0] if language else None
    author = opts.get("author") or config.get("author")

    if not isinstance(images, (list, tuple)):
        images = [images]
    images = list(images)
    if truthy(description):
        text = _utf16_prefix(strip_html(str(description)), 200).strip()
        description = escape_html(text).replace("\n", " ")
    if not images and truthy(content):
        text = content if isinstance(content, str) else str(content)
        if "<img" in text:
            images = [m.group(1) for m in _IMG.finditer(text)]

    out: list[str] = []
    add = out.append
    if truthy(description):
        add(_meta("description", description))
    add(_og("og:type", og_type))
    add(_og("og:title", title))
    add(_og("og:url", encode_url(url), False) if url else _og("og:url"))
    add(_og("og:site_name", site_name))
    if truthy(description):
        add(_og("og:description", description, False))
    if truthy(language):
        add(_og("og:locale", locale_territory(str(language)), False))

    base = url or str(config.get("url") or "")
    resolved = [_resolve(str(p), base) for p in images]
    resolved = [u for u in resolved if not u.startswith("data:")]
    for img in resolved:
        add(_og("og:image", img, False))

    published, modified = _time(date), _time(updated)
    if published:
        add(_og("article:published_time", published))
    if modified:
        add(_og("article:modified_time", modified))
    if truthy(author):
        add(_og("article:author", author))
    if keywords:
        if isinstance(keywords, str):
            keywords = [keywords]
        names = [getattr(k, "name", None) or (k if isinstance(k, str) else None) for k in keywords]
        for name in sorted((n for n in names if n), key=_utf16_key):
            add(_og("article:tag", name))

    add(_meta("twitter:card", card))
    if truthy(opts.get("twitter_image")):
        add(_meta("twitter:image", _resolve(str(opts["twitter_image"]), base), False))
    elif resolved:
        add(_meta("twitter:image", resolved[0], False))
    if truthy(opts.get("twitter_id")):
        tid = str(opts["twitter_id"])
        add(_meta("twitter:creator", tid if tid.startswith("@") else "@" + tid))
    if truthy(opts.get("twitter_site")):
        add(_meta("twitter:site", opts["twitter_site"], False))
    if truthy(opts.get("fb_admins")):
        add(_og("fb:admins", opts["fb_admins"]))
    if truthy(opts.get("fb_app_id")):
        add(_og("fb:app_id", opts["fb_app_id"]))
    return "".join(out).strip()


def _utf16_key(s: str) -> bytes:
    # JS default sort compares UTF-16 code units.
    return s.encode("utf-16-be")


def meta_generator(ctx, *args: Any, **kwargs: Any) -> str:
    """`<meta name="generator" content="pyhexo X.Y.Z">` (pyhexo names itself where Hexo would)."""
    return f'<meta name="generator" content="pyhexo {engine.__version__}">'


HELPERS = {"open_graph": open_graph, "meta_generator": meta_generator}
