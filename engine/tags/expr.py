"""`{{ expr }}` in post sources.

Hexo renders posts with Nunjucks but passes no template variables, so `{{ page.title }}` is '' while
filters on literals work (`{{ "nunjucks" | upper }}` → NUNJUCKS). We evaluate the expression with a
sandboxed Jinja2 environment that has no variables and whose undefined values (and any attribute of
them) render as ''. Nunjucks does not autoescape in Hexo, so neither do we.
"""
from __future__ import annotations

from functools import lru_cache

from jinja2 import ChainableUndefined
from jinja2.sandbox import SandboxedEnvironment

__all__ = ["evaluate", "ExpressionError"]


class ExpressionError(Exception):
    """The expression does not compile or fails when evaluated."""


@lru_cache(maxsize=1)
def _env() -> SandboxedEnvironment:
    # One per process; holds no per-document state (safe under the lead's process pool).
    env = SandboxedEnvironment(undefined=ChainableUndefined, autoescape=False)
    # Nunjucks spellings of a few filters that Jinja names differently.
    env.filters.setdefault("safe", lambda v: v)
    env.filters.setdefault("nl2br", lambda v: str(v).replace("\n", "<br />\n"))
    return env


@lru_cache(maxsize=1024)
def _compile(expr: str):
    try:
        return _env().from_string("{{ " + expr + " }}")
    except Exception as exc:  # jinja2.TemplateSyntaxError and friends
        raise ExpressionError(f"bad expression '{{{{ {expr} }}}}': {exc}") from None


def evaluate(expr: str) -> str:
    """Render `{{ expr }}` with no variables."""
    if not expr.strip():
        return ""
    template = _compile(expr)
    try:
        return template.render()
    except Exception as exc:
        raise ExpressionError(f"expression '{{{{ {expr} }}}}' failed: {exc}") from None
