"""`generate` with nothing changed finishes without building; any change makes it build again."""
from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from engine import stamp
from engine.cli import cli

POST = "---\ntitle: P\ndate: 2024-01-01\n---\nBody.\n"


@pytest.fixture(autouse=True)
def no_racy_window(monkeypatch, request):
    """Each test writes its site a moment before building, so every file would be 'racy' (see
    stamp.RACY_NS) and the stamp would never vouch for it; tests of that rule opt out."""
    if "racy" not in request.node.name:
        monkeypatch.setattr(stamp, "RACY_NS", 0)


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


def test_a_file_saved_during_the_build_is_built_again(make_site, monkeypatch):
    site = make_site({"source/_posts/p.md": POST})
    post = site / "source/_posts/p.md"
    from engine.core import Engine
    real_build = Engine.build

    def build_while_editing(self, *args, **kwargs):
        result = real_build(self, *args, **kwargs)
        post.write_text(POST + "saved while building\n")    # after the sources were read
        return result

    monkeypatch.setattr(Engine, "build", build_while_editing)
    assert "files written" in gen(site)[1]
    monkeypatch.setattr(Engine, "build", real_build)
    assert "Nothing changed" not in gen(site)[1]
    assert "saved while building" in (site / "public/2024/01/01/p/index.html").read_text()


def test_racy_files_are_not_vouched_for(make_site, monkeypatch):
    """A file written within one clock tick of the snapshot could change again with the same
    times and size; the stamp must not claim it is up to date (git's racy-clean rule)."""
    site = make_site({"source/_posts/p.md": POST})
    assert "files written" in gen(site)[1]       # the site was written just now: racy
    assert "Nothing changed" not in gen(site)[1]
    monkeypatch.setattr(stamp, "RACY_NS", 0)
    gen(site)
    assert "Nothing changed" in gen(site)[1]
