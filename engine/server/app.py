"""`DevServer`: HTTP server + watcher + rebuild thread + reload broker, wired together.

Threads:
  * watchdog's observer -> `Watcher` debouncer thread -> `DevServer.request_rebuild(changes)`
  * one rebuild thread: runs the builder, swaps the `OutputStore`, publishes to the `ReloadBroker`;
    changes that arrive during a build are merged and built once right after it
  * the HTTP server thread, plus one daemon thread per connection (SSE streams included)

The builder is any callable returning a BuildResult-like object (`outputs`, `errors`, `warnings`,
`build_id`); it may take one argument, the `ChangeSet` (None for the first build), to do less
work. `EngineBuilder` adapts an `Engine` factory to that protocol.
"""
from __future__ import annotations

import errno
import inspect
import os
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, TextIO

from engine.errors import EngineError, format_error

from ..watch import ChangeSet, Watcher, WatchLayout
from .http import DevHTTPServer, Site, normalize_root
from .livereload import ReloadBroker, error_payload
from .store import DirectorySource, OutputStore

__all__ = ["DevServer", "EngineBuilder", "BuildReport", "AUTO_PORT_START"]

AUTO_PORT_START = 4000   # `--port 0`: the first free port from here on (Hexo's default)
AUTO_PORT_TRIES = 100


@dataclass(frozen=True)
class BuildReport:
    """What one rebuild did, for logs and tests."""

    number: int                 # 1 for the initial build, then 2, 3, ...
    ok: bool
    changed: tuple[str, ...]
    removed: tuple[str, ...]
    event: str | None           # 'reload', 'css', 'error' or None (nothing to tell the browser)
    seconds: float
    errors: tuple[BaseException, ...] = ()


def _adapt_builder(builder: Callable[..., Any]) -> Callable[[ChangeSet | None], Any]:
    """Accept both `builder()` and `builder(changes)`."""
    try:
        params = [p for p in inspect.signature(builder).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)]
    except (TypeError, ValueError):
        params = [None]
    if params:
        return builder
    return lambda _changes: builder()


class EngineBuilder:
    """Builder protocol over an `Engine` factory.

    The engine (and its parse cache) is kept between builds; a config or plugin change, or a
    previous failure to create it, makes a fresh one. `on_engine(engine)` is called after each
    new engine, so the server can follow a changed `root` or theme.
    """

    def __init__(self, factory: Callable[[], Any], on_engine: Callable[[Any], None] | None = None):
        self._factory = factory
        self._on_engine = on_engine
        self.engine: Any = None

    def __call__(self, changes: ChangeSet | None) -> Any:
        if self.engine is None or (changes is not None and changes.needs_full_rebuild):
            self.engine = None            # a failed factory call must not leave the old engine
            self.engine = self._factory()
            if self._on_engine is not None:
                self._on_engine(self.engine)
        build = self.engine.build
        # An engine that can use the change set for incremental work gets it; the first build
        # gets an empty one (not None), which asks `Engine.build` to prepare for what follows.
        try:
            takes_changes = "changes" in inspect.signature(build).parameters
        except (TypeError, ValueError):
            takes_changes = False
        if not takes_changes:
            return build()
        return build(changes=changes if changes is not None else ChangeSet())


