"""URL decisions made by hexo-renderer-marked for links and images.

- `recover_href`: mistune percent-quotes hrefs while parsing; Hexo wants the author's
  string (it runs its own encodeURL), so we undo exactly the escapes mistune adds.
- `image_src`: root prefix (url_for) for site-relative images.
- `is_external`: hexo-util isExternalLink against the site url.
- `mangle_email`: marked's `mangle`, made deterministic.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from ..text import encode_url
from .options import MarkedOptions

# Characters mistune's escape_url leaves alone; any %XX that decodes to one of these was
# written by the author and must stay encoded.
_MISTUNE_SAFE = frozenset(":/?#@!$&()*+,;=%_.-~")
_PCT_RUN = re.compile(r"(?:%[0-9A-Fa-f]{2})+")


def _undo_quote(m: re.Match[str]) -> str:
    run = m.group(0)
    try:
        decoded = bytes.fromhex(run.replace("%", "")).decode("utf-8")
    except UnicodeDecodeError:
        return run
    out = []
    for ch in decoded:
        if ch.isascii() and (ch.isalnum() or ch in _MISTUNE_SAFE):
            out.append("%%%02X" % ord(ch))
        else:
            out.append(ch)
    return "".join(out)


def recover_href(url: str) -> str:
    """The href as written (modulo HTML entities, which mistune already decoded)."""
    if "%" not in url:
        return url
    return _PCT_RUN.sub(_undo_quote, url)


_ABSOLUTE_IMG = re.compile(r"^(?:#|//|https?:)")
_MULTI_SLASH = re.compile(r"/{2,}")


def url_for(opts: MarkedOptions, path: str) -> str:
    """hexo url_for for a site path: root prefix, '//' collapsed, pretty_urls applied."""
    if _ABSOLUTE_IMG.match(path):
        return path
    out = encode_url(_MULTI_SLASH.sub("/", opts.root + path))
    if not opts.trailing_index and out.endswith("index.html"):
        out = out[: -len("index.html")]
    elif not opts.trailing_html and out.endswith(".html"):
        out = out[: -len(".html")]
    return out


def image_src(opts: MarkedOptions, href: str) -> str:
    if opts.prepend_root and not opts.relative_link and not _ABSOLUTE_IMG.match(href):
        href = url_for(opts, href)
    return href


_SPECIAL_SCHEMES = frozenset({"http", "https", "ftp", "ws", "wss"})
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


def site_host(site_url: str) -> str:
    try:
        return (urlsplit(site_url).hostname or "").lower()
    except ValueError:
        return ""


def is_external(href: str, sitehost: str, exclude: tuple[str, ...]) -> bool:
    """True for absolute links to another host (relative, '#', mailto: are internal)."""
    if not sitehost:
        return False
    m = _SCHEME.match(href)
    if m:
        if m.group(1).lower() not in _SPECIAL_SCHEMES:
            return False  # opaque origin (mailto:, javascript:, data:, file:)
        target = href
    elif href.startswith(("//", "\\\\")):
        target = "http:" + href
    else:
        return False  # resolves against the site itself
    try:
        host = (urlsplit(target.replace("\\", "/")).hostname or "").lower()
    except ValueError:
        return False
    if host in exclude:
        return False
    return host != sitehost


def mangle_email(addr: str) -> str:
    """Entity-encode every character, alternating decimal and hex by position.

    marked picks decimal or hex at random; a fixed pattern keeps builds reproducible
    while decoding to the same address.
    """
    return "".join(
        ("&#%d;" % ord(c)) if i % 2 == 0 else ("&#x%x;" % ord(c)) for i, c in enumerate(addr)
    )
