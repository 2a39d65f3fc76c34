"""The theme's shortcuts through Jinja (engine/theme.py) behave as Jinja's own paths do: helpers
and partials called in loops, macros under `{% autoescape %}`, `a.b` on dicts and documents,
output escaping, templates edited between builds."""
from __future__ import annotations

import jinja2
import pytest
from markupsafe import Markup

from engine.core import Engine
from engine.model import Document, PageData, Site
from engine.routes import Route

THEME = {
    "themes/t/layout/index.html": (
        "{% for p in page.posts %}{% set n = loop.index %}"
        "{{ partial('_partial/item', {'post': p}) }}{{ url_for(p.path) }};{% endfor %}"),
    "themes/t/layout/_partial/item.html": "[{{ n }}:{{ p.title }}:{{ post.title }}:{{ depth() }}]",
    "themes/t/layout/_macros.html": "{% macro b(x) %}<b>{{ x }}</b>{% endmacro %}",
    "themes/t/layout/page.html": (
        "{% from '_macros.html' import b %}{{ b('<i>') }}|{% autoescape false %}{{ b('<i>') }}"
        "{% endautoescape %}|{{ 'a.b.c'.count('.') }}|{{ config.title }}|{{ config.items }}|"
        "{{ config.nope.deeper }}|{{ page.nope }}|{{ page.title }}|{{ '<&>' }}|{{ 'plain' }}|"
        "{{ shout('x') }}|{{ page.content }}"),
}


def _engine(make_site, files=None):
    site_dir = make_site({"_config.yml": "title: T & Co\nurl: http://example.com\ntheme: t\n",
                          **THEME, **(files or {})}, theme=False)
    engine = Engine(site_dir)
    engine.extend.helpers.register("shout", lambda ctx, text: f"<em>{text}!</em>")
    engine.extend.helpers.register(
        "depth", lambda ctx: "ctx" if ctx is not None and ctx.path == "index.html" else "none")
    return engine, Engine(site_dir).theme.env


def _doc(title: str, path: str, content: str = "") -> Document:
    return Document(kind="post", source=f"_posts/{path}.md", full_source=None, raw="", body="",
                    body_line=1, front_matter={}, title=title, path=f"{path}/",
                    content=Markup(content))


def _render(engine, view: str, page) -> str:
    from engine.theme import Theme
    theme = Theme(engine)
    return theme.render(Route(path="index.html", layouts=(view,), data=page, kind="index"), Site())


def test_partials_and_helpers_in_loops_see_the_loop(make_site):
    engine, _ = _engine(make_site)
    page = PageData(posts=[_doc("A", "a"), _doc("B", "b")])
    # As with Jinja's derived contexts: what the loop body `set`s (n) reaches the partial, the
    # loop variable itself (p) does not; helpers get the page being rendered.
    assert _render(engine, "index", page) == "[1::A:ctx]/a/;[2::B:ctx]/b/;"


def test_macros_builtins_attributes_and_escaping_as_plain_jinja(make_site):
    engine, _ = _engine(make_site)
    page = _doc("T <1>", "x", "<p>c</p>")
    out = _render(engine, "page", page)
    plain = jinja2.Environment(loader=jinja2.DictLoader(
        {k.removeprefix("themes/t/layout/"): v for k, v in THEME.items()}),
        autoescape=True, undefined=jinja2.ChainableUndefined)
    expected = plain.get_template("page.html").render(
        page=page, config=engine.config.raw, shout=lambda text: Markup(f"<em>{text}!</em>"))
    assert out == expected
    assert out.startswith("<b>&lt;i&gt;</b>|<b>&lt;i&gt;</b>|2|T &amp; Co|&lt;built-in method")
    assert out.endswith("|||T &lt;1&gt;|&lt;&amp;&gt;|plain|<em>x!</em>|<p>c</p>")


def test_a_template_edited_between_builds_is_reloaded(make_site):
    engine, _ = _engine(make_site)
    from engine.theme import Theme
    theme = Theme(engine)
    route = Route(path="index.html", layouts=("page",), data=_doc("T", "x"), kind="post")
    view = engine.config.theme_dir / "layout" / "page.html"
    view.write_text("one {{ page.title }}", "utf-8")
    assert theme.render(route, Site()) == "one T"
    import os
    import time
    view.write_text("two {{ page.title }}", "utf-8")
    later = time.time() + 5
    os.utime(view, (later, later))
    site = Site()
    assert theme.render(route, site) == "two T"      # a new build (a new Site) checks again


@pytest.mark.parametrize("value", ["plain", "a & b", "<x>", "'q'", '"d"', 5, None, Markup("<b>")])
def test_output_escaping_is_markupsafe(value):
    from markupsafe import escape

    from engine.theme import _escape
    assert _escape(value) == escape(value) and isinstance(_escape(value), Markup)
