"""`generate` with nothing changed finishes without building; any change makes it build again."""
from __future__ import annotations

import os

from click.testing import CliRunner

from engine.cli import cli

POST = "---\ntitle: P\ndate: 2024-01-01\n---\nBody.\n"


def gen(site, *args):
    r = CliRunner().invoke(cli, ["--cwd", str(site), *args, "generate"])
    return r.exit_code, r.output


def test_nothing_changed_then_each_kind_of_change_rebuilds(make_site):
    site = make_site({"source/_posts/p.md": POST})
    assert "files written" in gen(site)[1]
    assert "Nothing changed" in gen(site)[1]
    post = site / "source/_posts/p.md"
    post.write_text(POST + "more\n")                                   # a source edit
    assert "files written" in gen(site)[1]
    assert "Nothing changed" in gen(site)[1]
    (site / "themes/t/layout/post.html").write_text("<b>{{ page.title }}</b>")   # a theme edit
    assert "files written" in gen(site)[1]
    assert "<b>P</b>" in (site / "public/2024/01/01/p/index.html").read_text()
    (site / "public/2024/01/01/p/index.html").unlink()               # an output deleted by hand
    assert "files written" in gen(site)[1]
    assert (site / "public/2024/01/01/p/index.html").exists()
    assert "files written" in gen(site, "--draft")[1]                 # other options
    st = os.stat(post)
    os.utime(post, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))      # same bytes, touched
    assert "files written" in gen(site)[1]


def test_errors_are_reported_on_every_run(make_site):
    site = make_site({"source/_posts/p.md": POST, "source/_posts/bad.md": "---\ntitle: [x\n---\n"})
    assert gen(site)[0] == 1
    code, out = gen(site)
    assert code == 1 and "bad.md" in out and "Nothing changed" not in out
