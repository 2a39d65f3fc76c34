"""Render routes with a Jinja2 theme, following Hexo's view rules (SPEC §11).

Views live in `themes/<name>/layout/` as `.html`, `.j2`, `.njk` or `.jinja`. For each route the first
existing view of its layout chain renders; `layout.html`, when present, wraps it with the view output
as `body`. `partial('name', {...})` renders another view with the current locals plus the given ones.
Every registered helper is a template global bound to the page being rendered. This module knows
nothing about how routes were generated.
"""
from __future__ import annotations

import os
import re
import sys
import weakref
from pathlib import Path
from types import BuiltinFunctionType, MethodType
from typing import TYPE_CHECKING, Any, Callable

import jinja2
from jinja2.runtime import Macro, missing
from jinja2.utils import internalcode
from markupsafe import Markup, escape

from engine import __version__
from engine.errors import TemplateError
from engine.model import Document
from engine.render_context import RenderContext
from engine.routes import Route
from engine.text import encode_url

if TYPE_CHECKING:
    from engine.core import Engine
    from engine.model import Site

VIEW_EXTS = (".html", ".j2", ".njk", ".jinja")
CTX_KEY = "__pyhexo_ctx"
# _markup(Markup, s) is Markup(s) for a plain str, without Markup's check for an __html__ method.
_markup = str.__new__
MAX_PARTIAL_DEPTH = 40


class Theme:
    def __init__(self, engine: "Engine"):
        self.engine = engine
        self.dir: Path | None = engine.config.theme_dir
        self.layout_dir = self.dir / "layout" if self.dir else None
        loader = jinja2.FileSystemLoader(str(self.layout_dir)) if self.layout_dir and \
            self.layout_dir.is_dir() else jinja2.DictLoader({})
        self.env = _ThemeEnvironment(
            loader=loader,
            autoescape=True,
            undefined=jinja2.ChainableUndefined,
            auto_reload=True,
            extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"],
            bytecode_cache=_BytecodeCache(engine.cache_dir / f"jinja-{__version__}"),
        )
        self._views: dict[str, str | None] = {}
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
        template is loaded once and its file checked for edits once, not on every load (a page
        loads about ten templates, and `auto_reload` would stat each of them every time); the
        next build sees any edit."""
        if self._build_site is None or self._build_site() is not site:
            self._new_build()
            self._build_site = weakref.ref(site)

    def _new_build(self) -> None:
        self.env.build_templates.clear()
        self._build_site = None

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
        depth = jctx.resolve_or_missing("__pyhexo_depth")
        depth = (0 if depth is missing else int(depth)) + 1
        if depth > MAX_PARTIAL_DEPTH:
            raise TemplateError(f"partial '{name}' nests more than {MAX_PARTIAL_DEPTH} levels "
                                "(a partial that includes itself?)", path=self._shown_view(view))
        if only:
            parent: dict[str, Any] = dict(self.env.globals)
            values: dict[str, Any] = {}
        else:
            # The new context shares the caller's `parent` (the helpers and the route's locals,
            # which Jinja never modifies) instead of copying it for every partial, and gets as
            # its own variables what the caller set, the caller's loop and block variables (as
            # Jinja's derived() adds them), then the partial's locals.
            parent = jctx.parent
            values = dict(jctx.vars)
            for scope in extra:
                if scope:
                    values.update((k, v) for k, v in scope.items() if v is not missing)
        ctx = jctx.resolve_or_missing(CTX_KEY)
        values[CTX_KEY] = None if ctx is missing else ctx
        values.update(locals or {})
        values["__pyhexo_depth"] = depth
        tmpl = self.env.get_template(view)
        # Without `globals`: Jinja only uses them to decide whether an `{% import %}` may reuse
        # the cached module, and every view has the same (the environment's), so the answer is
        # the same; working it out for each partial (a set of all the helpers' names) was most
        # of the cost of a small partial.
        context = _ThemeContext(self.env, parent, tmpl.name, tmpl.blocks)
        context.vars = values
        context.render_ctx = values[CTX_KEY]
        try:
            return _markup(Markup, "".join(tmpl.root_render_func(context)))
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
            tmpl = self.env.get_template(view)
            # Template.render(values), without copying the globals through a ChainMap twice.
            parent = dict(self.env.globals)
            parent.update(values)
            context = _ThemeContext(self.env, parent, tmpl.name, tmpl.blocks)
            if CTX_KEY in parent:
                context.render_ctx = parent[CTX_KEY]
            try:
                return "".join(tmpl.root_render_func(context))
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

    @jinja2.pass_context
    def __call__(self, jctx: jinja2.runtime.Context, *args: Any, **kwargs: Any) -> Any:
        # Jinja's own calling path (a context class other than _ThemeContext).
        return _html(self.fn(jctx.get(CTX_KEY), *args, **kwargs))


def _html(result: Any) -> Any:
    """A helper's result as templates get it: strings are HTML."""
    if type(result) is str:
        return _markup(Markup, result)   # Markup(result) without its checks for HTML objects
    if isinstance(result, str) and not isinstance(result, Markup):
        return Markup(result)
    return result


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

    # The page's RenderContext (CTX_KEY), kept at hand by the contexts pyhexo makes; contexts
    # Jinja makes itself (imports, includes) look it up.
    render_ctx: Any = missing

    @internalcode
    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - Jinja's names
        kind = type(__obj)
        if kind is _Helper:
            if kwargs:
                kwargs.pop("_loop_vars", None)
                kwargs.pop("_block_vars", None)
            ctx = __self.render_ctx
            if ctx is missing:
                ctx = __self.resolve_or_missing(CTX_KEY)
            result = __obj.fn(None if ctx is missing else ctx, *args, **kwargs)
            if type(result) is str:
                return _markup(Markup, result)
            return _html(result)
        if kind is _Partial:
            extra = (kwargs.pop("_loop_vars", None), kwargs.pop("_block_vars", None))
            return __obj.theme._partial(__self, extra, *args, **kwargs)
        if kind is Macro or kind is BuiltinFunctionType or \
                (kind is MethodType and not hasattr(__obj, "jinja_pass_arg")):
            # What Jinja's call() does for a macro (it takes the caller's eval context), a
            # built-in (`content.count(...)`) and a plain method (`loop.changed(...)`: they take
            # nothing), without finding that out from their attributes on every call.
            if kwargs:
                kwargs.pop("_loop_vars", None)
                kwargs.pop("_block_vars", None)
            if kind is Macro:
                args = (__self.eval_ctx,) + args
            try:
                return __obj(*args, **kwargs)
            except StopIteration:
                return __self.environment.undefined("value was undefined because a callable "
                                                    "raised a StopIteration exception")
        return super().call(__obj, *args, **kwargs)


