"""engine.clean: every unsafe `public_dir` is refused; clean removes public/ contents and the cache
only, keeps .git/CNAME/.nojekyll, and never follows a symlink out of public/."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from engine.clean import KEEP, UnsafePublicDir, check_public_dir, clean_site
from engine.core import Engine
from sitekit import write_site

POST = "---\ntitle: P\ndate: 2024-01-01\n---\nbody\n"


def snapshot(root: Path, skip: tuple[str, ...] = ("public", ".pyhexo-cache")) -> dict[str, bytes]:
    out = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if rel.split("/")[0] in skip or p.is_dir():
            continue
        out[rel] = p.read_bytes() if not p.is_symlink() else b"->" + os.readlink(p).encode()
    return out


def make(tmp_path: Path, public_dir: str | None = None, extra: dict | None = None) -> Path:
    cfg = "title: T\nurl: http://example.com\ntheme: t\n"
    if public_dir is not None:
        cfg += f"public_dir: {public_dir!r}\n" if public_dir else "public_dir:\n"
    files = {"source/_posts/p.md": POST, "scaffolds/post.md": "---\ntitle: {{ title }}\n---\n",
             "scripts/.keep": ""}
    files.update(extra or {})
    return write_site(tmp_path / "site", files, config=cfg)


@pytest.mark.parametrize("public_dir,why", [
    (".", "the site folder itself"),
    ("./", "the site folder itself"),
    ("source", "the source folder"),
    ("source/_posts", "inside the source folder"),
    ("themes", "the site's themes/ folder"),
    ("themes/t", "themes/"),
    ("themes/t/layout", "themes/"),
    ("scaffolds", "scaffolds/"),
    ("scripts", "scripts/"),
    (".git", ".git/"),
    (".pyhexo-cache", "the build cache"),
    ("..", "outside the site"),
    ("../elsewhere", "outside the site"),
    ("/", "filesystem root"),
    ("/tmp", "outside the site"),
])
def test_unsafe_public_dir_is_refused(tmp_path, public_dir, why):
    site = make(tmp_path, public_dir)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "precious.txt").write_text("keep me")
    before = snapshot(tmp_path, skip=())
    engine = Engine(site)
    with pytest.raises(UnsafePublicDir) as info:
        check_public_dir(engine)
    assert why in str(info.value)
    with pytest.raises(UnsafePublicDir):
        clean_site(engine)
    assert snapshot(tmp_path, skip=()) == before          # nothing deleted anywhere


def test_home_directory_is_refused(tmp_path, monkeypatch):
    site = make(tmp_path, "home")
    (site / "home").mkdir()
    monkeypatch.setenv("HOME", str(site / "home"))       # Path.home() follows $HOME
    with pytest.raises(UnsafePublicDir, match="home directory"):
        check_public_dir(Engine(site))


def test_a_public_dir_containing_the_site_is_refused(tmp_path):
    # the site lives inside what public_dir names (a parent of the site)
    site = make(tmp_path, str(tmp_path))
    with pytest.raises(UnsafePublicDir):
        check_public_dir(Engine(site))


def test_symlinked_public_is_judged_by_its_target(tmp_path):
    site = make(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.txt").write_text("x")
    (site / "public").symlink_to(outside, target_is_directory=True)
    with pytest.raises(UnsafePublicDir, match="outside the site"):
        clean_site(Engine(site))
    assert (outside / "x.txt").read_text() == "x"
    (site / "public").unlink()
    (site / "public").symlink_to(site / "source", target_is_directory=True)
    with pytest.raises(UnsafePublicDir, match="source folder"):
        clean_site(Engine(site))
    assert (site / "source/_posts/p.md").exists()


def test_nested_public_dir_inside_the_site_is_fine(tmp_path):
    site = make(tmp_path, "build/www")
    assert check_public_dir(Engine(site)) == (site / "build/www").resolve()


def test_clean_removes_only_generated_files_and_keeps_deploy_files(tmp_path):
    site = make(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("outside")
    pub = site / "public"
    for rel in ("index.html", "a/b/c.html", "css/x.css", "CNAME", ".nojekyll", ".git/HEAD",
                ".git/objects/ab/cd"):
        (pub / rel).parent.mkdir(parents=True, exist_ok=True)
        (pub / rel).write_text(rel)
    (pub / "link-to-outside").symlink_to(outside, target_is_directory=True)
    (pub / "a" / "file-link").symlink_to(outside / "keep.txt")
    (site / ".pyhexo-cache").mkdir()
    (site / ".pyhexo-cache" / "manifest.json").write_text("{}")
    before = snapshot(site)
    removed = clean_site(Engine(site))
    assert sorted(p.name for p in pub.iterdir()) == sorted(KEEP)
    assert (pub / ".git/objects/ab/cd").read_text() == ".git/objects/ab/cd"
    assert (pub / "CNAME").read_text() == "CNAME"
    assert not (site / ".pyhexo-cache").exists()
    assert (outside / "keep.txt").read_text() == "outside"     # symlinks unlinked, not followed
    assert removed == 5          # index.html, a/b/c.html, a/file-link, css/x.css, link-to-outside
    assert snapshot(site) == before                            # nothing outside public/ touched


def test_clean_without_public_is_a_no_op(tmp_path):
    site = make(tmp_path)
    assert clean_site(Engine(site)) == 0
    assert (site / "source/_posts/p.md").exists()
