"""engine.watch: temp-file rules, path classification, debouncing, and the watcher on real files."""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from engine.watch import (Change, ChangeKind, ChangeSet, Debouncer, Watcher, WatchLayout,
                          is_temp_file)

TIMEOUT = 5.0


@pytest.mark.parametrize("name", [
    "post.md~", ".post.md.swp", ".post.md.swx", ".post.md.swo", "4913", ".#post.md", "#post.md#",
    ".DS_Store", "Thumbs.db", "post.md___jb_tmp___", "post.md___jb_old___",
    ".goutputstream-ABC123", "post.md.kate-swp", "style.css.crswap", "plugin.cpython-311.pyc",
])
def test_temp_files(name):
    assert is_temp_file(name)


@pytest.mark.parametrize("name", [
    "post.md", "4913.md", "swp.md", "notes.swpx", "#hashtag.md", "a#b.md", "README", "_config.yml",
    "style.css", "index.html", "~draft.md", "plugin.py",
])
def test_regular_files(name):
    assert not is_temp_file(name)


@pytest.fixture
def layout(tmp_path):
    return WatchLayout(tmp_path, tmp_path / "source", tmp_path / "public",
                       tmp_path / "themes" / "landscape",
                       [tmp_path / "_config.yml", tmp_path / "_config.landscape.yml"],
                       ignored_dirs=[tmp_path / ".cache"])


@pytest.mark.parametrize("rel,kind", [
    ("source/_posts/hello.md", ChangeKind.CONTENT),
    ("source/about/index.md", ChangeKind.CONTENT),
    ("source/_data/menu.yml", ChangeKind.CONTENT),
    ("source/images/a.png", ChangeKind.CONTENT),
    ("source/_drafts/wip.md", ChangeKind.CONTENT),
    ("themes/landscape/layout/post.html", ChangeKind.THEME),
    ("themes/landscape/source/css/style.css", ChangeKind.THEME),
    ("themes/landscape/languages/en.yml", ChangeKind.THEME),
    ("themes/landscape/_config.yml", ChangeKind.CONFIG),
    ("_config.yml", ChangeKind.CONFIG),
    ("_config.landscape.yml", ChangeKind.CONFIG),
    ("_config.other.yml", ChangeKind.CONFIG),          # any _config*.yml at the root
    ("scaffolds/post.md", ChangeKind.SCAFFOLD),
    ("scripts/my_plugin.py", ChangeKind.PLUGIN),
    ("scripts/lib/helper.py", ChangeKind.PLUGIN),
    # Never rebuild for these.
    ("public/index.html", None),
    ("public/css/style.css", None),
    ("source/_posts/.hello.md.swp", None),
    ("source/_posts/hello.md~", None),
    ("source/_posts/4913", None),
    ("source/.DS_Store", None),
    (".git/index", None),
    ("source/.git/HEAD", None),
    ("node_modules/hexo/package.json", None),
    ("themes/landscape/node_modules/x/index.js", None),
    ("scripts/__pycache__/p.cpython-311.pyc", None),
    (".cache/db.json", None),
    ("package.json", None),
    ("README.md", None),
    ("themes/other/layout/post.html", None),            # not the active theme
])
def test_classify(layout, tmp_path, rel, kind):
    assert layout.classify(tmp_path / rel) is kind
    assert layout.classify(str(tmp_path / rel)) is kind


def test_classify_explicit_config_file_outside_site(tmp_path):
    elsewhere = tmp_path / "shared" / "site.yml"
    lay = WatchLayout(tmp_path / "site", tmp_path / "site" / "source", tmp_path / "site" / "public",
                      None, [elsewhere])
    assert lay.classify(elsewhere) is ChangeKind.CONFIG
    assert lay.classify(tmp_path / "shared" / "other.yml") is None


def test_whole_themes_folder_when_theme_unknown(tmp_path):
    lay = WatchLayout.from_site_dir(tmp_path)
    assert lay.classify(tmp_path / "themes" / "a" / "layout" / "x.html") is ChangeKind.THEME
    assert lay.classify(tmp_path / "themes" / "a" / "_config.yml") is ChangeKind.CONFIG
    assert lay.classify(tmp_path / "source" / "x.md") is ChangeKind.CONTENT


def test_from_config_duck_typed(tmp_path):
    class Cfg:
        site_dir = tmp_path
        source_dir = tmp_path / "src"
        public_dir = tmp_path / "out"
        theme_dir = tmp_path / "themes" / "t"

    lay = WatchLayout.from_config(Cfg, ["_config.yml", "extra.yml"])
    assert lay.classify(tmp_path / "src" / "a.md") is ChangeKind.CONTENT
    assert lay.classify(tmp_path / "out" / "a.html") is None
    assert lay.classify(tmp_path / "extra.yml") is ChangeKind.CONFIG


def test_roots_skip_missing_and_nested(tmp_path, layout):
    for d in ("source", "themes/landscape", "public"):
        (tmp_path / d).mkdir(parents=True)
    roots = layout.roots()
    assert (tmp_path, False) in roots
    assert (tmp_path / "source", True) in roots
    assert (tmp_path / "themes" / "landscape", True) in roots
    assert not any(p == tmp_path / "scripts" for p, _ in roots)       # does not exist (yet)
    assert not any(p == tmp_path / "public" for p, _ in roots)
    assert len(roots) == len(set(roots))


