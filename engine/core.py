"""`Engine`: the one object a build needs — config, registries, Markdown renderer and theme.

Create one per site (`Engine(site_dir)`), then call `build()` as often as needed (the dev server
rebuilds with the same engine). Built-ins are registered through the same `Extend` registries that
plugins use. Nothing is stored in module globals.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Sequence

from engine import __version__
from engine.config import load_config
from engine.errors import EngineError, ErrorList, SourceError
from engine.extend import Extend
from engine.model import Document, Site
from engine.scan import ScanResult, SourceFile, scan_source

CACHE_DIR_NAME = ".pyhexo-cache"


class Engine:
    def __init__(self, site_dir: str | Path, config_files: Sequence[str] | None = None, *,
                 drafts: bool = False, safe: bool = False, debug: bool = False):
        self.site_dir = Path(site_dir).resolve()
        self.config_files = list(config_files) if config_files else None
        self.drafts = drafts
        self.safe = safe
        self.debug = debug
        self.config = load_config(self.site_dir, self.config_files)
        self.startup_errors: list[EngineError] = []
        self.startup_warnings: list[EngineError] = list(self.config.warnings)
        self.startup_errors.extend(self.config.errors)
        # Set by a running build so stages can report warnings; None outside a build.
        self.warn = None
        from engine.parallel import default_workers
        self.concurrency = default_workers()
        # The persistent render cache (engine/cache.py); `generate --force` turns it off.
        self.use_cache = True
        # `generate --profile`: per-document and per-route seconds, filled by a build.
        self.profile: dict[str, dict[str, float]] | None = None
        # Render-cache key of each document of the last `render_documents` (engine.route_deps).
        self.render_keys: dict[str, str] = {}
        self.source_assets: list[SourceFile] = []
        self.extend = Extend()
        self._register_builtins()
        if not safe:
            from engine.plugins import load_plugins
            self.startup_errors.extend(load_plugins(self))
        if self.config.theme_dir is None:
            self.startup_errors.append(EngineError(
                f"theme '{self.config.raw.get('theme')}' not found in themes/",
                path="_config.yml", hint="set `theme:` to a folder under themes/"))
        from engine.markdown import MarkdownRenderer
        from engine.theme import Theme
        self.markdown = MarkdownRenderer(self.config.raw)
        self.theme = Theme(self)
        self.env_info = {
            "version": __version__, "debug": debug, "safe": safe, "draft": drafts,
            "python": sys.version.split()[0], "cmd": "",
        }

    def _register_builtins(self) -> None:
        from engine.filters import register_builtin_filters
        from engine.generators import register_builtin_generators
        from engine.helpers import register_builtin_helpers
        from engine.post_render import register_builtin_filters as register_post_filters
        from engine.tags import register_builtin_tags
        register_builtin_generators(self.extend)
        register_builtin_helpers(self.extend)
        register_builtin_tags(self.extend)
        register_post_filters(self.extend)
        register_builtin_filters(self.extend)
        from engine.scholar import register_scholar
        register_scholar(self.extend)

    # ---- paths -----------------------------------------------------------------------------
    @property
    def source_dir(self) -> Path:
        return self.config.source_dir

    @property
    def public_dir(self) -> Path:
        return self.config.public_dir

    @property
    def cache_dir(self) -> Path:
        return self.site_dir / CACHE_DIR_NAME

    @property
    def source_display(self) -> str:
        try:
            return self.source_dir.relative_to(self.site_dir).as_posix()
        except ValueError:
            return str(self.source_dir)

    # ---- stages ----------------------------------------------------------------------------
    def scan(self) -> ScanResult:
        return scan_source(self.source_dir, self.config.raw)

    def render_documents(self, docs: list[Document], site: Site, log: ErrorList) -> set[int]:
        """Render every document's body (from the render cache when it has the exact inputs);
        returns ids of the documents that failed."""
        from engine.build import mark_safe
        from engine.cache import RenderCache, cached_value, open_cache
        cache = open_cache(self)
        keys: dict[int, str] = {}
        self.render_keys = {}
        todo = docs
        if cache is not None:
            site_sig = RenderCache.site_signature(site, self)
            todo = []
            for doc in docs:
                key = keys[id(doc)] = self.render_keys[doc.source] = cache.key_for(doc, site_sig)
                hit = cache.get(key)
                if hit is None:
                    todo.append(doc)
                    continue
                doc.content, doc.excerpt, doc.more, doc.render_warnings = hit
                for w in doc.render_warnings:
                    log.warn(w)
                mark_safe(doc)
        failed = self._render_fresh(todo, site, log)
        if cache is not None:
            for doc in todo:
                if id(doc) not in failed:
                    cache.put(keys[id(doc)], cached_value(doc))
            try:
                cache.save()
            except OSError as exc:   # a read-only or full disk costs speed, not the build
                log.warn(EngineError(f"cannot save the render cache: {exc}",
                                     path=str(cache.path)))
        return failed

    def _render_fresh(self, docs: list[Document], site: Site, log: ErrorList) -> set[int]:
        from engine.build import mark_safe
        from engine.parallel import pool_is_worth_it, render_in_pool
        from engine.post_render import render_document
        failed: set[int] = set()
        if pool_is_worth_it(len(docs), self.concurrency):
            for i, rendered, err in sorted(render_in_pool(self, docs, site, self.concurrency),
                                           key=lambda r: r[0]):
                doc = docs[i]
                if err is not None:
                    log.error(err)
                    failed.add(id(doc))
                    continue
                doc.content, doc.excerpt, doc.more, doc.render_warnings = rendered
                for w in doc.render_warnings:
                    log.warn(w)
                mark_safe(doc)
            return failed
        import time
        for doc in docs:
            started = time.perf_counter()
            try:
                render_document(self, doc, site)
            except EngineError as err:
                log.error(err)
                failed.add(id(doc))
                continue
            except Exception as exc:
                if self.debug:
                    raise
                log.error(SourceError(f"{type(exc).__name__}: {exc}",
                                      path=f"{self.source_display}/{doc.source}"))
                failed.add(id(doc))
                continue
            for w in getattr(doc, "render_warnings", ()):
                log.warn(w)
            mark_safe(doc)
            if self.profile is not None:
                self.profile.setdefault("posts", {})[doc.source] = time.perf_counter() - started
        return failed

    def build(self, changes=None, writer=None):
        """A full build; with `changes` (the dev server's `watch.ChangeSet`, empty for its first
        build) only what the changes can affect is rebuilt, when that is safe (engine.incremental).
        With `writer` (an `engine.writer.OutputWriter`), pages are written as they are rendered
        and the result's outputs are their `Written` records; finish with `writer.finish`."""
        if changes is not None:
            from engine.incremental import build as incremental_build
            return incremental_build(self, changes)
        from engine.build import run_build
        return run_build(self, writer)

    def generate(self):
        """Build and write to `public/`; returns (BuildResult, WriteStats)."""
        from engine.writer import OutputWriter
        check_public_dir(self)
        writer = OutputWriter(self.public_dir, self.cache_dir)
        result = self.build(writer=writer)
        stats = writer.finish(result.outputs, result.keep, result.sources, result.failed_sources,
                              result.copy_failures)
        return result, stats


def check_public_dir(engine: Engine) -> None:
    """Refuse a `public_dir` that would overwrite or delete the site itself (see engine.clean)."""
    from engine.clean import check_public_dir as check
    check(engine)
