"""The mistune 3 parser configured like marked 15 with GFM (as hexo-renderer-marked uses it).

Differences from stock mistune that matter for Hexo output:
- backslash escapes become their own `escape` token, so the renderer can leave them out of
  smartypants and HTML-escape them the way marked does;
- `<url>` / `<email>` autolinks keep the raw address (Hexo runs its own encodeURL);
- GFM bare URLs (`https://…`, `www.…`) with marked's trailing-punctuation backpedal.
  Bare e-mail addresses are found by the renderer inside text runs (cheaper than an
  inline rule that would have to fire on every alphanumeric character).

Speed: common paragraphs (`fast_inline`, `fast_emphasis`) and lists (`fast_list`) skip
mistune's general machinery with the same tokens as result; `fast=False` turns that off.
"""

from __future__ import annotations

import re
from typing import Any, Match, Pattern

import mistune
from mistune.core import BlockState, InlineState
from mistune.helpers import unescape_char
from mistune.plugins.table import table
from mistune.plugins.task_lists import task_lists
from mistune.plugins.formatting import strikethrough

try:    # mistune internals the fast paths build on (mistune 3.4); without them mistune does it all
    from mistune.inline_parser import _KNOWN_RULE_START_CHARS
    from mistune.list_parser import _compile_list_break_sc
except ImportError:  # pragma: no cover - depends on the installed mistune
    _KNOWN_RULE_START_CHARS = None
    _compile_list_break_sc = None

from .autolink import GFM_URL_PATTERN, GFM_URL_START, autolink_token, backpedal_url
from .fast_inline import FastInline
from .fast_list import parse_simple_list
from .math import install_math


def _text_end_re(chars: set[str], url_letters: set[str]) -> re.Pattern[str]:
    """Where mistune's scan for plain text stops: a rule's start character.

    The URL rule starts with letters (h, f, w), so a plain scan would stop at most letters of
    prose, try every rule there and emit one character of text.  Those stops can only ever
    match the URL rule, so the scan instead stops where a URL prefix actually begins; the
    skipped one-character text tokens are merged back by mistune anyway."""
    plain = "[" + re.escape("".join(sorted(chars - url_letters))) + "]"
    return re.compile(plain + "|" + GFM_URL_START if url_letters else plain)


class HexoInlineParser(mistune.InlineParser):
    # marked (breaks: true): "spaces or a backslash, then newline" is a <br>; the next
    # line's indentation is kept as text (mistune would swallow it)
    HARD_LINEBREAK = r"(?:\\| *)\n"

    def __init__(self, hard_wrap: bool = False, *, fast: bool = True) -> None:
        super().__init__(hard_wrap=hard_wrap)
        self.fast = fast            # False: always the full mistune parse (tests compare both)
        self._fast_inline: FastInline | None = None

    def register(self, *args: Any, **kwargs: Any) -> None:
        super().register(*args, **kwargs)
        self._fast_inline = None    # the fast path mirrors the rule set: rebuild it

    def __call__(self, s: str, env: Any) -> list[dict[str, Any]]:
        if self.fast:
            fast = self._fast_inline
            if fast is None:
                fast = self._fast_inline = FastInline(self)
            if fast.enabled:
                tokens = fast.tokens(s)
                if tokens is not None:
                    return tokens
        return super().__call__(s, env)

    def _get_fast_trigger_re(self, chars: Any) -> Any:
        # mistune re-sorts the trigger set on every text scan to validate its cache; the set
        # only changes through register(), which resets the cache, so reuse it directly.
        cached = self._fast_trigger_re
        if cached is not None:
            return cached
        if not self.fast:
            return super()._get_fast_trigger_re(chars)
        self._fast_trigger_re = _text_end_re(chars, self._url_only_chars())
        return self._fast_trigger_re

    def _url_only_chars(self) -> set[str]:
        """Start characters that only the GFM URL rule claims (its letters h/f/w)."""
        if "gfm_url" not in self.rules or _KNOWN_RULE_START_CHARS is None:
            return set()
        shared: set[str] = set()
        for name in self.rules:
            if name != "gfm_url":
                shared |= self._rule_start_chars.get(name, _KNOWN_RULE_START_CHARS.get(name, set()))
        return self._rule_start_chars["gfm_url"] - shared

    def parse_escape(self, m: Match[str], state: InlineState) -> int:
        state.append_token({"type": "escape", "raw": unescape_char(m.group(0))})
        return m.end()

    def parse_auto_link(self, m: Match[str], state: InlineState) -> int:
        text = m.group(0)
        if state.in_link or state.depth >= self.max_nested_level:
            self.process_text(text, state)
            return m.end()
        url = text[1:-1]
        state.append_token({"type": "autolink", "raw": url, "attrs": {"url": url}, "_autolink": text})
        return m.end()

    def parse_auto_email(self, m: Match[str], state: InlineState) -> int:
        text = m.group(0)
        if state.in_link or state.depth >= self.max_nested_level:
            self.process_text(text, state)
            return m.end()
        addr = text[1:-1]
        state.append_token(
            {"type": "autolink", "raw": addr, "attrs": {"url": "mailto:" + addr}, "_autolink": text}
        )
        return m.end()

    def parse_gfm_url(self, m: Match[str], state: InlineState) -> int:
        text = m.group(0)
        pos = m.end()
        if state.brackets:
            # inside a possible link label: the URL cannot run past the closing bracket
            close = text.find("]")
            if close >= 0:
                text = text[:close]
                pos = m.start() + close
        url = backpedal_url(text)
        if len(url) < len(text):
            pos = m.start() + len(url)
        if state.in_link or state.depth >= self.max_nested_level:
            self.process_text(url, state)
            return pos
        state.append_token(autolink_token(url))
        return pos


