"""Incremental rebuilds for the dev server: redo only what one edit can have changed.

`build(engine, changes)` is what `Engine.build(changes=...)` calls. Without a usable previous build
it runs the normal full build (`engine.build.run_build`) while *recording* what every generator and
every themed route reads from the documents; afterwards a change set it can handle is rebuilt from
that previous build, and anything else falls back to a recorded full build.

What is recorded (`engine.reads`): while a generator runs, or a route renders (theme, helpers,
`after_render:html` filters), every document field it reads, and whether it read the per-build memos.

The fast path (everything else is a full build):
  * only `modified` events, for posts/pages of the previous build, verbatim assets (source, post
    asset folders, theme `source/`), or scaffolds;
  * the previous build had no errors (but the engine's startup errors), no `before_generate`/`after_generate` filters ran, the final
    route table was exactly the generators' routes in order (no collision, no refused path), and
    plugins add no post-rendering filters or tags;
  * an edited document keeps every field the site model is built from (kind, path, slug, date,
    published/draft, tags, categories, ...): order, prev/next, tag and category lists and route
    paths are then those of the previous build.
For such an edit the document is re-parsed and its body re-rendered in place (documents whose body
uses tags are re-rendered too when more than the body changed: `post_link` reads other posts), the
generators that read a changed field run again (their route paths must come out the same), and only
themed routes that read a changed field, or whose page data changed, are rendered; raw routes
(feeds, sitemaps, copies) are re-made from the generators' data. Everything else reuses the previous
bytes. The result is byte-identical to a cold build (tests/integration/test_incremental.py).
"""
from __future__ import annotations

import os
import time
import types
import weakref
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from engine.errors import ErrorList
from engine.model import Document
from engine.reads import (
    BODY_FIELDS, DOC_FIELDS as _DOC_FIELDS, MEMO_KEY, RELATIONAL, RENDERED as _RENDERED,
    STRUCTURAL, WILDCARD, Hooks as _Hooks, Reads, RecordingMemo as _RecordingMemo,
    raw_get as _get, recording as _recording, shape as _shape, touches as _touches,
)
from engine.routes import Route
from engine.scan import SourceFile

if TYPE_CHECKING:
    from engine.build import BuildResult
    from engine.core import Engine

__all__ = ["build", "last_mode", "forget"]

# ---- state kept between builds ---------------------------------------------------------------

@dataclass
class _State:
    result: "BuildResult"
    gen_names: list[str]
    gen_routes: dict[str, list[Route]]
    gen_reads: dict[str, Reads]
    route_reads: dict[str, Reads]                 # themed route path -> reads
    docs: dict[str, Document]                     # source rel -> document of the site model
    files: dict[str, SourceFile]                  # source rel -> scanned file (posts, pages)
    copies: set[str]                              # absolute paths of verbatim outputs
    readers: dict[str, set[str]] = field(default_factory=dict)   # doc source -> route paths
    site_dict_readers: set[str] = field(default_factory=set)

    def index(self) -> None:
        self.readers = {}
        self.site_dict_readers = set()
        for path, reads in self.route_reads.items():
            self._add(path, reads)

    def _add(self, path: str, reads: Reads) -> None:
        for src in reads.docs:
            self.readers.setdefault(src, set()).add(path)
        if reads.site_dict:
            self.site_dict_readers.add(path)

    def replace_reads(self, path: str, reads: Reads) -> None:
        old = self.route_reads.get(path)
        if old is not None:
            for src in old.docs:
                self.readers.get(src, set()).discard(path)
            self.site_dict_readers.discard(path)
        self.route_reads[path] = reads
        self._add(path, reads)


_states: "weakref.WeakKeyDictionary[Any, _State]" = weakref.WeakKeyDictionary()
_modes: "weakref.WeakKeyDictionary[Any, str]" = weakref.WeakKeyDictionary()


def last_mode(engine: "Engine") -> str | None:
    """'full' or 'incremental': how the engine's last `build()` went (for tests and the bench)."""
    return _modes.get(engine)


def forget(engine: "Engine") -> None:
    """Drop the recorded state: the next build is a full one."""
    _states.pop(engine, None)


class _FullBuild(Exception):
    """The change set is outside the fast path."""


# ---- entry point -----------------------------------------------------------------------------

def build(engine: "Engine", changes: Any = None) -> "BuildResult":
    """Rebuild after `changes` (a `watch.ChangeSet`; None or empty: a full build)."""
    state = _states.get(engine)
    if state is not None and changes:
        try:
            result = _fast(engine, state, changes)
        except _FullBuild:
            pass
        else:
            _modes[engine] = "incremental"
            return result
    _states.pop(engine, None)
    _reset_theme_if_needed(engine, changes)
    result, state = _recorded_full_build(engine)
    if state is not None:
        _states[engine] = state
        _warm_up(state)
    _modes[engine] = "full"
    return result


