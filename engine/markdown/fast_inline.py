"""A fast path through inline Markdown for the shapes most paragraphs are made of.

mistune's inline parser stops at every rule start character, tries its whole rule alternation
there and turns most stops into one-character text tokens that its emphasis pass merges again;
links go through a character-by-character href scanner.  Blog prose is mostly plain text with
code spans, `[text](url)` links, emphasis markers, backslash escapes and line breaks, so
`FastInline.tokens` scans exactly those shapes with a few regex searches and returns the tokens
mistune would return (adjacent text tokens may be split differently; the renderer and mistune's
emphasis pass both treat a run of text tokens as one).

As soon as the text holds anything else it returns None and the caller runs mistune: raw HTML
and `<autolinks>` (`<`), a `]` that does not close a link, `[`/`![` that do not open an inline
link, nested brackets, code spans, line breaks or bare URLs inside a link label, `~~` and `$`
(when those rules are on).  Emphasis is resolved after the scan, as mistune does it: `*`/`_`
stay in the text tokens; simple pairs are matched by `fast_emphasis.pair_emphasis`, anything
else by mistune's own delimiter pass (`finalize_tokens`).

`tests/unit/test_markdown_fast_inline.py` compares both paths on random Markdown.
"""

from __future__ import annotations

import re
from typing import Any

from mistune.helpers import PUNCTUATION, parse_link, unescape_char
from mistune.util import escape_url

from .autolink import GFM_URL_PATTERN, GFM_URL_START, autolink_token, backpedal_url
from .fast_emphasis import AVAILABLE as EMPHASIS_FAST_PATH, pair_emphasis

Token = dict[str, Any]

# The inline rules this module knows how to stand in for; any other rule disables the fast path.
KNOWN_RULES = frozenset({"escape", "codespan", "emphasis", "gfm_url", "strikethrough", "link",
                         "link_close", "auto_link", "auto_email", "inline_html", "linebreak",
                         "softbreak", "math"})

_ESCAPES = re.compile(r"(?:\\" + PUNCTUATION + ")+")
_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_BACKTICKS = re.compile(r"`+")
_LABEL_STOP = re.compile(r"[\[\]\\]")
# A destination without whitespace, control characters, parentheses or backslashes, not starting
# with '<': mistune's href scanner takes all of it, finds no title, and the ')' closes the link.
_SIMPLE_DEST = re.compile(r"([^\x00-\x20\x7f()<\\][^\x00-\x20\x7f()\\]*)\)")
# A whole link whose label has no brackets, escapes, code, raw HTML, line breaks, `~` or `$`,
# with a simple destination: the common case, decided in one match.
_PLAIN_LINK = re.compile(r"\[([^\[\]\\`<\n~$]*)\]\(([^\x00-\x20\x7f()<\\][^\x00-\x20\x7f()\\]*)\)")
# Destinations mistune's escape_url returns unchanged: only characters `quote` keeps with its
# safe set, and no '&' (an entity would be decoded first).
_URL_KEPT = re.compile(r"[A-Za-z0-9_.\-~:/?#@!$()*+,;=%]*")
_URL_START = re.compile(GFM_URL_START)
_GFM_URL = re.compile(GFM_URL_PATTERN)


