"""Markdown rendering compatible with hexo-renderer-marked 7 (marked 15), built on mistune 3.

    renderer = MarkdownRenderer(config.raw)            # once per engine
    html = renderer.render(post_body)                 # per document

`highlight=callable(code, lang) -> html` replaces the markup of fenced code blocks that
reach the Markdown stage (in posts Hexo has usually highlighted them already).
"""

from __future__ import annotations

from typing import Any

from .options import MarkedOptions
from .parser import build_markdown
from .render import HexoHTMLRenderer, Highlighter, marked_escape

__all__ = ["MarkdownRenderer", "MarkedOptions", "marked_escape"]


class MarkdownRenderer:
    """One configured mistune instance, reused for every document."""

    def __init__(self, config_raw: dict[str, Any] | None = None, highlight: Highlighter | None = None) -> None:
        self.options = MarkedOptions.from_config(config_raw)
        self._renderer = HexoHTMLRenderer(self.options, highlight)
        self._md = build_markdown(self._renderer, breaks=self.options.breaks, autolink=self.options.autolink)
        self._renderer.inline_parser = self._md.inline

    def render(self, text: str) -> str:
        """Markdown source -> HTML.  Heading-id de-duplication is per call."""
        if not text:
            return ""
        html, _state = self._md.parse(text)
        return html  # type: ignore[return-value]

    __call__ = render
