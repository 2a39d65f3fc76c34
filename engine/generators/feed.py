"""Atom 1.0 and RSS 2.0 feeds, configured like hexo-generator-feed (`feed:` in `_config.yml`).

pyhexo writes the feed without a plugin ("batteries included"): `feed: false` or
`feed: {enable: false}` turns it off. Options and defaults (hexo-generator-feed 3.0.0):

    feed:
      type: atom              # atom | rss2 | [atom, rss2]
      path: atom.xml          # one per type; default atom.xml / rss2.xml
      limit: 20               # 0 or false: every post
      hub: ''                 # WebSub hub URL
      content: true           # full post HTML in <content> / <content:encoded>
      content_limit: 140      # summary length when a post has no description/intro/excerpt
      content_limit_delim: '' # cut the summary at the last occurrence of this before the limit
      order_by: -date
      icon: ''                # default: gravatar of config.email when set
      autodiscovery: true     # <link rel="alternate"> in every <head> (engine/filters/feed_link.py)
      template: ''            # a Jinja2 template per type, relative to the site dir

What each entry holds follows the oracle (real Hexo + the plugin): ids and links are the encoded
permalinks, `published` is the date, `updated` the updated date, the summary is the description,
`intro`, the excerpt or the first `content_limit` characters of the content (JS string units),
categories come before tags. Two deliberate differences, both for validity: a post `image` is an
Atom `<link rel="enclosure">` (Hexo adds a second `<content>`, which Atom forbids), and `]]>` inside
post HTML is split across CDATA sections. The `<generator>` names pyhexo.

Output depends only on the site content (no build timestamp), so rebuilding gives identical bytes.
"""
from __future__ import annotations

import mimetypes
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import format_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from engine import __version__
from engine.dates import iso_z
from engine.errors import ConfigError
from engine.generators.paginate import sort_posts
from engine.routes import Route
from engine.text import encode_url
from engine.urls import full_url_for, url_for

if TYPE_CHECKING:
    from engine.core import Engine
    from engine.extend import Extend
    from engine.model import Document, Site

FEED_DEFAULTS: dict[str, Any] = {
    "type": "atom", "path": None, "limit": 20, "hub": "", "content": True, "content_limit": 140,
    "content_limit_delim": "", "order_by": "-date", "icon": "", "autodiscovery": True,
    "template": "",
}
DEFAULT_PATHS = {"atom": "atom.xml", "rss2": "rss2.xml"}
MEDIA_TYPES = {"atom": "application/atom+xml", "rss2": "application/rss+xml"}
GENERATOR_NAME = "pyhexo"

# Where the filter finds this build's feed links; set by the generator on every build, so a
# disabled or empty feed also clears it (the dev server reuses one Engine).
ENGINE_ATTR = "_pyhexo_feed_links"

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


# ----------------------------------------------------------------------------------- options

def config_section(raw: Mapping[str, Any], key: str, defaults: Mapping[str, Any]) -> dict | None:
    """The merged `key:` section, or None when it is turned off (`key: false`, `enable: false`).

    `key: true` or a missing key means the defaults; a mapping is merged over them.
    """
    value = raw.get(key)
    if value is False or (isinstance(value, str) and value.strip().lower() in ("false", "off", "no")):
        return None
    merged = dict(defaults)
    if isinstance(value, Mapping):
        if value.get("enable") is False or value.get("enabled") is False:
            return None
        merged.update({k: v for k, v in value.items() if v is not None})
    return merged


def _as_list(value: Any) -> list:
    if value is None or value == "":
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


@dataclass(frozen=True)
class FeedSpec:
    """One feed file to write."""

    type: str          # 'atom' or 'rss2'
    path: str          # output path relative to public/ ('atom.xml')
    template: str      # custom template path ('' for the built-in writer)


def feed_options(raw: Mapping[str, Any]) -> dict | None:
    return config_section(raw, "feed", FEED_DEFAULTS)


