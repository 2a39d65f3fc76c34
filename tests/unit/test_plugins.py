"""Plugin loading (engine/plugins.py): where plugins come from, the register() forms, load order,
and how failures are reported (by name, file and line, without stopping the build)."""
from __future__ import annotations

import textwrap

import pytest

import engine.plugins as plugins_mod
from engine.core import Engine
from engine.errors import PluginError

POST = "---\ntitle: P\ndate: 2024-01-01 10:00:00\n---\nHello {% hi %}\n"


def script(body: str) -> str:
    return textwrap.dedent(body).lstrip("\n")


def build(site, **kw):
    engine = Engine(site, **kw)
    return engine, engine.build()


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_register_with_extend_only_and_with_engine(make_site):
    site = make_site({
        "source/_posts/p.md": POST,
        "scripts/a.py": script("""
            def register(extend):
                extend.tags.register("hi", lambda ctx, args, content: "<b>hi</b>")
        """),
        "scripts/b.py": script("""
            def register(extend, engine):
                extend.helpers.register("site_title", lambda ctx: engine.config.raw["title"])
        """),
        "themes/t/layout/post.html": "{{ site_title() }}|{{ page.content }}",
    })
    _, result = build(site)
    assert result.ok, result.errors
    assert result.outputs["2024/01/01/p/index.html"].decode().count("Test|<p>Hello <b>hi</b></p>") == 1


def test_private_files_are_skipped_and_modules_without_register_are_fine(make_site):
    site = make_site({
        "scripts/_lib.py": "raise RuntimeError('must not be imported')\n",
        "scripts/.hidden.py": "raise RuntimeError('must not be imported')\n",
        "scripts/noop.py": "VALUE = 1\n",
    })
    _, result = build(site)
    assert result.ok, result.errors


def test_theme_scripts_load_after_site_scripts(make_site):
    helper = "def register(extend):\n    extend.helpers.register('who', lambda ctx: {!r})\n"
    site = make_site({
        "source/about/index.md": "---\ntitle: A\n---\nx",
        "scripts/who.py": helper.format("site"),
        "themes/t/scripts/who.py": helper.format("theme"),
        "themes/t/layout/page.html": "[{{ who() }}]",
    })
    engine, result = build(site)
    assert "[theme]" in result.outputs["about/index.html"].decode()
    assert [p.parent.parent.name for p in plugins_mod.plugin_files(engine)] == ["site", "t"]


class _EntryPoint:
    def __init__(self, name, obj):
        self.name, self._obj = name, obj

    def load(self):
        if isinstance(self._obj, Exception):
            raise self._obj
        return self._obj


def test_entry_points_load_first_and_failures_are_named(make_site, monkeypatch):
    calls = []

    def ep_register(extend):
        calls.append("ep")
        extend.helpers.register("who", lambda ctx: "package")

    monkeypatch.setattr(plugins_mod, "entry_points", lambda group: [
        _EntryPoint("good-pkg", ep_register), _EntryPoint("bad-pkg", ImportError("no module x"))]
        if group == "pyhexo.plugins" else [])
    site = make_site({
        "scripts/who.py": "def register(extend):\n    extend.helpers.register('who', lambda c: 's')\n",
    })
    engine = Engine(site)
    assert calls == ["ep"]
    assert engine.extend.helpers["who"](None) == "s"          # the site's script came later
    [err] = engine.startup_errors
    assert isinstance(err, PluginError) and "plugin 'bad-pkg' failed: ImportError" in err.message


def test_safe_loads_nothing(make_site, monkeypatch):
    monkeypatch.setattr(plugins_mod, "entry_points",
                        lambda group: [_EntryPoint("pkg", ImportError("must not load"))])
    site = make_site({"scripts/boom.py": "raise RuntimeError('loaded')\n"})
    engine = Engine(site, safe=True)
    assert engine.startup_errors == []
    assert "boom" not in engine.extend.helpers


def test_error_in_register_names_file_and_line(make_site):
    code = script("""
        def register(extend):
            extend.helpers.register("ok", lambda ctx: "ok")
            raise ValueError("bad setting")
    """)
    site = make_site({"scripts/broken.py": code, "source/_posts/p.md": POST.replace("{% hi %}", "")})
    _, result = build(site)
    [err] = result.errors
    assert (err.path, err.line) == ("scripts/broken.py", line_of(code, "raise"))
    assert err.message == "plugin 'broken' failed: ValueError: bad setting"
    assert "2024/01/01/p/index.html" in result.outputs


