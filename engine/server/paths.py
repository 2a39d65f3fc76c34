"""Request-target parsing and the path safety rules.

The server only ever looks paths up as keys of the in-memory build (or, with `--static`, under
`public/` after `resolve()`), so a traversal could not reach other files anyway. These rules are the
first line: a path is percent-decoded exactly once and refused if any segment could mean something
other than a plain name on some OS or to some later normalisation.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

__all__ = ["BadPath", "RequestPath", "parse_target", "MAX_PATH_LENGTH"]

MAX_PATH_LENGTH = 2048

_DRIVE = re.compile(r"^[A-Za-z]:")


class BadPath(ValueError):
    """The request target is malformed or unsafe; answer 400."""


@dataclass(frozen=True)
class RequestPath:
    """A checked request path: `raw` as sent (still percent-encoded), `path` decoded."""

    raw: str     # '/blog/a%20b/' : reused in redirects so we never re-encode
    path: str    # '/blog/a b/'
    query: str   # without '?'

    @property
    def with_slash(self) -> str:
        """The redirect target that adds a trailing slash, keeping the query."""
        return self.raw + "/" + (f"?{self.query}" if self.query else "")


def _bad_segment(seg: str) -> bool:
    if seg in (".", ".."):
        return True
    # Fullwidth or compatibility dots (U+FF0E, U+2024, U+FE52...) become '.' under NFKC, which some
    # file systems and proxies apply. Refuse anything that normalises to a dot segment or a separator.
    norm = unicodedata.normalize("NFKC", seg)
    if norm in (".", "..") or "/" in norm or "\\" in norm:
        return True
    if _DRIVE.match(seg) or _DRIVE.match(norm):  # 'C:' would make pathlib joins absolute on Windows
        return True
    return False


def parse_target(target: str) -> RequestPath:
    """Split and check a request target ('/a/b?x=1'). Raises `BadPath`.

    Only origin-form targets are accepted ('/...'); absolute-form ('http://h/x'), '*' and
    authority-form are refused, as are NUL and control characters, backslashes, invalid UTF-8
    (including overlong encodings such as %c0%ae), empty segments ('//etc') and dot segments.
    """
    if not target.startswith("/") or len(target) > MAX_PATH_LENGTH:
        raise BadPath("request target must be a path")
    if target.startswith("//"):
        # urlsplit would read '//host/x' as a network location; it is never a local path.
        raise BadPath("empty path segment")
    parts = urlsplit(target)
    raw = parts.path
    try:
        # http.server decodes the request line as latin-1; raw (unescaped) UTF-8 bytes are turned
        # back into text here so that they meet the same rules as their %-encoded form.
        text = raw.encode("latin-1").decode("utf-8")
        # errors='strict': invalid or overlong UTF-8 (e.g. %c0%ae, a classic '.' bypass) is refused.
        path = unquote(text, encoding="utf-8", errors="strict")
    except (UnicodeEncodeError, UnicodeDecodeError) as exc:
        raise BadPath("path is not valid UTF-8") from exc
    if any(unicodedata.category(ch) == "Cc" for ch in path):  # C0, DEL and C1 controls, NUL
        raise BadPath("control character in path")
    if "\\" in path:
        raise BadPath("backslash in path")
    segments = path.split("/")[1:]
    # A trailing '' is the trailing slash of a directory URL; any other empty segment is '//'.
    inner = segments[:-1] if segments and segments[-1] == "" else segments
    for seg in inner:
        if seg == "" or _bad_segment(seg):
            raise BadPath("unsafe path segment")
    return RequestPath(raw, path, parts.query)
