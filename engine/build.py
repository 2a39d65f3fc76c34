"""One build: scan → documents → site model → post rendering → generators → theme → outputs.

Every stage reports bad input as an `EngineError` and goes on, so one broken post never hides the
rest of the site. The result holds the outputs in memory (bytes, or a Path for a verbatim copy);
`writer.write_outputs` puts them on disk and the dev server serves them directly. Given an
`OutputWriter` (`pyhexo generate`), each page is instead written by the process that rendered it
and the result holds only a `Written` record per output: writing overlaps rendering on every core,
and no page is ever held by the parent.
"""
from __future__ import annotations

import contextlib
import itertools
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from engine.doc_cache import DocCache
from engine.errors import EngineError, ErrorList, PluginError, RouteError, SourceError
from engine.model import Document, Site
from engine.reads import Hooks, Reads, recording
from engine.route_deps import RouteRecord, data_digest
from engine.routes import Route, RouteTable, normalize_route_path
from engine.scan import CANNOT_READ
from engine.frontmatter import key_line
from engine.site_model import build_site, display_path, load_data

if TYPE_CHECKING:
    from engine.core import Engine
    from engine.route_deps import RoutePlan
    from engine.writer import OutputWriter, Written

_build_ids = itertools.count(1)


@dataclass
class BuildResult:
    outputs: dict[str, "bytes | Path | Written"]
    errors: list[EngineError]
    warnings: list[EngineError]
    build_id: int
    timings: dict[str, float] = field(default_factory=dict)
    keep: set[str] = field(default_factory=set)     # outputs of failed routes: keep the old file
    failed_sources: set[str] = field(default_factory=set)   # 'source/_posts/x.md' that failed
    sources: dict[str, str] = field(default_factory=dict)   # output path → source it came from
    site: Site | None = None
    routes: list[Route] = field(default_factory=list)
    copy_failures: dict[str, EngineError] = field(default_factory=dict)   # write-through only
    pages_kept: int = 0     # themed pages not rendered: last build's file still right (route_deps)

    @property
    def ok(self) -> bool:
        return not self.errors


class _Timer:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._t = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = self.timings.get(name, 0.0) + now - self._t
        self._t = now


