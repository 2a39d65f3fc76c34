"""File watching for `pyhexo server` and `pyhexo generate --watch`.

watchdog's observer thread reports raw file events. We drop the noise (editor swap files, `public/`,
`.git`, directory mtime bumps), classify each remaining path by what it can affect
(`ChangeKind`), and hand one debounced `ChangeSet` to a callback once the tree has been quiet for
`quiet` seconds. A burst of saves (an editor writing a temp file and renaming it, a `git checkout`)
therefore gives a single callback; `max_wait` bounds the delay while files keep changing.

The callback runs on the debouncer's own thread, never on watchdog's, so a slow callback cannot
make the observer drop events.
"""
from __future__ import annotations

import enum
import os
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

__all__ = [
    "ChangeKind", "Change", "ChangeSet", "WatchLayout", "Debouncer", "Watcher", "is_temp_file",
    "IGNORED_DIR_NAMES", "layout_for_site", "watch_site",
]

# Directory names never worth watching anywhere in the tree.
IGNORED_DIR_NAMES = frozenset({
    ".git", ".hg", ".svn", "node_modules", "__pycache__", ".pytest_cache", ".mypy_cache",
    ".ruff_cache", ".venv", ".idea", ".vscode",
    ".pyhexo-cache",  # the engine's own cache (engine.core.CACHE_DIR_NAME), written by every build
})

# Exact file names written by editors or the OS, never by a user.
_TEMP_NAMES = frozenset({
    "4913",          # vim probes whether it may create files in a directory with this name
    ".DS_Store", "Thumbs.db", "desktop.ini",
})

_TEMP_PATTERNS = [
    re.compile(r"~$"),                      # vim/emacs/gedit backups: post.md~
    re.compile(r"\.sw[a-px]$"),             # vim swap files: .post.md.swp, .swo, .swx
    re.compile(r"^\.#"),                    # emacs lock files: .#post.md
    re.compile(r"^#.*#$"),                  # emacs autosave: #post.md#
    re.compile(r"___jb_(tmp|old)___$"),     # JetBrains safe-write
    re.compile(r"^\.goutputstream-"),       # GTK (gedit) atomic save
    re.compile(r"\.kate-swp$"),
    re.compile(r"\.crswap$"),               # Chromium File System Access writes
    re.compile(r"\.py[co]$"),
]


def is_temp_file(name: str) -> bool:
    """True for editor temp, swap, lock and backup files and OS metadata (by base name)."""
    if name in _TEMP_NAMES:
        return True
    return any(p.search(name) for p in _TEMP_PATTERNS)


class ChangeKind(enum.Enum):
    """What a changed path can affect; decides how much the engine must redo."""

    CONTENT = "content"     # source/**: one post, page, asset or data file
    THEME = "theme"         # themes/<name>/** except its config: templates, assets, languages
    CONFIG = "config"       # _config.yml, _config.<theme>.yml, the theme's _config.yml
    SCAFFOLD = "scaffold"   # scaffolds/**: only used by `pyhexo new`
    PLUGIN = "plugin"       # scripts/**: Python plugins, must be re-imported

    @property
    def needs_full_rebuild(self) -> bool:
        # A config or plugin change can alter every page (and the set of helpers/tags), so the
        # engine must be recreated; the other kinds keep the engine and its parse cache.
        return self in (ChangeKind.CONFIG, ChangeKind.PLUGIN)


@dataclass(frozen=True)
class Change:
    """One changed path after debouncing: its last event type wins."""

    path: Path
    kind: ChangeKind
    event: str  # "created" | "modified" | "deleted"


@dataclass(frozen=True)
class ChangeSet:
    """Every change seen during one quiet period."""

    changes: frozenset[Change] = field(default_factory=frozenset)

    def __bool__(self) -> bool:
        return bool(self.changes)

    def __len__(self) -> int:
        return len(self.changes)

    @property
    def kinds(self) -> frozenset[ChangeKind]:
        return frozenset(c.kind for c in self.changes)

    @property
    def paths(self) -> frozenset[Path]:
        return frozenset(c.path for c in self.changes)

    @property
    def needs_full_rebuild(self) -> bool:
        return any(k.needs_full_rebuild for k in self.kinds)

    def of_kind(self, kind: ChangeKind) -> list[Change]:
        return sorted((c for c in self.changes if c.kind is kind), key=lambda c: str(c.path))

    def merge(self, other: "ChangeSet") -> "ChangeSet":
        """Both sets, `other` winning for a path present in both (it is newer)."""
        by_path = {c.path: c for c in self.changes}
        by_path.update({c.path: c for c in other.changes})
        return ChangeSet(frozenset(by_path.values()))


