"""`json_ld()` (schema.org structured data) and `canonical_link()` template helpers.

`json_ld()` prints one `<script type="application/ld+json">`:
- posts: a `BlogPosting`, or a `ScholarlyArticle` when the post's front-matter says
  `schema: ScholarlyArticle` (or `scholarly: true`, or has a `doi:`): headline, description,
  url, dates, author, image, keywords (tags), articleSection (categories), inLanguage, plus
  `identifier` for a DOI;
- the home page: a `WebSite` (name, url, description, author);
- other pages: a `WebPage`.
Options override fields: `json_ld(type='Article', author='…', image='/img.png')`.

`canonical_link()` prints `<link rel="canonical" href="…">` with the page's absolute URL, a trailing
`index.html` dropped (the URL crawlers should index), or `canonical_link('/about/')` for another.
Both only read the page and config, so the output is deterministic.
"""
from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from engine.dates import iso_z
from engine.text import encode_url, strip_html
from engine.urls import full_url_for, pretty_url

_IMG = re.compile(r"""<img\b[^>]*?\bsrc=['"]([^'"]+)['"]""", re.I)
_SPACE = re.compile(r"\s+")


def _opts(args: tuple, kwargs: dict) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for a in args:
        if isinstance(a, dict):
            merged.update(a)
    merged.update(kwargs)
    return merged


def _get(ctx, name: str, default: Any = None) -> Any:
    getter = getattr(ctx, "page_get", None)
    if getter is not None:
        return getter(name, default)
    page = getattr(ctx, "page", None)
    if isinstance(page, dict):
        return page.get(name, default)
    return getattr(page, name, default)


def _fm(ctx, name: str) -> Any:
    fm = _get(ctx, "front_matter") or {}
    return fm.get(name) if isinstance(fm, dict) else None


def page_url(ctx) -> str:
    """Absolute URL of the page without a trailing 'index.html'."""
    url = str(getattr(ctx, "url", "") or "")
    if not url:
        url = full_url_for(ctx.config, str(getattr(ctx, "path", "") or ""))
    url = pretty_url(url, ctx.config)
    if url.endswith("/index.html"):
        url = url[: -len("index.html")]
    return encode_url(url)