def run_build(engine: "Engine", writer: "OutputWriter | None" = None) -> BuildResult:
    timer = _Timer()
    log = ErrorList()
    log.errors.extend(engine.startup_errors)
    log.warnings.extend(engine.startup_warnings)
    engine.warn = log.warn
    raw = engine.config.raw

    scan = engine.scan()
    failed: set[str] = set()
    for rel, reason in scan.skipped:
        err = SourceError(reason, path=f"{engine.source_display}/{rel}")
        if reason.startswith(CANNOT_READ):
            log.error(err)      # the file exists but is lost to the build: keep its last output
            failed.add(rel)
        else:
            log.warn(err)       # a symlink leaving the site or a loop: skipped by policy
    show_drafts = engine.drafts or bool(raw.get("render_drafts"))
    posts: list[Document] = []
    pages: list[Document] = []
    data_files = []
    engine.source_assets = []
    doc_files = []
    for sf in scan.files:
        if sf.kind in ("post", "draft", "page"):
            if sf.kind != "draft" or show_drafts:
                doc_files.append(sf)
        elif sf.kind == "data":
            data_files.append(sf)
        elif sf.kind == "asset":
            engine.source_assets.append(sf)
    doc_cache = DocCache(engine, enabled=engine.use_cache)
    for sf, doc, err in doc_cache.load_all(doc_files):
        if err is not None:
            log.error(err)
            failed.add(sf.rel)
            continue
        (pages if doc.kind == "page" else posts).append(doc)
    if doc_cache.enabled:
        try:
            doc_cache.save()
        except OSError as exc:   # a read-only or full disk costs speed, not the build
            log.warn(EngineError(f"cannot save the document cache: {exc}",
                                 path=str(doc_cache.path)))
    data = load_data(engine, data_files, log)
    timer.lap("load")

    site = build_site(engine, posts, pages, data)
    _run_filter(engine, "before_generate", site, log)
    timer.lap("model")

    failed_docs = engine.render_documents([*site.posts, *site.pages], site, log)
    timer.lap("render_posts")

    table = RouteTable()
    keep: set[str] = set()
    warned = {f"{engine.source_display}/{rel}" for rel, _ in scan.skipped}
    for name, generator in engine.extend.generators.items():
        try:
            for route in generator(site, engine):
                if isinstance(route.data, Document) and id(route.data) in failed_docs:
                    keep.add(route.path if not route.path.endswith("/") else route.path + "index.html")
                    continue
                if _unsafe_route(engine, route, warned, log):
                    continue
                owner = table.add(route)
                if owner is not None:
                    log.error(_collision(route, owner))
        except EngineError as err:
            log.error(err)
        except Exception as exc:
            log.error(PluginError(f"generator '{name}' failed: {type(exc).__name__}: {exc}"))
    routes = list(table)
    routes = _run_filter(engine, "after_generate", routes, log) or routes
    timer.lap("generate")

    outputs: dict[str, bytes | Path | Written] = {}
    no_layout: list[str] = []
    copy_failures: dict[str, EngineError] = {}
    plan = None
    if writer is not None:
        plan = _route_plan(engine, site, routes)   # reads the record before prepare drops it
        writer.prepare([r.path for r in routes],
                       {r.path: r.source for r in routes if r.source})
    for route, body, err in _render_all(engine, routes, site, writer, plan):
        if isinstance(err, _CopyFailed):
            copy_failures[route.path] = err.error
            continue
        if err is not None:
            log.error(err)
            keep.add(route.path)
            continue
        if body is None:
            no_layout.append(route.path)
            continue
        _check_layout(engine, route, log)
        outputs[route.path] = body
    if no_layout:
        names = ", ".join(no_layout[:3]) + (f" and {len(no_layout) - 3} more" if len(no_layout) > 3 else "")
        theme = engine.config.theme_dir
        log.warn(EngineError(f"no layout found for {len(no_layout)} route(s): {names}",
                             path=display_path(engine, theme / "layout") if theme else None,
                             hint="add the view (e.g. index.html, post.html) to the theme"))
    timer.lap("render_routes" if writer is None else "render_and_write")
    if plan is not None:
        plan.save(engine)
    keep -= set(outputs)
    failed_sources = {f"{engine.source_display}/{rel}" for rel in failed}
    failed_sources.update(f"{engine.source_display}/{d.source}" for d in
                          [*site.posts, *site.pages] if id(d) in failed_docs)
    sources = {r.path: r.source for r in routes if r.source and r.path in outputs}
    engine.warn = None
    return BuildResult(outputs, log.errors, log.warnings, next(_build_ids), timer.timings, keep,
                       failed_sources, sources, site, routes, copy_failures,
                       plan.reused if plan is not None else 0)


@dataclass
class _CopyFailed:
    """A verbatim copy whose source vanished before it was written (write-through only): not a
    build error, the writer keeps the previous copy and reports it."""
    error: EngineError


def _route_plan(engine: "Engine", site: Site, routes: list[Route]) -> "RoutePlan | None":
    """Dependency records for this build (`engine.route_deps`), unless caching is off
    (`--force`), the build is profiled, or paths nest (those writes stay serial, in order)."""
    if not engine.use_cache or engine.profile is not None or _nested_paths(routes):
        return None
    from engine.route_deps import RoutePlan, load_record
    return RoutePlan(engine, site, load_record(engine))


