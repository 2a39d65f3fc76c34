"""Routes: what each generator asks to be written, and the table that detects collisions.

A route's `path` is the output path relative to `public/` (Hexo's router format: a trailing `/`
becomes `index.html`, a leading `/` is dropped, percent-escapes are decoded).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote


@dataclass
class Route:
    path: str                              # 'about/index.html'
    layouts: tuple[str, ...] | None        # view names to try in order; None means raw content
    data: Any                              # Document | PageData | bytes | str | Path
    kind: str                              # post, page, index, archive, tag, category, asset, raw
    source: str | None = None              # source file shown in errors ('source/_posts/x.md')
    generator: str = ""


def normalize_route_path(path: str) -> str:
    path = unquote(path).lstrip("/")
    if not path or path.endswith("/"):
        path += "index.html"
    return path


class RouteTable:
    """Ordered routes; a second route for a taken path is refused (first registration wins).

    Generators run in a fixed order (index, archive, tag, category before post, page, asset), so the
    winner is deterministic; the loser is reported instead of silently vanishing as in Hexo.
    """

    def __init__(self) -> None:
        self._routes: dict[str, Route] = {}

    def add(self, route: Route) -> Route | None:
        """Add a route; returns the route that already owns the path, if any."""
        route.path = normalize_route_path(route.path)
        existing = self._routes.get(route.path)
        if existing is not None:
            return existing
        self._routes[route.path] = route
        return None

    def get(self, path: str) -> Route | None:
        return self._routes.get(path)

    def __iter__(self):
        return iter(self._routes.values())

    def __len__(self) -> int:
        return len(self._routes)

    def paths(self) -> list[str]:
        return list(self._routes)
