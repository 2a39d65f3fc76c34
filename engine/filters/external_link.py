"""`external_link`: open off-site links in a new tab (`target="_blank" rel="noopener"`).

With `external_link.field: site` (the default) it runs on the final HTML of every page; with
`field: post` only on post content. Links to the site's own host, relative links and `#` anchors are
untouched, as are links that already have a `target`, and hosts listed in `exclude`.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

# Only anchors whose href is absolute (http:, https:, //) can be external: matching just those
# keeps the per-link Python work to the links that matter.
_A_TAG = re.compile(r"""<a((?:\s[^<>]*?)?\shref\s*=\s*["']?\s*(?:https?:)?//[^<>]*?)>""",
                    re.IGNORECASE)
_HREF = re.compile(r"""\shref\s*=\s*(["'])([^"'<>]*)\1""", re.IGNORECASE)
_HAS_TARGET = re.compile(r"\starget\s*=", re.IGNORECASE)
_REL = re.compile(r"""(\srel\s*=\s*)(["'])([^"']*)\2""", re.IGNORECASE)


def _options(config: dict) -> dict[str, Any]:
    opts = config.get("external_link")
    if isinstance(opts, bool):
        return {"enable": opts, "field": "site", "exclude": []}
    opts = dict(opts or {})
    exclude = opts.get("exclude") or []
    opts["exclude"] = [exclude] if isinstance(exclude, str) else list(exclude)
    opts.setdefault("enable", True)
    opts.setdefault("field", "site")
    return opts


def add_external_targets(html: str, config: dict) -> str:
    opts = _options(config)
    site_host = urlsplit(str(config.get("url") or "")).hostname or ""
    excluded = {h.lower() for h in opts["exclude"] if h} | {site_host.lower()}

    def fix(m: re.Match[str]) -> str:
        attrs = m.group(1) or ""
        href = _HREF.search(attrs)
        if not href or _HAS_TARGET.search(attrs):
            return m.group(0)
        url = href.group(2).strip()
        if not url.lower().startswith(("http://", "https://", "//")):
            return m.group(0)
        host = _host(url)
        if not host or host in excluded:
            return m.group(0)
        rel = _REL.search(attrs)
        if rel:
            values = rel.group(3).split()
            if "noopener" not in values:
                values.append("noopener")
            attrs = attrs[:rel.start()] + f'{rel.group(1)}{rel.group(2)}{" ".join(values)}' \
                f'{rel.group(2)}' + attrs[rel.end():]
            return f'<a target="_blank"{attrs}>'
        return f'<a target="_blank" rel="noopener"{attrs}>'

    return _A_TAG.sub(fix, html)


@lru_cache(maxsize=4096)
def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:   # a malformed URL such as 'http://[x' is not ours to fix here
        return ""


def external_link_filter(html: str, route=None, engine=None, **_: Any) -> str | None:
    if engine is None:
        return None
    opts = _options(engine.config.raw)
    if not opts["enable"] or opts["field"] != "site":
        return None
    return add_external_targets(html, engine.config.raw)


def external_link_post_filter(doc, engine=None, **_: Any):
    """`field: post`: only post content gets the attributes (run by the post pipeline)."""
    if engine is None:
        return None
    opts = _options(engine.config.raw)
    if not opts["enable"] or opts["field"] != "post":
        return None
    doc.content = add_external_targets(str(doc.content), engine.config.raw)
    return None
