"""markdown() and render(): renderer delegation, and the real Markdown renderer vs the oracle."""
from __future__ import annotations

import pytest

from ._oracle import call, make_ctx, make_engine, route_json
from engine.errors import EngineError
from ._oracle import SITE_CALLS


def test_markdown_uses_the_engine_renderer():
    ctx = make_ctx("feature-site")
    assert call(ctx, "markdown", "**b**") == "<md>**b**</md>"
    assert call(ctx, "render", "*em*", "md") == "<md>*em*</md>"
    assert call(ctx, "render", "<b>x</b>", "html") == "<b>x</b>"


def test_registered_renderers_and_unknown_names():
    ctx = make_ctx("feature-site")
    ctx.engine.extend.renderers.register("upper", lambda text, opts: text.upper() + str(opts))
    assert call(ctx, "render", "abc", "upper", flag=1) == "ABC{'flag': 1}"
    with pytest.raises(EngineError):
        call(ctx, "render", "x", "nope")


@pytest.mark.parametrize("key", ["markdown", "render_md"])
def test_real_markdown_matches_oracle(key):
    markdown = pytest.importorskip("engine.markdown")
    renderer_cls = getattr(markdown, "MarkdownRenderer", None)
    if renderer_cls is None:
        pytest.skip("engine.markdown.MarkdownRenderer not available yet")
    engine = make_engine("feature-site")
    engine.markdown = renderer_cls(engine.config.raw)
    ctx = make_ctx("feature-site", engine=engine)
    name, args, kwargs = SITE_CALLS[key]
    assert call(ctx, name, *args, **kwargs) == route_json("feature-site", "index.html")["site_helpers"][key]