class FastInline:
    """The fast path for one configured `HexoInlineParser` (whose rules it mirrors)."""

    def __init__(self, parser: Any) -> None:
        rules = set(parser.rules)
        # mistune >= 3.4 resolves emphasis after scanning (`finalize_tokens`), as assumed here
        self.enabled = (rules <= KNOWN_RULES and "emphasis" in rules
                        and hasattr(parser, "finalize_tokens"))
        self.parser = parser
        self.max_nested_level = parser.max_nested_level
        self.autolink = "gfm_url" in rules
        self.tilde = "strikethrough" in rules
        stops = "\\\\`\\[\\]!<\\n"
        label_bad = ["[`<\\n]"]
        if self.tilde:
            stops += "~"
            label_bad.append("~~")
        if "math" in rules:
            stops += "$"
            label_bad.append("\\$")
        if self.autolink:
            label_bad.append(GFM_URL_START)
        self._stop = re.compile("[" + stops + "]")
        self._label_bad = re.compile("|".join(label_bad))
        # the parser's own line-break rules, in its order ('softbreak' only without hard wrap)
        self._break = re.compile("|".join(f"(?P<{name}>{parser.specification[name]})"
                                          for name in parser.rules if name in ("linebreak", "softbreak")))

    # ------------------------------------------------------------------ paragraph

    def tokens(self, src: str) -> list[Token] | None:
        """mistune's inline tokens for `src`, or None when `src` needs the full parser."""
        if not src:
            return None
        out: list[Token] = []
        urls = [m.start() for m in _URL_START.finditer(src)] if self.autolink else []
        ui = 0
        n = len(src)
        stop_re = self._stop
        pos = 0          # where scanning resumes
        start = 0        # start of the pending text
        while pos < n:
            m = stop_re.search(src, pos)
            s = m.start() if m else n
            while ui < len(urls) and urls[ui] < pos:
                ui += 1
            if ui < len(urls) and urls[ui] < s:
                s = urls[ui]
                end = self._bare_url(src, s, out, start)
                if end is None:
                    pos = s + 1          # a prefix without a URL after it is text
                else:
                    pos = start = end
                continue
            if s >= n:
                break
            c = src[s]
            if c == "\n":
                q = s
                while q > start and src[q - 1] == " ":
                    q -= 1               # trailing spaces belong to the break
                pos = start = self._line_break(src, q, out, start)
            elif c == "\\":
                pos, start = self._backslash(src, s, out, start)
            elif c == "`":
                pos, start = self._code_span(src, s, out, start)
            elif c == "[" or (c == "!" and src.startswith("[", s + 1)):
                link = self._link(src, s + (2 if c == "!" else 1), c == "!")
                if link is None:
                    return None
                tok, end = link
                _text(out, src, start, s)
                out.append(tok)
                pos = start = end
            elif c == "!" or (c == "~" and not src.startswith("~", s + 1)):
                pos = s + 1              # plain text here
            else:                        # ']', '<', '~~', '$'
                return None
        _text(out, src, start, n)
        return self._emphasis(out, 0)

    def _emphasis(self, tokens: list[Token], depth: int) -> list[Token]:
        """mistune's emphasis pass, which only has work to do when a text token has `*`/`_`.

        Without one it would just return the tokens: ours never has two text tokens in a row to
        merge, nor the private keys (`_emphasis`, `_autolink`) the pass strips.  Simple pairs
        are resolved by `pair_emphasis`, the rest by mistune."""
        for tok in tokens:
            if tok["type"] == "text" and ("*" in tok["raw"] or "_" in tok["raw"]):
                paired = pair_emphasis(tokens) if EMPHASIS_FAST_PATH else None
                return paired if paired is not None else self.parser.finalize_tokens(tokens, depth)
        return tokens

    def _line_break(self, src: str, q: int, out: list[Token], start: int) -> int:
        m = self._break.match(src, q)
        assert m is not None and m.lastgroup  # ' *\n' always matches at q
        _text(out, src, start, q)
        out.append({"type": m.lastgroup})
        return m.end()

    def _backslash(self, src: str, s: int, out: list[Token], start: int) -> tuple[int, int]:
        m = _ESCAPES.match(src, s)
        if m is not None:
            _text(out, src, start, s)
            out.append({"type": "escape", "raw": unescape_char(m.group(0))})
            return m.end(), m.end()
        m = self._break.match(src, s)
        if m is not None and m.lastgroup:
            _text(out, src, start, s)
            out.append({"type": m.lastgroup})
            return m.end(), m.end()
        return s + 1, start              # a lone backslash is text

    def _code_span(self, src: str, s: int, out: list[Token], start: int) -> tuple[int, int]:
        marker = _BACKTICKS.match(src, s).group(0)  # type: ignore[union-attr]
        after = s + len(marker)
        end = _code_end(src, marker, after)
        if end is None:
            return after, start          # no closing run: the backticks are text
        code = src[after:end].replace("\n", " ")
        if code.strip(" ") and code.startswith(" ") and code.endswith(" "):
            code = code[1:-1]
        _text(out, src, start, s)
        out.append({"type": "codespan", "raw": code})
        return end + len(marker), end + len(marker)

    def _bare_url(self, src: str, s: int, out: list[Token], start: int) -> int | None:
        """A GFM bare URL at `s` outside any link label (HexoInlineParser.parse_gfm_url)."""
        m = _GFM_URL.match(src, s)
        if m is None:
            return None
        url = backpedal_url(m.group(0))
        _text(out, src, start, s)
        out.append(autolink_token(url, literal=False))   # never inside a label here
        return s + len(url)

    # ------------------------------------------------------------------ links

    def _link(self, src: str, lab: int, image: bool) -> tuple[Token, int] | None:
        """`[label](dest)` / `![label](dest)` with a label of plain text and escapes."""
        kind = "image" if image else "link"
        m = _PLAIN_LINK.match(src, lab - 1)
        if m is not None:    # the usual shape, in one match: what the steps below would find
            label = m.group(1)
            if self.autolink and _URL_START.search(label):
                return None
            children = [{"type": "text", "raw": label}] if label else []
            return {"type": kind, "children": self._emphasis(children, 1),
                    "attrs": {"url": _escape_url(m.group(2))}}, m.end()
        i = lab
        n = len(src)
        while True:
            m = _LABEL_STOP.search(src, i)
            if m is None:
                return None
            j = m.start()
            ch = src[j]
            if ch == "]":
                break
            if ch == "[":
                return None
            # a backslash escape ('\]') is skipped whole, a lone backslash is text
            i = j + 2 if j + 1 < n and src[j + 1] in _PUNCT else j + 1
        label = src[lab:j]
        if self._label_bad.search(label) or not src.startswith("(", j + 1):
            return None
        dm = _SIMPLE_DEST.match(src, j + 2)
        if dm is not None:
            attrs: dict[str, Any] | None = {"url": _escape_url(dm.group(1))}
            end = dm.end()
        else:
            # anything else about the destination: mistune's own parser decides
            attrs, end = parse_link(src, j + 2,  # type: ignore[assignment]
                                    max_nested_level=self.max_nested_level)
            if attrs is None:
                return None
        children = self._emphasis(_label_tokens(label), 1)
        return {"type": kind, "children": children, "attrs": attrs}, end


def _escape_url(href: str) -> str:
    """mistune's escape_url, skipped for the destinations it returns unchanged."""
    return href if _URL_KEPT.fullmatch(href) else escape_url(href)


def _text(out: list[Token], src: str, a: int, b: int) -> None:
    if b > a:
        out.append({"type": "text", "raw": src[a:b]})


def _label_tokens(label: str) -> list[Token]:
    out: list[Token] = []
    pos = 0
    if "\\" in label:
        for m in _ESCAPES.finditer(label):
            if m.start() > pos:
                out.append({"type": "text", "raw": label[pos:m.start()]})
            out.append({"type": "escape", "raw": unescape_char(m.group(0))})
            pos = m.end()
    if pos < len(label):
        out.append({"type": "text", "raw": label[pos:]})
    return out


def _code_end(src: str, marker: str, pos: int) -> int | None:
    """Start of the first run of exactly len(marker) backticks at or after `pos`."""
    end = src.find(marker, pos)
    if end < 0:
        return None
    size = len(marker)
    if src[end - 1] != "`" and not src.startswith("`", end + size):
        return end
    for m in _BACKTICKS.finditer(src, pos):
        if m.end() - m.start() == size:
            return m.start()
    return None
