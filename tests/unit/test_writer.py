"""The writer: atomic, only changed files, stale removal limited to what it wrote, never outside."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.errors import RouteError
from engine.writer import safe_output_path, write_outputs


def test_writes_then_skips_unchanged_then_removes_stale(tmp_path):
    pub, cache = tmp_path / "public", tmp_path / "cache"
    s1 = write_outputs({"a/index.html": b"A", "b.txt": b"B"}, pub, cache)
    assert sorted(s1.written) == ["a/index.html", "b.txt"]
    (pub / "CNAME").write_text("example.com")          # a file the user put there
    s2 = write_outputs({"a/index.html": b"A"}, pub, cache)
    assert s2.written == [] and s2.unchanged == 1 and s2.removed == ["b.txt"]
    assert (pub / "CNAME").read_text() == "example.com"
    assert not list(pub.rglob(".pyhexo-*"))           # no temp files left behind


def test_rewrites_a_file_the_user_changed_or_deleted(tmp_path):
    pub, cache = tmp_path / "public", tmp_path / "cache"
    write_outputs({"x.html": b"hello"}, pub, cache)
    (pub / "x.html").unlink()
    assert write_outputs({"x.html": b"hello"}, pub, cache).written == ["x.html"]
    assert (pub / "x.html").read_bytes() == b"hello"


def test_keeps_outputs_of_failed_sources(tmp_path):
    pub, cache = tmp_path / "public", tmp_path / "cache"
    write_outputs({"p/index.html": b"good"}, pub, cache, sources={"p/index.html": "source/_posts/p.md"})
    stats = write_outputs({}, pub, cache, failed_sources={"source/_posts/p.md"})
    assert stats.removed == []
    assert (pub / "p" / "index.html").read_bytes() == b"good"


def test_copies_path_outputs(tmp_path):
    src = tmp_path / "img.png"
    src.write_bytes(b"\x89PNG")
    write_outputs({"img.png": src}, tmp_path / "public", tmp_path / "cache")
    assert (tmp_path / "public" / "img.png").read_bytes() == b"\x89PNG"


@pytest.mark.parametrize("rel", ["../x", "a/../../x", "/etc/passwd", "a\\..\\x", "C:/x", "", "a\x00b"])
def test_refuses_paths_outside(tmp_path, rel):
    with pytest.raises(RouteError):
        safe_output_path(tmp_path, rel)


def test_a_symlinked_folder_inside_public_never_leads_writes_outside(tmp_path):
    pub, cache = tmp_path / "public", tmp_path / "cache"
    outside = tmp_path / "outside"
    outside.mkdir()
    pub.mkdir()
    (pub / "blog").symlink_to(outside)
    write_outputs({"blog/post/index.html": b"new"}, pub, cache)
    assert list(outside.iterdir()) == []                         # nothing written through it
    assert (pub / "blog").is_dir() and not (pub / "blog").is_symlink()
    assert (pub / "blog/post/index.html").read_bytes() == b"new"


def test_a_file_where_a_folder_must_go_is_replaced(tmp_path):
    pub, cache = tmp_path / "public", tmp_path / "cache"
    write_outputs({"about": b"old file"}, pub, cache)
    write_outputs({"about/index.html": b"page"}, pub, cache)
    assert (pub / "about/index.html").read_bytes() == b"page"
