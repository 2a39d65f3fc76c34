"""Persistent render cache: a post's rendered HTML, keyed by everything that can change it.

Rendering Markdown, tags and highlighting is the expensive part of a build. The key of a document
is a hash of: the engine version and code, the site and theme config, the registered extensions and plugin
files, the document's source path and full text, and — only for bodies that use `{% tags %}`, which
can read other documents (post_link, asset_img) and data files (publications) — a signature of
every document's slug, path and title, of post asset folders and of the files under source/_data. A hit therefore gives exactly the bytes a fresh render would.

The cache lives in `.pyhexo-cache/render-cache.pickle` (removed by `pyhexo clean`) with a delta file
beside it (`engine.dict_file`), is written atomically, and is dropped whole when its key changes. Entries not used by a build are
pruned when it is saved, so it never grows beyond the site.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine import __version__
from engine.dict_file import DictFile

if TYPE_CHECKING:
    from engine.core import Engine
    from engine.model import Document, Site

FORMAT = 3
FILE_NAME = "render-cache.pickle"


class RenderCache:
    def __init__(self, path: Path, engine_key: str):
        self.path = path
        self.engine_key = engine_key
        # Entries made under another config or engine are never read: the key is in the header.
        self.file = DictFile(path, f"{FORMAT}:{__version__}:{engine_key}", ".render-cache-")
        self.entries: dict[str, tuple] = self.file.load()
        self.used: set[str] = set()
        self.dirty = False

    # ---- keys ----------------------------------------------------------------------------
    @staticmethod
    def engine_fingerprint(engine: "Engine") -> str:
        from engine.config import config_fingerprint
        from engine.plugins import plugin_files
        h = hashlib.sha256()
        h.update(f"{FORMAT}:{__version__}:{config_fingerprint(engine.config)}".encode())
        for kind in ("helpers", "tags", "filters", "generators"):
            reg = getattr(engine.extend, kind)
            names = reg.names() if hasattr(reg, "names") else sorted(getattr(reg, "_filters", {}))
            h.update(f"{kind}:{','.join(names)}".encode())
        for p in plugin_files(engine) if not engine.safe else ():
            st = p.stat()
            h.update(f"{p}:{st.st_mtime_ns}:{st.st_size}".encode())
        h.update(f"drafts:{engine.drafts}".encode())
        h.update(code_stamp().encode())
        return h.hexdigest()

    @staticmethod
    def site_signature(site: "Site", engine: "Engine | None" = None) -> str:
        h = hashlib.sha256()
        if engine is not None:
            h.update(side_inputs_digest(engine).encode())
        for doc in (*site.posts, *site.pages):
            h.update(f"{doc.source}\0{doc.slug}\0{doc.path}\0{doc.title}\n".encode())
            if doc.asset_dir:
                folder = Path(doc.asset_dir)
                if folder.is_dir():
                    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
                        h.update(f"{entry.name}:{entry.stat().st_size}\n".encode())
        return h.hexdigest()

    def key_for(self, doc: "Document", site_sig: str) -> str:
        h = hashlib.sha256()
        h.update(self.engine_key.encode())
        h.update(f"{doc.kind}\0{doc.source}\0{doc.render_markdown}\0".encode())
        h.update(doc.raw.encode("utf-8", "surrogatepass"))
        if not doc.disable_nunjucks and ("{%" in doc.body or "{{" in doc.body):
            h.update(site_sig.encode())
        return h.hexdigest()

    # ---- entries -------------------------------------------------------------------------
    def get(self, key: str) -> tuple | None:
        value = self.entries.get(key)
        if value is not None:
            self.used.add(key)
        return value

    def put(self, key: str, value: tuple) -> None:
        self.entries[key] = value
        self.used.add(key)
        self.dirty = True

    # ---- persistence ---------------------------------------------------------------------
    def save(self) -> None:
        stale = set(self.entries) - self.used
        if not self.dirty and not stale:
            return
        for key in stale:
            del self.entries[key]
        self.file.save(self.entries)     # after one edit: a delta of an entry or two
        self.dirty = False


def side_inputs_digest(engine: "Engine") -> str:
    """The files tags and helpers read besides the documents: everything under source/_data
    (BibTeX for `{% publications %}`, news; its YAML and JSON are also `site.data`) and the
    scholar's configured `bib` and `csl` files. By content: a file saved twice within one clock
    tick still counts."""
    source = Path(engine.config.source_dir)
    paths: list[Path] = []
    data_dir = source / "_data"
    if data_dir.is_dir():
        paths += sorted(p for p in data_dir.rglob("*") if p.is_file())
    scholar = engine.config.raw.get("scholar")
    if isinstance(scholar, dict):
        for key, base in (("bib", source), ("file", source), ("csl", Path(engine.site_dir))):
            value = scholar.get(key)
            if isinstance(value, str) and value.endswith((".bib", ".json", ".csl")):
                path = Path(value) if Path(value).is_absolute() else base / value
                if path.is_file():
                    paths.append(path)
    h = hashlib.sha256()
    for path in paths:
        h.update(f"{path}\0".encode("utf-8", "surrogateescape"))
        try:
            h.update(hashlib.sha256(path.read_bytes()).digest())
        except OSError:
            h.update(b"?")
    return h.hexdigest()


def code_stamp() -> str:
    """The engine's own code: a release changes `__version__`, a development checkout only the
    files (their times and sizes; about 1 ms)."""
    h = hashlib.sha256()
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        st = path.stat()
        h.update(f"{path}:{st.st_mtime_ns}:{st.st_size}\n".encode())
    return h.hexdigest()


def open_cache(engine: "Engine") -> RenderCache | None:
    if not engine.use_cache:
        return None
    return RenderCache(engine.cache_dir / FILE_NAME, RenderCache.engine_fingerprint(engine))


def cached_value(doc: "Document") -> tuple[Any, ...]:
    # The document's own strings, not copies: the cache then costs no memory in this build, and
    # `more`, usually the very same object as `content`, is pickled once.
    return (doc.content, doc.excerpt, doc.more, list(doc.render_warnings))