def _render_all(engine: "Engine", routes: list[Route], site: Site,
                writer: "OutputWriter | None" = None, plan: "RoutePlan | None" = None):
    """(route, body or None, error or None) for every route, in order; theme-rendered routes go
    through the worker pool when there are enough of them to pay for it. With a `writer`, each
    body is written where it was made and replaced by its `Written` record. With a `plan`, pages
    it vouches for keep last build's file, and what the others read is recorded for the next."""
    from engine.parallel import pool_is_worth_it, render_routes_in_pool
    if writer is not None and _nested_paths(routes):
        # 'a' and 'a/b.html' both routes: which one ends up on disk follows the route order, so
        # these writes stay serial, in the parent.
        return [(route, *_write_one(writer, route, body, err))
                for route, body, err in _render_all(engine, routes, site)]
    results: list[tuple[Any, Any, Any]] = [(None, None, None)] * len(routes)
    todo = range(len(routes))
    if plan is not None and writer is not None:
        todo = []
        for i, route in enumerate(routes):
            written = plan.reuse(route, writer)
            if written is None:
                todo.append(i)
            else:
                results[i] = (written, None, None)
    record = plan is not None
    with Hooks() if record else contextlib.nullcontext():
        themed = [i for i in todo if routes[i].layouts is not None or writer is not None]
        if pool_is_worth_it(len(themed), engine.concurrency) and engine.profile is None:
            engine.theme.warm_up()
            subset = [routes[i] for i in themed]
            for k, body, err, rec in render_routes_in_pool(engine, subset, site,
                                                           engine.concurrency, writer, record):
                results[themed[k]] = (body, err, rec)
            pooled = set(themed)
            pending = [i for i in todo if i not in pooled]
        else:
            pending = todo
        profile = engine.profile
        if profile is not None:
            engine.theme.warm_up()   # compile first, so template times are rendering only
        for i in pending:
            started = time.perf_counter()
            results[i] = render_and_write(engine, routes[i], site, writer, record)
            if profile is not None and routes[i].layouts is not None:
                view = next((v for v in map(engine.theme.find_view, routes[i].layouts) if v), "?")
                views = profile.setdefault("views", {})
                views[view] = views.get(view, 0.0) + time.perf_counter() - started
                profile.setdefault("routes", {})[routes[i].path] = time.perf_counter() - started
    if plan is not None:
        for route, (body, err, rec) in zip(routes, results):
            if rec is not None and err is None and body is not None:
                plan.rendered(route, rec)
    return [(route, body, err) for route, (body, err, _rec) in zip(routes, results)]


def render_and_write(engine: "Engine", route: Route, site: Site, writer: "OutputWriter | None",
                     record: bool = False) -> tuple[Any, Any, "RouteRecord | None"]:
    """(body, or its `Written` record when a writer is given; error or None; when asked to
    `record`, the themed route's `RouteRecord`: what it read, made where it rendered) for one
    route."""
    if not record or route.layouts is None:
        try:
            body = render_route(engine, route, site)
        except EngineError as err:
            return None, err, None
        return (*_write_one(writer, route, body, None), None)
    data = data_digest(route)       # before the theme adds to the page data
    reads = Reads()
    try:
        with recording(reads):
            body = render_route(engine, route, site)
    except EngineError as err:
        return None, err, None
    return (*_write_one(writer, route, body, None), RouteRecord.of(data, reads))


def _write_one(writer: "OutputWriter | None", route: Route, body: Any, err: Any) -> tuple[Any, Any]:
    if writer is None or body is None or err is not None:
        return body, err
    try:
        return writer.put(route.path, body), None
    except OSError as exc:
        if not isinstance(body, Path):
            raise
        from engine.writer import copy_failure
        return None, _CopyFailed(copy_failure(route.path, body, exc))


def _nested_paths(routes: list[Route]) -> bool:
    paths = {r.path for r in routes}
    for path in paths:
        cut = path.rfind("/")
        while cut > 0:
            path = path[:cut]
            if path in paths:
                return True
            cut = path.rfind("/")
    return False


def render_route(engine: "Engine", route: Route, site: Site) -> bytes | Path | None:
    data = route.data
    if route.layouts is None:
        if isinstance(data, Path):
            return data
        if isinstance(data, Document):
            return str(data.content).encode("utf-8")
        if isinstance(data, str):
            return data.encode("utf-8")
        return bytes(data)
    html = engine.theme.render(route, site)
    if html is None:
        return None
    html = engine.extend.filters.run("after_render:html", html, route=route, engine=engine)
    return str(html).encode("utf-8")