def _abs(path: str | os.PathLike[str]) -> Path:
    # absolute() and not resolve(): resolving would follow a symlinked theme out of the site and
    # then no longer match the paths watchdog reports under the link.
    return Path(os.path.abspath(path))


def _is_under(path: Path, parent: Path) -> bool:
    return path == parent or parent in path.parents


@dataclass
class WatchLayout:
    """Where a site's inputs live, and how to classify a path under them.

    Build it from an engine config with `from_config`, or from a site directory with the Hexo default
    names (`from_site_dir`) when the config cannot be read yet.
    """

    site_dir: Path
    source_dir: Path
    public_dir: Path
    theme_dir: Path | None = None
    config_files: list[Path] = field(default_factory=list)
    ignored_dirs: list[Path] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.site_dir = _abs(self.site_dir)
        self.source_dir = _abs(self.source_dir)
        self.public_dir = _abs(self.public_dir)
        self.theme_dir = _abs(self.theme_dir) if self.theme_dir else None
        self.config_files = [_abs(p) for p in self.config_files]
        self.ignored_dirs = [_abs(p) for p in self.ignored_dirs]

    @property
    def scaffolds_dir(self) -> Path:
        return self.site_dir / "scaffolds"

    @property
    def scripts_dir(self) -> Path:
        return self.site_dir / "scripts"

    @classmethod
    def from_site_dir(cls, site_dir: str | os.PathLike[str], *, theme: str | None = None,
                      config_files: Iterable[str | os.PathLike[str]] = ()) -> "WatchLayout":
        """Hexo's default layout; with no theme name, the whole `themes/` folder is watched."""
        site = _abs(site_dir)
        theme_dir = site / "themes" / theme if theme else site / "themes"
        return cls(site, site / "source", site / "public", theme_dir,
                   [_abs(site / p) for p in config_files])

    @classmethod
    def from_config(cls, config, config_files: Iterable[str | os.PathLike[str]] = ()) -> "WatchLayout":
        """From an `engine.config.Config` (duck-typed: site_dir, source_dir, public_dir, theme_dir)."""
        site = _abs(config.site_dir)
        # No theme found (yet): watch all of themes/, so creating the named one is noticed.
        theme_dir = getattr(config, "theme_dir", None) or site / "themes"
        return cls(site, config.source_dir, config.public_dir, theme_dir,
                   [_abs(site / p) for p in config_files])

    def roots(self) -> list[tuple[Path, bool]]:
        """(directory, recursive) pairs to hand to the observer; missing directories are skipped.

        The site directory itself is watched non-recursively: that sees `_config*.yml` and the
        creation of `scripts/` or `scaffolds/` without walking `public/` or `node_modules/`.
        """
        wanted: list[tuple[Path, bool]] = [(self.site_dir, False)]
        for d in (self.source_dir, self.theme_dir, self.scaffolds_dir, self.scripts_dir):
            if d is not None:
                wanted.append((d, True))
        for f in self.config_files:
            wanted.append((f.parent, False))
        out: list[tuple[Path, bool]] = []
        for path, recursive in wanted:
            if not path.is_dir():
                continue
            # A recursive watch on a parent already covers a child; skip duplicates.
            if any(r and _is_under(path, p) for p, r in out) or (path, recursive) in out:
                continue
            out.append((path, recursive))
        return out

    def is_ignored(self, path: Path) -> bool:
        """Paths that never trigger a rebuild: temp files, output, VCS and dependency folders."""
        if is_temp_file(path.name):
            return True
        if _is_under(path, self.public_dir) or any(_is_under(path, d) for d in self.ignored_dirs):
            return True
        try:
            rel_parts = path.relative_to(self.site_dir).parts
        except ValueError:  # a theme or config file outside the site directory
            rel_parts = path.parts
        return any(part in IGNORED_DIR_NAMES for part in rel_parts)

    def classify(self, path: str | os.PathLike[str]) -> ChangeKind | None:
        """The kind of a changed path, or None when the change cannot affect the site."""
        p = _abs(path)
        if self.is_ignored(p):
            return None
        if p in self.config_files:
            return ChangeKind.CONFIG
        if p.parent == self.site_dir and re.fullmatch(r"_config(\.[^/]+)?\.ya?ml", p.name):
            return ChangeKind.CONFIG
        if self.theme_dir is not None and _is_under(p, self.theme_dir):
            # The theme's own _config.yml (or themes/<name>/_config.yml when the whole themes/
            # folder is watched) changes `theme.*` for every page.
            rel = p.relative_to(self.theme_dir).parts
            if rel and re.fullmatch(r"_config\.ya?ml", rel[-1]) and len(rel) <= 2:
                return ChangeKind.CONFIG
            return ChangeKind.THEME
        if _is_under(p, self.source_dir):
            return ChangeKind.CONTENT
        if _is_under(p, self.scripts_dir):
            return ChangeKind.PLUGIN
        if _is_under(p, self.scaffolds_dir):
            return ChangeKind.SCAFFOLD
        return None