def feed_specs(opts: Mapping[str, Any]) -> list[FeedSpec]:
    """Types, paths and templates paired up as hexo-generator-feed does.

    Unknown types are dropped (atom when none is left); paths/templates are used positionally
    when there is one per type, otherwise the defaults apply; a path without an extension gets
    '.xml'.
    """
    types = [str(t).strip().lower() for t in _as_list(opts.get("type"))]
    types = [t for t in types if t in DEFAULT_PATHS] or ["atom"]
    seen: list[str] = []
    for t in types:
        if t not in seen:
            seen.append(t)
    types = seen
    paths = [str(p) for p in _as_list(opts.get("path"))]
    if len(paths) != len(types):
        paths = [DEFAULT_PATHS[t] for t in types] if len(types) > 1 or not paths else paths[:1]
    if types == ["rss2"] and paths == ["atom.xml"]:
        paths = ["rss2.xml"]   # the config defaults fill in atom.xml; an RSS-only feed keeps its name
    templates = [str(t) for t in _as_list(opts.get("template"))]
    if len(templates) != len(types):
        templates = [""] * len(types)
    specs = []
    for t, p, tpl in zip(types, paths, templates):
        p = p.lstrip("/")
        if not Path(p).suffix:
            p += ".xml"   # `path: feed` writes feed.xml, as the plugin does
        specs.append(FeedSpec(t, p, tpl))
    return specs


def feed_posts(site: "Site", opts: Mapping[str, Any]) -> list["Document"]:
    """Published, non-draft posts in `order_by` order, cut to `limit` (0/false: all)."""
    posts = [p for p in sort_posts(site.posts, opts.get("order_by")) if p.draft is not True]
    limit = opts.get("limit")
    try:
        limit = int(limit) if limit not in (None, False, "") else 0
    except (TypeError, ValueError):
        limit = 20
    return posts[:limit] if limit > 0 else posts


# ----------------------------------------------------------------------------------- text bits

def xml_escape(value: Any) -> str:
    """Escape for XML text and attribute values (the five predefined entities)."""
    s = "" if value is None else str(value)
    return (s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#39;"))


def no_control_chars(html: str) -> str:
    """Drop C0 control characters (newlines and tabs included), as the plugin does to content:
    most are illegal in XML 1.0, and the oracle's CDATA content has no line breaks."""
    return _CONTROL.sub("", html)


def cdata(text: str) -> str:
    """`<![CDATA[…]]>`, splitting any `]]>` inside so the XML stays well formed."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def js_substring(text: str, end: int) -> str:
    """JS `text.substring(0, end)`: the limit counts UTF-16 code units, not code points."""
    if end <= 0:
        return ""
    if text.isascii() or len(text) * 2 <= end:
        return text[:end]
    raw = text.encode("utf-16-le")[: end * 2]
    # A cut inside a surrogate pair leaves half a character: drop it.
    return raw.decode("utf-16-le", errors="ignore")


def _text(value: Any) -> str:
    return "" if value is None or value is False else str(value)


def summary_of(post: "Document", opts: Mapping[str, Any]) -> str:
    """description, then intro, then the excerpt, then the first `content_limit` units of the
    content (cut at the last `content_limit_delim` when one is set). Raw HTML, escaped later."""
    for key in ("description", "intro"):
        value = post.front_matter.get(key)
        if value:
            return _text(value)
    if post.excerpt:
        return _text(post.excerpt)
    content = _text(post.content)
    if not content:
        return ""
    try:
        limit = int(opts.get("content_limit") or 140)
    except (TypeError, ValueError):
        limit = 140
    short = js_substring(content, limit)
    delim = _text(opts.get("content_limit_delim"))
    if delim:
        pos = short.rfind(delim)
        if pos > -1:
            short = short[:pos]
    return short


def rfc822(dt: datetime) -> str:
    """RSS dates: 'Mon, 01 Jan 2024 10:00:00 GMT' (JS toUTCString)."""
    return format_datetime(dt.astimezone(timezone.utc), usegmt=True)


def _updated(post: "Document") -> datetime:
    return post.updated or post.date


def _terms(post: "Document", config: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(name, encoded permalink) for the post's categories, then its tags."""
    out = []
    for item in [*(post.categories or ()), *(post.tags or ())]:
        out.append((item.name, encode_url(item.permalink)))
    return out


def _image_link(post: "Document", config: Mapping[str, Any]) -> tuple[str, str] | None:
    image = post.front_matter.get("image")
    if not image or not isinstance(image, str):
        return None
    href = full_url_for(config, image)
    mime = mimetypes.guess_type(href.split("?", 1)[0])[0] or "image/*"
    return href, mime


# ----------------------------------------------------------------------------------- writers

@dataclass
class FeedContext:
    """What a feed template sees (the built-in writers and custom Jinja2 templates alike)."""

    config: Mapping[str, Any]
    feed: Mapping[str, Any]        # merged options
    url: str                       # site URL with a trailing slash
    feed_url: str
    posts: list["Document"]
    icon: str
    type: str

    def as_dict(self) -> dict[str, Any]:
        return {"config": self.config, "feed": self.feed, "url": self.url,
                "feed_url": self.feed_url, "posts": self.posts, "icon": self.icon,
                "type": self.type}


def render_atom(ctx: FeedContext) -> str:
    c, o = ctx.config, ctx.feed
    first = ctx.posts[0]
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           '<feed xmlns="http://www.w3.org/2005/Atom">',
           f"  <title>{xml_escape(c.get('title'))}</title>"]
    if ctx.icon:
        out.append(f"  <icon>{xml_escape(ctx.icon)}</icon>")
    if c.get("subtitle"):
        out.append(f"  <subtitle>{xml_escape(c.get('subtitle'))}</subtitle>")
    out.append(f'  <link href="{xml_escape(encode_url(ctx.feed_url))}" rel="self"/>')
    if o.get("hub"):
        out.append(f'  <link href="{xml_escape(encode_url(str(o["hub"])))}" rel="hub"/>')
    out.append(f'  <link href="{xml_escape(encode_url(ctx.url))}"/>')
    out.append(f"  <updated>{iso_z(_updated(first))}</updated>")
    out.append(f"  <id>{xml_escape(ctx.url)}</id>")
    if c.get("author"):
        out.append("  <author>")
        out.append(f"    <name>{xml_escape(_text(c.get('author')))}</name>")
        if c.get("email"):
            out.append(f"    <email>{xml_escape(c.get('email'))}</email>")
        out.append("  </author>")
    out.append(f'  <generator version="{__version__}">{GENERATOR_NAME}</generator>')
    for post in ctx.posts:
        link = xml_escape(encode_url(post.permalink))
        out.append("  <entry>")
        out.append(f"    <title>{xml_escape(post.title)}</title>")
        out.append(f'    <link href="{link}"/>')
        out.append(f"    <id>{link}</id>")
        out.append(f"    <published>{iso_z(post.date)}</published>")
        out.append(f"    <updated>{iso_z(_updated(post))}</updated>")
        if o.get("content") and post.content:
            out.append(f'    <content type="html">{cdata(no_control_chars(str(post.content)))}</content>')
        summary = summary_of(post, o)
        if summary:
            out.append(f'    <summary type="html">{xml_escape(summary)}</summary>')
        image = _image_link(post, c)
        if image:
            out.append(f'    <link rel="enclosure" href="{xml_escape(image[0])}" '
                       f'type="{xml_escape(image[1])}"/>')
        for name, scheme in _terms(post, c):
            out.append(f'    <category term="{xml_escape(name)}" scheme="{xml_escape(scheme)}"/>')
        out.append("  </entry>")
    out.append("</feed>")
    return "\n".join(out) + "\n"


