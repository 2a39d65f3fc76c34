"""`sitemap.xml` and `sitemap.txt`, configured like hexo-generator-sitemap (`sitemap:` config).

Written by default ("batteries included"); `sitemap: false` or `sitemap: {enable: false}` turns it
off. Options and defaults (hexo-generator-sitemap 3.0.1):

    sitemap:
      path: [sitemap.xml, sitemap.txt]   # a string or a list; '.txt' paths get the plain list
      rel: false            # add <link rel="sitemap"> to every <head>
      tags: true            # list tag pages
      categories: true      # list category pages
      template: ''          # custom Jinja2 template for .xml paths (relative to the site dir)
      template_txt: ''      # … and for .txt paths

What is listed, in order: every post and page (posts first, each group in source order, then sorted
newest `updated` first, stably) except those with `sitemap: false` in the front-matter and sources
matching `skip_render` (or `**/*.js`, `**/*.css`); then the home page (`config.url`); then tag and
category pages. Posts and pages get `lastmod` = updated date (UTC day), monthly, priority 0.6.

One deliberate difference: the plugin stamps the home, tag and category entries with the build
day; pyhexo uses the newest `updated` date among the listed documents, so a rebuild of unchanged
content gives identical bytes (and the date still moves when content changes).
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from engine.generators.feed import config_section, render_custom_template, xml_escape
from engine.routes import Route
from engine.scan import matches_any
from engine.text import encode_url
from engine.urls import url_for

if TYPE_CHECKING:
    from engine.core import Engine
    from engine.extend import Extend
    from engine.model import Document, Site

SITEMAP_DEFAULTS: dict[str, Any] = {
    "path": ["sitemap.xml", "sitemap.txt"], "rel": False, "tags": True, "categories": True,
    "template": "", "template_txt": "",
}
ALWAYS_SKIPPED = ["**/*.js", "**/*.css"]
ENGINE_ATTR = "_pyhexo_sitemap_links"   # read by engine/filters/feed_link.py


def sitemap_options(raw: Mapping[str, Any]) -> dict | None:
    return config_section(raw, "sitemap", SITEMAP_DEFAULTS)


def sitemap_paths(opts: Mapping[str, Any]) -> list[str]:
    value = opts.get("path")
    paths = value if isinstance(value, (list, tuple)) else [value] if value else []
    out = []
    for p in paths:
        p = str(p).lstrip("/")
        if p and p not in out:
            out.append(p)
    return out or list(SITEMAP_DEFAULTS["path"])


def _source_key(doc: "Document") -> tuple:
    """Hexo's load order: a folder's files before its subfolders, names in code-point order."""
    parts = doc.source.split("/")
    return tuple((1, p) for p in parts[:-1]) + ((0, parts[-1]),)


def _stamp(doc: "Document") -> datetime | None:
    return doc.updated or doc.date


def sitemap_documents(site: "Site", raw: Mapping[str, Any]) -> list["Document"]:
    skip = list(ALWAYS_SKIPPED)
    extra = raw.get("skip_render")
    if isinstance(extra, str) and extra:
        skip.append(extra)
    elif isinstance(extra, (list, tuple)):
        skip += [str(x) for x in extra if x]
    docs = [*sorted(site.posts, key=_source_key), *sorted(site.pages, key=_source_key)]
    docs = [d for d in docs if d.front_matter.get("sitemap") is not False
            and d.front_matter.get("sitemap") not in ("false", "no")
            and not matches_any(d.source, skip)]
    stamp0 = datetime.min.replace(tzinfo=timezone.utc)
    # Python's sort is stable, as the plugin's Array.sort is: ties keep the load order.
    docs.sort(key=lambda d: _stamp(d) or stamp0, reverse=True)
    return docs


def day(dt: datetime | None) -> str:
    """The UTC calendar day of `dt` ('2024-06-01'), as the plugin's toISOString().slice(0, 10)."""
    if dt is None:
        return ""
    if dt.tzinfo is None:
        dt = dt.astimezone()
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%d")


def _entries(site: "Site", raw: Mapping[str, Any], opts: Mapping[str, Any],
             docs: list["Document"]) -> tuple[list[tuple[str, str, str, str]], datetime | None]:
    """(loc, lastmod, changefreq, priority) rows and the stamp used for the non-document rows."""
    stamps = [s for s in (_stamp(d) for d in docs) if s is not None]
    newest = max(stamps) if stamps else None
    rows = [(encode_url(d.permalink), day(_stamp(d)), "monthly", "0.6") for d in docs]
    rows.append((encode_url(str(raw.get("url") or "")), day(newest), "daily", "1.0"))
    if opts.get("tags"):
        rows += [(encode_url(t.permalink), day(newest), "weekly", "0.2") for t in site.tags]
    if opts.get("categories"):
        rows += [(encode_url(c.permalink), day(newest), "weekly", "0.2") for c in site.categories]
    return rows, newest


def render_xml(rows: list[tuple[str, str, str, str]]) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for loc, lastmod, freq, prio in rows:
        out.append("  <url>")
        out.append(f"    <loc>{xml_escape(loc)}</loc>")
        if lastmod:
            out.append(f"    <lastmod>{lastmod}</lastmod>")
        out.append(f"    <changefreq>{freq}</changefreq>")
        out.append(f"    <priority>{prio}</priority>")
        out.append("  </url>")
    out.append("</urlset>")
    return "\n".join(out) + "\n"


def render_txt(rows: list[tuple[str, str, str, str]]) -> str:
    return "".join(loc + "\n" for loc, *_ in rows)


def generate_sitemap(site: "Site", engine: "Engine") -> Iterable[Route]:
    raw = engine.config.raw
    opts = sitemap_options(raw)
    setattr(engine, ENGINE_ATTR, [])
    if opts is None:
        return []
    docs = sitemap_documents(site, raw)
    if not docs:
        return []   # as the plugin: nothing to list, no file and no head link
    rows, newest = _entries(site, raw, opts, docs)
    paths = sitemap_paths(opts)
    routes = []
    for path in paths:
        is_txt = path.lower().endswith(".txt")
        template = opts.get("template_txt" if is_txt else "template")
        if template:
            context = {"config": raw, "posts": docs, "now": newest, "sNow": newest,
                       "tags": list(site.tags) if opts.get("tags") else [],
                       "categories": list(site.categories) if opts.get("categories") else [],
                       "rows": rows, "day": day}
            text = render_custom_template(engine, str(template), context,
                                          "sitemap.template_txt" if is_txt else "sitemap.template")
        else:
            text = render_txt(rows) if is_txt else render_xml(rows)
        routes.append(Route(path, None, text, "raw", None, "sitemap"))
    if opts.get("rel"):
        xml = next((p for p in paths if not p.lower().endswith(".txt")), None)
        if xml:
            setattr(engine, ENGINE_ATTR, [
                f'<link rel="sitemap" type="application/xml" title="Sitemap" '
                f'href="{url_for(raw, xml, False)}">'])
    return routes


def register_sitemap(extend: "Extend") -> None:
    """Register the generator and the head filter (shared with the feed; registered once)."""
    from engine.filters.feed_link import feed_link_filter

    extend.generators.register("sitemap", generate_sitemap)
    if feed_link_filter not in extend.filters.list("after_render:html"):
        extend.filters.register("after_render:html", feed_link_filter, priority=30)
