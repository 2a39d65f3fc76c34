"""`pyhexo generate` end to end through the CLI: outputs, errors with file:line, nothing lost."""
from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from engine.cli import cli

POST = """---
title: {title}
date: 2024-01-0{day} 10:00:00
tags: [a]
---
Body of {title}.
"""


def run(site, *args):
    result = CliRunner().invoke(cli, ["--cwd", str(site), *args], catch_exceptions=False)
    return result.exit_code, result.output


def test_generate_builds_posts_pages_and_index(make_site):
    site = make_site({
        "source/_posts/one.md": POST.format(title="One", day=1),
        "source/_posts/two.md": POST.format(title="Two", day=2),
        "source/about/index.md": "---\ntitle: About\n---\nHi **there**",
        "source/img/logo.txt": "asset",
    })
    code, out = run(site, "generate")
    assert code == 0, out
    pub = site / "public"
    assert "Two</a>\n<a" in (pub / "index.html").read_text()          # newest first
    assert "<p>Body of One.</p>" in (pub / "2024/01/01/one/index.html").read_text()
    assert "<strong>there</strong>" in (pub / "about/index.html").read_text()
    assert (pub / "img/logo.txt").read_text() == "asset"
    assert (pub / "tags/a/index.html").exists() and (pub / "archives/2024/01/index.html").exists()
    assert '<meta name="generator" content="pyhexo' in (pub / "index.html").read_text()


def test_bad_yaml_is_reported_with_line_and_the_rest_builds(make_site):
    site = make_site({
        "source/_posts/good.md": POST.format(title="Good", day=1),
        "source/_posts/bad.md": "---\ntitle: Bad\ndate: 2024-01-02\ntags: [a, b\n---\nx\n",
    })
    code, out = run(site, "generate")
    assert code == 1
    assert "source/_posts/bad.md:4" in out
    assert (site / "public/2024/01/01/good/index.html").exists()


def test_a_broken_post_keeps_its_last_good_page(make_site):
    site = make_site({"source/_posts/p.md": POST.format(title="P", day=1)})
    assert run(site, "generate")[0] == 0
    page = site / "public/2024/01/01/p/index.html"
    assert page.exists()
    (site / "source/_posts/p.md").write_text("---\ntitle: [unclosed\n---\nx\n")
    code, out = run(site, "generate")
    assert code == 1 and "source/_posts/p.md" in out
    assert page.exists(), "a typo must never delete the last good page"


def test_route_collision_is_an_error_not_a_silent_drop(make_site):
    site = make_site({
        "source/_posts/p.md": POST.format(title="P", day=1),
        "source/index.md": "---\ntitle: Home page\n---\nhome",
    })
    code, out = run(site, "generate")
    assert code == 1
    assert "source/index.md:1" in out and "index.html" in out and "index generator" in out
    assert "P</a>" in (site / "public/index.html").read_text()


def test_template_error_names_template_file_and_line(make_site):
    site = make_site({
        "source/_posts/p.md": POST.format(title="P", day=1),
        "themes/t/layout/post.html": "line one\n{{ page.title }}\n{{ nosuch_helper() }}\n",
    })
    code, out = run(site, "generate")
    assert code == 1
    assert "themes/t/layout/post.html:3" in out
    assert (site / "public/index.html").exists()


def test_template_syntax_error(make_site):
    site = make_site({"source/_posts/p.md": POST.format(title="P", day=1),
                      "themes/t/layout/post.html": "ok\n{% if %}\n"})
    code, out = run(site, "generate")
    assert code == 1 and "themes/t/layout/post.html:2" in out


def test_unknown_layout_falls_back_and_layout_false_is_raw(make_site):
    site = make_site({
        "source/_posts/p.md": "---\ntitle: P\ndate: 2024-01-01\nlayout: nonexistent\n---\nx",
        "source/_posts/raw.md": "---\ntitle: R\ndate: 2024-01-02\nlayout: false\n---\n# Hi",
    })
    assert run(site, "generate")[0] == 0
    assert "<article><h1>P</h1>" in (site / "public/2024/01/01/p/index.html").read_text()
    raw = (site / "public/2024/01/02/raw/index.html").read_text()
    assert raw.startswith("<h1") and "<html" not in raw


def test_stale_outputs_removed_but_user_files_kept(make_site):
    site = make_site({"source/_posts/p.md": POST.format(title="P", day=1),
                      "source/_posts/q.md": POST.format(title="Q", day=2)})
    assert run(site, "generate")[0] == 0
    (site / "public/CNAME").write_text("example.org")
    (site / "source/_posts/q.md").unlink()
    assert run(site, "generate")[0] == 0
    assert not (site / "public/2024/01/02/q/index.html").exists()
    assert (site / "public/CNAME").read_text() == "example.org"


def test_unknown_theme_is_an_error_but_the_site_still_builds(make_site):
    site = make_site({"source/_posts/p.md": POST.format(title="P", day=1)}, theme=False,
                     config="title: T\ntheme: nosuch\n")
    code, out = run(site, "generate")
    assert code == 1 and "_config.yml:2" in out and "theme 'nosuch' not found" in out
    assert (site / "public/2024/01/01/p/index.html").exists()      # built with the bundled theme


def test_hexo_npm_theme_falls_back_with_a_warning(make_site):
    site = make_site({"source/_posts/p.md": POST.format(title="P", day=1),
                      "package.json": '{"dependencies": {"hexo-theme-landscape": "^1.0.0"}}'},
                     theme=False, config="title: T\ntheme: landscape\n")
    code, out = run(site, "generate")
    assert code == 0 and "WARN" in out and "landscape" in out
    assert (site / "public/index.html").exists()


def test_python_dash_m_engine_runs(make_site):
    site = make_site({"source/_posts/p.md": POST.format(title="P", day=1)})
    proc = subprocess.run([sys.executable, "-m", "engine", "--cwd", str(site), "generate"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert (site / "public/2024/01/01/p/index.html").exists()


def test_maths_on_renders_mathml_and_reports_bad_formulas(make_site):
    site = make_site({
        "_config.yml": "title: T\nurl: http://example.com\ntheme: t\ntimezone: UTC\nmath: true\n",
        "source/_posts/m.md": "---\ntitle: M\ndate: 2024-01-01\n---\nStar $^{*}$ here.\n\n"
                              "Bad $\\nosuchcommand{x}$ here.\n",
    })
    code, out = run(site, "generate")
    html = (site / "public/2024/01/01/m/index.html").read_text()
    assert "<msup>" in html and "<mo>*</mo>" in html
    assert code == 0 and "WARN" in out and "source/_posts/m.md:7" in out


def test_profile_prints_phases_posts_and_templates(make_site):
    site = make_site({"source/_posts/one.md": POST.format(title="One", day=1)})
    code, out = run(site, "generate", "--profile")
    assert code == 0
    assert "render posts" in out and "render and write" in out
    assert "_posts/one.md" in out and "post.html" in out
