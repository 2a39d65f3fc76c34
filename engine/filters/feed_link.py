"""Head links for the generated feeds and sitemap, injected into every page's `<head>`.

- Feed autodiscovery (`feed.autodiscovery`, on by default): `<link rel="alternate"
  href="/atom.xml" title="Site" type="application/atom+xml">` before `</head>`, one per feed, as
  hexo-generator-feed does. Skipped when the page already links a feed (themes often call
  `feed_tag()` themselves), so a link never appears twice.
- Sitemap (`sitemap.rel: true`, off by default): `<link rel="sitemap" type="application/xml"
  title="Sitemap" href="/sitemap.xml">`, as hexo-generator-sitemap does.

The generators decide what exists (no posts means no feed, hence no link) and leave the tags on the
engine for this filter; without those generators nothing is injected.
"""
from __future__ import annotations

import re
from typing import Any

_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)
_HAS_FEED = re.compile(r"""type\s*=\s*['"]?application/(?:atom|rss)\+xml""", re.IGNORECASE)
_HAS_SITEMAP = re.compile(r"""rel\s*=\s*['"]?sitemap\b""", re.IGNORECASE)

FEED_ATTR = "_pyhexo_feed_links"        # set by engine.generators.feed
SITEMAP_ATTR = "_pyhexo_sitemap_links"  # set by engine.generators.sitemap


def inject_head(html: str, tags: list[str], end: int | None = None) -> str | None:
    """Insert `tags` before the first `</head>` (at `end` when the caller found it already);
    None when there is no head."""
    if not tags:
        return None
    if end is None:
        m = _HEAD_END.search(html)
        if not m:
            return None
        end = m.start()
    return html[:end] + "".join(tags) + html[end:]


def feed_link_filter(html: str, route=None, engine=None, **_: Any) -> str | None:
    if engine is None or not isinstance(html, str):
        return None
    feed_links = getattr(engine, FEED_ATTR, None) or []
    sitemap_links = getattr(engine, SITEMAP_ATTR, None) or []
    if not feed_links and not sitemap_links:
        return None
    m = _HEAD_END.search(html)
    if not m:
        return None
    end = m.start()
    tags: list[str] = []
    if feed_links and not _has_feed(html, end):
        tags += feed_links
    if sitemap_links and not _HAS_SITEMAP.search(html, 0, end):
        tags += sitemap_links
    return inject_head(html, tags, end)


def _has_feed(html: str, end: int) -> bool:
    """`_HAS_FEED` in html[:end], answered without the regex when a plain test is enough. The
    usual spelling is a match; and any match contains 'on/atom+xml' or 'on/r' once lower-cased
    (these letters match only their ASCII cases under re.I; 'i' and 's' do not, so they are left
    out)."""
    if html.find('type="application/atom+xml"', 0, end) >= 0 or \
            html.find('type="application/rss+xml"', 0, end) >= 0:
        return True
    head = html[:end].lower()
    if "on/atom+xml" not in head and "on/r" not in head:
        return False
    return _HAS_FEED.search(html, 0, end) is not None
