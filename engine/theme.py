"""Render routes with a Jinja2 theme, following Hexo's view rules (SPEC §11).

Views live in `themes/<name>/layout/` as `.html`, `.j2`, `.njk` or `.jinja`. For each route the first
existing view of its layout chain renders; `layout.html`, when present, wraps it with the view output
as `body`. `partial('name', {...})` renders another view with the current locals plus the given ones.
Every registered helper is a template global bound to the page being rendered. This module knows
nothing about how routes were generated.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup

from engine.errors import TemplateError
from engine.render_context import RenderContext
from engine.routes import Route
from engine.text import encode_url

if TYPE_CHECKING:
    from engine.core import Engine
    from engine.model import Site

VIEW_EXTS = (".html", ".j2", ".njk", ".jinja")
CTX_KEY = "__pyhexo_ctx"
MAX_PARTIAL_DEPTH = 40


class Theme:
    def __init__(self, engine: "Engine"):
        self.engine = engine
        self.dir: Path | None = engine.config.theme_dir
        self.layout_dir = self.dir / "layout" if self.dir else None
        loader = jinja2.FileSystemLoader(str(self.layout_dir)) if self.layout_dir and \
            self.layout_dir.is_dir() else jinja2.DictLoader({})
        self.env = jinja2.Environment(
            loader=loader,
            autoescape=True,
            undefined=jinja2.ChainableUndefined,
            auto_reload=True,
            extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"],
        )
        self._views: dict[str, str | None] = {}
        self._bind_helpers()

    # ---- views ---------------------------------------------------------------------------
    def find_view(self, name: str) -> str | None:
        """Template name for a view ('post' → 'post.html'), or None."""
        if name in self._views:
            return self._views[name]
        found = None
        if self.layout_dir is not None:
            candidates = [name] if Path(name).suffix in VIEW_EXTS else [name + e for e in VIEW_EXTS]
            for cand in candidates:
                if (self.layout_dir / cand).is_file():
                    found = cand
                    break
        self._views[name] = found
        return found

    def warm_up(self) -> None:
        """Compile every view now, so forked render workers inherit compiled templates instead of
        each compiling them again."""
        if self.layout_dir is None:
            return
        for path in self.layout_dir.rglob("*"):
            if path.suffix in VIEW_EXTS and path.is_file():
                try:
                    self.env.get_template(path.relative_to(self.layout_dir).as_posix())
                except Exception:
                    pass   # reported when a route actually renders it

    def has_view(self, name: str) -> bool:
        return self.find_view(name) is not None

    def reset(self) -> None:
        """Forget the view lookup cache (after theme files changed)."""
        self._views.clear()
        self.env.cache = jinja2.utils.LRUCache(400) if self.env.cache is not None else None

    # ---- helpers -------------------------------------------------------------------------
    def _bind_helpers(self) -> None:
        g = self.env.globals
        for name, fn in self.engine.extend.helpers.items():
            g[name] = _bound_helper(fn)
        g["partial"] = self._partial
        self.env.filters.setdefault("json", _json_filter)

    @jinja2.pass_context
    def _partial(self, jctx: jinja2.runtime.Context, name: str, locals: dict | None = None,
                 options: dict | None = None, only: bool = False) -> Markup:
        view = self.find_view(name)
        if view is None:
            raise TemplateError(f"partial not found: {name}",
                                path=self._shown(self.layout_dir / name) if self.layout_dir else None)
        depth = int(jctx.get("__pyhexo_depth", 0)) + 1
        if depth > MAX_PARTIAL_DEPTH:
            raise TemplateError(f"partial '{name}' nests more than {MAX_PARTIAL_DEPTH} levels "
                                "(a partial that includes itself?)", path=self._shown_view(view))
        # get_all() already holds the globals, so the new context can share this dict instead of
        # copying globals and locals again (partials run many times per page: post cards, metas).
        values: dict[str, Any] = dict(self.env.globals) if only else jctx.get_all().copy()
        values[CTX_KEY] = jctx.get(CTX_KEY)
        values.update(locals or {})
        values["__pyhexo_depth"] = depth
        tmpl = self.env.get_template(view)
        try:
            return Markup("".join(tmpl.root_render_func(tmpl.new_context(values, shared=True))))
        except Exception:
            self.env.handle_exception()   # re-raises with the traceback mapped to template lines
            raise

    # ---- rendering -----------------------------------------------------------------------
    def locals_for(self, route: Route, site: "Site") -> dict[str, Any]:
        engine = self.engine
        raw = engine.config.raw
        page = route.data
        if isinstance(page, dict):
            page.setdefault("path", route.path)   # Hexo gives generator pages their route as path
        lang = getattr(page, "lang", None) or _first_language(raw)
        url = encode_url(raw.get("url", "").rstrip("/") + "/" + route.path.lstrip("/"))
        ctx = RenderContext(engine=engine, page=page, path=route.path, url=url, site=site,
                            theme=engine.config.theme_config, lang=lang, route_kind=route.kind)
        values: dict[str, Any] = {
            "page": page, "site": site, "config": raw, "theme": engine.config.theme_config,
            "path": route.path, "url": url, "env": engine.env_info, CTX_KEY: ctx,
        }
        return engine.extend.filters.run("template_locals", values, engine=engine, route=route)

    def render(self, route: Route, site: "Site") -> str | None:
        """HTML for a route, or None when no view of its chain exists (Hexo: 'No layout')."""
        assert route.layouts is not None
        view = next((v for v in map(self.find_view, route.layouts) if v), None)
        if view is None:
            return None
        values = self.locals_for(route, site)
        values["layout"] = view
        values["view_dir"] = str(self.layout_dir)
        body = self._render_view(view, values, route)
        wrapper = self.find_view("layout")
        if wrapper and wrapper != view:
            values["body"] = Markup(body)
            body = self._render_view(wrapper, values, route)
        return body

    def _render_view(self, view: str, values: dict[str, Any], route: Route) -> str:
        try:
            return self.env.get_template(view).render(values)
        except TemplateError as err:
            if err.line is None:   # raised by partial(): point at the template line calling it
                path, line = _template_frame(sys.exc_info()[2], self.layout_dir)
                if path is not None:
                    err.path, err.line = self._shown(path), line
            raise
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(f"template syntax error: {exc.message}",
                                path=self._shown(Path(exc.filename)) if exc.filename else view,
                                line=exc.lineno) from None
        except RecursionError:
            path, line = _template_frame(sys.exc_info()[2], self.layout_dir)
            raise TemplateError("template recursion too deep (a template, macro or partial "
                                "including itself?)",
                                path=self._shown(path) if path else self._shown_view(view),
                                line=line) from None
        except Exception as exc:  # a runtime error inside the template or a helper
            path, line = _template_frame(sys.exc_info()[2], self.layout_dir)
            raise TemplateError(f"{type(exc).__name__}: {exc} (rendering {route.path})",
                                path=self._shown(path) if path else self._shown_view(view),
                                line=line) from exc

    def _shown_view(self, view: str) -> str:
        return self._shown(self.layout_dir / view) if self.layout_dir else view

    def _shown(self, path: Path) -> str:
        try:
            return Path(path).resolve().relative_to(self.engine.site_dir.resolve()).as_posix()
        except ValueError:
            return str(path)


def _bound_helper(fn):
    """Expose a helper `fn(ctx, *args, **kwargs)` to templates, passing the page's context."""

    @jinja2.pass_context
    def call(jctx: jinja2.runtime.Context, *args: Any, **kwargs: Any) -> Any:
        ctx = jctx.get(CTX_KEY)
        result = fn(ctx, *args, **kwargs)
        # Helpers return HTML (Hexo themes print them unescaped), so mark strings safe.
        if isinstance(result, str) and not isinstance(result, Markup):
            return Markup(result)
        return result

    call.__name__ = getattr(fn, "__name__", "helper")
    return call


def _json_filter(value: Any) -> Markup:
    import json
    return Markup(json.dumps(value, ensure_ascii=False, default=str))


def _first_language(raw: dict) -> str:
    lang = raw.get("language")
    if isinstance(lang, list):
        lang = lang[0] if lang else None
    return str(lang or "en")


def _template_frame(tb, layout_dir: Path | None) -> tuple[Path | None, int | None]:
    """The innermost traceback frame inside the theme (Jinja maps it to template lines)."""
    found: tuple[Path | None, int | None] = (None, None)
    if layout_dir is None:
        return found
    root = str(layout_dir.resolve())
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename and Path(filename).suffix in VIEW_EXTS:
            try:
                if str(Path(filename).resolve()).startswith(root):
                    found = (Path(filename), tb.tb_lineno)
            except OSError:
                pass
        tb = tb.tb_next
    return found