def _escape(value: Any) -> Markup:
    """markupsafe.escape for template output, returning Markup as it is instead of copying it.

    Every `{{ }}` of an autoescaping template goes through this: helper results, partials,
    `body` and `page.content` are Markup, and escape() made a copy of each (a copy of the whole
    page for `body`)."""
    kind = type(value)
    if kind is Markup:
        return value
    if kind is str and _HTML_SPECIAL.search(value) is None:
        return _markup(Markup, value)    # nothing to escape: escape() would make the same Markup
    return escape(value)


_HTML_SPECIAL = re.compile(r"""[&<>'"]""")   # what markupsafe.escape replaces


class _ThemeTemplate(jinja2.Template):
    """A template whose output expressions use `_escape`."""

    @classmethod
    def from_code(cls, environment, code, globals, uptodate=None):  # noqa: A002 - Jinja's name
        tmpl = super().from_code(environment, code, globals, uptodate)
        # The compiled code looks `escape` up in its module namespace at each output.
        tmpl.root_render_func.__globals__["escape"] = _escape
        return tmpl


class _BytecodeCache(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept in the site's cache folder: compiling a theme costs a build about
    0.2 s. Jinja checks each entry against a checksum of the template's source; the folder name
    carries the engine version, which fixes the environment's options."""

    def __init__(self, directory: Path) -> None:
        super().__init__(str(directory))

    def dump_bytecode(self, bucket: Any) -> None:
        try:
            os.makedirs(self.directory, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError:
            pass    # a read-only cache folder costs compile time, nothing else


class _ThemeEnvironment(jinja2.Environment):
    """The theme's Jinja environment: `_ThemeContext` contexts, `_ThemeTemplate` templates, and
    a quicker `a.b` for the objects themes read most."""

    context_class = _ThemeContext
    template_class = _ThemeTemplate

    def __init__(self, **options: Any):
        super().__init__(**options)
        # Templates loaded during the current build, by name (Theme empties it for each build).
        self.build_templates: dict[str, jinja2.Template] = {}

    def get_template(self, name: Any, parent: str | None = None,
                     globals: Any = None) -> jinja2.Template:  # noqa: A002 - Jinja's name
        # A page loads each of its views again for every partial and `{% import %}`; Jinja's
        # own cache costs a lock, a weakref and an up-to-date check each time.
        if parent is None and globals is None and type(name) is str:
            tmpl = self.build_templates.get(name)
            if tmpl is None:
                tmpl = self.build_templates[name] = super().get_template(name)
            return tmpl
        return super().get_template(name, parent, globals)

    def getattr(self, obj: Any, attribute: str) -> Any:
        # Jinja tries getattr(obj, name), then obj[name]. On a plain dict (config, theme, the
        # locals a partial gets) the first raises AttributeError for every key, tens of thousands
        # of exceptions per build: a dict only has the attributes of its type. A Document that
        # lacks the attribute lacks the item too (its [] is getattr).
        kind = type(obj)
        if kind is dict and type(attribute) is str and attribute not in _DICT_ATTRS:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        # Otherwise Jinja's own rule, inline (this runs a quarter of a million times per build).
        try:
            return getattr(obj, attribute)
        except AttributeError:
            if kind is Document:
                return self.undefined(obj=obj, name=attribute)
        try:
            return obj[attribute]
        except (TypeError, LookupError, AttributeError):
            return self.undefined(obj=obj, name=attribute)


_DICT_ATTRS = frozenset(dir(dict))


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