def _warm_up(state: _State) -> None:
    """Load the code highlighters the site uses in this process. The full build rendered the
    posts in worker processes, so without this the first edit of a post with a new language pays
    for compiling that lexer (tens of ms each)."""
    from engine.highlight import warm_up
    warm_up(str(_get(doc, "body") or "") for doc in state.docs.values())


def _reset_theme_if_needed(engine: "Engine", changes: Any) -> None:
    from engine.watch import ChangeKind
    if changes and any(c.kind is ChangeKind.THEME for c in getattr(changes, "changes", ())):
        reset = getattr(getattr(engine, "theme", None), "reset", None)
        if reset is not None:
            reset()   # a new or removed view must be found again


# ---- full build, recorded --------------------------------------------------------------------

def _recorded_full_build(engine: "Engine") -> tuple["BuildResult", _State | None]:
    from engine.build import run_build
    gen_routes: dict[str, list[Route]] = {}
    gen_reads: dict[str, Reads] = {}
    route_reads: dict[str, Reads] = {}
    originals = list(engine.extend.generators.items())
    theme = engine.theme
    filters = engine.extend.filters
    hooks = _Hooks()
    hooked = False

    concurrency = engine.concurrency

    def wrap(name: str, fn):
        def generator(site, eng):
            nonlocal hooked
            if not hooked:
                # Generators run after the posts were rendered (in the worker pool, without the
                # hooks). Routes render in this process, where their reads can be seen.
                hooks.__enter__()
                hooked = True
                engine.concurrency = 1
            routes = gen_routes[name] = []
            reads = gen_reads[name] = Reads()
            with _recording(reads):
                it = iter(fn(site, eng) or ())
            while True:
                with _recording(reads):
                    try:
                        route = next(it)
                    except StopIteration:
                        return
                routes.append(route)
                yield route
        return generator

    def render(route, site, _render=theme.render):
        reads = route_reads[route.path] = Reads()
        with _recording(reads):
            return _render(route, site)

    def run(name, value, *args, _run=filters.run, **kwargs):
        # The HTML filters run after the theme returned: they still belong to that route.
        route = kwargs.get("route")
        if name == "after_render:html" and route is not None and route.path in route_reads:
            with _recording(route_reads[route.path]):
                return _run(name, value, *args, **kwargs)
        return _run(name, value, *args, **kwargs)

    for name, fn in originals:
        engine.extend.generators.register(name, wrap(name, fn))
    theme.render = render
    filters.run = run
    try:
        result = run_build(engine)
    finally:
        engine.concurrency = concurrency
        for name, fn in originals:
            engine.extend.generators.register(name, fn)
        del theme.render
        del filters.run
        if hooked:
            hooks.__exit__()
    return result, _make_state(engine, result, [n for n, _ in originals], gen_routes, gen_reads,
                               route_reads)


def _make_state(engine, result, gen_names, gen_routes, gen_reads, route_reads) -> _State | None:
    startup = {id(e) for e in getattr(engine, "startup_errors", ())}
    if any(id(e) not in startup for e in result.errors):
        return None     # errors from sources or templates: the next build must be a full one
    if result.keep or result.failed_sources or result.site is None:
        return None
    filters = engine.extend.filters
    if filters.has("before_generate") or filters.has("after_generate"):
        return None
    if not _post_render_is_builtin(engine):
        return None
    expected = [id(r) for name in gen_names for r in gen_routes.get(name, ())]
    if expected != [id(r) for r in result.routes]:
        return None     # a collision, a refused path or a generator that failed
    site = result.site
    docs = {d.source: d for d in (*site.posts, *site.pages)}
    files: dict[str, SourceFile] = {}
    for sf in engine.scan().files:
        if sf.rel in docs:
            files[sf.rel] = sf
    if len(files) != len(docs):
        return None
    copies = {os.path.abspath(p) for p in result.outputs.values() if isinstance(p, Path)}
    state = _State(result, gen_names, gen_routes, gen_reads,
                   {p: r for p, r in route_reads.items() if p in result.outputs}, docs, files,
                   copies)
    state.index()
    return state


