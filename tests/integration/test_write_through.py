"""Write-through builds (`pyhexo generate`): every page is written by the process that rendered it.

The disk must end up exactly as with the in-memory path (`build()` then `write_outputs`), whether
the pages are written by pool workers or in the parent, on a cold build and after edits."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.core import Engine
from engine.writer import OutputWriter, Written, write_outputs
from sitekit import write_site

POST = """---
title: Post {i}
date: 2024-01-{day:02d} 10:00:00
updated: 2024-02-01 10:00:00
tags: [t{tag}]
categories: [c{cat}]
---
Body of post {i} with `code` and a [link](https://example.org/{i}).
"""


def _site(root: Path, n: int = 90) -> Path:
    files = {f"source/_posts/p{i:03d}.md": POST.format(i=i, day=i % 28 + 1, tag=i % 7, cat=i % 3)
             for i in range(n)}
    files["source/about/index.md"] = "---\ntitle: About\ndate: 2024-01-01\nupdated: 2024-01-02\n---\nAbout me."
    files["source/files/data.txt"] = "verbatim"
    return write_site(root, files)


def _tree(public: Path) -> dict[str, bytes]:
    return {p.relative_to(public).as_posix(): p.read_bytes()
            for p in sorted(public.rglob("*")) if p.is_file()}


def _write_through(site: Path, concurrency: int):
    engine = Engine(site)
    engine.concurrency = concurrency
    writer = OutputWriter(engine.public_dir, engine.cache_dir)
    result = engine.build(writer=writer)
    stats = writer.finish(result.outputs, result.keep, result.sources, result.failed_sources,
                          result.copy_failures)
    return result, stats


def _in_memory(site: Path):
    engine = Engine(site)
    result = engine.build()
    return write_outputs(result.outputs, engine.public_dir, engine.cache_dir, result.keep,
                         result.sources, result.failed_sources)


@pytest.mark.parametrize("concurrency", [1, 2])
def test_write_through_matches_in_memory_writes(tmp_path, concurrency):
    a = _site(tmp_path / "a")
    b = _site(tmp_path / "b")
    result, stats = _write_through(a, concurrency)
    assert result.ok, result.errors
    _in_memory(b)
    assert _tree(a / "public") == _tree(b / "public")
    # The parent keeps only small records, never the pages themselves.
    assert result.outputs and all(isinstance(v, Written) for v in result.outputs.values())
    assert len(stats.written) == len(result.outputs) and stats.unchanged == 0


def test_write_through_rebuild_writes_only_changed_and_removes_stale(tmp_path):
    site = _site(tmp_path / "s")
    _write_through(site, 2)
    (site / "source/_posts/p005.md").write_text(POST.format(i="5b", day=6, tag=5, cat=2), "utf-8")
    (site / "source/_posts/p006.md").unlink()
    result, stats = _write_through(site, 2)
    assert "2024/01/07/p006/index.html" in stats.removed
    assert not (site / "public/2024/01/07/p006/index.html").exists()
    assert "2024/01/06/p005/index.html" in stats.written
    assert stats.unchanged > len(stats.written)
    fresh = _site(tmp_path / "fresh")
    (fresh / "source/_posts/p005.md").write_text(POST.format(i="5b", day=6, tag=5, cat=2), "utf-8")
    (fresh / "source/_posts/p006.md").unlink()
    _in_memory(fresh)
    assert _tree(site / "public") == _tree(fresh / "public")


def test_write_through_keeps_serial_order_for_a_file_and_a_folder_of_the_same_name(tmp_path):
    # Pages at "notes/index.html" and "notes/index.html/x.html" cannot both exist: whichever
    # route comes last wins, exactly as with in-memory writes (so these are not written in
    # parallel).
    files = {f"source/_posts/p{i:03d}.md": POST.format(i=i, day=i % 28 + 1, tag=0, cat=0)
             for i in range(70)}
    files["source/a.md"] = "---\ntitle: A\npermalink: notes/index.html/x.html\ndate: 2024-01-01\nupdated: 2024-01-02\n---\nA."
    files["source/notes/index.md"] = "---\ntitle: Notes\ndate: 2024-01-01\nupdated: 2024-01-02\n---\nNotes."
    a = write_site(tmp_path / "a", dict(files))
    b = write_site(tmp_path / "b", dict(files))
    result, _ = _write_through(a, 2)
    assert {"notes/index.html", "notes/index.html/x.html"} <= set(result.outputs)
    _in_memory(b)
    assert _tree(a / "public") == _tree(b / "public")


def test_write_through_copy_of_a_vanished_file_keeps_the_old_copy(tmp_path, monkeypatch):
    site = _site(tmp_path / "s", n=3)
    _write_through(site, 1)
    real_put = OutputWriter.put

    def vanishing(self, rel, body):
        if rel == "files/data.txt":
            raise FileNotFoundError(2, "No such file or directory")
        return real_put(self, rel, body)

    monkeypatch.setattr(OutputWriter, "put", vanishing)
    (site / "source/files/data.txt").write_text("new", "utf-8")
    with pytest.raises(Exception, match="cannot copy to public/files/data.txt"):
        _write_through(site, 1)
    assert (site / "public/files/data.txt").read_text() == "verbatim"
    monkeypatch.undo()
    _, stats = _write_through(site, 1)
    assert (site / "public/files/data.txt").read_text() == "new"
