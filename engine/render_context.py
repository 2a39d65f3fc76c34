"""`RenderContext`: what a helper or tag sees of the page being rendered.

Helpers are plain functions `fn(ctx, *args, **kwargs)`; the theme passes the context of the page it
is rendering, and Python callers (tags, tests, plugins) build one directly.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engine.core import Engine
    from engine.model import Site


@dataclass
class RenderContext:
    engine: "Engine"
    page: Any = None                 # Document, PageData, or None
    path: str = ""                   # route path, e.g. '2024/01/02/x/index.html'
    url: str = ""                    # full URL of the route
    site: "Site | None" = None
    theme: dict[str, Any] = field(default_factory=dict)
    lang: str = "en"
    route_kind: str = ""             # post, page, index, archive, tag, category
    extra: dict[str, Any] = field(default_factory=dict)   # locals added by partial()

    @property
    def config(self) -> dict[str, Any]:
        return self.engine.config.raw

    def page_get(self, name: str, default: Any = None) -> Any:
        """A page field whether the page is a Document or generator PageData."""
        page = self.page
        if page is None:
            return default
        if isinstance(page, dict):
            return page.get(name, default)
        return getattr(page, name, default)