def test_changeset_kinds_and_merge():
    a = Change(Path("/s/source/a.md"), ChangeKind.CONTENT, "modified")
    b = Change(Path("/s/_config.yml"), ChangeKind.CONFIG, "modified")
    a2 = Change(Path("/s/source/a.md"), ChangeKind.CONTENT, "deleted")
    one = ChangeSet(frozenset({a}))
    assert not one.needs_full_rebuild and one.kinds == {ChangeKind.CONTENT}
    merged = one.merge(ChangeSet(frozenset({b, a2})))
    assert merged.needs_full_rebuild and len(merged) == 2
    assert merged.of_kind(ChangeKind.CONTENT) == [a2]
    assert not ChangeSet() and ChangeKind.PLUGIN.needs_full_rebuild
    assert not ChangeKind.THEME.needs_full_rebuild


class Collector:
    def __init__(self):
        self.batches: list[ChangeSet] = []
        self.cond = threading.Condition()

    def __call__(self, batch: ChangeSet) -> None:
        with self.cond:
            self.batches.append(batch)
            self.cond.notify_all()

    def wait(self, n: int, timeout: float) -> bool:
        with self.cond:
            return self.cond.wait_for(lambda: len(self.batches) >= n, timeout)


def _c(name: str, event: str = "modified") -> Change:
    return Change(Path("/s/source") / name, ChangeKind.CONTENT, event)


def test_debouncer_coalesces_a_burst():
    got = Collector()
    deb = Debouncer(got, quiet=0.05, max_wait=2.0)
    deb.start()
    try:
        for i in range(100):
            deb.add(_c(f"p{i % 10}.md"))
        assert got.wait(1, TIMEOUT)
        assert not got.wait(2, 0.15)
        assert len(got.batches[0]) == 10
    finally:
        deb.stop()


def test_debouncer_event_folding():
    got = Collector()
    deb = Debouncer(got, quiet=0.05)
    deb.start()
    try:
        deb.add(_c("tmp.md", "created"))
        deb.add(_c("tmp.md", "deleted"))          # lived and died inside the window: gone
        deb.add(_c("new.md", "created"))
        deb.add(_c("new.md", "modified"))         # still a creation
        deb.add(_c("old.md", "deleted"))
        deb.add(_c("old.md", "created"))          # replaced: a modification
        assert got.wait(1, TIMEOUT)
        events = {c.path.name: c.event for c in got.batches[0].changes}
        assert events == {"new.md": "created", "old.md": "modified"}
    finally:
        deb.stop()


def test_debouncer_max_wait_bounds_a_stream():
    got = Collector()
    deb = Debouncer(got, quiet=0.05, max_wait=0.1)
    deb.start()
    stop = threading.Event()

    def stream():
        i = 0
        while not stop.is_set():
            deb.add(_c(f"p{i}.md"))
            i += 1
            stop.wait(0.01)

    t = threading.Thread(target=stream, daemon=True)
    t.start()
    try:
        # Changes never stop for 50 ms, yet batches keep coming because of max_wait.
        assert got.wait(2, TIMEOUT)
    finally:
        stop.set()
        t.join(TIMEOUT)
        deb.stop()


def test_debouncer_survives_a_failing_callback(capsys):
    got = Collector()
    failed = threading.Event()

    def flaky(batch):
        if not failed.is_set():
            failed.set()
            raise RuntimeError("boom")
        got(batch)

    deb = Debouncer(flaky, quiet=0.02)
    deb.start()
    try:
        deb.add(_c("a.md"))
        assert failed.wait(TIMEOUT)
        deb.add(_c("b.md"))
        assert got.wait(1, TIMEOUT)
        assert "RuntimeError: boom" in capsys.readouterr().err
    finally:
        deb.stop()


@pytest.fixture
def site(tmp_path):
    for d in ("source/_posts", "themes/t/layout", "public"):
        (tmp_path / d).mkdir(parents=True)
    (tmp_path / "_config.yml").write_text("title: x\n")
    return tmp_path


def test_watcher_atomic_save_and_new_scripts_dir(site):
    got = Collector()
    lay = WatchLayout(site, site / "source", site / "public", site / "themes" / "t",
                      [site / "_config.yml"])
    with Watcher(lay, got, quiet=0.05):
        # Editor-style atomic save: write a temp file, rename it over the target.
        tmp = site / "source" / "_posts" / ".hello.md.swp"
        tmp.write_text("hello\n")
        os.replace(tmp, site / "source" / "_posts" / "hello.md")
        assert got.wait(1, TIMEOUT)
        paths = {c.path.name: c for c in got.batches[0].changes}
        assert set(paths) == {"hello.md"} and paths["hello.md"].kind is ChangeKind.CONTENT

        # scripts/ did not exist when watching started; it is picked up once created.
        (site / "scripts").mkdir()
        assert got.wait(2, TIMEOUT)
        assert got.batches[1].kinds == {ChangeKind.PLUGIN}
        (site / "scripts" / "p.py").write_text("def register(extend): pass\n")
        assert got.wait(3, TIMEOUT)
        assert any(c.path.name == "p.py" for c in got.batches[2].changes)


def test_watcher_set_layout_follows_theme_change(site):
    got = Collector()
    (site / "themes" / "u" / "layout").mkdir(parents=True)
    lay_t = WatchLayout(site, site / "source", site / "public", site / "themes" / "t")
    lay_u = WatchLayout(site, site / "source", site / "public", site / "themes" / "u")
    watcher = Watcher(lay_t, got, quiet=0.03).start()
    try:
        watcher.set_layout(lay_u)
        (site / "themes" / "t" / "layout" / "x.html").write_text("old theme")
        (site / "themes" / "u" / "layout" / "x.html").write_text("new theme")
        assert got.wait(1, TIMEOUT)
        names = {c.path.parent.parent.name for c in got.batches[0].changes}
        assert names == {"u"}
    finally:
        watcher.stop()
