"""Dependency records kept between `pyhexo generate` runs: render only the pages an edit can have
changed, and keep every other file of the last build where it is.

A build that writes through an `OutputWriter` records, for every themed route, the document fields
its rendering read (`engine.reads`, in whichever worker rendered it) and a digest of its page data.
They are saved with a digest of every field of every document and one key for everything else a
template can see: config and theme config, theme files, `site.data`, plugins and extensions, the
engine's own code. The next build computes the same digests for its freshly built site model and
renders a themed route again unless all of these hold:

  * the key and the set of documents are unchanged, and no field the site model is built from
    changed (order, prev/next, tags, categories and every URL follow from those);
  * the route's page data is the same, none of the fields it read changed, and, if it read the
    per-build memos (`fragment_cache`), no field changed at all;
  * the writer vouches for last build's file (complete manifest, file there with its size).

Raw routes (feeds, sitemaps, copies) are always re-made; they are cheap. Anything unknown (a value
with no stable digest, an unreadable record) counts as changed, so the output is always the cold
build's, byte for byte (tests/integration/test_route_reuse.py).

The record is deleted by `OutputWriter.prepare` before anything is written, and saved after the
pages are on disk; `--force`, `--profile`, `clean` and a failed build therefore never leave one that
disagrees with public/.
"""
from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from engine import __version__
from engine.model import Category, Document, Site, Tag
from engine.reads import RELATIONAL, STRUCTURAL, WILDCARD, Reads, raw_get
from engine.writer import DESCRIBES_OUTPUT

if TYPE_CHECKING:
    from engine.core import Engine
    from engine.routes import Route
    from engine.writer import OutputWriter, Written

DEPS_NAME = DESCRIBES_OUTPUT[0]
FORMAT = 1
_SCALARS = frozenset({bool, int, float, type(None)})


@dataclass
class RouteRecord:
    data: bytes | None                  # digest of the page data; None: no stable digest
    site_dict: bool                     # read the per-build memos
    docs: dict[str, frozenset[str]]     # document source -> fields read

    @classmethod
    def of(cls, data: bytes | None, reads: Reads) -> "RouteRecord":
        """Made by the process that rendered the route (a pool worker): the parent only keeps
        it, and the sets are frozen once, where they were filled."""
        return cls(data, reads.site_dict,
                   {src: frozenset(names) for src, names in reads.docs.items()})


@dataclass
class DepsRecord:
    format: int
    version: str
    key: str
    docs: dict[str, dict[str, bytes]]   # document source -> field name -> digest
    tokens: dict[str, str]              # document source -> what its fields follow from
    routes: dict[str, RouteRecord]


class RoutePlan:
    """Which themed routes of this build may keep last build's file."""

    def __init__(self, engine: "Engine", site: "Site", saved: DepsRecord | None = None) -> None:
        self.key = site_key(engine, site)
        self.saved = saved
        self.tokens: dict[str, str] = {}
        self.docs: dict[str, dict[str, bytes]] = {}
        # A document is a function of its source text, kind and path (all in its render-cache
        # key, with the config and, for bodies with tags, the other documents' titles and
        # URLs) and of its file's time (only through `date` and `updated`): when those match
        # the saved token, so do its fields. A `before_generate` filter may set anything.
        trust = saved is not None and saved.key == self.key and \
            not engine.extend.filters.has("before_generate")
        for doc in (*site.posts, *site.pages):
            src = raw_get(doc, "source")
            key = engine.render_keys.get(src)
            token = self.tokens[src] = f"{key}|{doc.date!r}|{doc.updated!r}" if key else ""
            if trust and token and saved.tokens.get(src) == token and src in saved.docs:
                self.docs[src] = saved.docs[src]
            else:
                self.docs[src] = doc_digests(doc)
        self.delta: dict[str, set[str]] = {}
        self.everything = not _comparable(saved, self.key, self.docs)
        if not self.everything:
            assert saved is not None
            for src, now in self.docs.items():
                before = saved.docs[src]
                changed = {n for n in now.keys() | before.keys() if now.get(n) != before.get(n)}
                if changed & STRUCTURAL:
                    self.everything = True
                    break
                if changed:
                    self.delta[src] = changed
        self.records: dict[str, RouteRecord] = {}
        self.reused = 0
        self._shared: dict[Any, Any] = {}
        if self.everything:
            self.saved = None       # nothing of it is used: do not hold it through the build

    def reuse(self, route: "Route", writer: "OutputWriter") -> "Written | None":
        """Last build's `Written` record for a route that needs no rendering, else None."""
        if self.everything or route.layouts is None or self.saved is None:
            return None
        record = self.saved.routes.get(route.path)
        if record is None or record.data is None or (record.site_dict and self.delta):
            return None
        for src, changed in self.delta.items():
            seen = record.docs.get(src)
            if seen and (not changed.isdisjoint(seen) or not WILDCARD.isdisjoint(seen)):
                return None
        if record.data != data_digest(route):
            return None
        written = writer.reuse(route.path)
        if written is not None:
            self.records[route.path] = record
            self.reused += 1
        return written

    def rendered(self, route: "Route", record: RouteRecord) -> None:
        """Keep the record of a freshly rendered (and written) themed route. Its field sets are
        shared with every equal one: a site has a handful of distinct sets over tens of thousands
        of (route, document) pairs, so the records take a fifth of the memory, in the build and in
        the file (pickle stores a shared object once)."""
        shared = self._shared
        record.docs = {shared.setdefault(src, src): shared.setdefault(names, names)
                       for src, names in record.docs.items()}
        self.records[route.path] = record

    def save(self, engine: "Engine") -> None:
        record = DepsRecord(FORMAT, __version__, self.key, self.docs, self.tokens, self.records)
        from engine.writer import write_atomic_with
        try:
            write_atomic_with(engine.cache_dir / DEPS_NAME,
                              lambda fh: pickle.dump(record, fh, pickle.HIGHEST_PROTOCOL),
                              prefix=".route-deps-")
        except OSError:
            pass    # a read-only cache folder costs the next build speed, not correctness


