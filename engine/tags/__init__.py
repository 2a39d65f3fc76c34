"""Tag plugins in post sources: our own scanner for Nunjucks syntax plus Hexo's built-in tags.

Tag function signature (built-ins and plugins alike)::

    def fn(ctx: TagContext, args: list[str], content: str | None) -> str

registered with `extend.tags.register(name, fn, ends=True/False)`; `ends=True` tags are written
`{% name args %}…{% endname %}` and get the body (with nested tags rendered) as `content`.

Modules: `scanner` (finding nodes, splitting arguments), `render` (`TagPass`: placeholders around
Markdown), `expr` (`{{ expr }}`), one module per built-in tag group.
"""
from __future__ import annotations

from engine.tags.context import TagContext, TagError
from engine.tags.render import TagPass
from engine.tags.scanner import split_args

__all__ = ["TagContext", "TagError", "TagPass", "split_args", "register_builtin_tags"]


def register_builtin_tags(extend) -> None:
    """Register every built-in tag on `extend.tags` (the same call plugins use)."""
    from engine.tags import asset, code, embed, media, post, quote, url

    for module in (quote, code, media, post, asset, url, embed):
        module.register(extend)
