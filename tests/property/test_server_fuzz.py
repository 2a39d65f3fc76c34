"""Fuzz the dev server's request path and headers over real sockets on 127.0.0.1.

Two servers: a live one serving a build from memory, and a `--static` one serving `public/` from
disk. Next to the served output there is a secret file (`site/secret.txt`; `public/` holds a
symlink to it as well). Whatever the request line and headers (percent-encodings, dot segments,
unicode look-alikes, backslashes, very long paths, junk Host/Range/If-None-Match/...):
  * the secret is never in a response, and a 200 only ever carries one of the site's own files;
  * no 5xx;
  * the server keeps answering a normal request.
"""
from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.server import DevServer

SECRET = b"TOP-SECRET-7f3a9c-do-not-serve"
PAGES = {
    "index.html": b"<!doctype html><html><body><h1>home</h1></body></html>",
    "about/index.html": b"<!doctype html><html><body>about page</body></html>",
    "css/style.css": b"body { color: #123456 }\n" * 20,
    "a b/\xc3\xa9t\xc3\xa9.txt".encode().decode("utf-8"): b"unicode name",
    "secret/index.html": b"<!doctype html><html><body>a page called secret</body></html>",
}
EXAMPLES = 300


class Builder:
    def __call__(self, changes=None):
        from types import SimpleNamespace
        return SimpleNamespace(outputs=dict(PAGES), errors=[], warnings=[], build_id=1)


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    site = tmp_path_factory.mktemp("fuzz-site")
    (site / "secret.txt").write_bytes(SECRET)
    (site / ".env").write_bytes(SECRET)
    public = site / "public"
    for rel, body in PAGES.items():
        path = public / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
    (public / "link-to-secret.txt").symlink_to(site / "secret.txt")
    (public / "dir-link").symlink_to(site, target_is_directory=True)
    devnull = open(os.devnull, "w")
    live = DevServer(Builder(), None, host="127.0.0.1", port=0, out=devnull, err=devnull).start()
    static = DevServer(None, None, host="127.0.0.1", port=0, static_dir=public, out=devnull,
                       err=devnull).start()
    allowed = {body for body in PAGES.values()}
    yield {"live": live, "static": static, "allowed": allowed}
    live.shutdown()
    static.shutdown()
    devnull.close()


def raw_request(port: int, request: bytes, timeout: float = 10.0) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request)
        chunks = []
        while True:
            try:
                data = sock.recv(65536)
            except (ConnectionResetError, TimeoutError, socket.timeout):
                break
            if not data:
                break
            chunks.append(data)
    return b"".join(chunks)


def parse(response: bytes) -> tuple[int | None, dict[str, str], bytes]:
    head, _, body = response.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = None
    if lines and lines[0].startswith(b"HTTP/"):
        try:
            status = int(lines[0].split()[1])
        except (IndexError, ValueError):
            status = None
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(b":")
        headers[k.strip().lower().decode("latin-1")] = v.strip().decode("latin-1")
    return status, headers, body


def check(servers, response: bytes) -> None:
    assert SECRET not in response
    status, headers, body = parse(response)
    assert status is not None, response[:200]
    assert status < 500, response[:300]
    if status == 200 and headers.get("content-encoding") != "gzip" and body:
        # A 200 carries one of the site's own files (HTML may have the reload script injected).
        assert any(body == page or body.startswith(page[:40]) for page in servers["allowed"]), body[:200]