def load_record(engine: "Engine") -> DepsRecord | None:
    try:
        with open(engine.cache_dir / DEPS_NAME, "rb") as fh:
            record = pickle.load(fh)
    except Exception:  # noqa: BLE001 - missing, truncated or from another version: no reuse
        return None
    if not isinstance(record, DepsRecord) or record.format != FORMAT or \
            record.version != __version__:
        return None
    return record


def _comparable(saved: DepsRecord | None, key: str, docs: dict[str, dict[str, bytes]]) -> bool:
    return saved is not None and saved.key == key and saved.docs.keys() == docs.keys()


# ---- digests (SHA-256: with the CPU's SHA extensions it is over twice BLAKE2's speed) ---

def value_digest(value: Any) -> bytes:
    """A digest equal across processes for equal values; a fresh random one for a value we cannot
    describe stably (so it always counts as changed). Short scalars are their own digest."""
    kind = type(value)
    if kind is str or kind is Markup:   # the common case, and the large one (content, raw)
        return b"s" + hashlib.sha256(value.encode("utf-8", "surrogatepass")).digest()[:16]
    if kind in _SCALARS:
        return f"{kind.__name__}:{value!r}".encode()
    h = hashlib.sha256()
    return b"v" + h.digest()[:16] if _feed(h, value, 0) else os.urandom(16)


def _feed(h: Any, value: Any, depth: int) -> bool:
    """Hash a type-tagged encoding of `value` into `h`; False for anything without a stable one
    (an unknown object, or nesting too deep to be page data)."""
    kind = type(value)
    if kind is str or kind is Markup:
        data = value.encode("utf-8", "surrogatepass")
        h.update(b"s%d:" % len(data))
        h.update(data)
    elif kind in _SCALARS:
        h.update(f"{kind.__name__}:{value!r};".encode())
    elif kind is datetime or kind is date:
        h.update(f"dt:{value.isoformat()}:{getattr(value, 'tzinfo', None)};".encode())
    elif depth > 20:
        return False
    elif isinstance(value, (list, tuple)):     # Query too
        h.update(b"[%d:" % len(value))
        for item in value:
            if type(item) is Document:          # posts of an index page: by identity
                h.update(b"doc:" + raw_get(item, "source").encode("utf-8", "surrogatepass") + b";")
            elif not _feed(h, item, depth + 1):
                return False
    elif isinstance(value, dict):              # PageData too
        h.update(b"{%d:" % len(value))
        for key, item in value.items():
            if not (_feed(h, key, depth + 1) and _feed(h, item, depth + 1)):
                return False
    elif isinstance(value, Document):
        h.update(b"doc:" + raw_get(value, "source").encode("utf-8", "surrogatepass") + b";")
    elif isinstance(value, Tag):
        h.update(b"tag:" + value.name.encode("utf-8", "surrogatepass") + b";")
    elif isinstance(value, Category):
        h.update(b"cat:" + value.slug.encode("utf-8", "surrogatepass") + b";")
    elif isinstance(value, Site):
        h.update(b"site;")
    elif isinstance(value, PurePath):
        h.update(f"path:{value};".encode("utf-8", "surrogatepass"))
    elif isinstance(value, BaseException):    # render warnings
        return _feed(h, _describe_error(value), depth + 1)
    elif isinstance(value, (str, bytes, int, float)):   # subclasses: by value and class name
        h.update(f"{kind.__module__}.{kind.__qualname__}:{value!r};".encode("utf-8",
                                                                          "surrogatepass"))
    else:
        return False
    return True


