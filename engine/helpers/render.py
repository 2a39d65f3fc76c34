"""`markdown(text)` and `render(text, engine)`: render a string with a site renderer.

As in Hexo these run the renderer only (no tag plugins, no excerpt handling): `markdown('**b**')`
→ '<p><strong>b</strong></p>\n'. Markdown goes through the engine's configured renderer
(`ctx.engine.markdown`), other names through a renderer registered in `extend.renderers` as
`fn(text, options) -> str`.
"""
from __future__ import annotations

from typing import Any

from engine.errors import EngineError
from engine.helpers._util import options

MARKDOWN_NAMES = {"markdown", "md", "mkd", "mkdn", "mdwn", "mdown", "mdtxt", "mdtext"}
PASS_THROUGH = {"html", "htm", "txt", "text"}


def render(ctx, text: Any = "", engine_name: Any = "", *args: Any, **kwargs: Any) -> str:
    opts = options(args, kwargs)
    text = "" if text is None else str(text)
    name = str(engine_name or "").lower().lstrip(".")
    if name in MARKDOWN_NAMES:
        return ctx.engine.markdown.render(text)
    if name in PASS_THROUGH:
        return text
    renderer = ctx.engine.extend.renderers.get(name) if name else None
    if renderer is None:
        raise EngineError(f"render(): no renderer for '{name or '(none)'}'",
                          hint="use 'markdown', or register one in extend.renderers")
    return renderer(text, opts)


def markdown(ctx, text: Any = "", *args: Any, **kwargs: Any) -> str:
    return render(ctx, text, "markdown", *args, **kwargs)


HELPERS = {"render": render, "markdown": markdown}
