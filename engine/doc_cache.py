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

from engine.stamp import RACY_NS    # one window for every stat-based check

if TYPE_CHECKING:
    from engine.core import Engine
    from engine.model import Document
    from engine.scan import SourceFile

FILE_NAME = "documents.pickle"
FORMAT = 2


class DocCache:
    def __init__(self, engine: "Engine") -> None:
        from engine.cache import RenderCache
        self.engine = engine
        self.path = engine.cache_dir / FILE_NAME
        self.key = RenderCache.engine_fingerprint(engine)
        self.entries: dict[str, tuple] = {}
        self.fresh: dict[str, tuple] = {}
        self.hits = 0
        try:
            with open(self.path, "rb") as fh:
                header = pickle.load(fh)
                if isinstance(header, dict) and header.get("format") == FORMAT and \
                        header.get("key") == self.key:    # else the entries are not even read
                    entries = pickle.load(fh)
                    if isinstance(entries, dict):
                        self.entries = entries
        except Exception:  # noqa: BLE001 - missing or unreadable: parse everything, never fail
            self.entries = {}

    def load(self, sf: "SourceFile") -> "Document":
        """`load_document(engine, sf)`, from the cache when the file is unchanged."""
        from engine.site_model import load_document
        engine = self.engine
        try:
            st = os.stat(sf.path)
        except OSError:
            return load_document(engine, sf)     # reports the problem as a parse would
        sig = (sf.kind, str(sf.path), st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino,
               sf.mtime, sf.size)
        entry = self.entries.get(sf.rel)
        if entry is not None and entry[0] == sig and \
                max(st.st_mtime_ns, st.st_ctime_ns) < entry[1] - RACY_NS:
            doc = pickle.loads(entry[2])
            for warning in entry[3]:
                if engine.warn is not None:
                    engine.warn(warning)
            self.fresh[sf.rel] = entry
            self.hits += 1
            return doc
        started = time.time_ns()
        warn = engine.warn
        warnings: list[Any] = []
        if warn is not None:
            def collect(w: Any) -> None:
                warnings.append(w)
                warn(w)
            engine.warn = collect
        try:
            doc = load_document(engine, sf)
        finally:
            engine.warn = warn
        if warn is not None:        # without a collector its warnings could not be replayed
            try:
                self.fresh[sf.rel] = (sig, started, pickle.dumps(doc, pickle.HIGHEST_PROTOCOL),
                                      warnings)
            except Exception:  # noqa: BLE001 - an odd front-matter value: just not cached
                pass
        return doc

    def save(self) -> None:
        """Keep the entries of this build only; written when anything differs."""
        if self.fresh.keys() == self.entries.keys() and self.hits == len(self.fresh):
            self.entries = self.fresh = {}
            return
        from engine.writer import write_atomic_with
        header = {"format": FORMAT, "key": self.key}

        def dump(fh) -> None:
            pickle.dump(header, fh, pickle.HIGHEST_PROTOCOL)
            pickle.dump(self.fresh, fh, pickle.HIGHEST_PROTOCOL)

        try:
            write_atomic_with(self.path, dump, prefix=".documents-")
        finally:
            self.entries = self.fresh = {}     # the blobs are not needed past the load phase
