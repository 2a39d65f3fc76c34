"""HTTP request handling for the dev server (stdlib `ThreadingHTTPServer`, one daemon thread per
connection).

Per request: check the Host header (DNS rebinding), parse and check the path (`paths.parse_target`),
strip the site `root`, map pretty URLs to files, then answer with validators (ETag, Last-Modified),
304s, optional gzip and, for HTML in live mode, the injected reload script. Files come only from the
current snapshot (or, with `--static`, from under `public/`). No CORS headers are ever sent: the
site is for the browser tab that loads it, not for other origins.
"""
from __future__ import annotations

import difflib
import html
import ipaddress
import posixpath
import sys
import time
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Protocol

from .livereload import CLIENT_JS, CLIENT_PATH, EVENTS_PATH, ReloadBroker, inject_script, stream_events
from .mime import content_type, is_compressible
from .paths import BadPath, parse_target
from .store import Entry

__all__ = ["Site", "DevHTTPServer", "RequestHandler", "normalize_root", "is_loopback"]

GZIP_MIN_BYTES = 256


class Source(Protocol):
    """What the handler serves from: a `Snapshot` or a `DirectorySource`."""

    version: str

    def get(self, path: str) -> Entry | None: ...
    def routes(self): ...


def normalize_root(root: str | None) -> str:
    """Hexo's `root` as '/x/y/' (always leading and trailing slash)."""
    root = (root or "/").strip()
    if not root.startswith("/"):
        root = "/" + root
    if not root.endswith("/"):
        root += "/"
    return root


