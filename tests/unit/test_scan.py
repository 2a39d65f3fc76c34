"""Source classification follows Hexo's rules (SPEC §1)."""
from __future__ import annotations

import os

import pytest

from engine.scan import classify, glob_to_regex, scan_source

CFG = {"include": [".well-known/**"], "exclude": ["assets-dir/excluded.txt"],
       "skip_render": ["skipme/**"], "ignore": []}


@pytest.mark.parametrize("rel,kind", [
    ("_posts/a.md", "post"),
    ("_posts/sub/b.markdown", "post"),
    ("_posts/a/pic.png", "post_asset"),
    ("_posts/_hidden.md", None),
    ("_drafts/d.md", "draft"),
    ("_data/menu.yml", "data"),
    ("_data/stuff.json", "data"),
    ("_data/readme.txt", None),
    ("about/index.md", "page"),
    ("plain.html", "page"),
    ("_hidden.md", None),
    (".dotfile", None),
    ("dir/.secret/x.txt", None),
    (".well-known/x.txt", "asset"),
    ("assets-dir/excluded.txt", None),
    ("assets-dir/kept.txt", "asset"),
    ("skipme/skip.md", "asset"),
    ("img/logo.png", "asset"),
    ("notes.md~", None),
    ("draft.md%", None),
])
def test_classify(rel, kind):
    assert classify(rel, CFG) == kind


@pytest.mark.parametrize("pattern,path,ok", [
    ("skipme/**", "skipme/a/b.md", True),
    ("skipme/**", "skipme2/a.md", False),
    ("*.md", "a.md", True),
    ("*.md", "dir/a.md", False),
    ("**/*.md", "dir/sub/a.md", True),
    ("**/*.md", "a.md", True),
    ("{a,b}/x.txt", "b/x.txt", True),
    ("file?.txt", "file1.txt", True),
])
def test_glob(pattern, path, ok):
    assert bool(glob_to_regex(pattern).match(path)) is ok


def test_scan_skips_symlink_leaving_site(tmp_path):
    src = tmp_path / "site" / "source"
    (src / "_posts").mkdir(parents=True)
    (src / "_posts" / "a.md").write_text("x")
    (src / "etc").symlink_to("/etc")
    outside = tmp_path / "secret.txt"
    outside.write_text("s")
    (src / "leak.txt").symlink_to(outside)
    result = scan_source(src, {})
    rels = [f.rel for f in result.files]
    assert rels == ["_posts/a.md"]
    assert {r for r, _ in result.skipped} == {"etc", "leak.txt"}


def test_scan_breaks_symlink_loops(tmp_path):
    src = tmp_path / "site" / "source"
    (src / "a").mkdir(parents=True)
    (src / "a" / "f.txt").write_text("x")
    os.symlink(src / "a", src / "a" / "loop")
    result = scan_source(src, {})
    assert [f.rel for f in result.files] == ["a/f.txt"]
