"""Load plugins: the site's and the theme's `scripts/*.py`, and installed `pyhexo.plugins` entry points.

A plugin module defines `register(extend)` (or `register(extend, engine)`) and adds helpers, tags,
generators, filters and commands through the same registries the built-ins use (docs/plugins.md).
A plugin that fails to load is reported by name with its file and line; the build goes on without
it. Generators and filters a plugin registered are wrapped so that an exception they raise later is
reported the same way (`PluginError` at the plugin's file and line). `--safe` loads none.
"""
from __future__ import annotations

import functools
import importlib.util
import inspect
import sys
import traceback
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

from engine.errors import EngineError, PluginError

if TYPE_CHECKING:
    from engine.core import Engine

ENTRY_POINT_GROUP = "pyhexo.plugins"


def plugin_files(engine: "Engine") -> list[Path]:
    dirs = [engine.site_dir / "scripts"]
    if engine.config.theme_dir is not None:
        dirs.append(Path(engine.config.theme_dir) / "scripts")
    files: list[Path] = []
    for d in dirs:
        if d.is_dir():
            files.extend(sorted(p for p in d.glob("*.py") if not p.name.startswith(("_", "."))))
    return files


def load_plugins(engine: "Engine") -> list[PluginError]:
    """Installed entry points first, then the site's scripts/, then the theme's (Hexo's order:
    a later registration of the same name wins). Returns one PluginError per plugin that failed."""
    errors: list[PluginError] = []
    try:
        eps = entry_points(group=ENTRY_POINT_GROUP)
    except Exception:  # a broken installed distribution must not stop the build
        eps = []
    for ep in eps:
        try:
            obj = ep.load()
            fn = obj if callable(obj) and not inspect.ismodule(obj) else getattr(obj, "register", None)
            _call_register(fn, engine, ep.name, None)
        except Exception as exc:
            errors.append(_plugin_error(ep.name, exc, engine, None))
    for path in plugin_files(engine):
        try:
            module = _import_file(path, engine)
            _call_register(getattr(module, "register", None), engine, path.stem, path)
        except PluginError as err:
            errors.append(err)
        except Exception as exc:
            errors.append(_plugin_error(path.stem, exc, engine, path))
    return errors


def _import_file(path: Path, engine: "Engine") -> Any:
    # A unique module name per engine, so two sites (or a rebuild) never share module state.
    name = f"pyhexo_plugin_{id(engine):x}_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise PluginError(f"cannot load plugin {path.name}", path=_shown(path, engine))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception:
        sys.modules.pop(name, None)
        raise
    return module


def _call_register(fn: Callable[..., Any] | None, engine: "Engine", name: str,
                   path: Path | None) -> None:
    if fn is None:
        return  # a helper module without register(): nothing to add
    extend = engine.extend
    generators_before = dict(extend.generators.items())
    filters_before = {id(f) for chain in extend.filters._filters.values() for f in chain}
    params = len(inspect.signature(fn).parameters)
    fn(extend, engine) if params >= 2 else fn(extend)
    # Wrap what this plugin added, so a later failure names the plugin, its file and line.
    for gen_name, gen in list(extend.generators.items()):
        if generators_before.get(gen_name) is not gen:
            extend.generators.register(gen_name, _guarded(gen, f"generator '{gen_name}'", name,
                                                          engine, path, iterate=True))
    for filter_name, chain in extend.filters._filters.items():
        for f in chain:
            if id(f) not in filters_before:
                f.fn = _guarded(f.fn, f"filter '{filter_name}'", name, engine, path)


def _guarded(fn: Callable[..., Any], what: str, plugin: str, engine: "Engine",
             path: Path | None, iterate: bool = False) -> Callable[..., Any]:
    """`fn`, re-raising any non-EngineError exception as a PluginError located in the plugin.
    With `iterate`, a returned iterator (a generator's routes) is guarded while it is consumed.

    `functools.wraps` keeps the signature visible (the filter registry inspects it), and
    `__wrapped__` lets `unregister(name, original_fn)` still find it."""
    if getattr(fn, "_pyhexo_guarded", False):
        return fn

    def fail(exc: Exception, args: tuple) -> PluginError:
        err = _plugin_error(plugin, exc, engine, path)
        source = getattr(args[0], "source", None) if args else None
        where = f" on {source}" if isinstance(source, str) else ""
        err.message = f"plugin '{plugin}': {what} failed{where}: {type(exc).__name__}: {exc}"
        return err

    def guard_iter(items: Iterator[Any], args: tuple) -> Iterator[Any]:
        try:
            yield from items
        except EngineError:
            raise
        except Exception as exc:
            raise fail(exc, args) from exc

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            result = fn(*args, **kwargs)
        except EngineError:
            raise
        except Exception as exc:
            raise fail(exc, args) from exc
        if iterate and isinstance(result, Iterator):
            return guard_iter(result, args)
        return result

    call._pyhexo_guarded = True  # type: ignore[attr-defined]
    return call


_ENGINE_DIR = Path(__file__).resolve().parent


def _plugin_error(name: str, exc: BaseException, engine: "Engine", path: Path | None) -> PluginError:
    """A PluginError at the innermost traceback frame inside the plugin: its file (`path`) for a
    scripts/ plugin; for an entry point, the innermost frame outside pyhexo and the standard
    library, i.e. in the installed package."""
    line = None
    where = path
    stdlib = Path(traceback.__file__).resolve().parent
    for frame in traceback.extract_tb(exc.__traceback__):
        fpath = Path(frame.filename)
        if path is not None:
            if fpath == path:
                line, where = frame.lineno, fpath
        elif fpath.suffix == ".py" and not frame.filename.startswith("<"):
            resolved = fpath.resolve()
            if not resolved.is_relative_to(_ENGINE_DIR) and (
                    not resolved.is_relative_to(stdlib) or "site-packages" in resolved.parts):
                line, where = frame.lineno, fpath
    if isinstance(exc, SyntaxError) and exc.lineno:
        line = exc.lineno
        if path is None and exc.filename:
            where = Path(exc.filename)
    return PluginError(f"plugin '{name}' failed: {type(exc).__name__}: {exc}",
                       path=_shown(where, engine) if where else None, line=line)


def _shown(path: Path, engine: "Engine") -> str:
    try:
        return path.resolve().relative_to(engine.site_dir).as_posix()
    except ValueError:
        return str(path)
