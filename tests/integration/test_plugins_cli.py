"""Python plugins end to end through the CLI.

- tests/sites/plugins: a site whose scripts/ register a helper, an inline and a block tag, a
  generator, filters, a command, plus one broken plugin; the theme has a script of its own.
- docs/plugins.md: the worked example is extracted from the docs and built, so the docs can't rot.
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.cli import cli

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests/sites/plugins"
DOCS = REPO / "docs/plugins.md"


def run(site, *args):
    result = CliRunner().invoke(cli, ["--cwd", str(site), *args], catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture
def plugin_site(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site, ignore=shutil.ignore_patterns("public", ".pyhexo-cache",
                                                                 "__pycache__"))
    return site


def broken_line() -> int:
    text = (FIXTURE / "scripts/broken.py").read_text()
    return next(i for i, line in enumerate(text.splitlines(), 1) if 'settings["missing"]' in line)


def test_every_plugin_kind_works_through_generate(plugin_site):
    code, out = run(plugin_site, "generate")
    assert code == 1, out                 # the broken plugin is an error; everything else built
    pub = plugin_site / "public"
    post = (pub / "2024/01/02/hello/index.html").read_text()
    assert "<h1>HELLO PLUGINS!</h1>" in post                                     # helper
    assert "Press <kbd>Ctrl</kbd>+<kbd>C</kbd> to stop" in post                    # inline tag
    assert '<div class="note warning"><p><strong>Careful</strong> with <kbd>Del</kbd>.</p>' \
        in post                                                                   # block tag + nesting
    assert "to stop \u00a9 2024" in post                                          # before_post_render
    assert post.endswith("<!-- built by plugins: post --></body></html>")        # after_render:html
    assert '<span class="badge">theme plugin</span>' in post                      # theme scripts/
    assert "<!-- built by plugins: index --></body>" in (pub / "index.html").read_text()
    assert json.loads((pub / "posts.json").read_text()) == [                      # generator
        {"title": "Second", "path": "2024/01/03/second/"},
        {"title": "Hello plugins", "path": "2024/01/02/hello/"}]


def test_broken_plugin_is_reported_by_file_line_and_name(plugin_site):
    code, out = run(plugin_site, "generate")
    assert code == 1
    assert f"scripts/broken.py:{broken_line()}: plugin 'broken' failed: KeyError: 'missing'" in out
    assert out.count("ERROR") == 1
    assert (plugin_site / "public/2024/01/03/second/index.html").exists()


def test_safe_loads_no_plugins(plugin_site):
    code, out = run(plugin_site, "--safe", "generate")
    assert code == 1
    assert "broken.py" not in out                          # not even imported
    assert "unknown tag 'kbd'" in out                      # the site's tags are not there
    assert "theme_badge" in out                            # nor the theme's helper
    assert not (plugin_site / "public/posts.json").exists()


def test_plugin_command_runs_and_is_listed(plugin_site):
    code, out = run(plugin_site, "post-count", "--prefix", "n =")
    assert code == 0, out
    assert out.strip().endswith("n = 2")
    code, out = run(plugin_site, "--help")
    assert code == 0 and re.search(r"^\s+post-count\s+Print how many posts", out, re.M)
    code, out = run(plugin_site, "--safe", "post-count")
    assert code == 2 and "No such command" in out


def test_unknown_command_outside_a_site_is_a_usage_error(tmp_path):
    code, out = run(tmp_path, "nosuchcommand")
    assert code == 2 and "No such command" in out


# --- the worked example of docs/plugins.md ------------------------------------------------------

EXAMPLE_POST = """---
title: Hello
date: 2024-01-02 10:00:00
tags: [intro]
---
Hi :wave: {% badge new %}

{% details Read more %}
Some **bold** text.
{% enddetails %}
"""


def docs_example() -> str:
    blocks = re.findall(r'^```python title="scripts/example\.py"\n(.*?)^```$', DOCS.read_text(),
                        re.S | re.M)
    assert len(blocks) == 1, "docs/plugins.md must have exactly one scripts/example.py block"
    return blocks[0]


def test_docs_example_plugin_works(make_site):
    site = make_site({
        "scripts/example.py": docs_example(),
        "source/_posts/hello.md": EXAMPLE_POST,
        "source/about/index.md": "---\ntitle: About\n---\nAbout :wave:",
        "themes/t/layout/post.html": "<article>{{ page.content }}<p>{{ reading_time(page.content) }}"
                                     "</p></article>",
    })
    code, out = run(site, "generate")
    assert code == 0, out
    pub = site / "public"
    post = (pub / "2024/01/02/hello/index.html").read_text()
    assert "<p>1 min read</p>" in post                                            # helper
    assert 'Hi \N{WAVING HAND SIGN} <span class="badge">new</span>' in post       # filter + tag
    assert "<details><summary>Read more</summary><p>Some <strong>bold</strong> text.</p>" in post
    assert '<body class="is-post">' in post                                       # after_render:html
    about = (pub / "about/index.html").read_text()
    assert "About \N{WAVING HAND SIGN}" in about and '<body class="is-post">' not in about
    assert json.loads((pub / "post-index.json").read_text()) == [
        {"title": "Hello", "path": "2024/01/02/hello/"}]                           # generator
    code, out = run(site, "stats")                                                 # command
    assert code == 0 and out.strip() == "1 posts, 1 tags"


def test_docs_example_tag_error_points_at_the_post(make_site):
    site = make_site({"scripts/example.py": docs_example(),
                      "source/_posts/p.md": "---\ntitle: P\ndate: 2024-01-01\n---\n\n{% badge %}\n"})
    code, out = run(site, "generate")
    assert code == 1 and "source/_posts/p.md:6: badge: a label is required" in out