def _post_render_is_builtin(engine: "Engine") -> bool:
    """True when plugins add no tag and no post-rendering filter (whose reads we cannot see)."""
    from engine.core import Engine
    from engine.extend import Extend
    stock = types.SimpleNamespace(extend=Extend())
    Engine._register_builtins(stock)
    mine, base = engine.extend, stock.extend
    if set(mine.tags) != set(base.tags):
        return False
    if any(_fn_id(mine.tags[n].fn) != _fn_id(base.tags[n].fn) for n in base.tags):
        return False
    for name in ("before_post_render", "after_post_render"):
        if [_fn_id(f) for f in mine.filters.list(name)] != \
                [_fn_id(f) for f in base.filters.list(name)]:
            return False
    return True


def _fn_id(fn: Any) -> tuple:
    return (getattr(fn, "__module__", None), getattr(fn, "__qualname__", repr(fn)))


# ---- the fast path ---------------------------------------------------------------------------

def _fast(engine: "Engine", state: _State, changes: Any) -> "BuildResult":
    from engine.build import _build_ids, _check_layout, render_route
    from engine.build import BuildResult
    from engine.watch import ChangeKind
    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    prev = state.result
    source_dir = Path(os.path.abspath(engine.source_dir))
    edited: list[str] = []
    for change in changes.changes:
        path = Path(os.path.abspath(change.path))
        if change.kind is ChangeKind.SCAFFOLD:
            continue
        if change.event != "modified" or change.kind not in (ChangeKind.CONTENT, ChangeKind.THEME):
            raise _FullBuild
        if str(path) in state.copies:
            continue        # copied as is: the server's store re-reads it
        if change.kind is ChangeKind.CONTENT and path.is_relative_to(source_dir):
            rel = path.relative_to(source_dir).as_posix()
            if rel in state.docs:
                edited.append(rel)
                continue
        raise _FullBuild

    log = ErrorList()
    site = prev.site
    assert site is not None
    delta: dict[str, set[str]] = {}
    engine.warn = log.warn
    try:
        # 1. Re-parse the edited documents; the site model must keep its shape.
        reloaded: list[tuple[Document, Document]] = []
        for rel in sorted(edited):
            old = state.docs[rel]
            sf = state.files[rel]
            try:
                st = sf.path.stat()
            except OSError:
                raise _FullBuild from None
            sf = SourceFile(sf.rel, sf.path, sf.kind, st.st_mtime, st.st_size)
            from engine.site_model import load_document
            try:
                new = load_document(engine, sf)
            except Exception:
                raise _FullBuild from None   # errors are reported by the full build
            changed = _changed_fields(old, new)
            if changed & STRUCTURAL:
                raise _FullBuild
            state.files[rel] = sf
            reloaded.append((old, new))
            delta[rel] = changed
        # Past this point the previous model is updated in place: any failure is a full build.
        _states.pop(engine, None)
        for old, new in reloaded:
            for name in delta[old.source]:
                if name in _DOC_FIELDS:
                    setattr(old, name, _get(new, name))
            old.__dict__["front_matter"] = _get(new, "front_matter")
        # 2. Re-render the edited bodies; and, when more than a body changed, every body using tags.
        to_render = [old for old, _ in reloaded]
        if any(fields_ - BODY_FIELDS for fields_ in delta.values()):
            to_render += [d for d in state.docs.values() if d.source not in delta
                          and "{%" in d.body and not d.disable_nunjucks]
        before = {d.source: tuple(_get(d, f) for f in _RENDERED) for d in to_render}
        failed = engine.render_documents(to_render, site, log)
        if failed or log.errors:
            raise _FullBuild
        for doc in to_render:
            now = tuple(_get(doc, f) for f in _RENDERED)
            diff = {f for f, a, b in zip(_RENDERED, before[doc.source], now) if a != b}
            if diff:
                delta.setdefault(doc.source, set()).update(diff)
        delta = {k: v for k, v in delta.items() if v}
        timings["render_posts"] = time.perf_counter() - t0

        # 3. Generators that read a changed field run again.
        t1 = time.perf_counter()
        routes: list[Route] = []
        data_changed: set[str] = set()
        with _Hooks():
            for name in state.gen_names:
                old_routes = state.gen_routes[name]
                if not _touches(state.gen_reads[name], delta, site_dict=False):
                    routes.extend(old_routes)
                    continue
                fn = engine.extend.generators.get(name)
                reads = Reads()
                fresh: list[Route] = []
                with _recording(reads):
                    for route in fn(site, engine) or ():
                        fresh.append(route)
                if not _same_routes(state, old_routes, fresh, data_changed):
                    raise _FullBuild
                state.gen_routes[name] = fresh
                state.gen_reads[name] = reads
                routes.extend(fresh)
            timings["generate"] = time.perf_counter() - t1

            # 4. Render what may have changed; reuse the rest.
            t2 = time.perf_counter()
            dirty = set(data_changed)
            for src, changed in delta.items():
                for path in state.readers.get(src, ()):
                    seen = state.route_reads[path].docs.get(src, ())
                    if not changed.isdisjoint(seen) or not WILDCARD.isdisjoint(seen):
                        dirty.add(path)
            memo = site.__dict__.get(MEMO_KEY)
            if isinstance(memo, _RecordingMemo):
                memo.invalidate(delta)
            if delta and state.site_dict_readers:
                dirty |= state.site_dict_readers
                site.__dict__.pop(MEMO_KEY, None)
            if len({r.path for r in routes}) != len(routes):
                raise _FullBuild     # a path collision: the full build reports it
            # In route order, as a cold build: raw routes re-made, themed ones reused or rendered.
            outputs: dict[str, bytes | Path] = {}
            rendered = 0
            for route in routes:
                if route.layouts is None:
                    outputs[route.path] = render_route(engine, route, site)
                    continue
                if route.path not in dirty:
                    if route.path in prev.outputs:
                        outputs[route.path] = prev.outputs[route.path]
                    continue
                reads = Reads()
                with _recording(reads):
                    body = render_route(engine, route, site)
                if body is None:
                    raise _FullBuild
                _check_layout(engine, route, log)
                outputs[route.path] = body
                state.replace_reads(route.path, reads)
                rendered += 1
            timings["render_routes"] = time.perf_counter() - t2
    except _FullBuild:
        raise
    except Exception:  # noqa: BLE001 - whatever went wrong, a full build gives the right answer
        raise _FullBuild from None
    finally:
        engine.warn = None
    if log.errors:
        raise _FullBuild
    shown = {f"{engine.source_display}/{rel}" for rel in delta}
    warnings = [w for w in prev.warnings if getattr(w, "path", None) not in shown]
    keys = {_warning_key(w) for w in warnings}
    for w in log.warnings:
        if _warning_key(w) not in keys:
            keys.add(_warning_key(w))
            warnings.append(w)
    timings["incremental"] = time.perf_counter() - t0
    timings["routes_rendered"] = float(rendered)
    # The only errors a recorded build may have are the engine's own (e.g. an unknown theme name),
    # reported by every build alike.
    result = BuildResult(outputs, list(prev.errors), warnings, next(_build_ids), timings, set(), set(),
                         {r.path: r.source for r in routes if r.source and r.path in outputs},
                         site, routes)
    state.result = result
    _states[engine] = state
    return result


