"""The parsed-document cache: a hit is exactly a fresh parse, and a file that may have changed
within one clock tick of being read is parsed again."""
from __future__ import annotations

import os
import shutil
import time

import pytest

from engine import doc_cache
from engine.core import Engine
from engine.doc_cache import RACY_NS, DocCache
from engine.errors import ErrorList
from engine.site_model import load_document
from sitekit import write_site


def _age(path, seconds: float = 10) -> None:
    """Set the file's mtime in the past, as if it was saved a while before the build."""
    then = time.time() - seconds
    os.utime(path, (then, then))


@pytest.fixture
def no_racy_window(monkeypatch):
    """The ctime of a file just written is now, and no test can set it back: without this, a
    test would have to sleep out the racy window before the cache trusts an entry."""
    monkeypatch.setattr(doc_cache, "RACY_NS", 0)


def _posts(engine):
    return [sf for sf in engine.scan().files if sf.kind == "post"]


def _load_all(engine):
    log = ErrorList()
    engine.warn = log.warn
    cache = DocCache(engine)
    docs = {sf.rel: cache.load(sf) for sf in _posts(engine)}
    cache.save()
    engine.warn = None
    return cache, docs, log


def test_unchanged_files_come_from_the_cache_and_equal_a_fresh_parse(tmp_path, no_racy_window):
    site = write_site(tmp_path, {"source/_posts/a.md": "---\ntitle: A\ndate: 2024-01-02\n"
                                                     "tags: [x]\n---\nBody *a*.\n",
                                 "source/_posts/b.md": "---\ntitle: B\n---\nNo date.\n"})
    for post in (site / "source/_posts").iterdir():
        _age(post)
    engine = Engine(site)
    first, _, _ = _load_all(engine)
    assert first.hits == 0
    second, docs, log = _load_all(Engine(site))
    assert second.hits == 2
    for sf in _posts(engine):
        fresh = load_document(engine, sf)
        assert vars(docs[sf.rel]) == vars(fresh)
    # The undated post's warning is given again on a hit.
    assert any("no date" in str(w) for w in log.warnings)


def test_an_edited_file_is_parsed_again(tmp_path, no_racy_window):
    site = write_site(tmp_path, {"source/_posts/a.md": "---\ntitle: A\ndate: 2024-01-02\n---\nx\n"})
    post = site / "source/_posts/a.md"
    _age(post, 20)
    _load_all(Engine(site))
    post.write_text("---\ntitle: Changed\ndate: 2024-01-02\n---\nx\n", "utf-8")
    _age(post, 5)
    cache, docs, _ = _load_all(Engine(site))
    assert cache.hits == 0 and docs["_posts/a.md"].title == "Changed"


def test_a_file_changed_just_before_it_was_read_is_not_trusted(tmp_path, monkeypatch):
    site = write_site(tmp_path, {"source/_posts/a.md": "---\ntitle: A\ndate: 2024-01-02\n---\nx\n"})
    post = site / "source/_posts/a.md"
    frozen = post.stat()
    _load_all(Engine(site))            # read within RACY_NS of the file's last change
    # A second save within the same clock tick leaves every time and the size as they were:
    # the stat signature cannot tell, only the racy rule can.
    post.write_text("---\ntitle: B\ndate: 2024-01-02\n---\nx\n", "utf-8")
    real_stat = os.stat
    monkeypatch.setattr(doc_cache.os, "stat",
                        lambda p, *a, **k: frozen if str(p) == str(post) else real_stat(p, *a, **k))
    cache, docs, _ = _load_all(Engine(site))
    assert cache.hits == 0 and docs["_posts/a.md"].title == "B"
    assert RACY_NS >= 1_000_000_000


def test_a_config_change_drops_the_cache(tmp_path, no_racy_window):
    site = write_site(tmp_path, {"source/_posts/a.md": "---\ntitle: A\ndate: 2024-01-02\n---\nx\n"})
    _age(site / "source/_posts/a.md")
    _load_all(Engine(site))
    cfg = site / "_config.yml"
    cfg.write_text(cfg.read_text("utf-8") + "permalink: :title/\n", "utf-8")
    cache, docs, _ = _load_all(Engine(site))
    assert cache.hits == 0 and docs["_posts/a.md"].path == "a/"


def test_load_all_reports_each_file_and_keeps_going(tmp_path):
    files = {f"source/_posts/p{i}.md": f"---\ntitle: P{i}\ndate: 2024-01-02\n---\nBody {i}.\n"
             for i in range(3)}
    files["source/_posts/undated.md"] = "---\ntitle: U\n---\nNo date.\n"
    files["source/_posts/broken.md"] = "---\ntitle: [unclosed\n---\nx\n"
    engine = Engine(write_site(tmp_path, files))
    log = ErrorList()
    engine.warn = log.warn
    results = DocCache(engine, enabled=False).load_all(_posts(engine))
    assert [sf.rel for sf, _doc, err in results if err] == ["_posts/broken.md"]
    assert "broken.md" in str(next(err for _sf, _doc, err in results if err))
    assert sum(1 for _sf, doc, _err in results if doc is not None) == 4
    assert len([w for w in log.warnings if "no date" in str(w)]) == 1


def test_parsing_in_the_pool_gives_what_parsing_here_gives(tmp_path, monkeypatch):
    monkeypatch.setattr(doc_cache, "POOL_MIN", 10)      # the real threshold is for big sites
    files = {f"source/_posts/p{i:03d}.md": f"---\ntitle: P{i}\ndate: 2024-01-02\ntags: [t{i % 4}]\n"
                                           f"---\nBody {i}.\n" for i in range(80)}
    files["source/_posts/undated.md"] = "---\ntitle: U\n---\nNo date.\n"
    files["source/_posts/broken.md"] = "---\ntitle: [unclosed\n---\nx\n"
    site = write_site(tmp_path, files)
    outcomes = {}
    for workers in (1, 2):
        engine = Engine(site)
        engine.concurrency = workers
        log = ErrorList()
        engine.warn = log.warn
        results = DocCache(engine).load_all(_posts(engine))
        outcomes[workers] = ([(sf.rel, vars(doc) if doc else None, str(err) if err else None)
                              for sf, doc, err in results], [str(w) for w in log.warnings])
        shutil.rmtree(engine.cache_dir, ignore_errors=True)
    assert outcomes[1] == outcomes[2]
    rows, warnings = outcomes[2]
    assert [rel for rel, _doc, err in rows if err] == ["_posts/broken.md"]
    assert len([w for w in warnings if "no date" in w]) == 1
