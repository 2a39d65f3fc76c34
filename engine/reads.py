"""Recording what a consumer reads from the site model: the dependency records behind incremental
rebuilds (the dev server's `engine.incremental` and `generate`'s `engine.route_deps`).

While a generator runs or a route renders, every attribute read on a `Document` is noted as
(document source, field name), and a read of `site.__dict__` (per-build memos such as
`fragment_cache`) as a wildcard. The hook is a class-level `__getattribute__` installed only while
`Hooks` is entered; it does nothing on threads (or in processes) that are not recording.
"""
from __future__ import annotations

import sys
import threading
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import Any

from engine.model import Category, Document, Site, Tag

# Fields `build_site`, the route paths and the generators' structure follow: a change to any of
# them is a full build.
STRUCTURAL = frozenset({
    "kind", "source", "full_source", "slug", "path", "permalink", "date", "published", "draft",
    "tag_names", "category_paths", "asset_dir",
})
# Set by `build_site` (links between documents): equal by construction on the fast path.
RELATIONAL = frozenset({"tags", "categories", "prev", "next"})
# Fields a body edit changes without touching anything another document's body can read.
BODY_FIELDS = frozenset({"raw", "body", "body_line", "updated", "content", "excerpt", "more",
                         "render_warnings"})
# Reads that expose every field at once (vars(), copy, pickle): any change of that document counts.
WILDCARD = frozenset({"__dict__", "__getstate__", "__reduce__", "__reduce_ex__"})
DOC_FIELDS = tuple(f.name for f in fields(Document))
_DOC_GETATTR = Document.__getattr__.__code__
# Readers of `site.__dict__` whose memo depends only on its key (toc: the content) or on what the
# fast path never changes (slugs); any other reader (fragment_cache) makes the route depend on all.
# The helpers' memo under MEMO_KEY is replaced by a `RecordingMemo` while recording.
MEMO_KEY = "_pyhexo_helper_memo"
_KNOWN_SITE_MEMOS = frozenset({"_toc_memo", "post_by_slug", "site_memo", "fragment_cache",
                               "_languages"})
RENDERED = ("content", "excerpt", "more", "render_warnings")


# ---- recording -------------------------------------------------------------------------------

@dataclass
class Reads:
    """What one consumer (a generator or a route) read."""

    docs: dict[str, set[str]] = field(default_factory=dict)    # source -> field names
    site_dict: bool = False                                       # read site.__dict__


_local = threading.local()
_hook_lock = threading.Lock()
_hook_users = 0
raw_get = object.__getattribute__


def _doc_getattribute(self, name: str):
    reads = getattr(_local, "reads", None)
    if reads is not None:
        if name == "__dict__" and sys._getframe(1).f_code is _DOC_GETATTR:
            return raw_get(self, name)   # the front-matter fallback: the key itself is recorded
        src = raw_get(self, "source")
        seen = reads.docs.get(src)
        if seen is None:
            reads.docs[src] = {name}
        else:
            seen.add(name)
    return raw_get(self, name)


def _site_getattribute(self, name: str):
    if name == "__dict__":
        d = raw_get(self, name)
        if MEMO_KEY not in d:
            d[MEMO_KEY] = RecordingMemo()
        reads = getattr(_local, "reads", None)
        if reads is not None and sys._getframe(1).f_code.co_name not in _KNOWN_SITE_MEMOS:
            reads.site_dict = True
        return d
    return raw_get(self, name)


def _merge(into: Reads | None, more: Reads) -> None:
    if into is None:
        return
    for src, names in more.docs.items():
        seen = into.docs.get(src)
        if seen is None:
            into.docs[src] = set(names)
        else:
            seen |= names
    into.site_dict = into.site_dict or more.site_dict


def _stack() -> list:
    stack = getattr(_local, "stack", None)
    if stack is None:
        stack = _local.stack = []
    return stack