def _collision(route: Route, owner: Route) -> RouteError:
    what = f"the {owner.generator} generator" if not owner.source else owner.source
    return RouteError(f"output '{route.path}' is already produced by {what}; "
                      f"this {route.kind} is not written",
                      path=route.source, line=(_front_matter_line(route, "permalink") or 1)
                      if route.source else None,
                      hint="give it another path (rename it or set `permalink:`)")


def _unsafe_route(engine: "Engine", route: Route, warned: set[str], log: ErrorList) -> bool:
    """True (reported) for a route that must not be written: a path escaping public/
    (`permalink: ../../x`), or a verbatim copy of a file that a symlink takes outside the site
    (`_posts/x/passwd -> /etc/passwd` in a post asset folder, or in the theme's source/)."""
    path = normalize_route_path(route.path)
    # PurePosixPath's parts, without building one per route ('a//b', 'a/./b' → a, b).
    parts = [p for p in path.split("/") if p and p != "."]
    if ".." in parts or "\\" in path or "\x00" in path or (len(path) > 1 and path[1] == ":"):
        log.error(RouteError(f"output path {path!r} would be written outside the output folder; "
                          f"this {route.kind} is not written", path=route.source,
                          line=_front_matter_line(route, "permalink") or (1 if route.source else None),
                          hint="use a permalink without '..'"))
        return True
    route.path = "/".join(parts)   # 'tags//x' and './x' are one file
    if isinstance(route.data, Path):
        real = os.path.realpath(route.data)
        roots = [engine.site_dir, engine.source_dir.resolve().parent]
        if engine.config.theme_dir:
            roots.append(Path(engine.config.theme_dir).resolve())
        if not any(Path(real).is_relative_to(r) for r in roots):
            shown = display_path(engine, route.data)
            if shown not in warned:   # the scan reports the links it sees itself
                warned.add(shown)
                log.warn(SourceError("symlink to a file outside the site; not copied", path=shown))
            return True
    return False


def _front_matter_line(route: Route, key: str) -> int | None:
    doc = route.data
    if not isinstance(doc, Document) or key not in (doc.front_matter or {}):
        return None
    return key_line(doc.raw, key)


def _check_layout(engine: "Engine", route: Route, log: ErrorList) -> None:
    """Hexo silently falls back when a post's `layout:` names a missing view; say so."""
    doc = route.data
    if not isinstance(doc, Document) or not route.layouts or "layout" not in doc.front_matter:
        return
    if engine.theme.has_view(route.layouts[0]):
        return
    used = next((name for name in route.layouts if engine.theme.has_view(name)), None)
    log.warn(SourceError(f"layout '{route.layouts[0]}' not found in the theme; using '{used}'",
                         path=route.source, line=key_line(doc.raw, "layout"),
                         hint="add the view to the theme's layout/ or fix `layout:`"))


def _run_filter(engine: "Engine", name: str, value: Any, log: ErrorList) -> Any:
    try:
        return engine.extend.filters.run(name, value, engine=engine)
    except EngineError as err:
        log.error(err)
    except Exception as exc:
        log.error(PluginError(f"filter '{name}' failed: {type(exc).__name__}: {exc}"))
    return value


def mark_safe(doc: Document) -> None:
    """Rendered HTML fields are trusted: templates print them without escaping.

    Without `<!-- more -->`, `more` equals `content`: both then share one object (a 10 KB post
    is held once, not twice, which matters at thousands of posts)."""
    content, more = doc.content, doc.more
    doc.content = _markup(content)
    doc.excerpt = _markup(doc.excerpt)
    doc.more = doc.content if more is content or more == content else _markup(more)


def _markup(value: Any) -> Markup:
    return value if type(value) is Markup else Markup(value)
