#!/usr/bin/env python3
"""Dev-server latency benchmark (run by hand, never by the test suite).

Generates the shared synthetic corpus (Hexo flavor, N posts), starts `pyhexo server --port 0` on it
as a real subprocess, listens to the live-reload stream (`/__pyhexo/events`) like a browser tab,
then edits one post at a time and measures, from just before the file is written:

  * sse_ms  until the `reload` event arrives;
  * get_ms  until a GET of that post (sent when the event arrives, as the browser does) returns
            the new text.

Prints one JSON object: medians, p90s, the server's own "Rebuilt in" figures and the first build.

    python bench/bench_server.py --n 1000 [--edits 20] [--keep DIR]
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def make_corpus(n: int, out: Path) -> None:
    script = SHARED / "bench" / "make_corpus.py"
    subprocess.run([sys.executable, str(script), "--n", str(n), "--out", str(out),
                    "--flavor", "hexo"], check=True, stdout=subprocess.DEVNULL)


def post_url(post: Path) -> str:
    """The corpus' permalink (`:year/:month/:day/:title/`) from the front-matter date."""
    text = post.read_text("utf-8")
    date = re.search(r"^date:\s*['\"]?(\d{4})-(\d{2})-(\d{2})", text, flags=re.M)
    assert date, f"no date in {post}"
    y, m, d = date.groups()
    return f"/{y}/{m}/{d}/{urllib.parse.quote(post.stem)}/"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


class EventStream(threading.Thread):
    """One SSE connection; records (arrival time, event name, data) for every event."""

    def __init__(self, host: str, port: int):
        super().__init__(daemon=True)
        self.sock = socket.create_connection((host, port), timeout=None)
        self.sock.sendall(f"GET /__pyhexo/events HTTP/1.1\r\nHost: {host}:{port}\r\n"
                          f"Accept: text/event-stream\r\n\r\n".encode())
        self.events: list[tuple[float, str, dict]] = []
        self.cond = threading.Condition()

    def run(self) -> None:
        buf = b""
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return
                now = time.perf_counter()
                buf += chunk
                while b"\n\n" in buf:
                    block, buf = buf.split(b"\n\n", 1)
                    name, data = None, None
                    for line in block.decode("utf-8", "replace").splitlines():
                        if line.startswith("event:"):
                            name = line[6:].strip()
                        elif line.startswith("data:"):
                            data = line[5:].strip()
                    if name:
                        with self.cond:
                            self.events.append((now, name, json.loads(data) if data else {}))
                            self.cond.notify_all()
        except OSError:
            return

    def wait_event(self, after: int, names: set[str], timeout: float):
        """The first event with index >= after and a name in `names`: (index, time, name, data)."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for i in range(after, len(self.events)):
                    if self.events[i][1] in names:
                        return (i, *self.events[i])
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(left)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--edits", type=int, default=20)
    ap.add_argument("--keep", type=Path, help="reuse/keep the corpus in this folder")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for one edit")
    args = ap.parse_args()
    site = args.keep or Path(tempfile.mkdtemp(prefix=f"pyhexo-server-bench-{args.n}-"))
    if not (site / "_config.yml").exists():
        make_corpus(args.n, site)
    posts = sorted((site / "source" / "_posts").glob("*.md"))

    started = time.perf_counter()
    # The corpus names `theme: landscape`, which is not there: use the bundled theme by name.
    (site / "_config.bench.yml").write_text("theme: scholar\n", "utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "engine", "--config",
                             "_config.yml,_config.bench.yml", "server", "--port", "0"], cwd=site,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, start_new_session=True)
    lines: list[str] = []
    url = None
    while url is None:
        line = proc.stdout.readline()
        if not line:
            raise SystemExit("server exited:\n" + "".join(lines))
        lines.append(line)
        found = re.search(r"running at (http://\S+?)/? \(", line)
        if found:
            url = found.group(1)
    first_build = time.perf_counter() - started

    rebuilt: list[float] = []

    def drain() -> None:
        for line in proc.stdout:
            lines.append(line)
            m = re.search(r"Rebuilt in (\d+) ms", line)
            if m:
                rebuilt.append(float(m.group(1)))

    threading.Thread(target=drain, daemon=True).start()
    parts = urllib.parse.urlsplit(url)
    host, port = parts.hostname, parts.port
    stream = EventStream(host, port)
    stream.start()
    assert stream.wait_event(0, {"hello"}, 10), "no hello event"

    sse_ms: list[float] = []
    get_ms: list[float] = []
    originals: dict[Path, str] = {}
    try:
        for k in range(args.edits):
            post = posts[(len(posts) // 2 + k) % len(posts)]
            path = post_url(post)
            text = originals.setdefault(post, post.read_text("utf-8"))
            marker = f"bench-edit-{k}-{os.getpid()}"
            after = len(stream.events)
            t0 = time.perf_counter()
            post.write_text(text + f"\n\nParagraph {marker}.\n", "utf-8")
            got_sse = got_get = None
            while got_get is None:
                ev = stream.wait_event(after, {"reload", "error"}, args.timeout)
                if ev is None:
                    raise SystemExit(f"edit {k}: no reload within {args.timeout} s\n" + "".join(lines[-20:]))
                index, when, name, _data = ev
                after = index + 1
                if name == "error":
                    raise SystemExit(f"edit {k}: build error\n" + "".join(lines[-20:]))
                got_sse = got_sse or when
                conn = http.client.HTTPConnection(host, port, timeout=10)
                conn.request("GET", path)
                body = conn.getresponse().read()
                conn.close()
                if marker.encode() in body:
                    got_get = time.perf_counter()
            sse_ms.append((got_sse - t0) * 1000)
            get_ms.append((got_get - t0) * 1000)
            time.sleep(0.3)   # let the server go idle; distinct mtimes
    finally:
        for post, text in originals.items():
            post.write_text(text, "utf-8")
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)

    def summary(values: list[float]) -> dict:
        return {"median": round(statistics.median(values), 1), "p90": round(percentile(values, 0.9), 1),
                "min": round(min(values), 1), "max": round(max(values), 1)}

    print(json.dumps({
        "n": args.n, "edits": len(sse_ms), "first_build_s": round(first_build, 2),
        "sse_ms": summary(sse_ms), "get_ms": summary(get_ms),
        "server_rebuild_ms": summary(rebuilt[: len(sse_ms)]) if rebuilt else None,
        "target_ms": 100,
    }))


if __name__ == "__main__":
    main()