class RecordingMemo(dict):
    """The helpers' per-build memo (`site_memo`, `fragment_cache`, i18n) that remembers what
    computing each entry read, and adds it to every route that later gets the entry from here.

    A miss starts a frame that collects the reads until the entry is stored; a hit replays them.
    """

    def __init__(self) -> None:
        super().__init__()
        self.reads: dict[Any, Reads] = {}

    def __contains__(self, key) -> bool:
        found = dict.__contains__(self, key)
        self._hit(key) if found else self._miss(key)
        return found

    def __getitem__(self, key):
        try:
            value = dict.__getitem__(self, key)
        except KeyError:
            self._miss(key)
            raise
        self._hit(key)
        return value

    def get(self, key, default=None):
        return self[key] if key in self else default

    def __setitem__(self, key, value) -> None:
        dict.__setitem__(self, key, value)
        stack = _stack()
        for i in range(len(stack) - 1, -1, -1):
            if stack[i][0] == key:
                for _key, frame, saved in reversed(stack[i + 1:]):   # abandoned inner misses
                    _merge(saved, frame)
                _key, frame, saved = stack[i]
                del stack[i:]
                _local.reads = saved
                self.reads[key] = frame
                _merge(saved, frame)
                return
        self.reads[key] = Reads(site_dict=True)   # stored without a miss first: unknown inputs

    def setdefault(self, key, default=None):
        if dict.__contains__(self, key):
            return self[key]
        self.reads[key] = Reads(site_dict=True)
        return dict.setdefault(self, key, default)

    def _hit(self, key) -> None:
        _merge(getattr(_local, "reads", None), self.reads.get(key) or Reads(site_dict=True))

    def _miss(self, key) -> None:
        frame = Reads()
        _stack().append((key, frame, getattr(_local, "reads", None)))
        _local.reads = frame

    def invalidate(self, delta: dict[str, set[str]]) -> None:
        """Drop the entries computed from a changed field."""
        for key, reads in list(self.reads.items()):
            if touches(reads, delta, site_dict=True):
                dict.pop(self, key, None)
                del self.reads[key]


class Hooks:
    """Install the read hooks on the model classes for the duration of a build (ref-counted)."""

    def __enter__(self) -> "Hooks":
        global _hook_users
        with _hook_lock:
            if _hook_users == 0:
                Document.__getattribute__ = _doc_getattribute
                Site.__getattribute__ = _site_getattribute
            _hook_users += 1
        return self

    def __exit__(self, *exc) -> None:
        global _hook_users
        with _hook_lock:
            _hook_users -= 1
            if _hook_users == 0:
                del Document.__getattribute__
                del Site.__getattribute__


class recording:
    """Attribute reads on this thread go to `reads` inside the block."""

    def __init__(self, reads: Reads | None):
        self.reads = reads

    def __enter__(self) -> None:
        self.saved = getattr(_local, "reads", None)
        self.depth = len(_stack())
        _local.reads = self.reads

    def __exit__(self, *exc) -> None:
        stack = _stack()
        while len(stack) > self.depth:      # a memo miss that was never stored (an exception)
            _key, frame, saved = stack.pop()
            _merge(saved, frame)
        _local.reads = self.saved


def touches(reads: Reads, delta: dict[str, set[str]], *, site_dict: bool) -> bool:
    if site_dict and reads.site_dict and delta:
        return True
    for src, changed in delta.items():
        seen = reads.docs.get(src)
        if seen and (not changed.isdisjoint(seen) or not WILDCARD.isdisjoint(seen)):
            return True
    return False


def shape(value: Any, route_path: str | None = None, depth: int = 0) -> Any:
    """A comparable image of page data: documents, tags and categories by identity, containers
    element-wise, everything else by value. (Field reads of documents are tracked separately.)"""
    if depth > 20:
        return ("deep", id(value))
    if isinstance(value, Document):
        return ("doc", raw_get(value, "source"))
    if isinstance(value, Tag):
        return ("tag", value.name)
    if isinstance(value, Category):
        return ("cat", value.slug)
    if isinstance(value, Site):
        return ("site",)
    if isinstance(value, dict):
        items = dict(value)
        if route_path is not None:
            items.setdefault("path", route_path)   # the theme adds it while rendering
        return ("dict", tuple(sorted(((str(k), shape(v, None, depth + 1)) for k, v in items.items()),
                                     key=lambda kv: kv[0])))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(shape(v, None, depth + 1) for v in value))
    if isinstance(value, datetime):
        return ("dt", value.isoformat(), str(value.tzinfo))
    if isinstance(value, (str, bytes, int, float, bool, type(None), Path)):
        return (type(value).__name__, value)
    return ("obj", id(value))   # unknown: equal only if it is the very same object
