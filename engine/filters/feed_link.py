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


def inject_head(html: str, tags: list[str]) -> str | None:
    """Insert `tags` before the first `</head>`; None when there is no head."""
    if not tags:
        return None
    m = _HEAD_END.search(html)
    if not m:
        return None
    return html[:m.start()] + "".join(tags) + html[m.start():]


def feed_link_filter(html: str, route=None, engine=None, **_: Any) -> str | None:
    if engine is None or not isinstance(html, str):
        return None
    m = _HEAD_END.search(html)
    if not m:
        return None
    head = html[:m.start()]
    tags: list[str] = []
    feed_links = getattr(engine, FEED_ATTR, None) or []
    if feed_links and not _HAS_FEED.search(head):
        tags += feed_links
    sitemap_links = getattr(engine, SITEMAP_ATTR, None) or []
    if sitemap_links and not _HAS_SITEMAP.search(head):
        tags += sitemap_links
    return inject_head(html, tags)
