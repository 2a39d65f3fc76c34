"""Files that ship with pyhexo: the default theme, scaffolds and the starter site for `init`.

In a wheel they live in `engine/data/`; in a source checkout they are the repository's own
top-level `themes/`, `scaffolds/` and `source/` (the repository root is itself a site).
"""
from __future__ import annotations

from pathlib import Path

DEFAULT_THEME = "scholar"
_PACKAGE = Path(__file__).resolve().parent
_REPO = _PACKAGE.parent


def bundled(*parts: str) -> Path | None:
    """The first existing of `engine/data/<parts>` and `<repo>/<parts>`."""
    for base in (_PACKAGE / "data", _REPO):
        path = base.joinpath(*parts)
        if path.exists():
            return path
    return None


def bundled_theme_dir(name: str = DEFAULT_THEME) -> Path | None:
    return bundled("themes", name)


def has_jinja_views(theme_dir: Path) -> bool:
    layout = theme_dir / "layout"
    return layout.is_dir() and any(p.suffix in (".html", ".j2", ".njk", ".jinja")
                                   for p in layout.iterdir())
