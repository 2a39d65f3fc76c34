"""The dev server's in-memory output: the last complete build, swapped atomically.

A `Snapshot` is immutable once built; the rebuild thread makes a new one and `OutputStore.swap`
replaces the reference under a lock. A request takes the current snapshot once and serves from it,
so it never mixes two builds and never waits for a running build.

`DirectorySource` offers the same `get`/`routes` interface over a directory on disk, for
`pyhexo server --static`.
"""
from __future__ import annotations

import gzip
import hashlib
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

__all__ = ["Entry", "Snapshot", "SwapResult", "OutputStore", "DirectorySource"]


class Entry:
    """One output file: bytes plus validators, with compressed/injected variants made on demand."""

    __slots__ = ("body", "etag", "mtime", "_gzip", "_page")

    def __init__(self, body: bytes, etag: str, mtime: float):
        self.body = body
        self.etag = etag          # opaque tag without quotes, e.g. a content hash
        self.mtime = mtime        # seconds since the epoch, for Last-Modified
        self._gzip: bytes | None = None
        # (version, page with the reload script, its gzip or None). One slot, replaced whole, so
        # an unchanged page carried over many builds does not pile up one copy per build.
        self._page: tuple[str, bytes, bytes | None] | None = None

    @classmethod
    def from_bytes(cls, body: bytes, mtime: float | None = None) -> "Entry":
        digest = hashlib.blake2b(body, digest_size=10).hexdigest()
        return cls(body, digest, time.time() if mtime is None else mtime)

    # Two threads may race to compute the same variant below; both results are identical and the
    # attribute assignment is atomic, so the race costs only CPU and needs no lock.

    def gzipped(self) -> bytes:
        if self._gzip is None:
            self._gzip = gzip_bytes(self.body)
        return self._gzip

    def injected(self, version: str, inject, compressed: bool = False) -> bytes:
        """The page with the live-reload script for `version` (`inject(body, version)`), gzipped
        if asked."""
        page = self._page
        if page is None or page[0] != version:
            page = (version, inject(self.body, version), None)
        if compressed and page[2] is None:
            page = (page[0], page[1], gzip_bytes(page[1]))
        self._page = page
        return page[2] if compressed else page[1]


def gzip_bytes(data: bytes) -> bytes:
    # mtime=0 keeps the output a pure function of the input (stable across requests).
    return gzip.compress(data, compresslevel=6, mtime=0)


@dataclass(frozen=True)
class Snapshot:
    """A complete build as served: route path ('about/index.html') -> Entry."""

    entries: Mapping[str, Entry]
    build_id: int
    version: str        # unique across server restarts; the client compares it to reload
    created: float

    def get(self, path: str) -> Entry | None:
        return self.entries.get(path)

    def routes(self) -> Iterable[str]:
        return self.entries.keys()


@dataclass(frozen=True)
class SwapResult:
    """What a swap changed, to pick the reload event (`css` only if stylesheets alone changed)."""

    snapshot: Snapshot
    changed: tuple[str, ...]   # added or modified paths, sorted
    removed: tuple[str, ...]

    @property
    def any(self) -> bool:
        return bool(self.changed or self.removed)

    @property
    def css_only(self) -> bool:
        return bool(self.changed) and not self.removed and all(p.endswith(".css") for p in self.changed)


class OutputStore:
    """Holds the current `Snapshot`; `swap()` publishes a new one atomically."""

    def __init__(self, instance: str = ""):
        self._lock = threading.Lock()
        self._instance = instance or os.urandom(4).hex()
        self._seq = 0
        self._file_keys: dict[str, tuple] = {}   # route -> (file, mtime_ns, size) for Path outputs
        self._snapshot = Snapshot({}, 0, f"{self._instance}-0", time.time())

    @property
    def current(self) -> Snapshot:
        with self._lock:
            return self._snapshot

    def get(self, path: str) -> Entry | None:
        return self.current.get(path)

    def swap(self, outputs: Mapping[str, bytes | str | os.PathLike[str]], build_id: int, *,
             keep_missing: bool = False) -> SwapResult:
        """Replace the snapshot with `outputs` (bytes, text, or the path of a file to copy).

        Unchanged files keep their old `Entry` (same ETag, Last-Modified and cached gzip), so
        browsers revalidate them with a 304. With `keep_missing` (a build that reported errors),
        paths absent from `outputs` keep their last good bytes instead of disappearing.
        """
        # Hash outside the lock: only the reference swap must be atomic. Only the rebuild thread
        # calls swap(), so reading `old` here cannot race with another swap.
        now = time.time()
        old = self.current
        entries: dict[str, Entry] = {}
        changed: list[str] = []
        file_keys: dict[str, tuple] = {}
        for path, body in outputs.items():
            prev = old.entries.get(path)
            if isinstance(body, (os.PathLike, Path)):
                # An asset copied as is: skip re-reading it while its stat is unchanged.
                try:
                    st = os.stat(body)
                except OSError:
                    continue    # vanished since the build listed it; the next build settles it
                key = (os.fspath(body), st.st_mtime_ns, st.st_size)
                file_keys[path] = key
                if prev is not None and self._file_keys.get(path) == key:
                    entries[path] = prev
                    continue
                try:
                    body = Path(body).read_bytes()
                except OSError:
                    continue
            elif isinstance(body, str):
                body = body.encode("utf-8")
            if prev is not None and prev.body == body:
                entries[path] = prev
            else:
                entries[path] = Entry.from_bytes(bytes(body), now)
                changed.append(path)
        removed = [p for p in old.entries if p not in entries]
        if keep_missing:
            for p in removed:
                entries[p] = old.entries[p]
                if p in self._file_keys:
                    file_keys[p] = self._file_keys[p]
            removed = []
        self._file_keys = file_keys
        with self._lock:
            # Versions are unique per store, even if the builder repeats a build_id.
            self._seq += 1
            snap = Snapshot(entries, build_id, f"{self._instance}-{self._seq}", now)
            self._snapshot = snap
        return SwapResult(snap, tuple(sorted(changed)), tuple(sorted(removed)))


class DirectorySource:
    """Files under a directory (`public/`), for `--static`: same `get()` as a `Snapshot`.

    Containment is checked after `resolve()`, so a symlink pointing out of the tree is refused
    even when the request path itself is clean.
    """

    def __init__(self, directory: str | os.PathLike[str]):
        self.root = Path(directory).resolve()
        self.version = "static"

    def get(self, path: str) -> Entry | None:
        target = (self.root / path).resolve()
        if target != self.root and self.root not in target.parents:
            return None
        try:
            st = target.stat()
            if not target.is_file():
                return None
            body = target.read_bytes()
        except OSError:
            return None
        return Entry(body, f"{int(st.st_mtime_ns):x}-{st.st_size:x}", st.st_mtime)

    def routes(self) -> Iterable[str]:
        for dirpath, _dirs, files in os.walk(self.root):
            for name in files:
                full = Path(dirpath, name)
                yield full.relative_to(self.root).as_posix()