def test_syntax_and_import_errors_name_file_and_line(make_site):
    site = make_site({
        "scripts/syntax.py": "def register(extend):\n    return (\n\n",
        "scripts/imports.py": "import os\nimport no_such_module_xyz\n",
    })
    _, result = build(site)
    errs = {e.path: e for e in result.errors}
    assert errs["scripts/imports.py"].line == 2
    assert "ModuleNotFoundError" in errs["scripts/imports.py"].message
    assert errs["scripts/syntax.py"].line is not None
    assert "plugin 'syntax' failed: SyntaxError" in errs["scripts/syntax.py"].message


def test_failing_generator_is_reported_at_its_line_and_the_rest_builds(make_site):
    code = script("""
        from engine.routes import Route

        def register(extend):
            @extend.generators.register("feedish")
            def feedish(site, engine):
                yield Route("ok.txt", None, "fine", "raw")
                raise KeyError("lost")
    """)
    site = make_site({"scripts/gen.py": code, "source/_posts/p.md": POST.replace("{% hi %}", "")})
    _, result = build(site)
    [err] = result.errors
    assert (err.path, err.line) == ("scripts/gen.py", line_of(code, "raise KeyError"))
    assert "plugin 'gen': generator 'feedish' failed: KeyError" in err.message
    assert "2024/01/01/p/index.html" in result.outputs and "index.html" in result.outputs


def test_failing_filter_names_plugin_line_and_post(make_site):
    code = script("""
        def register(extend):
            @extend.filters.register("after_post_render")
            def bad(doc):
                return doc.nonexistent_field.upper()
    """)
    site = make_site({"scripts/f.py": code, "source/_posts/p.md": POST.replace("{% hi %}", ""),
                      "source/_posts/q.md": POST.replace("{% hi %}", "").replace("01-01", "01-02")})
    _, result = build(site)
    assert len(result.errors) == 2
    err = result.errors[0]
    assert (err.path, err.line) == ("scripts/f.py", line_of(code, "nonexistent_field"))
    assert "filter 'after_post_render' failed on _posts/" in err.message
    assert "index.html" in result.outputs


def test_filter_context_is_passed_only_when_accepted_and_unregister_finds_wrapped(make_site):
    site = make_site({"source/_posts/p.md": POST.replace("{% hi %}", ""), "scripts/f.py": script("""
        def plain(doc):
            doc.body += " plain"

        def with_engine(doc, engine):
            doc.body += " " + engine.config.raw["title"]

        def gone(doc):
            doc.body += " gone"

        def register(extend):
            extend.filters.register("before_post_render", plain, priority=1)
            extend.filters.register("before_post_render", with_engine, priority=2)
            extend.filters.register("before_post_render", gone)
            extend.filters.unregister("before_post_render", gone)
    """)})
    _, result = build(site)
    assert result.ok, result.errors
    html = result.outputs["2024/01/01/p/index.html"].decode()
    assert "plain Test" in html and "gone" not in html


def test_two_engines_do_not_share_plugin_modules(make_site, tmp_path):
    code = "COUNT = []\ndef register(extend):\n    COUNT.append(1)\n" \
           "    extend.helpers.register('n', lambda ctx: len(COUNT))\n"
    site = make_site({"scripts/count.py": code})
    first, second = Engine(site), Engine(site)
    assert first.extend.helpers["n"](None) == 1 and second.extend.helpers["n"](None) == 1
    assert "n" not in Engine(site, safe=True).extend.helpers


@pytest.mark.parametrize("name", ["g", "generate", "clean"])
def test_plugin_command_never_shadows_a_builtin(make_site, name):
    from click.testing import CliRunner

    from engine.cli import cli
    site = make_site({"scripts/c.py": script(f"""
        import click

        def register(extend):
            extend.commands.register({name!r}, click.Command({name!r}, callback=lambda: print("PLUGIN")))
    """)})
    out = CliRunner().invoke(cli, ["--cwd", str(site), name, "--help"]).output
    assert "PLUGIN" not in out and "Usage" in out


@pytest.mark.parametrize("ending, expected", [
    ("{% box %}", "<div>box</div>"),                 # the file ends with the tag: no newline (Hexo)
    ("{% box %}\n", "<div>box</div>\n"),
    ("text {% box %}", "<p>text <div>box</div></p>\n"),
])
def test_tag_at_the_very_end_of_a_post(make_site, ending, expected):
    # hexo-theme-unit-test `videos` ends with `{% vimeo … %}` and no final newline (TRIAGE 8).
    site = make_site({"scripts/box.py": "def register(extend):\n"
                                        "    extend.tags.register('box', lambda c, a, b: '<div>box</div>')\n",
                      "source/_posts/p.md": "---\ntitle: P\ndate: 2024-01-01\n---\nIntro\n\n" + ending})
    _, result = build(site)
    assert str(result.site.posts[0].content).endswith("<p>Intro</p>\n" + expected if "text" not in ending
                                                       else expected)
