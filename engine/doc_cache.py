"""Parsed documents kept between builds: a post whose file did not change is not read and parsed
again (front-matter YAML, dates, slug and URL cost about 0.3 ms a post, 0.3 s at 1,000 posts).

An entry is keyed by the file's path relative to the source folder and holds its kind, absolute
path, stat signature (mtime, ctime, size, inode) taken *before* it was read, the `Document` that
`load_document` made (pickled) and the warnings it gave. It is used only when all of that matches
and the file had last changed well before it was read: a file written twice within one clock
tick keeps its times, so an entry read in that window is not trusted (git's "racy clean" rule).
The whole cache is tied to the engine fingerprint (config, extensions, plugins, engine version and
code), lives in `.pyhexo-cache/documents.pickle`, is written atomically and is pruned to the
files of the last build. A hit gives exactly the document a fresh parse would.
"""
from __future__ import annotations

import os
import pickle
import time
from typing import TYPE_CHECKING, Any

from engine.dict_file import DictFile
from engine.stamp import RACY_NS    # one window for every stat-based check

if TYPE_CHECKING:
    from engine.core import Engine
    from engine.model import Document
    from engine.scan import SourceFile

FILE_NAME = "documents.pickle"
FORMAT = 3
# Parsing in the worker pool pays only for many files: sending a document back (pickled) costs
# about a third of parsing it, and forking a fixed 50 ms. Measured on 2 cores: 10,000 posts
# 2.6-3.2 s → 2.4-2.5 s; 1,000 posts 0.23 s → 0.28 s (slower).
POOL_MIN = 2000


class DocCache:
    """Loads the documents of a build: from the cache when unchanged (`enabled`), else parsed."""

    def __init__(self, engine: "Engine", enabled: bool = True) -> None:
        from engine.cache import RenderCache
        self.engine = engine
        self.enabled = enabled
        self.path = engine.cache_dir / FILE_NAME
        self.key = RenderCache.engine_fingerprint(engine) if enabled else ""
        self.entries: dict[str, tuple] = {}
        self.fresh: dict[str, tuple] = {}
        self.hits = 0
        self.file = DictFile(self.path, f"{FORMAT}:{self.key}", ".documents-")
        if enabled:
            self.entries = self.file.load()

    def load(self, sf: "SourceFile") -> "Document":
        """`load_document(engine, sf)`, from the cache when the file is unchanged; raises what a
        parse raises."""
        ((_sf, doc, err),) = self.load_all([sf])
        if err is not None:
            raise err
        return doc

    def load_all(self, files: list["SourceFile"]) -> list[tuple[Any, Any, Any]]:
        """[(source file, Document or None, error or None)] in the order of `files`; the
        documents' warnings are given (`engine.warn`) in that order too. Many files to parse
        (POOL_MIN) are parsed in the worker pool."""
        engine = self.engine
        results: list[Any] = [None] * len(files)
        warnings: list[list[Any]] = [[] for _ in files]
        misses: list[tuple[int, tuple | None]] = []
        for i, sf in enumerate(files):
            sig = _signature(sf) if self.enabled else None
            entry = self.entries.get(sf.rel) if sig is not None else None
            if entry is not None and entry[0] == sig and max(sig[2], sig[3]) < entry[1] - RACY_NS:
                results[i] = (sf, pickle.loads(entry[2]), None)
                warnings[i] = entry[3]
                self.fresh[sf.rel] = entry
                self.hits += 1
            else:
                misses.append((i, sig))
        started = time.time_ns()     # before any miss is read: the racy rule's reference
        for i, sig, doc, blob, found, err in self._parse_misses(files, misses):
            warnings[i] = found
            results[i] = (files[i], doc, err)
            if err is None and sig is not None:
                if blob is None:
                    try:
                        blob = pickle.dumps(doc, pickle.HIGHEST_PROTOCOL)
                    except Exception:  # noqa: BLE001 - an odd front-matter value: not cached
                        continue
                self.fresh[files[i].rel] = (sig, started, blob, found)
        if engine.warn is not None:
            for found in warnings:
                for warning in found:
                    engine.warn(warning)
        return results

    def _parse_misses(self, files: list["SourceFile"], misses: list[tuple[int, tuple | None]]):
        """(index, signature, Document, its pickle or None, warnings, error) per miss."""
        from engine.parallel import parse_in_pool, pool_is_worth_it
        engine = self.engine
        if len(misses) >= POOL_MIN and pool_is_worth_it(len(misses), engine.concurrency):
            todo = [files[i] for i, _sig in misses]
            for k, blob, found, err in parse_in_pool(engine, todo, engine.concurrency):
                i, sig = misses[k]
                if blob is None and err is None:     # could not be sent back: parse it here
                    doc, found, err = parse(engine, files[i])
                    yield i, sig, doc, None, found, err
                else:
                    yield i, sig, None if blob is None else pickle.loads(blob), blob, found, err
            return
        for i, sig in misses:
            yield (i, sig, *_with_blob(parse(engine, files[i])))

    def save(self) -> None:
        """Keep the entries of this build only; written (as a delta, see `engine.dict_file`)
        when anything differs."""
        try:
            if self.enabled and (self.fresh.keys() != self.entries.keys()
                                 or self.hits != len(self.fresh)):
                self.file.save(self.fresh)
        finally:
            self.entries = self.fresh = {}     # the blobs are not needed past the load phase
            self.file.base = {}


def _signature(sf: "SourceFile") -> tuple | None:
    """Taken before the file is read (a later save then shows as a different signature)."""
    try:
        st = os.stat(sf.path)
    except OSError:
        return None
    return (sf.kind, str(sf.path), st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino,
            sf.mtime, sf.size)


def _with_blob(parsed: tuple[Any, list[Any], Any]) -> tuple[Any, None, list[Any], Any]:
    doc, found, err = parsed
    return doc, None, found, err


def parse_pickled(engine: "Engine", sf: "SourceFile") -> tuple[bytes | None, list[Any], Any]:
    """`parse`, with the document pickled (None if it cannot be): what a pool worker sends back,
    and what the cache stores."""
    doc, found, err = parse(engine, sf)
    if err is not None:
        return None, found, err
    try:
        return pickle.dumps(doc, pickle.HIGHEST_PROTOCOL), found, None
    except Exception:  # noqa: BLE001 - unpicklable front-matter: the parent parses it again
        return None, found, None


def parse(engine: "Engine", sf: "SourceFile") -> tuple[Any, list[Any], Any]:
    """(Document or None, its warnings, error or None) for one file."""
    from engine.errors import EngineError, SourceError
    from engine.site_model import display_path, load_document
    warn = engine.warn
    found: list[Any] = []
    engine.warn = found.append
    try:
        return load_document(engine, sf), found, None
    except EngineError as err:
        return None, found, err
    except Exception as exc:  # a bug or an unexpected input: still only this file fails
        return None, found, SourceError(f"{type(exc).__name__}: {exc}",
                                        path=display_path(engine, sf.path))
    finally:
        engine.warn = warn
