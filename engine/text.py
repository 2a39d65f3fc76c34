"""String helpers with hexo-util semantics (slugs, HTML escaping, URL encoding, truncation).

Everything here is written from the documented/observed behaviour of hexo-util (see
shared/spec/SPEC.md §10-§11 and the oracle outputs); the quirks are deliberate because
generated ids, hrefs and helper outputs must be byte-compatible with real Hexo sites.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from urllib.parse import quote, unquote

__all__ = [
    "slugize",
    "escape_diacritic",
    "escape_html",
    "unescape_html",
    "strip_html",
    "encode_url",
    "decode_url",
    "truncate",
    "word_wrap",
]

# --------------------------------------------------------------------------- slugs

# Letters that do not decompose to an ASCII base under NFKD but that hexo-util's
# diacritics table still folds (note ß -> 's', not 'ss', as hexo does).
_FOLD_EXTRA = {
    "ß": "s", "ẞ": "S", "æ": "ae", "Æ": "AE", "ǽ": "ae", "Ǽ": "AE", "ǣ": "ae", "Ǣ": "AE",
    "ø": "o", "Ø": "O", "ǿ": "o", "Ǿ": "O", "đ": "d", "Đ": "D", "ł": "l", "Ł": "L",
    "œ": "oe", "Œ": "OE", "ı": "i", "ħ": "h", "Ħ": "H", "ŧ": "t", "Ŧ": "T", "ſ": "l",
    "ƀ": "b", "ɓ": "b", "ƈ": "c", "ƌ": "d", "ɖ": "d", "ɗ": "d", "ƒ": "f", "ɠ": "g",
    "ƙ": "k", "ƚ": "l", "ɫ": "l", "ɱ": "m", "ɯ": "m", "ƞ": "n", "ɲ": "n", "ɔ": "o",
    "ɵ": "o", "ƥ": "p", "ɍ": "r", "ɽ": "r", "ȿ": "s", "ƭ": "t", "ʈ": "t", "ʉ": "u",
    "ʋ": "v", "ʌ": "v", "ƴ": "y", "ɏ": "y", "ƶ": "z", "ȥ": "z", "ɀ": "z",
    "Ɓ": "B", "Ƈ": "C", "Ƌ": "D", "Ɗ": "D", "Ɖ": "D", "Ƒ": "F", "Ɠ": "G", "Ƙ": "K",
    "Ƚ": "L", "Ɯ": "M", "Ƞ": "N", "Ɲ": "N", "Ɔ": "O", "Ɵ": "O", "Ƥ": "P", "Ɍ": "R",
    "Ƭ": "T", "Ʈ": "T", "Ʉ": "U", "Ʋ": "V", "Ʌ": "V", "Ƴ": "Y", "Ɏ": "Y", "Ƶ": "Z",
    "Ȥ": "Z", "Ȣ": "OU", "ȣ": "ou", "Ƣ": "OI", "ƣ": "oi", "ƕ": "hv", "Ǆ": "DZ",
}
# Blocks whose letters hexo folds: Latin-1/Extended-A/B, Latin Extended Additional,
# circled letters, full-width letters.  CJK, Greek, Cyrillic, Hangul... are kept as is
# (NFKD would wrongly split Hangul syllables, hence the explicit ranges).
_FOLD_RANGES = ((0xC0, 0x24F), (0x1E00, 0x1EFF), (0x24B6, 0x24E9), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
_fold_cache: dict[str, str] = {}
_NON_ASCII = re.compile(r"[^\x00-\x7e]")


def _fold_char(ch: str) -> str:
    hit = _fold_cache.get(ch)
    if hit is not None:
        return hit
    out = _FOLD_EXTRA.get(ch)
    if out is None:
        out = ch
        code = ord(ch)
        if any(lo <= code <= hi for lo, hi in _FOLD_RANGES) and ch not in "×÷":
            letters = "".join(c for c in unicodedata.normalize("NFKD", ch) if c.isascii() and c.isalpha())
            if letters:
                out = letters
    _fold_cache[ch] = out
    return out


def escape_diacritic(s: str) -> str:
    """Fold Latin letters with diacritics to ASCII ('Ünïcödé' -> 'Unicode')."""
    if s.isascii():
        return s
    return _NON_ASCII.sub(lambda m: _fold_char(m.group(0)), s)


_CONTROL = re.compile(r"[\x00-\x1f]")
# hexo-util's special set: whitespace plus ASCII punctuation.  Smart quotes are NOT in it.
_SPECIAL = re.compile(r"""[\s~`!@#$%^&*()\-_+=\[\]{}|\\;:"'<>,.?/]+""")
_sep_res: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {}


def slugize(s: str, separator: str = "-", transform: int | None = None) -> str:
    """hexo-util slugize: fold diacritics, collapse specials into `separator`, trim it.

    transform: 1 -> lower case, 2 -> upper case, otherwise case is kept.
    """
    if not isinstance(s, str):
        raise TypeError("slugize() needs a string")
    separator = separator or "-"
    res = _sep_res.get(separator)
    if res is None:
        esc = re.escape(separator)
        res = (re.compile(f"(?:{esc}){{2,}}"), re.compile(f"^(?:{esc})+|(?:{esc})+$"))
        _sep_res[separator] = res
    out = _SPECIAL.sub(separator, _CONTROL.sub("", escape_diacritic(s)))
    out = res[1].sub("", res[0].sub(separator, out))
    if transform == 1:
        return out.lower()
    if transform == 2:
        return out.upper()
    return out


# --------------------------------------------------------------------------- HTML

_ESCAPE_MAP = {"<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "`": "&#96;", "/": "&#x2F;", "=": "&#x3D;"}
# An '&' is left alone when it already starts something entity-like: '&name', '&#12', '&#x1f'
# (hexo-util only looks at the first character after '&', '&#' or '&#x'; no ';' needed).
_ESCAPE_RE = re.compile(r"&(?!#[xX]?[0-9A-Za-z]|[0-9A-Za-z])|[<>\"'`/=]")
_ESCAPE_NEEDED = re.compile(r"[&<>\"'`/=]")


def _escape_one(m: re.Match[str]) -> str:
    ch = m.group(0)
    return "&amp;" if ch == "&" else _ESCAPE_MAP[ch]


def escape_html(s: str) -> str:
    """hexo-util escapeHTML: & < > " ' ` / = become entities; existing entities are kept."""
    if not isinstance(s, str):
        raise TypeError("escape_html() needs a string")
    if _ESCAPE_NEEDED.search(s) is None:
        return s                        # a plain character class scans much faster
    return _ESCAPE_RE.sub(_escape_one, s)


_UNESCAPE_MAP = {
    "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&#x3D;": "=", "&#x2F;": "/",
    "&amp;": "&", "&#96;": "`", "&#60;": "<", "&#62;": ">", "&#34;": '"', "&apos;": "'", "&#38;": "&",
}
_UNESCAPE_RE = re.compile(r"&(?:[gl]t|quot|#39|#x(?:3D|2F)|amp|#6[02]|#34|apos|#38|#96);")


def unescape_html(s: str) -> str:
    """Reverse escape_html for the small entity set hexo-util knows (not a full decoder)."""
    if not isinstance(s, str):
        raise TypeError("unescape_html() needs a string")
    if "&" not in s:
        return s
    return _UNESCAPE_RE.sub(lambda m: _UNESCAPE_MAP[m.group(0)], s)


def strip_html(s: str) -> str:
    """Remove tags and comments, striptags-style.

    Quotes inside a tag hide '>' ; nested '<' inside a tag are counted; a '<' followed by
    a space or newline is plain text (emitted as '< ').
    """
    if not isinstance(s, str):
        return ""
    if "<" not in s:
        return s
    # Themes strip the same post content on every list page that shows it (index, archives, tags,
    # categories): memoise. The key is the caller's own string object, so the cache holds only
    # references to content that is alive anyway, plus the stripped text.
    return _strip_html_cached(s)


# One regex pass removes comments and tags (quoted attribute values may hold '>'); a tag
# starting '<' + whitespace is text for striptags, so it is not matched here. A comment's
# closing '-->' may reuse the opener's dashes ('<!-->' is a whole comment), as in striptags.
_FAST_TAG = re.compile(r"""<!(?=--).*?-->|<(?![\s<])[^<>"']*(?:(?:"[^"]*"|'[^']*')[^<>"']*)*>""", re.S)


@lru_cache(maxsize=4096)
def _strip_html_cached(s: str) -> str:
    fast = _FAST_TAG.sub("", s)
    # Any '<' left means something the regex cannot judge (nesting, '< ', unterminated tags);
    # an unclosed comment is also the slow path's to decide. Otherwise both agree.
    if "<" not in fast and ("<!--" not in s or _comments_closed(s)):
        return fast
    return _strip_html_slow(s)


def _comments_closed(s: str) -> bool:
    i = s.find("<!--")
    while i >= 0:
        end = s.find("-->", i + 2)
        if end < 0:
            return False
        i = s.find("<!--", end + 3)
    return True


def _strip_html_slow(s: str) -> str:
    out: list[str] = []
    n = len(s)
    i = 0
    text_start = 0
    while i < n:
        lt = s.find("<", i)
        if lt < 0:
            break
        out.append(s[text_start:lt])
        if lt + 1 < n and s[lt + 1] in " \n":
            out.append("< ")
            i = text_start = lt + 2
            continue
        if s.startswith("<!--", lt):
            # comment: runs to the first '-->'; the opener's own dashes count, so '<!-->'
            # is a complete comment (striptags looks back two characters from '>').
            end = s.find("-->", lt + 2)
            if end < 0:
                return "".join(out)
            i = text_start = end + 3
            continue
        gt = s.find(">", lt + 1)
        if gt > 0:
            inner = s[lt + 1:gt]
            if "<" not in inner and '"' not in inner and "'" not in inner:
                i = text_start = gt + 1   # the common case: a plain tag, no scanning needed
                continue
        depth = 0
        quote_ch = ""
        j = lt + 1
        closed = False
        while j < n:
            c = s[j]
            if c == "<":
                if not quote_ch:
                    depth += 1
            elif c == ">":
                if not quote_ch:
                    if depth:
                        depth -= 1
                    else:
                        closed = True
                        break
            elif c == '"' or c == "'":
                if c == quote_ch:
                    quote_ch = ""
                elif not quote_ch:
                    quote_ch = c
            j += 1
        if not closed:
            return "".join(out)  # an unterminated tag swallows the rest
        i = text_start = j + 1
    out.append(s[text_start:])
    return "".join(out)


# --------------------------------------------------------------------------- URLs

# encodeURI keeps these (plus alphanumerics and -_.~ which quote() always keeps).
_ENCODE_URI_SAFE = ";,/?:@&=+$!*'()#"
_PROTOCOL_RE = re.compile(r"^\s*([a-zA-Z0-9.+-]+):")
_SPECIAL_PORTS = {"http": "80", "https": "443", "ftp": "21", "ws": "80", "wss": "443"}
_AUTHORITY_RE = re.compile(r"^(?:([^@/?#]*)@)?(\[[^\]]*\]|[^:/?#]*)(?::(\d*))?$")
# WHATWG percent-encode sets (only the ASCII members; non-ASCII is always encoded).
_PATH_ENCODE = frozenset(' "#<>?`{}') | frozenset(chr(c) for c in range(0x20)) | {"\x7f"}
_FRAGMENT_ENCODE = frozenset(' "<>`') | frozenset(chr(c) for c in range(0x20)) | {"\x7f"}
_QUERY_ENCODE = frozenset(" \"#<>'") | frozenset(chr(c) for c in range(0x20)) | {"\x7f"}


def _encode_uri(s: str) -> str:
    return quote(s, safe=_ENCODE_URI_SAFE)


def _pct_encode(s: str, charset: frozenset[str]) -> str:
    if s.isascii() and not any(c in charset for c in s):
        return s
    out = []
    for c in s:
        if c in charset or not c.isascii():
            out.append("".join(f"%{b:02X}" for b in c.encode("utf-8", "surrogatepass")))
        else:
            out.append(c)
    return "".join(out)


def _safe_decode_uri(s: str) -> str:
    """decodeURI: decode escapes except those of URI-reserved characters and '#'."""
    if "%" not in s:
        return s

    def repl(m: re.Match[str]) -> str:
        seq = m.group(0)
        try:
            text = unquote(seq, errors="strict")
        except UnicodeDecodeError:
            return seq
        if len(text) == 1 and text in ";/?:@&=+$,#":
            return seq
        return text

    return re.sub(r"(?:%[0-9A-Fa-f]{2})+", repl, s)


def _remove_dot_segments(path: str) -> str:
    if "." not in path:
        return path
    segs = path.split("/")
    out: list[str] = []
    for i, seg in enumerate(segs):
        last = i == len(segs) - 1
        low = seg.lower()
        if low in (".", "%2e"):
            if last:
                out.append("")
            continue
        if low in ("..", ".%2e", "%2e.", "%2e%2e"):
            if len(out) > 1:
                out.pop()
            if last:
                out.append("")
            continue
        out.append(seg)
    return "/".join(out)


class _URL:
    """The handful of WHATWG URL pieces hexo's encodeURL/decodeURL touch (special schemes)."""

    __slots__ = ("scheme", "userinfo", "host", "port", "path", "query", "fragment")

    def __init__(self, s: str) -> None:
        s = s.strip(" \t\n\r\f\x00").replace("\t", "").replace("\n", "").replace("\r", "")
        scheme, rest = s.split(":", 1)
        self.scheme = scheme.lower()
        rest = rest.replace("\\", "/")
        rest = rest.lstrip("/")
        end = len(rest)
        for ch in "/?#":
            k = rest.find(ch)
            if 0 <= k < end:
                end = k
        authority, tail = rest[:end], rest[end:]
        m = _AUTHORITY_RE.match(authority)
        if not m or not m.group(2):
            raise ValueError("invalid URL: " + s)
        self.userinfo = m.group(1)
        self.host = m.group(2).lower()
        port = m.group(3) or ""
        if port:
            port = str(int(port))
        self.port = "" if port == _SPECIAL_PORTS.get(self.scheme) else port
        self.fragment: str | None = None
        self.query: str | None = None
        if "#" in tail:
            tail, self.fragment = tail.split("#", 1)
        if "?" in tail:
            tail, self.query = tail.split("?", 1)
        self.path = _pct_encode(_remove_dot_segments(tail or "/"), _PATH_ENCODE)
        if self.query is not None:
            self.query = _pct_encode(self.query, _QUERY_ENCODE)
        if self.fragment is not None:
            self.fragment = _pct_encode(self.fragment, _FRAGMENT_ENCODE)

    def format(self) -> str:
        auth = self.userinfo + "@" if self.userinfo else ""
        port = ":" + self.port if self.port else ""
        q = "?" + self.query if self.query else ""  # an empty query is dropped
        f = "#" + self.fragment if self.fragment is not None else ""
        return f"{self.scheme}://{auth}{self.host}{port}{self.path}{q}{f}"


def _parse_special(url: str) -> _URL | None:
    """A parsed URL for http(s)/ftp/ws(s) URLs; None when the origin would be 'null'."""
    m = _PROTOCOL_RE.match(url)
    if not m or m.group(1).lower() not in _SPECIAL_PORTS:
        return None
    return _URL(url)


# URLs that encode_url returns unchanged (or with only the root path '/' added): no '%', no
# character any of its encoders would touch, no dot segments to resolve. The character classes
# are the intersection of what `quote(safe=_ENCODE_URI_SAFE)` keeps and what the WHATWG encode
# set of that URL part leaves alone (a query also encodes "'").
_URI_CHARS = r"A-Za-z0-9_.\-~;,/:@&=+$!*'()"
_QUERY_CHARS = r"A-Za-z0-9_.\-~;,/:@&=+$!*()?"
_PLAIN_ABSOLUTE = re.compile(
    r"(https?|ftp|wss?)://([a-z0-9.-]+)"        # lower-case host, no port or userinfo
    rf"(/[{_URI_CHARS}]*)?"                        # path
    rf"(?:\?([{_QUERY_CHARS}]*))?"                 # query
    rf"(#[{_URI_CHARS}?#%]*)?\Z")                  # fragment
_PLAIN_RELATIVE = re.compile(rf"[{_URI_CHARS}?#]*\Z")


def _encode_url_fast(url: str) -> str | None:
    """encode_url for the plain URLs most links are, or None when the full rules are needed."""
    m = _PLAIN_ABSOLUTE.match(url)
    if m is not None:
        path = m.group(3) or "/"
        if "/." in path:
            return None                         # maybe a dot segment: resolve it the long way
        query = m.group(4)
        return f"{m.group(1)}://{m.group(2)}{path}{'?' + query if query else ''}{m.group(5) or ''}"
    if _PLAIN_RELATIVE.match(url) and not _PROTOCOL_RE.match(url):
        return url
    return None


@lru_cache(maxsize=8192)
def encode_url(url: str) -> str:
    """hexo-util encodeURL (cached: pure, and the same links recur across a site).

    Absolute URLs with a special scheme are normalised (host lower-cased but kept in
    Unicode, default port dropped, '/' path added, empty '?' dropped, query re-encoded);
    other schemes (mailto:, data:, javascript:) are returned untouched; scheme-less
    strings get encodeURI(unescape(s)) so existing %XX sequences are not double-encoded.
    """
    if not isinstance(url, str):
        raise TypeError("encode_url() needs a string")
    fast = _encode_url_fast(url)
    return fast if fast is not None else _encode_url_full(url)


def _encode_url_full(url: str) -> str:
    if _PROTOCOL_RE.match(url):
        parsed = _parse_special(url)
        if parsed is None:
            return url
        if parsed.query is not None:
            parsed.query = _pct_encode(_encode_uri(unquote(parsed.query)), _QUERY_ENCODE)
        parsed.path = _encode_uri(_safe_decode_uri(parsed.path))
        return parsed.format()
    return _encode_uri(unquote(url))


def decode_url(url: str) -> str:
    """hexo-util decodeURL: the readable form of an encoded URL."""
    if not isinstance(url, str):
        raise TypeError("decode_url() needs a string")
    if _PROTOCOL_RE.match(url):
        parsed = _parse_special(url)
        if parsed is None:
            return url
        return unquote(parsed.format())
    return unquote(url)


# --------------------------------------------------------------------------- text shaping


def truncate(s: str, length: int = 30, omission: str = "...", separator: str | None = None) -> str:
    """hexo-util truncate: cut to `length` characters including the omission."""
    if not isinstance(s, str):
        raise TypeError("truncate() needs a string")
    length = length or 30
    omission = "..." if omission is None else omission
    if len(s) < length:
        return s
    if separator:
        result = ""
        for word in s.split(separator):
            if len(result) + len(word) + len(omission) < length:
                result += word + separator
            else:
                return result.strip() + omission
        return result.strip() + omission
    return s[: max(length - len(omission), 0)] + omission


def word_wrap(s: str, width: int = 80) -> str:
    """hexo-util wordWrap: break lines longer than `width` at whitespace."""
    if not isinstance(s, str):
        raise TypeError("word_wrap() needs a string")
    width = width or 80
    chunk = re.compile(r"(.{1,%d})(?:\s+|$)" % width)
    lines = s.split("\n")
    for i, line in enumerate(lines):
        if len(line) > width:
            lines[i] = chunk.sub(lambda m: m.group(1) + "\n", line).strip()
    return "\n".join(lines)