def _describe_error(err: BaseException) -> tuple:
    return (type(err).__name__, str(err), getattr(err, "path", None), getattr(err, "line", None),
            getattr(err, "hint", None))


def doc_digests(doc: "Document") -> dict[str, bytes]:
    """A digest per name a template can read from `doc`: its fields (and any attribute set on it)
    over its front-matter keys, as attribute lookup resolves them. Links to other documents
    (prev/next, tags, categories) are left out: they follow from the structural fields."""
    fields = raw_get(doc, "__dict__")
    out = {str(k): _digest(v) for k, v in (fields.get("front_matter") or {}).items()}
    whole_fm = b"F" + hashlib.sha256(b"".join(k.encode("utf-8", "surrogatepass") + b"\0" + d + b"\1"
                                              for k, d in out.items())).digest()[:16]
    seen: dict[int, bytes] = {}     # `more` is usually the very `content` object
    for name, value in fields.items():
        if name in RELATIONAL:
            continue
        if name == "front_matter":
            out[name] = whole_fm
            continue
        digest = seen.get(id(value))
        if digest is None:
            digest = seen[id(value)] = _digest(value)
        out[name] = digest
    return out


def _digest(value: Any) -> bytes:
    """`value_digest` with the shapes of document fields spelled out, each under its own prefix:
    short strings (a title, a slug, a path) as themselves, dates, flags, lists of names."""
    kind = type(value)
    if kind is str:
        if len(value) < 48:
            return b"S" + value.encode("utf-8", "surrogatepass")
        return value_digest(value)
    if kind in _SCALARS:
        return f"{kind.__name__}:{value!r}".encode()
    if kind is datetime:
        return f"dt:{value.isoformat()}:{value.tzinfo}".encode()
    if kind is list and all(type(v) is str for v in value):
        return b"L" + "".join(f"{len(v)}:{v}" for v in value).encode("utf-8", "surrogatepass")
    if isinstance(value, PurePath):
        return f"P{value}".encode("utf-8", "surrogatepass")
    return value_digest(value)


def data_digest(route: "Route") -> bytes | None:
    """A digest of what the theme gets for a route besides the site: its kind, layouts, path
    and page data; None when the data has no stable digest (always rendered)."""
    head = f"{route.kind}\0{route.layouts}\0{route.path}\0"
    data = route.data
    if type(data) is Document:      # a post or a page: by identity, its fields are in the reads
        return (head + raw_get(data, "source")).encode("utf-8", "surrogatepass")
    h = hashlib.sha256(head.encode("utf-8", "surrogatepass"))
    if isinstance(data, dict) and data.get("path") == route.path:
        data = {k: v for k, v in data.items() if k != "path"}   # the theme sets it while rendering
    return h.digest()[:16] if _feed(h, data, 0) else None


def site_key(engine: "Engine", site: "Site") -> str:
    """Everything besides the documents that a themed page can depend on (the engine
    fingerprint covers config, extensions, plugins and the engine's own code)."""
    from engine.cache import RenderCache, side_inputs_digest
    h = hashlib.sha256()
    h.update(RenderCache.engine_fingerprint(engine).encode())
    h.update(side_inputs_digest(engine).encode())      # BibTeX and other files helpers read
    h.update(f"safe:{engine.safe}\0theme:{engine.config.theme_dir}\0".encode())
    h.update(repr(sorted(getattr(engine, "env_info", {}).items())).encode())   # `env` in templates
    h.update(value_digest(site.data))
    theme = engine.config.theme_dir
    if theme:
        _hash_tree(h, Path(theme), skip={"source", "node_modules", ".git"})
    return h.hexdigest()


def _hash_tree(h: "hashlib._Hash", root: Path, skip: set[str]) -> None:
    """Contents, not mtimes: a template saved twice within one clock tick still counts."""
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames
                             if not (dirpath == str(root) and d in skip) and not d.startswith("."))
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            h.update(os.path.relpath(path, root).encode("utf-8", "surrogateescape") + b"\0")
            try:
                with open(path, "rb") as fh:
                    h.update(hashlib.sha256(fh.read()).digest())
            except OSError:
                h.update(os.urandom(16))