class DevServer:
    """The `pyhexo server` runtime. `start()` binds and builds, `serve_forever()` blocks.

    `watch_roots` is a `WatchLayout`: the directories to watch and how to classify what changes
    under them (None: no watching; `request_rebuild` still works). With `static_dir`, files are
    served from that directory as they are: no builder call, no watching, no live reload.
    """

    def __init__(self, builder: Callable[..., Any] | None, watch_roots: WatchLayout | None = None, *,
                 host: str = "127.0.0.1", port: int = 4000, root: str = "/",
                 static_dir: str | os.PathLike[str] | None = None, log: bool = False,
                 quiet: float = 0.025, max_wait: float = 2.0, heartbeat: float = 15.0,
                 out: TextIO | None = None, err: TextIO | None = None):
        if builder is None and static_dir is None:
            raise ValueError("DevServer needs a builder or a static_dir")
        self._builder = _adapt_builder(builder) if builder is not None else None
        self.layout = watch_roots
        self.host = host
        self.requested_port = port
        self.static_dir = Path(static_dir) if static_dir is not None else None
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.store = OutputStore()
        self.broker = None if self.static_dir else ReloadBroker(self.store.current.version,
                                                                heartbeat=heartbeat)
        if self.static_dir is not None:
            static = DirectorySource(self.static_dir)
            source = lambda: static  # noqa: E731
        else:
            source = lambda: self.store.current  # noqa: E731
        self.site = Site(source=source, root=normalize_root(root), broker=self.broker, log=log,
                         bound_host=host, out=self.err)
        self._quiet, self._max_wait = quiet, max_wait
        self._httpd: DevHTTPServer | None = None
        self._http_thread: threading.Thread | None = None
        self._watcher: Watcher | None = None
        self._rebuild_thread: threading.Thread | None = None
        self._cond = threading.Condition()
        self._pending: ChangeSet | None = None
        self._stopping = False
        self._stopped = threading.Event()
        self.builds: list[BuildReport] = []

    # -- properties -------------------------------------------------------------------------------
    @property
    def port(self) -> int:
        return self._httpd.server_address[1] if self._httpd else self.requested_port

    @property
    def root(self) -> str:
        return self.site.root

    @root.setter
    def root(self, value: str) -> None:
        self.site.root = normalize_root(value)

    @property
    def url(self) -> str:
        host = self.host
        if host in ("0.0.0.0", "::", ""):
            host = "localhost"
        elif ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}{self.root}"

    # -- lifecycle --------------------------------------------------------------------------------
    def start(self) -> "DevServer":
        """Bind the port (EngineError if impossible), run the first build, start all threads."""
        self._httpd = self._bind()
        if self.static_dir is None:
            self._rebuild(None)
            self._rebuild_thread = threading.Thread(target=self._rebuild_loop,
                                                    name="pyhexo-rebuild", daemon=True)
            self._rebuild_thread.start()
            if self.layout is not None:
                self._watcher = Watcher(self.layout, self.request_rebuild, quiet=self._quiet,
                                        max_wait=self._max_wait).start()
        self._http_thread = threading.Thread(target=self._httpd.serve_forever,
                                             kwargs={"poll_interval": 0.2},
                                             name="pyhexo-http", daemon=True)
        self._http_thread.start()
        return self

    def serve_forever(self) -> None:
        """Start if needed and block until `shutdown()` or Ctrl+C."""
        if self._httpd is None:
            self.start()
        try:
            while not self._stopped.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            self.shutdown()

    def shutdown(self) -> None:
        """Stop everything; safe to call twice and from any thread but the HTTP one."""
        if self._stopped.is_set():
            return
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._watcher is not None:
            self._watcher.stop()
        if self.broker is not None:
            self.broker.close()   # ends SSE streams so their threads exit
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._rebuild_thread is not None and self._rebuild_thread is not threading.current_thread():
            self._rebuild_thread.join(5)
        self._stopped.set()

    def __enter__(self) -> "DevServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.shutdown()

    def set_layout(self, layout: WatchLayout) -> None:
        """Watch another layout from now on (the config named another theme or source_dir)."""
        self.layout = layout
        if self._watcher is not None:
            self._watcher.set_layout(layout)

    # -- port handling ----------------------------------------------------------------------------
    def _bind(self) -> DevHTTPServer:
        ipv6 = ":" in self.host
        host = self.host.strip("[]")
        if self.requested_port:
            candidates = [self.requested_port]
        else:
            candidates = list(range(AUTO_PORT_START, AUTO_PORT_START + AUTO_PORT_TRIES)) + [0]
        last: OSError | None = None
        for port in candidates:
            try:
                return DevHTTPServer((host, port), self.site, ipv6=ipv6)
            except OSError as exc:
                last = exc
                if exc.errno == errno.EADDRINUSE and not self.requested_port:
                    continue
                break
        assert last is not None
        port = self.requested_port
        if last.errno == errno.EADDRINUSE:
            raise EngineError(f"port {port} on {host} is already in use",
                              hint="stop the other server, choose another with -p/--port, "
                                   "or use --port 0 for the next free one") from last
        if last.errno in (errno.EACCES, errno.EPERM):
            raise EngineError(f"not allowed to listen on port {port}",
                              hint="ports below 1024 need privileges; try -p 4000") from last
        if last.errno == errno.EADDRNOTAVAIL or isinstance(last, OSError) and "resolve" in str(last):
            raise EngineError(f"cannot listen on address {host!r}",
                              hint="it is not an address of this machine; try -i 127.0.0.1") from last
        raise EngineError(f"cannot listen on {host}:{port}: {last.strerror or last}") from last

    # -- rebuilds ---------------------------------------------------------------------------------
    def request_rebuild(self, changes: ChangeSet) -> None:
        """Queue a rebuild (called by the watcher). Changes queued during a build are merged."""
        with self._cond:
            self._pending = changes if self._pending is None else self._pending.merge(changes)
            self._cond.notify_all()

    def wait_for_builds(self, count: int, timeout: float) -> bool:
        """Block until `count` builds have finished (the initial one counts); False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: len(self.builds) >= count, timeout)

    def _rebuild_loop(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._stopping or self._pending is not None)
                if self._stopping:
                    return
                changes, self._pending = self._pending, None
            self._rebuild(changes)

    def _rebuild(self, changes: ChangeSet | None) -> BuildReport:
        """Run the builder once, swap the store, tell the browsers. Never raises."""
        assert self._builder is not None and self.broker is not None
        number = len(self.builds) + 1
        t0 = time.perf_counter()
        try:
            result = self._builder(changes)
            outputs = dict(getattr(result, "outputs", {}) or {})
            errors = list(getattr(result, "errors", []) or [])
            warnings = list(getattr(result, "warnings", []) or [])
            build_id = int(getattr(result, "build_id", number) or number)
            crashed = False
        except Exception as exc:  # noqa: BLE001 - bad input or a plugin bug must not stop serving
            if not isinstance(exc, EngineError):
                traceback.print_exc(file=self.err)
            outputs, errors, warnings, build_id, crashed = {}, [exc], [], number, True
        seconds = time.perf_counter() - t0

        had_error = self.broker.error is not None
        changed: tuple[str, ...] = ()
        removed: tuple[str, ...] = ()
        if crashed:
            version = self.store.current.version     # nothing built: keep serving the last build
        else:
            # A build with errors still swaps in what did build, but keeps the last good bytes
            # of anything it failed to produce (so the broken page stays readable).
            swap = self.store.swap(outputs, build_id, keep_missing=bool(errors))
            version, changed, removed = swap.snapshot.version, swap.changed, swap.removed

        for w in warnings:
            self._say(f"WARN  {format_error(w)}", self.err)
        event: str | None
        if errors:
            event = "error"
            self.broker.publish("error", error_payload(errors, version))
            for e in errors:
                self._say(f"ERROR {format_error(e)}", self.err)
            self._say(f"ERROR build {number} failed ({len(errors)} error(s)); serving the last "
                      f"good pages", self.err)
        else:
            css_only = bool(changed) and not removed and all(p.endswith(".css") for p in changed)
            if css_only and not had_error:
                event = "css"
                self.broker.publish("css", {"version": version, "paths": list(changed)})
            elif changed or removed or had_error:
                # After an error, reload even if nothing changed: it clears the overlay.
                event = "reload"
                self.broker.publish("reload", {"version": version, "changed": list(changed[:50])})
            else:
                event = None
            if number > 1:
                what = f"{len(changed)} changed" + (f", {len(removed)} removed" if removed else "")
                self._say(f"INFO  Rebuilt in {seconds * 1000:.0f} ms ({what})", self.out)
        report = BuildReport(number, not errors, changed, removed, event, seconds, tuple(errors))
        with self._cond:
            self.builds.append(report)
            self._cond.notify_all()
        return report

    def _say(self, text: str, stream: TextIO) -> None:
        try:
            print(text, file=stream, flush=True)
        except (OSError, ValueError):
            pass
