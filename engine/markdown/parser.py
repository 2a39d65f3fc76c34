"""The mistune 3 parser configured like marked 15 with GFM (as hexo-renderer-marked uses it).

Differences from stock mistune that matter for Hexo output:
- backslash escapes become their own `escape` token, so the renderer can leave them out of
  smartypants and HTML-escape them the way marked does;
- `<url>` / `<email>` autolinks keep the raw address (Hexo runs its own encodeURL);
- GFM bare URLs (`https://…`, `www.…`) with marked's trailing-punctuation backpedal.
  Bare e-mail addresses are found by the renderer inside text runs (cheaper than an
  inline rule that would have to fire on every alphanumeric character).
"""

from __future__ import annotations

import re
from typing import Any, Match

import mistune
from mistune.core import BlockState, InlineState
from mistune.helpers import unescape_char
from mistune.inline_parser import _KNOWN_RULE_START_CHARS
from mistune.plugins.table import table
from mistune.plugins.task_lists import task_lists
from mistune.plugins.formatting import strikethrough

from .autolink import GFM_URL_PATTERN, GFM_URL_START, autolink_token, backpedal_url
from .fast_inline import FastInline
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
        self._fast_trigger_re = _text_end_re(chars, self._url_only_chars())
        return self._fast_trigger_re

    def _url_only_chars(self) -> set[str]:
        """Start characters that only the GFM URL rule claims (its letters h/f/w)."""
        if "gfm_url" not in self.rules:
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
    block = mistune.BlockParser(max_nested_level=inline.max_nested_level)
    md = HexoMarkdown(renderer=renderer, block=block, inline=inline)
    table(md)
    strikethrough(md)
    task_lists(md)  # token rewrite only; our renderer is not NAME == "html"
    if math:  # off: no `$` rule at all, so no cost and marked's plain-text dollars
        install_math(md)
    return md