def still_up(servers) -> None:
    for name in ("live", "static"):
        port = servers[name].port
        status, _, body = parse(raw_request(port, f"GET /about/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                                                 "Connection: close\r\n\r\n".encode()))
        assert status == 200 and b"about page" in body


# -- strategies -------------------------------------------------------------------------------

TRICKY = [
    "..", ".", "%2e%2e", "%2E%2e", ".%2e", "%2e.", "..%2f", "%2f", "%2F", "%5c", "%5C", "\\", "..\\",
    "%c0%ae%c0%ae", "%c0%af", "%e0%80%ae", "%ef%bc%8e%ef%bc%8e", "\uff0e\uff0e", "%252e%252e",
    "%00", "%0a", "%0d%0a", "secret.txt", ".env", "public", "link-to-secret.txt", "dir-link",
    "C:", "c%3a", "%u002e", "about", "index.html", "css", "style.css", "", "~", "*", "?", "#",
    ";", "%", "%%", "%zz", "a b", "\u00e9t\u00e9.txt", "a%20b", "\u202e", "\u0000", "__pyhexo",
    "events", "client.js",
]
segment = st.one_of(
    st.sampled_from(TRICKY),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"),
            max_size=12),
    st.text(alphabet="%./\\0123456789abcdefABCDEF", max_size=10),
)
path_strategy = st.one_of(
    st.lists(segment, max_size=8).map(lambda segs: "/" + "/".join(segs)),
    st.lists(segment, max_size=8).map(lambda segs: "/" + "%2f".join(segs)),
    st.lists(segment, min_size=1, max_size=4).map(lambda segs: "".join(segs)),   # no leading /
    st.integers(min_value=1000, max_value=9000).map(lambda n: "/" + "a/" * (n // 2)),  # very long
    st.sampled_from(["http://127.0.0.1/secret.txt", "//etc/passwd", "/..", "/../secret.txt",
                     "/%2e%2e/secret.txt", "/dir-link/secret.txt", "/link-to-secret.txt",
                     "/static/../../secret.txt", "*", "/about/../../secret.txt", "/about/..%5c..%5csecret.txt",
                     "/__pyhexo/../secret.txt", "/%5c..%5csecret.txt", "/about/%2e%2e/%2e%2e/secret.txt"]),
)
header_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"),
                      max_size=60)
host_strategy = st.one_of(
    st.none(),
    st.sampled_from(["localhost", "127.0.0.1", "[::1]", "evil.example", "localhost.evil.example",
                     "127.0.0.1.nip.io", "0.0.0.0", "", ":", "[", "[::1", "[::ffff:127.0.0.1]:80",
                     "LOCALHOST.", "x.localhost", "127.1", "2130706433", "::1"]),
    header_text,
)
range_strategy = st.one_of(st.none(), st.sampled_from(["bytes=0-", "bytes=-1", "bytes=5-2",
                                                        "bytes=0-0,1-1", "bytes=99999999999-"]),
                           header_text)
etag_strategy = st.one_of(st.none(), st.sampled_from(["*", "W/\"x\"", "\"", ",,,", "W/"]), header_text)
date_strategy = st.one_of(st.none(), st.sampled_from(["Thu, 01 Jan 1970 00:00:00 GMT", "yesterday",
                                                      "Sun, 99 Foo 99999 99:99:99 GMT"]), header_text)
encoding_strategy = st.one_of(st.none(), st.sampled_from(["gzip", "gzip;q=0", "gzip;q=x", "*", "br"]),
                              header_text)


def encode_line(text: str) -> bytes:
    # What a client can put on the wire: UTF-8, with CR/LF impossible (they end the line).
    return text.replace("\r", "").replace("\n", "").encode("utf-8", "surrogatepass")


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(which=st.sampled_from(["live", "static"]), method=st.sampled_from(["GET", "HEAD"]),
       path=path_strategy, host=host_strategy, rng=range_strategy, inm=etag_strategy,
       ims=date_strategy, enc=encoding_strategy)
def test_fuzzed_requests_never_leak_or_crash(servers, which, method, path, host, rng, inm, ims, enc):
    port = servers[which].port
    lines = [f"{method} ".encode() + encode_line(path) + b" HTTP/1.1"]
    for name, value in (("Host", host), ("Range", rng), ("If-None-Match", inm),
                        ("If-Modified-Since", ims), ("Accept-Encoding", enc)):
        if value is not None:
            lines.append(name.encode() + b": " + encode_line(value))
    lines.append(b"Connection: close")
    response = raw_request(port, b"\r\n".join(lines) + b"\r\n\r\n")
    if response:            # the server may drop a request line it cannot parse at all
        check(servers, response)


def test_server_survives_the_fuzzing(servers):
    # Runs after the property test in file order; also a check on its own.
    still_up(servers)


@pytest.mark.parametrize("path", ["/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt",
                                  "/%252e%252e/secret.txt", "/link-to-secret.txt",
                                  "/dir-link/secret.txt", "/dir-link/.env", "/%c0%ae%c0%ae/secret.txt",
                                  "/\uff0e\uff0e/secret.txt", "//secret.txt", "/public/../secret.txt",
                                  "http://127.0.0.1/../secret.txt"])
def test_known_traversals(servers, path):
    for which in ("live", "static"):
        port = servers[which].port
        response = raw_request(port, b"GET " + encode_line(path) + f" HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                               "Connection: close\r\n\r\n".encode())
        assert SECRET not in response
        status, _, _ = parse(response)
        assert status in (400, 404), (which, path, response[:200])


def test_many_connections_at_once_then_normal_service(servers):
    """Half-open junk from many threads does not wedge the server."""
    port = servers["live"].port
    errors: list[BaseException] = []

    def junk(i: int) -> None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
                s.sendall(b"GET /" + b"%2e" * (i % 50) + b" HTTP/1.1\r\nHost: localhost\r\n")  # no end
        except OSError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=junk, args=(i,)) for i in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert not errors
    still_up(servers)