class HexoBlockParser(mistune.BlockParser):
    def __init__(self, *, max_nested_level: int, fast: bool = True) -> None:
        super().__init__(max_nested_level=max_nested_level)
        self.fast = fast
        self._list_breaks: dict[int, Pattern[str]] = {}
        self._anchored: bool | None = None

    def register(self, *args: Any, **kwargs: Any) -> None:
        super().register(*args, **kwargs)
        self._list_breaks.clear()   # built from the rule patterns
        self._anchored = None

    def _rules_anchored(self) -> bool:
        """Does every block rule match only at a line start (as all of mistune's do)?"""
        if self._anchored is None:
            self._anchored = all(p.startswith(("^", "(^")) for p in self.specification.values())
        return self._anchored

    def list_break_sc(self, leading_width: int) -> Pattern[str]:
        """mistune's pattern for the blocks that end a list item of this width, kept: mistune
        rebuilds it from the rule patterns for every item."""
        sc = self._list_breaks.get(leading_width)
        if sc is None:
            sc = self._list_breaks[leading_width] = _compile_list_break_sc(self, leading_width)
        return sc

    def parse_list(self, m: Match[str], state: BlockState) -> int:
        if self.fast and _compile_list_break_sc is not None:
            end = parse_simple_list(self, m, state)
            if end is not None:
                return end
        return super().parse_list(m, state)

    def _parse_plain_paragraph(self, state: BlockState, sc: Pattern[str]) -> bool:
        """Paragraph text from the cursor up to the next block start.

        mistune calls this when no block rule matches at the cursor.  For a line starting with
        a letter it collects the paragraph itself; otherwise (a line starting with `[`, `` ` ``,
        `*`, a digit…) it returns False and mistune runs `sc.search` over the rest of the
        document, adds the text before the match as paragraph text and parses the match.  Every
        block rule is anchored at a line start, so that search finds the first later line start
        where `sc` matches: trying `sc.match` line by line finds the same place without running
        the whole rule alternation at every character in between.  Returning True after adding
        the text makes mistune parse the match from its main loop, with the same result."""
        if super()._parse_plain_paragraph(state, sc):
            return True
        if not self.fast or state.cursor >= state.cursor_max or not self._rules_anchored():
            return False
        src = state.src
        end = state.cursor_max
        line = state.cursor
        while True:
            nl = src.find("\n", line)
            if nl < 0 or nl + 1 >= end:
                line = end               # no block start follows: the rest is paragraph text
                break
            line = nl + 1
            if sc.match(src, line):
                break
        state.add_paragraph(state.get_text(line))
        state.cursor = line
        return True


class HexoMarkdown(mistune.Markdown):
    """Markdown whose renderer walks the block tokens itself (inline parsing on demand)."""

    def render_state(self, state: BlockState) -> Any:
        return self.renderer(state.tokens, state)  # type: ignore[misc]


def build_markdown(renderer: Any, *, breaks: bool, autolink: bool, math: bool = False,
                   fast: bool = True) -> HexoMarkdown:
    inline = HexoInlineParser(hard_wrap=breaks, fast=fast)
    if autolink:
        inline.register("gfm_url", GFM_URL_PATTERN, HexoInlineParser.parse_gfm_url,
                        before="link", start_chars=tuple("hHfFwW"))
    block = HexoBlockParser(max_nested_level=inline.max_nested_level, fast=fast)
    md = HexoMarkdown(renderer=renderer, block=block, inline=inline)
    table(md)
    strikethrough(md)
    task_lists(md)  # token rewrite only; our renderer is not NAME == "html"
    if math:  # off: no `$` rule at all, so no cost and marked's plain-text dollars
        install_math(md)
    return md