def _text(value: Any, limit: int) -> str:
    text = _SPACE.sub(" ", strip_html(str(value or ""))).strip()
    if len(text) > limit:
        cut = text.rfind(" ", 0, limit)
        text = text[: cut if cut > limit // 2 else limit].rstrip() + "…"
    return text


def _is_post(ctx) -> bool:
    page = getattr(ctx, "page", None)
    return getattr(page, "kind", None) == "post" or getattr(ctx, "route_kind", "") == "post"


def _is_home(ctx) -> bool:
    page = getattr(ctx, "page", None)
    return isinstance(page, dict) and bool(page.get("__index"))


def _lang(ctx) -> str | None:
    lang = _get(ctx, "lang") or ctx.config.get("language")
    if isinstance(lang, (list, tuple)):
        lang = lang[0] if lang else None
    return str(lang) if lang and lang != "default" else None


def _person(name: Any, config: dict) -> dict[str, Any] | None:
    if not name:
        return None
    if isinstance(name, dict):
        return {"@type": "Person", **name}
    person: dict[str, Any] = {"@type": "Person", "name": str(name)}
    if config.get("url"):
        person["url"] = full_url_for(config, "/")
    return person


def _iso(value: Any) -> str | None:
    return iso_z(value) if isinstance(value, datetime) else None


def _schema_type(ctx, opts: dict[str, Any]) -> str:
    if opts.get("type"):
        return str(opts["type"])
    if _is_post(ctx):
        declared = _fm(ctx, "schema")
        if isinstance(declared, str) and declared:
            return declared
        if _fm(ctx, "scholarly") is True or _fm(ctx, "doi"):
            return "ScholarlyArticle"
        return "BlogPosting"
    return "WebSite" if _is_home(ctx) else "WebPage"


def json_ld_data(ctx, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """The structured data as a dict (what `json_ld()` serialises)."""
    opts = _opts(args, kwargs)
    config = ctx.config
    kind = _schema_type(ctx, opts)
    url = str(opts.get("url") or page_url(ctx))
    data: dict[str, Any] = {"@context": "https://schema.org", "@type": kind}
    if kind == "WebSite":
        data["name"] = str(config.get("title") or "")
        data["url"] = full_url_for(config, "/")
        if config.get("description"):
            data["description"] = _text(config["description"], 300)
        author = _person(opts.get("author") or config.get("author"), config)
        if author:
            data["author"] = author
        if _lang(ctx):
            data["inLanguage"] = _lang(ctx)
        return _apply_overrides(data, opts)

    title = opts.get("title") or _get(ctx, "title") or config.get("title") or ""
    description = (opts.get("description") or _get(ctx, "description") or _get(ctx, "excerpt")
                   or _get(ctx, "content") or config.get("description"))
    # A title is plain text (no tag stripping: "A <b> tag" is a valid title); headlines are
    # capped at 110 characters, Google's limit.
    headline = _SPACE.sub(" ", str(title)).strip()
    data["headline" if kind != "WebPage" else "name"] = headline[:110]
    if description:
        data["description"] = _text(description, 200)
    data["url"] = url
    if kind != "WebPage":
        data["mainEntityOfPage"] = {"@type": "WebPage", "@id": url}
    published, modified = _iso(_get(ctx, "date")), _iso(_get(ctx, "updated"))
    if published:
        data["datePublished"] = published
    if modified:
        data["dateModified"] = modified
    author = _person(opts.get("author") or _fm(ctx, "author") or config.get("author"), config)
    if author:
        data["author"] = author
    images = _images(ctx, opts, url)
    if images:
        data["image"] = images if len(images) > 1 else images[0]
    tags = [getattr(t, "name", t) for t in (_get(ctx, "tags") or ())]
    if tags:
        data["keywords"] = ", ".join(str(t) for t in tags)
    cats = [getattr(c, "name", c) for c in (_get(ctx, "categories") or ())]
    if cats and kind != "WebPage":
        data["articleSection"] = [str(c) for c in cats] if len(cats) > 1 else str(cats[0])
    if _lang(ctx):
        data["inLanguage"] = _lang(ctx)
    doi = _fm(ctx, "doi")
    if doi:
        data["identifier"] = {"@type": "PropertyValue", "propertyID": "DOI", "value": str(doi)}
        data.setdefault("sameAs", f"https://doi.org/{doi}")
    if kind != "WebPage":
        data["publisher"] = {"@type": "Organization" if opts.get("publisher_type") == "Organization"
                             else "Person", "name": str(opts.get("publisher") or config.get("author")
                                                        or config.get("title") or "")}
    return _apply_overrides(data, opts)


_OPTION_KEYS = {"type", "url", "title", "description", "author", "image", "images",
                "publisher", "publisher_type"}


def _apply_overrides(data: dict[str, Any], opts: dict[str, Any]) -> dict[str, Any]:
    # Any other option is a schema.org property to add or replace (e.g. citation=…, license=…).
    for k, v in opts.items():
        if k not in _OPTION_KEYS and v is not None:
            data[k] = v
    return data


def _images(ctx, opts: dict[str, Any], base: str) -> list[str]:
    from urllib.parse import urljoin
    images = opts.get("image") or opts.get("images") or _get(ctx, "photos") or _fm(ctx, "image")
    if not images:
        content = str(_get(ctx, "content") or "")
        images = _IMG.findall(content)[:3]
    if isinstance(images, str):
        images = [images]
    out = []
    for img in images or ():
        img = str(img)
        if img.startswith("data:"):
            continue
        # Site-relative paths in content already carry `root`: resolve them against the page
        # URL (its origin), as a browser would.
        out.append(encode_url(urljoin(base, img)))
    return out


def json_ld(ctx, *args: Any, **kwargs: Any) -> str:
    """`<script type="application/ld+json">{…}</script>` for the current page."""
    data = json_ld_data(ctx, *args, **kwargs)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # '</' would end the script element early; '<!--' could start a comment state.
    text = text.replace("</", "<\\/").replace("<!--", "<\\!--")
    return f'<script type="application/ld+json">{text}</script>'


def canonical_link(ctx, path: Any = None, *args: Any, **kwargs: Any) -> str:
    """`<link rel="canonical" href="…">` for the current page (or for `path`)."""
    href = full_url_for(ctx.config, str(path)) if path else page_url(ctx)
    if href.endswith("/index.html"):
        href = href[: -len("index.html")]
    return f'<link rel="canonical" href="{href.replace(chr(34), "%22")}">'


HELPERS = {"json_ld": json_ld, "canonical_link": canonical_link}
