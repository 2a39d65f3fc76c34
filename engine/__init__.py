"""pyhexo: a Hexo-compatible static site engine with Jinja2 themes and a live-reloading dev server."""
from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "Engine"]


def __getattr__(name: str):
    # Lazy so that `import engine` stays cheap for `pyhexo --help` and for pool workers.
    if name == "Engine":
        from engine.core import Engine
        return Engine
    raise AttributeError(name)
