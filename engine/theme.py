"""Render routes with a Jinja2 theme, following Hexo's view rules (SPEC §11).

Views live in `themes/<name>/layout/` as `.html`, `.j2`, `.njk` or `.jinja`. For each route the first
existing view of its layout chain renders; `layout.html`, when present, wraps it with the view output
as `body`. `partial('name', {...})` renders another view with the current locals plus the given ones.
Every registered helper is a template global bound to the page being rendered. This module knows
nothing about how routes were generated.
"""
from __future__ import annotations

import sys
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import jinja2
from jinja2.runtime import missing
from jinja2.utils import internalcode
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
        self._loader = _BuildLoader(str(self.layout_dir)) if self.layout_dir and \
            self.layout_dir.is_dir() else None
        self.env = jinja2.Environment(
            loader=self._loader or jinja2.DictLoader({}),
            autoescape=True,
            undefined=jinja2.ChainableUndefined,
            auto_reload=True,
            extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"],
        )
        self.env.context_class = _ThemeContext
        self._views: dict[str, str | None] = {}
        # Templates already loaded during the current build (see _begin_build).
        self._templates: dict[str, jinja2.Template] = {}
        self._build_site: Callable[[], Any] | None = None
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
        self._new_build()

    def _begin_build(self, site: "Site") -> None:
        """Called for every route: a new Site object means a new build. Within one build each
        template file is checked for edits once, not on every load (a page loads about ten
        templates, and `auto_reload` would stat each of them every time)."""
        if self._build_site is None or self._build_site() is not site:
            self._new_build()
            self._build_site = weakref.ref(site)

    def _new_build(self) -> None:
        self._templates.clear()
        self._build_site = None
        if self._loader is not None:
            self._loader.generation += 1

    def _template(self, view: str) -> jinja2.Template:
        tmpl = self._templates.get(view)
        if tmpl is None:
            tmpl = self._templates[view] = self.env.get_template(view)
        return tmpl

    # ---- helpers -------------------------------------------------------------------------
    def _bind_helpers(self) -> None:
        g = self.env.globals
        for name, fn in self.engine.extend.helpers.items():
            g[name] = _Helper(fn)
        g["partial"] = _Partial(self)
        self.env.filters.setdefault("json", _json_filter)

    def _partial(self, jctx: jinja2.runtime.Context, extra: tuple, name: str,
                 locals: dict | None = None, options: dict | None = None,
                 only: bool = False) -> Markup:
        """`partial(name, locals)`: render another view with the caller's variables (those of
        its loops too, passed in `extra`) plus `locals`."""
        view = self.find_view(name)
        if view is None:
            raise TemplateError(f"partial not found: {name}",
                                path=self._shown(self.layout_dir / name) if self.layout_dir else None)
        depth = int(jctx.get("__pyhexo_depth", 0)) + 1
        if depth > MAX_PARTIAL_DEPTH:
            raise TemplateError(f"partial '{name}' nests more than {MAX_PARTIAL_DEPTH} levels "
                                "(a partial that includes itself?)", path=self._shown_view(view))
        if only:
            values: dict[str, Any] = dict(self.env.globals)
        else:
            # The caller's variables: those it was given (globals included) under those it set.
            values = dict(jctx.parent)
            values.update(jctx.vars)
            for scope in extra:   # loop and block variables, as Jinja's derived() adds them
                if scope:
                    values.update((k, v) for k, v in scope.items() if v is not missing)
        values[CTX_KEY] = jctx.get(CTX_KEY)
        values.update(locals or {})
        values["__pyhexo_depth"] = depth
        tmpl = self._template(view)
        # The new context shares `values` (a fresh dict) and skips `globals`: Jinja only uses
        # them to decide whether an `{% import %}` may reuse the cached module, and every view
        # has the same (the environment's), so the answer is the same; computing it for each
        # partial (a set of all the helpers' names) was most of the cost of a small partial.
        ctx = _ThemeContext(self.env, values, tmpl.name, tmpl.blocks)
        try:
            return Markup("".join(tmpl.root_render_func(ctx)))
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
        self._begin_build(site)
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
            tmpl = self._template(view)
            # Template.render(values), without copying the globals through a ChainMap twice.
            parent = dict(self.env.globals)
            parent.update(values)
            try:
                return "".join(tmpl.root_render_func(
                    _ThemeContext(self.env, parent, tmpl.name, tmpl.blocks)))
            except Exception:
                self.env.handle_exception()   # maps the traceback to template lines
                raise
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


class _Helper:
    """A helper `fn(ctx, *args, **kwargs)` as a template function: it gets the page's
    RenderContext, and a string it returns is HTML (Hexo themes print helpers unescaped)."""

    __slots__ = ("fn", "__name__")

    def __init__(self, fn: Callable[..., Any]):
        self.fn = fn
        self.__name__ = getattr(fn, "__name__", "helper")

    def invoke(self, ctx: Any, args: tuple, kwargs: dict) -> Any:
        result = self.fn(ctx, *args, **kwargs)
        if type(result) is str or (isinstance(result, str) and not isinstance(result, Markup)):
            return Markup(result)
        return result

    @jinja2.pass_context
    def __call__(self, jctx: jinja2.runtime.Context, *args: Any, **kwargs: Any) -> Any:
        # Jinja's own calling path (a context class other than _ThemeContext).
        return self.invoke(jctx.get(CTX_KEY), args, kwargs)


class _Partial:
    """`partial()` as a template function (see Theme._partial)."""

    __slots__ = ("theme", "__name__")

    def __init__(self, theme: Theme):
        self.theme = theme
        self.__name__ = "partial"

    @jinja2.pass_context
    def __call__(self, jctx: jinja2.runtime.Context, *args: Any, **kwargs: Any) -> Markup:
        return self.theme._partial(jctx, (), *args, **kwargs)


class _ThemeContext(jinja2.runtime.Context):
    """Jinja's template context, with a direct path for pyhexo's helpers and `partial()`.

    For a `pass_context` function called inside a loop, Jinja builds a *derived* context for each
    call: a copy of every variable (all the helpers included) plus the loop's. Helpers need only
    the page's RenderContext, and partial() only the variables, so they are called directly; a
    theme makes tens of thousands of such calls per build.
    """

    @internalcode
    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - Jinja's names
        kind = type(__obj)
        if kind is _Helper:
            kwargs.pop("_loop_vars", None)
            kwargs.pop("_block_vars", None)
            ctx = __self.resolve_or_missing(CTX_KEY)
            return __obj.invoke(None if ctx is missing else ctx, args, kwargs)
        if kind is _Partial:
            extra = (kwargs.pop("_loop_vars", None), kwargs.pop("_block_vars", None))
            return __obj.theme._partial(__self, extra, *args, **kwargs)
        return super().call(__obj, *args, **kwargs)


class _BuildLoader(jinja2.FileSystemLoader):
    """A FileSystemLoader whose templates are checked for edits once per build (`generation`),
    instead of on every load: a template edited during a build is picked up by the next one."""

    def __init__(self, searchpath: str):
        super().__init__(searchpath)
        self.generation = 0

    def get_source(self, environment: jinja2.Environment, template: str):
        source, filename, uptodate = super().get_source(environment, template)
        checked = [self.generation]

        def checked_uptodate() -> bool:
            if checked[0] == self.generation:
                return True
            if uptodate():
                checked[0] = self.generation
                return True
            return False

        return source, filename, checked_uptodate


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
