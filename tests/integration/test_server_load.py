"""The dev server under load, on loopback only, with bounded counts and time.

* 50 client threads (keep-alive connections) request pages for ~15 s while another thread edits
  posts; every edit is picked up by the watcher and rebuilt (incrementally) by the real engine.
  No request fails, and every HTML page is whole and from one build: a post's revision number
  appears in its <title>, its <h1>, every line of its body and its footer, and they must agree.
  The p99 latency is printed.
* 100 open live-reload (SSE) streams at once do not starve the server: a normal GET still
  answers quickly, and a rebuild reaches every stream.
"""
from __future__ import annotations

import http.client
import os
import random
import re
import socket
import statistics
import threading
import time
from pathlib import Path

import pytest

from sitekit import write_site
from engine.core import Engine
from engine.server import DevServer, EngineBuilder
from engine.watch import WatchLayout

pytestmark = pytest.mark.slow

CLIENTS = 50
DURATION = 15.0
STREAMS = 100
POSTS = 6
LINES = 150

THEME = {
    "themes/t/layout/layout.html": "<!DOCTYPE html><html><head><title>{{ page.title }}</title>"
                                   "<link rel=\"stylesheet\" href=\"/css/site.css\"></head><body>"
                                   "{{ body }}<footer data-title=\"{{ page.title }}\">end</footer>"
                                   "</body></html>",
    "themes/t/layout/index.html": "{% for p in page.posts %}<a href=\"{{ url_for(p.path) }}\">"
                                  "{{ p.title }}</a>\n{% endfor %}",
    "themes/t/layout/post.html": "<article><h1>{{ page.title }}</h1>{{ page.content }}</article>",
    "themes/t/layout/page.html": "<main>{{ page.content }}</main>",
    "themes/t/layout/archive.html": "archive {{ page.posts | length }}",
    "themes/t/source/css/site.css": "body { color: #222 }\n",
}


def post_text(k: int, rev: int) -> str:
    body = "\n\n".join(f"Line {i} of post {k} at rev {rev}." for i in range(LINES))
    return f"---\ntitle: Post {k} rev {rev}\ndate: 2024-02-{k + 1:02d} 10:00:00\n---\n{body}\n"


def check_post_page(html: str, k: int) -> int:
    """The revision of a whole, single-build post page (AssertionError otherwise)."""
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>"), html[-200:]
    revs = {int(r) for r in re.findall(rf"Post {k} rev (\d+)", html)}        # title, h1, footer
    revs |= {int(r) for r in re.findall(rf"of post {k} at rev (\d+)\.", html)}  # every body line
    assert len(re.findall(rf"of post {k} at rev \d+\.", html)) == LINES, "truncated body"
    assert len(revs) == 1, f"post {k} mixes revisions {sorted(revs)}"
    return revs.pop()


@pytest.fixture
def server(tmp_path):
    files = dict(THEME)
    for k in range(POSTS):
        files[f"source/_posts/p{k}.md"] = post_text(k, 0)
    site = write_site(tmp_path / "site", files, theme=False)
    devnull = open(os.devnull, "w")
    builder = EngineBuilder(lambda: Engine(site))
    srv = DevServer(builder, WatchLayout.from_site_dir(site, theme="t"), host="127.0.0.1", port=0,
                    out=devnull, err=devnull).start()
    yield srv, site
    srv.shutdown()
    devnull.close()


def post_url(k: int) -> str:
    return f"/2024/02/{k + 1:02d}/p{k}/"


