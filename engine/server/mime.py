"""Content types for served files: our own table first, then Python's built-in one.

We never consult the OS's `/etc/mime.types` (it differs between machines, and some map `.js` to
`text/plain`), so a site is served the same everywhere.
"""
from __future__ import annotations

import mimetypes
import posixpath

__all__ = ["content_type", "is_compressible"]

_OWN = {
    ".html": "text/html", ".htm": "text/html",
    ".css": "text/css",
    ".js": "text/javascript", ".mjs": "text/javascript", ".cjs": "text/javascript",
    ".json": "application/json", ".map": "application/json",
    ".webmanifest": "application/manifest+json",
    ".xml": "application/xml", ".xsl": "application/xml",
    ".atom": "application/atom+xml", ".rss": "application/rss+xml",
    ".txt": "text/plain", ".md": "text/markdown", ".markdown": "text/markdown",
    ".csv": "text/csv", ".yml": "text/yaml", ".yaml": "text/yaml",
    ".svg": "image/svg+xml",
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
    ".webp": "image/webp", ".avif": "image/avif", ".ico": "image/x-icon", ".bmp": "image/bmp",
    ".woff": "font/woff", ".woff2": "font/woff2", ".ttf": "font/ttf", ".otf": "font/otf",
    ".eot": "application/vnd.ms-fontobject",
    ".wasm": "application/wasm",
    ".pdf": "application/pdf", ".zip": "application/zip",
    ".gz": "application/gzip", ".br": "application/x-brotli",
    ".mp4": "video/mp4", ".webm": "video/webm", ".mp3": "audio/mpeg", ".ogg": "audio/ogg",
    ".wav": "audio/wav",
}

# MimeTypes() built this way holds only Python's defaults, never the system files.
_BUILTIN = mimetypes.MimeTypes().types_map[True]

_TEXTUAL_APP = {
    "application/json", "application/manifest+json", "application/xml", "application/atom+xml",
    "application/rss+xml", "image/svg+xml", "application/javascript",
}


def _base_type(path: str) -> str:
    ext = posixpath.splitext(path)[1].lower()
    if not ext and (path.endswith("/") or path == ""):
        return "text/html"
    return _OWN.get(ext) or _BUILTIN.get(ext) or "application/octet-stream"


def content_type(path: str) -> str:
    """The Content-Type header value for a route path; text types carry `charset=utf-8`."""
    base = _base_type(path)
    if base.startswith("text/") or base in _TEXTUAL_APP:
        return f"{base}; charset=utf-8"
    return base


def is_compressible(ctype: str) -> bool:
    """Worth gzipping: text, JSON/XML/SVG and wasm; not images, fonts (woff2 is compressed) or media."""
    base = ctype.split(";", 1)[0].strip()
    return base.startswith("text/") or base in _TEXTUAL_APP or base == "application/wasm"