# Event types worth a rebuild. "opened", "closed_no_write" and "attrib" (atime, chmod) are not.
_RELEVANT_EVENTS = frozenset({"created", "modified", "deleted", "moved", "closed"})


def _fs(path: str | bytes) -> str:
    return os.fsdecode(path)


class Debouncer:
    """Collects changes and calls `callback(ChangeSet)` once they stop for `quiet` seconds.

    `max_wait` bounds how long a continuous stream of changes can postpone the callback. The
    callback runs on this object's thread, one call at a time.
    """

    def __init__(self, callback: Callable[[ChangeSet], None], *, quiet: float = 0.025,
                 max_wait: float = 2.0):
        self._callback = callback
        self.quiet = quiet
        self.max_wait = max_wait
        self._cond = threading.Condition()
        self._pending: dict[Path, Change] = {}
        self._first = 0.0
        self._last = 0.0
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="pyhexo-debounce", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float | None = 2.0) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    def add(self, change: Change) -> None:
        now = time.monotonic()
        with self._cond:
            prev = self._pending.get(change.path)
            event = change.event
            # created-then-modified is still a creation; deleted-then-created is a modification.
            if prev is not None and prev.event == "created" and event == "modified":
                event = "created"
            elif prev is not None and prev.event == "deleted" and event == "created":
                event = "modified"
            elif prev is not None and prev.event == "created" and event == "deleted":
                # A temp file that lived and died inside the window: nothing happened.
                del self._pending[change.path]
                self._last = now
                self._cond.notify_all()
                return
            if not self._pending:
                self._first = now
            self._pending[change.path] = Change(change.path, change.kind, event)
            self._last = now
            self._cond.notify_all()

    def _take_batch(self) -> ChangeSet | None:
        with self._cond:
            while not self._stopped:
                if not self._pending:
                    self._cond.wait()
                    continue
                deadline = min(self._last + self.quiet, self._first + self.max_wait)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    batch = ChangeSet(frozenset(self._pending.values()))
                    self._pending.clear()
                    return batch
                self._cond.wait(remaining)
            return None

    def _run(self) -> None:
        while True:
            batch = self._take_batch()
            if batch is None:
                return
            try:
                self._callback(batch)
            except Exception:  # noqa: BLE001 - a failing callback must not kill the watcher
                import traceback
                traceback.print_exc()


