"""Markdown rendering compatible with hexo-renderer-marked 7 (marked 15), built on mistune 3.

    renderer = MarkdownRenderer(config.raw)            # once per engine
    html = renderer.render(post_body)                 # per document

`highlight=callable(code, lang) -> html` replaces the markup of fenced code blocks that
reach the Markdown stage (in posts Hexo has usually highlighted them already).

With `math: true` in the site config, `$…$` / `$$…$$` become MathML (see `.math`).  Formulas
that fail to convert are listed, per call, in `renderer.last_warnings` (and appended to the
`warnings=` list if one is passed, which is safe when a renderer is shared).
"""

from __future__ import annotations

from typing import Any

from .math import MathWarning, locate_warnings
from .options import MarkedOptions
from .parser import build_markdown
from .render import HexoHTMLRenderer, Highlighter, marked_escape

__all__ = ["MarkdownRenderer", "MarkedOptions", "MathWarning", "marked_escape"]


class MarkdownRenderer:
    """One configured mistune instance, reused for every document."""

    def __init__(self, config_raw: dict[str, Any] | None = None, highlight: Highlighter | None = None,
                 *, fast: bool = True) -> None:
        """`fast=False` turns the fast paths off (every paragraph through mistune's full parser);
        the output is the same, tests use it to prove that."""
        self.options = MarkedOptions.from_config(config_raw)
        self._renderer = HexoHTMLRenderer(self.options, highlight)
        self._md = build_markdown(self._renderer, breaks=self.options.breaks,
                                  autolink=self.options.autolink, math=self.options.math, fast=fast)
        self._renderer.inline_parser = self._md.inline
        self.last_warnings: list[MathWarning] = []

    def render(self, text: str, *, warnings: list[MathWarning] | None = None) -> str:
        """Markdown source -> HTML.  Heading-id de-duplication is per call.

        Problems that do not stop rendering (maths that cannot be converted) are left in
        `self.last_warnings` and appended to `warnings`; their `line` is 1-based in `text`."""
        self.last_warnings = []
        if not text:
            return ""
        if not self.options.math:
            html, _state = self._md.parse(text)
            return html  # type: ignore[return-value]
        state = self._md.block.state_cls()
        found: list[MathWarning] = []
        state.env["warnings"] = found
        html, _state = self._md.parse(text, state)
        if found:
            locate_warnings(text, found)
            self.last_warnings = found
            if warnings is not None:
                warnings.extend(found)
        return html  # type: ignore[return-value]

    __call__ = render
