"""`TagContext`: what a tag function sees (`fn(ctx, args, content) -> str`)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.errors import SourceError

__all__ = ["TagContext", "TagError"]


class TagError(SourceError):
    """Raised by tag functions for bad arguments; the renderer fills in file and line."""


@dataclass
class TagContext:
    engine: Any                          # engine.core.Engine (or a test double)
    doc: Any = None                      # the Document being rendered, or None (render_string)
    site: Any = None                     # engine.model.Site, or None
    config: dict[str, Any] = field(default_factory=dict)   # engine.config.raw
    path: str | None = None              # doc source relative to the site dir, for messages
    line: int | None = None              # file line of the tag being rendered (set per call)

    def markdown(self, text: str) -> str:
        """Render Markdown (blockquote/pullquote bodies), without tags: they are done already."""
        renderer = getattr(self.engine, "markdown", None)
        if renderer is None:
            return text
        return renderer.render(text)

    def highlight_options(self):
        from engine.highlight import HighlightOptions
        cache = self.__dict__.setdefault("_hl_opts", None)
        if cache is None:
            cache = HighlightOptions.from_config(self.config)
            self.__dict__["_hl_opts"] = cache
        return cache
