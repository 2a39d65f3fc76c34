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
from mistune.plugins.table import table
from mistune.plugins.task_lists import task_lists
from mistune.plugins.formatting import strikethrough

from .math import install_math

# marked's GFM url rule, simplified: the domain group in marked is immediately followed by
# [^\s<]*, so the whole match always runs to the next whitespace or '<'.
GFM_URL_PATTERN = r"(?i:(?:https?://|ftp://|www\.))[a-zA-Z0-9\-][^\s<]*"
# marked's "backpedal": drop trailing punctuation that is probably not part of the URL.
_BACKPEDAL = re.compile(r"""(?:[^?!.,:;*_'"~()&]+|\([^)]*\)|&(?![a-zA-Z0-9]+;\Z)|[?!.,:;*_'"~)]+(?!\Z))+""")


def backpedal_url(url: str) -> str:
    while True:
        m = _BACKPEDAL.match(url)
        trimmed = m.group(0) if m else url
        if trimmed == url:
            return url
        url = trimmed


class HexoInlineParser(mistune.InlineParser):
    # marked (breaks: true): "spaces or a backslash, then newline" is a <br>; the next
    # line's indentation is kept as text (mistune would swallow it)
    HARD_LINEBREAK = r"(?:\\| *)\n"

    def _get_fast_trigger_re(self, chars: Any) -> Any:
        # mistune re-sorts the trigger set on every text scan to validate its cache; the set
        # only changes through register(), which resets the cache, so reuse it directly.
        cached = self._fast_trigger_re
        if cached is not None:
            return cached
        return super()._get_fast_trigger_re(chars)

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
        href = "http://" + url if url[:4].lower() == "www." else url
        state.append_token({"type": "autolink", "raw": url, "attrs": {"url": href}, "_autolink": url})
        return pos


class HexoMarkdown(mistune.Markdown):
    """Markdown whose renderer walks the block tokens itself (inline parsing on demand)."""

    def render_state(self, state: BlockState) -> Any:
        return self.renderer(state.tokens, state)  # type: ignore[misc]


def build_markdown(renderer: Any, *, breaks: bool, autolink: bool, math: bool = False) -> HexoMarkdown:
    inline = HexoInlineParser(hard_wrap=breaks)
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
