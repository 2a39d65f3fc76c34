"""Load plugins: the site's and the theme's `scripts/*.py`, and installed `pyhexo.plugins` entry points.

A plugin module defines `register(extend)` (or `register(extend, engine)`) and adds helpers, tags,
generators and filters through the same registries the built-ins use. A plugin that fails is reported
by name with its file and line; the build goes on without it. `--safe` loads none.
"""
from __future__ import annotations

import importlib.util
import inspect
import sys
import traceback
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from engine.errors import PluginError

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
    errors: list[PluginError] = []
    for path in plugin_files(engine):
        try:
            module = _import_file(path, engine)
            _call_register(getattr(module, "register", None), engine, path.stem)
        except PluginError as err:
            errors.append(err)
        except Exception as exc:
            errors.append(_plugin_error(path.stem, exc, engine, path))
    try:
        eps = entry_points(group=ENTRY_POINT_GROUP)
    except Exception:  # a broken installed distribution must not stop the build
        eps = []
    for ep in eps:
        try:
            obj = ep.load()
            fn = obj if callable(obj) and not inspect.ismodule(obj) else getattr(obj, "register", None)
            _call_register(fn, engine, ep.name)
        except Exception as exc:
            errors.append(_plugin_error(ep.name, exc, engine, None))
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


def _call_register(fn: Callable[..., Any] | None, engine: "Engine", name: str) -> None:
    if fn is None:
        return  # a helper module without register(): nothing to add
    params = len(inspect.signature(fn).parameters)
    fn(engine.extend, engine) if params >= 2 else fn(engine.extend)


def _plugin_error(name: str, exc: BaseException, engine: "Engine", path: Path | None) -> PluginError:
    line = None
    where = path
    for frame in traceback.extract_tb(exc.__traceback__):
        fpath = Path(frame.filename)
        if path is not None and fpath == path or "site-packages" not in frame.filename and \
                fpath.suffix == ".py" and path is None:
            line, where = frame.lineno, fpath
    if isinstance(exc, SyntaxError) and exc.lineno:
        line = exc.lineno
    return PluginError(f"plugin '{name}' failed: {type(exc).__name__}: {exc}",
                       path=_shown(where, engine) if where else None, line=line)


def _shown(path: Path, engine: "Engine") -> str:
    try:
        return path.resolve().relative_to(engine.site_dir).as_posix()
    except ValueError:
        return str(path)