def render_rss2(ctx: FeedContext) -> str:
    c, o = ctx.config, ctx.feed
    first = ctx.posts[0]
    site_link = xml_escape(encode_url(ctx.url))
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" '
           'xmlns:content="http://purl.org/rss/1.0/modules/content/">',
           "  <channel>",
           f"    <title>{xml_escape(c.get('title'))}</title>",
           f"    <link>{site_link}</link>"]
    if ctx.icon:
        out += ["    <image>", f"      <url>{xml_escape(ctx.icon)}</url>",
                f"      <title>{xml_escape(c.get('title'))}</title>",
                f"      <link>{site_link}</link>", "    </image>"]
    out.append(f'    <atom:link href="{xml_escape(encode_url(ctx.feed_url))}" rel="self" '
               f'type="application/rss+xml"/>')
    if o.get("hub"):
        out.append(f'    <atom:link href="{xml_escape(encode_url(str(o["hub"])))}" rel="hub"/>')
    # RSS requires <description>; fall back to the subtitle, then the title.
    desc = c.get("description") or c.get("subtitle") or c.get("title") or ""
    out.append(f"    <description>{xml_escape(_text(desc))}</description>")
    if c.get("language"):
        lang = c["language"][0] if isinstance(c["language"], list) else c["language"]
        if lang and lang != "default":
            out.append(f"    <language>{xml_escape(lang)}</language>")
    out.append(f"    <pubDate>{rfc822(_updated(first))}</pubDate>")
    out.append(f"    <generator>{GENERATOR_NAME} {__version__}</generator>")
    for post in ctx.posts:
        link = xml_escape(encode_url(post.permalink))
        out.append("    <item>")
        out.append(f"      <title>{xml_escape(post.title)}</title>")
        out.append(f"      <link>{link}</link>")
        out.append(f'      <guid isPermaLink="true">{link}</guid>')
        out.append(f"      <pubDate>{rfc822(post.date)}</pubDate>")
        summary = summary_of(post, o)
        if summary:
            out.append(f"      <description>{xml_escape(summary)}</description>")
        image = _image_link(post, c)
        if image:
            out.append(f'      <enclosure url="{xml_escape(image[0])}" type="{xml_escape(image[1])}" '
                       f'length="0"/>')
        if o.get("content") and post.content:
            out.append(f"      <content:encoded>{cdata(no_control_chars(str(post.content)))}"
                       f"</content:encoded>")
        for name, domain in _terms(post, c):
            out.append(f'      <category domain="{xml_escape(domain)}">{xml_escape(name)}</category>')
        out.append("    </item>")
    out += ["  </channel>", "</rss>"]
    return "\n".join(out) + "\n"