def is_loopback(host: str) -> bool:
    """True for 'localhost', 127.0.0.0/8 and ::1 (the binds that get the Host check)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass
class Site:
    """Everything a request needs, shared by all handler threads (read-mostly)."""

    source: Callable[[], Source]            # returns the current snapshot (one read per request)
    root: str = "/"
    broker: ReloadBroker | None = None      # None: no live reload (static mode)
    log: bool = False
    bound_host: str = "127.0.0.1"
    out: object = field(default=sys.stderr)

    @property
    def live(self) -> bool:
        return self.broker is not None


def host_allowed(header: str | None, bound_host: str) -> bool:
    """DNS-rebinding guard: on a loopback bind, only loopback names may appear in Host.

    The port is not checked: port forwarding (ssh -L, editors' remote tunnels) legitimately changes
    it, and a rebinding attack is stopped by the name alone.
    """
    if not is_loopback(bound_host):
        return True
    if header is None:  # HTTP/1.0 clients; browsers always send Host
        return True
    host = header.strip().lower()
    if host.startswith("["):
        name = host[1:host.find("]")] if "]" in host else host
    else:
        name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    name = name.rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):  # RFC 6761: always loopback
        return True
    if name == bound_host.strip("[]").lower():
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _etag_matches(header: str, etag: str) -> bool:
    """If-None-Match uses the weak comparison: W/ prefixes are ignored."""
    if header.strip() == "*":
        return True
    for tag in header.split(","):
        tag = tag.strip()
        if tag.startswith("W/"):
            tag = tag[2:]
        if tag == etag:
            return True
    return False


def _accepts_gzip(header: str | None) -> bool:
    if not header:
        return False
    for part in header.split(","):
        bits = [b.strip() for b in part.split(";")]
        if bits[0].lower() in ("gzip", "*"):
            q = 1.0
            for b in bits[1:]:
                if b.startswith("q="):
                    try:
                        q = float(b[2:])
                    except ValueError:
                        q = 0.0
            return q > 0
    return False


def route_url(root: str, path: str) -> str:
    """The URL of a route path: 'a/index.html' -> '/root/a/'."""
    if path == "index.html":
        return root
    if path.endswith("/index.html"):
        return root + path[: -len("index.html")]
    return root + path


class DevHTTPServer(ThreadingHTTPServer):
    """ThreadingHTTPServer with daemon threads that does not wait for them on close.

    SSE streams live as long as a tab is open; shutdown must not block on them.
    """

    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True   # SO_REUSEADDR: rebind after a restart despite TIME_WAIT (not a busy port)
    request_queue_size = 64

    def __init__(self, address, site: Site, *, ipv6: bool = False):
        import socket
        if ipv6:
            self.address_family = socket.AF_INET6
        self.site = site
        super().__init__(address, RequestHandler)

    def handle_error(self, request, client_address) -> None:
        # A client that disconnects mid-response is routine; anything else is printed once.
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


class RequestHandler(BaseHTTPRequestHandler):
    """GET and HEAD only; everything else gets 501 from the base class."""

    server: DevHTTPServer
    protocol_version = "HTTP/1.1"   # keep-alive for page assets; every response has a length
    server_version = "pyhexo"
    sys_version = ""
    timeout = 60                    # idle keep-alive sockets are closed after a minute

    def version_string(self) -> str:
        return self.server_version

    # A request line without a version ('GET /x') is HTTP/0.9 to http.server, which answers it with
    # a bare body: no status line, no headers. No browser sends one; errors about it, and the
    # refusal below, get a real status line instead.
    default_request_version = "HTTP/1.0"

    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        if len(self.requestline.split()) < 3:
            self.close_connection = True
            self.send_error(HTTPStatus.BAD_REQUEST, "HTTP/0.9 requests are not supported")
            return False
        return True

    # -- entry points ---------------------------------------------------------------------------
    def do_GET(self) -> None:
        self._started = time.perf_counter()
        self._handle(head=False)

    def do_HEAD(self) -> None:
        self._started = time.perf_counter()
        self._handle(head=True)

    # -- logging --------------------------------------------------------------------------------
    def log_message(self, format: str, *args) -> None:  # noqa: A002 - base class signature
        pass  # request lines are logged by log_request when --log is on; the rest is noise

    def log_request(self, code="-", size="-") -> None:
        site = self.server.site
        if not site.log:
            return
        ms = (time.perf_counter() - getattr(self, "_started", time.perf_counter())) * 1000
        code = getattr(code, "value", code)
        print(f"{self.command} {self.path} {code} {ms:.1f} ms", file=site.out, flush=True)

    # -- dispatch -------------------------------------------------------------------------------
    def _handle(self, head: bool) -> None:
        site = self.server.site
        if not host_allowed(self.headers.get("Host"), site.bound_host):
            return self._plain(HTTPStatus.BAD_REQUEST, "Invalid Host header. This server only "
                               "answers to localhost (DNS rebinding protection).\n", head)
        try:
            req = parse_target(self.path)
        except BadPath as exc:
            return self._plain(HTTPStatus.BAD_REQUEST, f"Bad request: {exc}.\n", head)

        if site.live and req.path == EVENTS_PATH:
            return self._events(head)
        if site.live and req.path == CLIENT_PATH:
            return self._client_js(head)

        root = site.root
        if req.path == "/" and root != "/":
            return self._redirect(root)
        if req.path + "/" == root:
            return self._redirect(req.with_slash)
        source = site.source()
        if not req.path.startswith(root):
            return self._not_found(source, req.path, head)
        rel = req.path[len(root):]

        if rel == "" or rel.endswith("/"):
            entry = source.get(rel + "index.html")
            return self._send_entry(source, rel + "index.html", entry, head) if entry else \
                self._not_found(source, req.path, head)
        entry = source.get(rel)
        if entry is not None:
            return self._send_entry(source, rel, entry, head)
        if source.get(rel + "/index.html") is not None:
            # Pretty URL without the slash: redirect so relative links in the page resolve.
            return self._redirect(req.with_slash)
        return self._not_found(source, req.path, head)

    # -- responses ------------------------------------------------------------------------------
    def _send_entry(self, source: Source, path: str, entry: Entry, head: bool) -> None:
        site = self.server.site
        ctype = content_type(path)
        inject = site.live and ctype.startswith("text/html")
        etag = entry.etag
        mtime = entry.mtime
        if inject:
            # The page carries the build version; its validators must change with it.
            version = source.version
            etag = f"{etag}-{version}"
            mtime = max(mtime, getattr(source, "created", mtime))
        use_gzip = is_compressible(ctype) and len(entry.body) >= GZIP_MIN_BYTES and \
            _accepts_gzip(self.headers.get("Accept-Encoding"))
        if use_gzip:
            etag += "-gz"
        quoted = f'"{etag}"'
        last_modified = formatdate(int(mtime), usegmt=True)

        headers = {
            "ETag": quoted,
            "Last-Modified": last_modified,
            # Revalidate every time: a dev server's files change under the browser.
            "Cache-Control": "no-cache",
        }
        if is_compressible(ctype):
            headers["Vary"] = "Accept-Encoding"
        if self._not_modified(quoted, int(mtime)):
            return self._respond(HTTPStatus.NOT_MODIFIED, None, b"", head=True, headers=headers)

        if inject:
            body = entry.injected(source.version, inject_script, compressed=use_gzip)
        else:
            body = entry.gzipped() if use_gzip else entry.body
        if use_gzip:
            headers["Content-Encoding"] = "gzip"
        self._respond(HTTPStatus.OK, ctype, body, head=head, headers=headers)

    def _not_modified(self, etag: str, mtime: int) -> bool:
        inm = self.headers.get("If-None-Match")
        if inm is not None:
            # RFC 9110: when If-None-Match is present, If-Modified-Since is ignored.
            return _etag_matches(inm, etag)
        ims = self.headers.get("If-Modified-Since")
        if ims:
            try:
                since = parsedate_to_datetime(ims).timestamp()
            except (TypeError, ValueError, IndexError, OverflowError):
                return False
            return mtime <= since
        return False

    def _respond(self, status: HTTPStatus, ctype: str | None, body: bytes, *, head: bool,
                 headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        self.send_header("X-Content-Type-Options", "nosniff")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if status != HTTPStatus.NOT_MODIFIED:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head and body:
            self.wfile.write(body)

    def _plain(self, status: HTTPStatus, text: str, head: bool) -> None:
        self._respond(status, "text/plain; charset=utf-8", text.encode("utf-8"), head=head,
                      headers={"Cache-Control": "no-store"})

    def _redirect(self, location: str) -> None:
        # 302, not 301: a dev server's layout changes, and browsers cache 301s forever.
        body = f'Moved to <a href="{html.escape(location)}">{html.escape(location)}</a>.\n'.encode()
        self._respond(HTTPStatus.FOUND, "text/html; charset=utf-8", body,
                      head=self.command == "HEAD",
                      headers={"Location": location, "Cache-Control": "no-store"})

    def _not_found(self, source: Source, path: str, head: bool) -> None:
        site = self.server.site
        body = not_found_page(source, path, site.root, site.broker)
        if site.live:
            body = inject_script(body, source.version)
        self._respond(HTTPStatus.NOT_FOUND, "text/html; charset=utf-8", body, head=head,
                      headers={"Cache-Control": "no-store"})

    def _client_js(self, head: bool) -> None:
        self._respond(HTTPStatus.OK, "text/javascript; charset=utf-8", CLIENT_JS.encode(),
                      head=head, headers={"Cache-Control": "no-cache"})

    def _events(self, head: bool) -> None:
        broker = self.server.site.broker
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Accel-Buffering", "no")   # tell buffering proxies to pass events through
        # No length: the stream ends when one side closes, so this connection cannot be reused.
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        if head:
            return
        self.wfile.flush()

        def write(data: bytes) -> None:
            self.wfile.write(data)
            self.wfile.flush()

        # The socket timeout would otherwise cut the stream between heartbeats.
        self.connection.settimeout(None)
        stream_events(broker, write)


def nearby_routes(source: Source, path: str, root: str, limit: int = 8) -> list[str]:
    """URLs of existing routes that look like `path` (difflib ratio), best first."""
    urls = {route_url(root, r) for r in source.routes()}
    # Prefer pages over assets when both match: rank HTML URLs first at equal closeness.
    found = difflib.get_close_matches(path, list(urls), n=limit, cutoff=0.5)
    if not found:
        # Same directory, or same last segment: useful when the slug changed completely.
        parent = posixpath.dirname(path.rstrip("/")) + "/"
        found = sorted(u for u in urls if u.startswith(parent) and u != parent)[:limit]
    return found


def not_found_page(source: Source, path: str, root: str, broker: ReloadBroker | None) -> bytes:
    suggestions = nearby_routes(source, path, root)
    items = "".join(f'<li><a href="{html.escape(u)}">{html.escape(u)}</a></li>' for u in suggestions)
    near = f"<p>Did you mean:</p><ul>{items}</ul>" if items else "<p>No similar routes.</p>"
    err = ""
    if broker is not None and broker.error:
        err = f'<h2>The last build failed</h2><div class="err">{broker.error.get("html", "")}</div>'
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>404 Not Found</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:3rem auto;padding:0 1rem;color:#222}}
code{{background:#f3f3f3;padding:.1em .3em}} pre{{background:#f6f6f6;padding:.6em;overflow:auto}}</style>
</head><body>
<h1>404: <code>{html.escape(path)}</code> is not a route</h1>
{near}
<p><a href="{html.escape(root)}">Home</a> &middot; pyhexo dev server</p>
{err}
</body></html>
"""
    return page.encode("utf-8")