def test_fifty_clients_while_posts_change(server):
    srv, site = server
    port = srv.port
    stop = threading.Event()
    latencies: list[float] = []
    errors: list[str] = []
    seen_revs: dict[int, set[int]] = {k: set() for k in range(POSTS)}
    lock = threading.Lock()

    def client(seed: int) -> None:
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        etags: dict[str, str] = {}
        mine: list[float] = []
        try:
            while not stop.is_set():
                k = rng.randrange(POSTS)
                path = rng.choice([post_url(k)] * 6 + ["/", "/css/site.css", "/archives/"])
                headers = {}
                if path in etags and rng.random() < 0.3:
                    headers["If-None-Match"] = etags[path]
                if rng.random() < 0.3:
                    headers["Accept-Encoding"] = "gzip"
                t0 = time.perf_counter()
                try:
                    conn.request("GET", path, headers=headers)
                    resp = conn.getresponse()
                    body = resp.read()
                except (OSError, http.client.HTTPException) as exc:
                    with lock:
                        errors.append(f"{path}: {type(exc).__name__}: {exc}")
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                    continue
                mine.append(time.perf_counter() - t0)
                if resp.status == 304:
                    continue
                if resp.status != 200:
                    with lock:
                        errors.append(f"{path}: HTTP {resp.status}")
                    continue
                if resp.getheader("ETag"):
                    etags[path] = resp.getheader("ETag")
                if resp.getheader("Content-Encoding") == "gzip":
                    import gzip
                    body = gzip.decompress(body)
                if path == post_url(k):
                    try:
                        rev = check_post_page(body.decode("utf-8"), k)
                    except AssertionError as exc:
                        with lock:
                            errors.append(f"{path}: {exc}")
                        continue
                    with lock:
                        seen_revs[k].add(rev)
                elif path.endswith("/"):
                    text = body.decode("utf-8")
                    if not (text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")):
                        with lock:
                            errors.append(f"{path}: incomplete page")
        finally:
            conn.close()
            with lock:
                latencies.extend(mine)

    def editor() -> None:
        rng = random.Random(99)
        rev = 0
        while not stop.is_set():
            rev += 1
            k = rng.randrange(POSTS)
            # Saved the way editors save (a temp file renamed into place): a plain write_text
            # truncates first, and with 50 client threads holding the GIL the write itself can
            # come tens of ms later, so a rebuild in between sees an empty post (no date, so
            # another URL) and clients rightly get a 404 for a moment.
            tmp = site / f".p{k}.md.saving"
            tmp.write_text(post_text(k, rev), "utf-8")
            os.replace(tmp, site / f"source/_posts/p{k}.md")
            stop.wait(0.15)

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(CLIENTS)]
    edit_thread = threading.Thread(target=editor, daemon=True)
    builds_before = len(srv.builds)
    for t in threads:
        t.start()
    edit_thread.start()
    time.sleep(DURATION)
    stop.set()
    for t in [*threads, edit_thread]:
        t.join(15)
    assert not any(t.is_alive() for t in threads)

    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
    p50 = statistics.median(latencies) * 1000
    rebuilds = len(srv.builds) - builds_before
    print(f"\nload: {len(latencies)} requests from {CLIENTS} clients in {DURATION:.0f} s, "
          f"{len(errors)} errors, p50 {p50:.1f} ms, p99 {p99:.1f} ms, {rebuilds} rebuilds, "
          f"revisions seen per post {[len(v) for v in seen_revs.values()]}")
    assert errors == [], errors[:10]
    assert len(latencies) > 1000
    assert rebuilds >= 5, "the edits did not trigger rebuilds"
    assert all(b.ok for b in srv.builds)
    assert sum(len(v) > 1 for v in seen_revs.values()) >= 3, "clients never saw a new revision"


def open_stream(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(f"GET /__pyhexo/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                 "Accept: text/event-stream\r\n\r\n".encode())
    return sock


def read_until(sock: socket.socket, needle: bytes, timeout: float) -> bytes:
    deadline = time.monotonic() + timeout
    buf = b""
    while needle not in buf:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"{needle!r} not received; got {buf[-200:]!r}")
        sock.settimeout(left)
        data = sock.recv(65536)
        if not data:
            raise ConnectionError(f"closed before {needle!r}")
        buf += data
    return buf


def test_hundred_sse_streams_do_not_starve_the_server(server):
    srv, site = server
    port = srv.port
    streams = []
    try:
        for _ in range(STREAMS):
            streams.append(open_stream(port))
        for s in streams:
            read_until(s, b"event: hello", 10)
        assert srv.broker.clients == STREAMS
        # A normal request is still answered quickly.
        times = []
        for _ in range(20):
            t0 = time.perf_counter()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", post_url(1))
            resp = conn.getresponse()
            body = resp.read()
            conn.close()
            times.append(time.perf_counter() - t0)
            assert resp.status == 200 and check_post_page(body.decode(), 1) == 0
        worst = max(times) * 1000
        print(f"\n{STREAMS} SSE streams open: GET median {statistics.median(times) * 1000:.1f} ms, "
              f"worst {worst:.1f} ms")
        assert worst < 1000
        # A rebuild reaches every stream.
        (site / "source/_posts/p2.md").write_text(post_text(2, 1), "utf-8")
        for s in streams:
            read_until(s, b"event: reload", 20)
    finally:
        for s in streams:
            s.close()
    # Closed tabs are noticed (at the latest by the next write); the server stays healthy.
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("GET", "/")
    assert conn.getresponse().status == 200
    conn.close()