def _changed_fields(old: Document, new: Document) -> set[str]:
    changed = {name for name in _DOC_FIELDS
               if name not in RELATIONAL and name not in _RENDERED
               and not _equal(_get(old, name), _get(new, name))}
    fm_old, fm_new = _get(old, "front_matter"), _get(new, "front_matter")
    for key in set(fm_old) | set(fm_new):
        if key not in fm_old or key not in fm_new or not _equal(fm_old[key], fm_new[key]):
            changed.add(key)
    return changed


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, datetime) or isinstance(b, datetime):
        return type(a) is type(b) and a == b and a.utcoffset() == b.utcoffset() and \
            str(a.tzinfo) == str(b.tzinfo)
    try:
        return type(a) is type(b) and bool(a == b)
    except Exception:  # noqa: BLE001 - an odd front-matter value: count it as changed
        return False


def _same_routes(state: _State, old: list[Route], new: list[Route], data_changed: set[str]) -> bool:
    """The re-run generator made the same themed routes (paths, kinds, sources, in order); note the
    ones whose layouts or page data differ. Raw routes (feeds, sitemaps, content-hashed search
    indexes, copies) may change freely: they are all re-made from their data anyway."""
    from engine.routes import normalize_route_path
    for b in new:
        norm = normalize_route_path(b.path)
        parts = PurePosixPath(norm).parts
        if ".." in parts or "\\" in norm or "\x00" in norm or (len(norm) > 1 and norm[1] == ":"):
            return False    # refused by the full build, with its report
        b.path = "/".join(p for p in parts if p != ".")
        if isinstance(b.data, Path) and os.path.abspath(b.data) not in state.copies:
            return False    # a new copy: the full build checks where it points
    old_themed = [r for r in old if r.layouts is not None]
    new_themed = [r for r in new if r.layouts is not None]
    if len(old_themed) != len(new_themed):
        return False
    for a, b in zip(old_themed, new_themed):
        if b.path != a.path or a.kind != b.kind or a.source != b.source:
            return False
        if a.layouts != b.layouts or _shape(a.data, a.path) != _shape(b.data, b.path):
            data_changed.add(b.path)
    return True


def _warning_key(w: Any) -> tuple:
    return (type(w).__name__, str(w), getattr(w, "path", None), getattr(w, "line", None))
