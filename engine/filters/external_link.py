"""`external_link`: open off-site links in a new tab (`target="_blank" rel="noopener"`).

With `external_link.field: site` (the default) it runs on the final HTML of every page; with
`field: post` only on post content. Links to the site's own host, relative links and `#` anchors are
untouched, as are links that already have a `target`, and hosts listed in `exclude`.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Callable
from urllib.parse import urlsplit

# Only anchors whose href is absolute (http:, https:, //) can be external: matching just those
# keeps the per-link Python work to the links that matter.
# A match is one whole tag, whichever `href` made it: so the leading attributes are tried
# shortest first (`??`, `<a href=` is the common case; a greedy `?` first walked the whole tag)
# and the tail is possessive (the tag ends at its first '>' anyway).
_A_TAG = re.compile(r"""<a((?:\s[^<>]*?)??\shref\s*=\s*["']?\s*(?:https?:)?//[^<>]*+)>""",
                    re.IGNORECASE)
_HREF = re.compile(r"""\shref\s*=\s*(["'])([^"'<>]*)\1""", re.IGNORECASE)
_HAS_TARGET = re.compile(r"\starget\s*=", re.IGNORECASE)
_REL = re.compile(r"""(\srel\s*=\s*)(["'])([^"']*)\2""", re.IGNORECASE)
# A tag whose only attribute is an absolute href without spaces (so with no `target` or `rel`).
_BARE_HREF = re.compile(r'\shref="((?:https?:)?//[^"\'<>\s]*)"')
# The netloc of an 'http://', 'https://' or '//' URL, up to the first '/', '?' or '#', when it is
# plain: printable ASCII without IPv6 brackets (urlsplit() removes tabs and newlines, checks
# brackets and normalizes non-ASCII netlocs; such URLs are left to it).
_NETLOC = re.compile(r'(?:[hH][tT][tT][pP][sS]?:)?//([ -"$-.0->@-Z\\^-~]*)(?=[/?#]|\Z)')


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
    first = html.find("//")
    if first < 0:
        return html     # no absolute link at all
    opts = _options(config)
    site_host = urlsplit(str(config.get("url") or "")).hostname or ""
    excluded = {h.lower() for h in opts["exclude"] if h} | {site_host.lower()}

    def fix(m: re.Match[str]) -> str:
        attrs = m.group(1) or ""
        bare = _BARE_HREF.fullmatch(attrs)
        if bare is not None:
            # The usual external link, `<a href="https://...">`: nothing else to look at.
            host = _host(bare.group(1))
            if not host or host in excluded:
                return m.group(0)
            return f'<a target="_blank" rel="noopener"{attrs}>'
        href = _HREF.search(attrs)
        # (Each letter of `target` and `rel` matches only its two ASCII cases under re.I, so the
        # lower-cased tag tells cheaply when those searches cannot match.)
        lowered = attrs.lower()
        if not href or ("target" in lowered and _HAS_TARGET.search(attrs)):
            return m.group(0)
        url = href.group(2).strip()
        if not url.lower().startswith(("http://", "https://", "//")):
            return m.group(0)
        host = _host(url)
        if not host or host in excluded:
            return m.group(0)
        rel = _REL.search(attrs) if "rel" in lowered else None
        if rel:
            values = rel.group(3).split()
            if "noopener" not in values:
                values.append("noopener")
            attrs = attrs[:rel.start()] + f'{rel.group(1)}{rel.group(2)}{" ".join(values)}' \
                f'{rel.group(2)}' + attrs[rel.end():]
            return f'<a target="_blank"{attrs}>'
        return f'<a target="_blank" rel="noopener"{attrs}>'

    return _replace_anchors(html, first, fix)


def _replace_anchors(html: str, pos: int, fix: Callable[[re.Match[str]], str]) -> str:
    """`_A_TAG.sub(fix, html)`, trying only the tags that contain a `//` (the first at `pos`).

    Running `_A_TAG` over a whole page tries its `href` pattern at every character of every
    `<a>` tag, yet an absolute link needs a `//`, which is much rarer than `<`. A match is one
    tag (it holds no `<` or `>`), so the tags to try are those a `//` is in: the last `<` before
    the `//` when no `>` comes between them. Each character is looked at a bounded number of
    times, whatever the page.
    """
    out: list[str] = []
    done = 0        # html[:done] is in `out`
    lt = -1         # the last '<' before `pos` (at or after `done`), or -1
    inside = False  # `pos` is inside the tag opened at `lt`, not yet found not to match
    seen = 0        # html[:seen] has been looked at for '<' and '>'
    while pos >= 0:
        k = html.rfind("<", seen, pos)
        if k >= 0:
            lt, inside, seen = k, True, k + 1
        if inside and html.find(">", seen, pos) >= 0:
            inside = False
        seen = pos
        if inside:
            m = _A_TAG.match(html, lt)
            if m is not None:
                out.append(html[done:lt])
                out.append(fix(m))
                done = seen = m.end()
                inside = False
                pos = html.find("//", done)
                continue
            inside = False   # its other `//`s cannot make it match either
        pos = html.find("//", pos + 2)
    if not out:
        return html
    out.append(html[done:])
    return "".join(out)


def _host(url: str) -> str:
    """The lower-cased host name of an absolute URL ('' when it has none)."""
    m = _NETLOC.match(url)
    if m is not None:
        # What urlsplit() gives for this plain form, without its generality (which was most of
        # the filter's time): the host is what follows any 'user@' in the netloc and precedes
        # any ':port'.
        return m.group(1).rpartition("@")[2].partition(":")[0].lower()
    return _split_host(url)


@lru_cache(maxsize=4096)
def _split_host(url: str) -> str:
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
