"""URL primitives with hexo-util semantics: `url_for`, `full_url_for`, `relative_url`,
`is_external`, and the `pretty_urls` rewrite.

All functions take the merged site config dict (`Config.raw`) and are pure; template helpers wrap
them (engine/helpers/url.py). Encoding is `engine.text.encode_url` (hexo-util encodeURL).
"""
from __future__ import annotations

import re
from typing import Any, Iterable, Mapping
from urllib.parse import urlsplit

from engine.text import encode_url

__all__ = ["url_for", "full_url_for", "relative_url", "is_external", "pretty_url", "site_host"]

_UNCHANGED = re.compile(r"^(#|//|https?:)")          # url_for leaves these alone
_ABSOLUTE = re.compile(r"^(//|https?:)")              # full_url_for / is_external
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")   # mailto:, data:, javascript:, ftp: ...
_MULTI_SLASH = re.compile(r"/{2,}")


def _raw(config: Any) -> Mapping[str, Any]:
    return config.raw if hasattr(config, "raw") else config


def site_host(config: Any) -> str:
    """Host name of `config.url` (the whole url if it has none, as hexo-util does)."""
    url = str(_raw(config).get("url") or "")
    try:
        return urlsplit(url).hostname or url
    except ValueError:
        return url


def pretty_url(url: str, config: Any) -> str:
    """Apply `pretty_urls`: trailing_index false drops 'index.html', trailing_html false drops
    '.html' (but not from '…index.html' when the index is kept)."""
    opts = _raw(config).get("pretty_urls") or {}
    if opts.get("trailing_index", True) is False and url.endswith("index.html"):
        url = url[: -len("index.html")]
    if opts.get("trailing_html", True) is False and not url.endswith("index.html") \
            and url.endswith(".html"):
        url = url[: -len(".html")]
    return url


def url_for(config: Any, path: Any = "/", relative: bool | str | None = None, *,
            current: str = "") -> str:
    """Hexo's url_for: a site path prefixed with `root`, encoded, pretty_urls applied.

    External URLs (a scheme or `//`) and `#fragments` come back unchanged. `relative` defaults
    to `config.relative_link`; when on, the result is relative to `current` (the path of the
    page being rendered). Passing a string as `relative` means "relative to that path".
    """
    raw = _raw(config)
    path = "/" if path is None else str(path)
    if _UNCHANGED.match(path):
        return path
    if relative is None:
        relative = bool(raw.get("relative_link"))
    if isinstance(relative, str):
        current, relative = relative, True
    if relative:
        return relative_url(current, path)
    if _SCHEME.match(path):  # mailto:, data: ... : another origin, left alone
        return path
    root = str(raw.get("root") or "/")
    return pretty_url(encode_url(_MULTI_SLASH.sub("/", root + path)), raw)


def full_url_for(config: Any, path: Any = "/") -> str:
    """Absolute URL of a site path: `config.url` + '/' + path ('http://example.com/blog/a/b/')."""
    raw = _raw(config)
    path = "/" if path is None else str(path)
    if _ABSOLUTE.match(path) or _SCHEME.match(path):
        return path
    url = str(raw.get("url") or "").rstrip("/")
    return pretty_url(encode_url(url + _MULTI_SLASH.sub("/", "/" + path)), raw)


def relative_url(from_: str = "", to: str = "") -> str:
    """Path from page `from_` to `to`: ('foo/bar/', 'css/style.css') → '../../css/style.css'.

    Both are site paths without root; a result ending in '/' gets 'index.html', as in Hexo.
    """
    from_parts = str(from_ or "").split("/")
    to_parts = str(to or "").split("/")
    common = 0
    for a, b in zip(from_parts, to_parts):
        if a != b:
            break
        common += 1
    out = [".."] * (len(from_parts) - common - 1) + to_parts[common:]
    if len(out) > 1 and not out[-1] and not out[-2]:
        out = out[:-2] + ["index.html"]
    return encode_url(_MULTI_SLASH.sub("/", "/".join(out)))


def is_external(config: Any, url: Any, exclude: str | Iterable[str] | None = None) -> bool:
    """True for an absolute http(s) or `//` URL whose host is not the site's (nor in `exclude`)."""
    url = str(url or "")
    if not _ABSOLUTE.match(url):
        return False
    host_of_site = site_host(config)
    if not host_of_site:
        return False
    try:
        host = urlsplit("http:" + url if url.startswith("//") else url).hostname
    except ValueError:
        return False
    if not host:
        return False
    if exclude:
        excluded = [exclude] if isinstance(exclude, str) else list(exclude)
        if host in excluded:
            return False
    return host != host_of_site.lower()