WRITERS = {"atom": render_atom, "rss2": render_rss2}


# ----------------------------------------------------------------------------- custom templates

def render_custom_template(engine: "Engine", template: str, context: dict[str, Any],
                           option: str) -> str:
    """Render a user's Jinja2 template (path relative to the site dir) with `context`.

    Filters: `uriencode` (encode_url), `noControlChars`, `iso` (toISOString), `rfc822`,
    `xml_escape`. Autoescaping is on, as in the plugin's Nunjucks templates.
    """
    import jinja2

    path = Path(template)
    if not path.is_absolute():
        path = engine.site_dir / path
    if not path.is_file():
        raise ConfigError(f"{option}: template '{template}' not found", path="_config.yml",
                          hint="give a path relative to the site folder")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(path.parent)), autoescape=True,
                             keep_trailing_newline=True)
    env.filters.update({"uriencode": encode_url, "noControlChars": no_control_chars,
                        "iso": iso_z, "rfc822": rfc822, "xml_escape": xml_escape})
    try:
        return env.get_template(path.name).render(**context)
    except jinja2.TemplateError as exc:
        line = getattr(exc, "lineno", None)
        raise ConfigError(f"{option}: template '{template}' failed: {exc}", path="_config.yml",
                          hint=f"see line {line} of the template" if line else None) from None


# ----------------------------------------------------------------------------------- generator

def _icon(opts: Mapping[str, Any], raw: Mapping[str, Any]) -> str:
    if opts.get("icon"):
        return full_url_for(raw, str(opts["icon"]))
    if raw.get("email"):
        import hashlib
        digest = hashlib.md5(str(raw["email"]).lower().encode("utf-8")).hexdigest()
        return f"https://www.gravatar.com/avatar/{digest}"
    return ""


def autodiscovery_links(raw: Mapping[str, Any], specs: Sequence[FeedSpec]) -> list[str]:
    """`<link rel="alternate" …>` tags for the head, one per feed (root-relative hrefs)."""
    title = (str(raw.get("title") or "").replace("&", "&amp;").replace('"', "&quot;")
             .replace("<", "&lt;").replace(">", "&gt;"))
    return [f'<link rel="alternate" href="{url_for(raw, s.path, False)}" title="{title}" '
            f'type="{MEDIA_TYPES[s.type]}">' for s in specs]


def generate_feed(site: "Site", engine: "Engine") -> Iterable[Route]:
    raw = engine.config.raw
    opts = feed_options(raw)
    setattr(engine, ENGINE_ATTR, [])
    if opts is None:
        return []
    posts = feed_posts(site, opts)
    if not posts:
        return []   # the plugin writes nothing (and drops autodiscovery) for a site without posts
    specs = feed_specs(opts)
    if opts.get("autodiscovery", True) is not False:
        setattr(engine, ENGINE_ATTR, autodiscovery_links(raw, specs))
    site_url = full_url_for(raw, "/")
    icon = _icon(opts, raw)
    routes = []
    for spec in specs:
        ctx = FeedContext(raw, opts, site_url, full_url_for(raw, spec.path), posts, icon, spec.type)
        if spec.template:
            text = render_custom_template(engine, spec.template, ctx.as_dict(), "feed.template")
        else:
            text = WRITERS[spec.type](ctx)
        routes.append(Route(spec.path, None, text, "raw", None, "feed"))
    return routes


def register_feed(extend: "Extend") -> None:
    """Register the generator and its autodiscovery filter."""
    from engine.filters.feed_link import feed_link_filter

    extend.generators.register("feed", generate_feed)
    if feed_link_filter not in extend.filters.list("after_render:html"):
        extend.filters.register("after_render:html", feed_link_filter, priority=30)