class _Handler(FileSystemEventHandler):
    """Turns watchdog events into classified `Change`s for the debouncer."""

    def __init__(self, watcher: "Watcher"):
        self._watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in _RELEVANT_EVENTS:
            return
        # A file write also bumps its directory's mtime; that "modified" is pure noise.
        if event.is_directory and event.event_type in ("modified", "closed"):
            return
        if event.event_type == "moved":
            # An atomic save is "write temp, rename over target": the source is usually a temp
            # file (ignored) and the destination the real file (counted as modified).
            self._watcher._record(_fs(event.src_path), "deleted")
            self._watcher._record(_fs(event.dest_path), "created")
            return
        kind = {"closed": "modified"}.get(event.event_type, event.event_type)
        self._watcher._record(_fs(event.src_path), kind)


class Watcher:
    """watchdog observer + classifier + debouncer. Use as a context manager or start()/stop().

    `callback(ChangeSet)` is called from a background thread after each quiet period.
    """

    def __init__(self, layout: WatchLayout, callback: Callable[[ChangeSet], None], *,
                 quiet: float = 0.025, max_wait: float = 2.0, observer_factory=Observer):
        self._layout = layout
        self._debouncer = Debouncer(callback, quiet=quiet, max_wait=max_wait)
        self._observer_factory = observer_factory
        self._observer = None
        self._handler = _Handler(self)
        self._lock = threading.Lock()
        self._watches: dict[tuple[Path, bool], object] = {}

    @property
    def layout(self) -> WatchLayout:
        return self._layout

    def start(self) -> "Watcher":
        self._debouncer.start()
        self._observer = self._observer_factory()
        self._observer.daemon = True
        self._sync_watches()
        self._observer.start()
        return self

    def stop(self) -> None:
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(2.0)
        self._debouncer.stop()

    def __enter__(self) -> "Watcher":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def set_layout(self, layout: WatchLayout) -> None:
        """Switch to a new layout (e.g. the config now names another theme)."""
        self._layout = layout
        self._sync_watches()

    def _sync_watches(self) -> None:
        """Schedule the layout's existing roots and drop stale ones (roots can appear later)."""
        if self._observer is None:
            return
        with self._lock:
            wanted = set(self._layout.roots())
            for key in list(self._watches):
                if key not in wanted:
                    self._observer.unschedule(self._watches.pop(key))
            for path, recursive in wanted:
                if (path, recursive) not in self._watches:
                    try:
                        self._watches[(path, recursive)] = self._observer.schedule(
                            self._handler, str(path), recursive=recursive)
                    except OSError:  # vanished between roots() and schedule(); next sync retries
                        pass

    def _record(self, raw_path: str, event: str) -> None:
        path = _abs(raw_path)
        kind = self._layout.classify(path)
        if kind is None:
            return
        if event == "created" and path.is_dir():
            # A new scripts/ or scaffolds/ directory must be watched from now on.
            self._sync_watches()
        self._debouncer.add(Change(path, kind, event))


def layout_for_site(site_dir: str | os.PathLike[str],
                    config_files: Iterable[str] | None = None) -> WatchLayout:
    """The layout from the site's config, or Hexo's defaults when the config cannot be read."""
    files = list(config_files or [])
    try:
        from engine.config import load_config  # lazy: the watcher itself needs no config code
        return WatchLayout.from_config(load_config(Path(site_dir), files or None), files)
    except Exception:  # noqa: BLE001 - a broken _config.yml must still be watched, to be fixed
        return WatchLayout.from_site_dir(site_dir, config_files=files)


def watch_site(site_dir: str | os.PathLike[str], callback: Callable[[ChangeSet], object], *,
               config_files: Iterable[str] | None = None, quiet: float = 0.025,
               max_wait: float = 2.0, stop: threading.Event | None = None) -> None:
    """Block, calling `callback(changes)` after each debounced batch, until Ctrl+C or `stop`.

    This is `pyhexo generate --watch`. Calls are serialised (one at a time); a config change
    re-reads the layout so that a new theme or source_dir is followed.
    """
    stop = stop or threading.Event()
    files = list(config_files or [])
    watcher: Watcher

    def on_changes(changes: ChangeSet) -> None:
        if changes.needs_full_rebuild:
            watcher.set_layout(layout_for_site(site_dir, files))
        callback(changes)

    watcher = Watcher(layout_for_site(site_dir, files), on_changes, quiet=quiet, max_wait=max_wait)
    watcher.start()
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        watcher.stop()
