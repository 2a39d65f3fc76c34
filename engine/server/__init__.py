"""`pyhexo server`: a dev server that serves the build from memory and live-reloads over SSE.

Modules: `store` (the last complete build), `paths` (request path safety), `mime` (content types),
`http` (request handling), `livereload` (broker, SSE stream, browser client), `app` (`DevServer`,
rebuild thread, port handling). The watcher is `engine.watch`, shared with `generate --watch`.

`run_server` is what the CLI calls; `serve` is the same glue for any engine factory.
"""
from __future__ import annotations

import os
import sys
import threading
import webbrowser
from pathlib import Path
from typing import Any, Callable, Iterable, TextIO

from engine.errors import EngineError, format_error

from ..watch import WatchLayout
from .app import DevServer, EngineBuilder

__all__ = ["DevServer", "EngineBuilder", "serve", "run_server"]


def _layout_for(engine: Any, site_dir: Path, config_files: Iterable[str]) -> WatchLayout:
    try:
        return WatchLayout.from_config(engine.config, config_files)
    except AttributeError:
        return WatchLayout.from_site_dir(site_dir, config_files=config_files)


def serve(engine_factory: Callable[[], Any], site_dir: str | os.PathLike[str], *,
          config_files: Iterable[str] = (), host: str = "127.0.0.1", port: int = 4000,
          static: bool = False, log: bool = False, open_browser: bool = False,
          out: TextIO | None = None, err: TextIO | None = None,
          ready: Callable[[DevServer], None] | None = None) -> int:
    """Run a dev server over `engine_factory()` until Ctrl+C. Returns the exit code.

    The first engine gives the config (root, directories). If it cannot be made (a broken
    `_config.yml`), the server still starts with Hexo's default layout and shows the error; fixing
    the file rebuilds.
    """
    out = out or sys.stdout
    err = err or sys.stderr
    site = Path(site_dir).resolve()
    config_files = list(config_files)
    server: DevServer | None = None

    def follow(engine: Any) -> None:
        # A new engine (after a config change) may name another root or theme.
        if server is None:
            return
        raw = getattr(getattr(engine, "config", None), "raw", {}) or {}
        server.root = raw.get("root", "/") or "/"
        server.set_layout(_layout_for(engine, site, config_files))

    builder = EngineBuilder(engine_factory, on_engine=follow)
    first_error: BaseException | None = None
    try:
        builder.engine = engine_factory()
    except Exception as exc:  # noqa: BLE001 - reported by the first build, shown in the overlay
        first_error = exc
    engine = builder.engine
    raw = getattr(getattr(engine, "config", None), "raw", {}) or {}
    root = raw.get("root", "/") or "/"

    if static:
        if engine is None:
            print(f"ERROR {format_error(first_error)}", file=err)
            return 1
        public = Path(engine.config.public_dir)
        if not public.is_dir():
            print(f"ERROR {public} does not exist; run `pyhexo generate` first "
                  "(or drop --static)", file=err)
            return 1
        server = DevServer(None, None, host=host, port=port, root=root, static_dir=public,
                           log=log, out=out, err=err)
    else:
        layout = _layout_for(engine, site, config_files) if engine is not None else \
            WatchLayout.from_site_dir(site, config_files=config_files)
        server = DevServer(builder, layout, host=host, port=port, root=root, log=log,
                           out=out, err=err)
    try:
        server.start()
    except EngineError as exc:
        print(f"ERROR {format_error(exc)}", file=err)
        return 1

    if host in ("0.0.0.0", "::"):
        print("NOTE  Listening on all interfaces: other devices on your network can open this "
              "site.", file=out)
    mode = "serving public/ as is" if static else "watching for changes"
    print(f"INFO  pyhexo is running at {server.url} ({mode}). Press Ctrl+C to stop.", file=out,
          flush=True)
    if open_browser:
        threading.Thread(target=webbrowser.open, args=(server.url,), daemon=True).start()
    if ready is not None:
        ready(server)
    server.serve_forever()
    print("INFO  pyhexo server stopped.", file=out)
    return 0


def run_server(site_dir: str | os.PathLike[str], *, config_files: Iterable[str] | None = None,
               host: str = "127.0.0.1", port: int = 4000, static: bool = False,
               log: bool = False, open_browser: bool = False, drafts: bool = False,
               safe: bool = False, debug: bool = False) -> int:
    """Entry point for `pyhexo server`; builds with `engine.core.Engine`. Returns the exit code."""
    from engine.core import Engine  # lazy: keeps `import engine.server` free of the build stack

    files = list(config_files or [])

    def factory() -> Any:
        return Engine(site_dir, files or None, drafts=drafts, safe=safe, debug=debug)

    return serve(factory, site_dir, config_files=files, host=host, port=port, static=static,
                 log=log, open_browser=open_browser)
