"""Live reload over Server-Sent Events.

`ReloadBroker` is the meeting point between the rebuild thread (which `publish`es) and the SSE
handler threads (which `wait` for events newer than the last one they sent). It keeps a short
history, so a client that was busy writing never misses a `reload` between two `css` events, and
the current error, so a page opened while the site is broken shows the overlay at once.

Wire format (one `text/event-stream` response per tab, `/__pyhexo/events`):

    retry: 1000                     reconnect delay for EventSource
    event: hello   data: {"version": ..., "error": {...} | null}   first, on every connection
    event: reload  data: {"version": ..., "changed": [...]}         HTML (or anything) changed
    event: css     data: {"version": ..., "paths": [...]}           only stylesheets changed
    event: error   data: {"version": ..., "html": ..., "text": ...} the last build failed
    : ping                          heartbeat comment, keeps proxies and dead-peer detection happy

The client compares the `version` of `hello` with the one its page was served with (the
`data-version` attribute of the injected script) and reloads when they differ: that covers builds
missed while the tab was hidden and server restarts (versions are unique per server run).
"""
from __future__ import annotations

import json
import re
import threading
from collections import deque
from dataclasses import dataclass
from typing import Callable, Iterable

from engine.errors import format_error, format_error_html

__all__ = ["Event", "ReloadBroker", "EVENTS_PATH", "CLIENT_PATH", "inject_script", "script_tag",
           "stream_events", "error_payload", "CLIENT_JS"]

EVENTS_PATH = "/__pyhexo/events"
CLIENT_PATH = "/__pyhexo/client.js"
RETRY_MS = 1000
HISTORY = 64


@dataclass(frozen=True)
class Event:
    seq: int
    name: str
    data: dict

    def encode(self) -> bytes:
        # json.dumps never emits a raw newline, so one `data:` line is always enough.
        return f"event: {self.name}\ndata: {json.dumps(self.data)}\n\n".encode("utf-8")


def error_payload(errors: Iterable[BaseException], version: str, limit: int = 20) -> dict:
    """The `error` event body: every error as an HTML fragment (for the overlay) and as text."""
    errs = list(errors)
    shown = errs[:limit]
    html = "".join(f'<div class="pyhexo-err">{format_error_html(e)}</div>' for e in shown)
    text = "\n".join(format_error(e) for e in shown)
    if len(errs) > limit:
        more = f"... and {len(errs) - limit} more"
        html += f"<p>{more}</p>"
        text += "\n" + more
    return {"version": version, "count": len(errs), "html": html, "text": text}


class ReloadBroker:
    """Fan-out of build events to SSE clients. One per server; all state is per instance."""

    def __init__(self, version: str = "", *, heartbeat: float = 15.0):
        self._cond = threading.Condition()
        self._seq = 0
        self._history: deque[Event] = deque(maxlen=HISTORY)
        self._closed = False
        self.version = version
        self.error: dict | None = None      # the current error payload, None when the build is good
        self.heartbeat = heartbeat
        self.clients = 0

    @property
    def seq(self) -> int:
        with self._cond:
            return self._seq

    def publish(self, name: str, data: dict) -> Event:
        """Record an event and wake every waiting client. `error` sets, `reload`/`css` clear the error."""
        with self._cond:
            self._seq += 1
            # Every event names the snapshot now served (an error build may still swap in the
            # pages that did build), so `hello` always tells a new page the truth.
            if "version" in data:
                self.version = data["version"]
            self.error = data if name == "error" else None
            ev = Event(self._seq, name, data)
            self._history.append(ev)
            self._cond.notify_all()
            return ev

    def events_after(self, seq: int) -> list[Event]:
        with self._cond:
            return self._events_after(seq)

    def _events_after(self, seq: int) -> list[Event]:
        events = [e for e in self._history if e.seq > seq]
        if events and events[0].seq != seq + 1:
            # The client fell behind the history: whatever it missed, a reload catches up.
            return [Event(self._seq, "reload", {"version": self.version, "changed": []})]
        return events

    def wait(self, seq: int, timeout: float) -> list[Event] | None:
        """Events newer than `seq`, waiting up to `timeout`; [] on timeout; None once closed."""
        with self._cond:
            self._cond.wait_for(lambda: self._closed or self._seq > seq, timeout)
            if self._closed:
                return None
            return self._events_after(seq)

    def hello(self) -> tuple[int, Event]:
        """The greeting for a new connection and the sequence number to continue from."""
        with self._cond:
            return self._seq, Event(self._seq, "hello", {"version": self.version, "error": self.error})

    def close(self) -> None:
        """Wake and end every SSE stream (server shutdown)."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    @property
    def closed(self) -> bool:
        return self._closed


def stream_events(broker: ReloadBroker, write: Callable[[bytes], None]) -> None:
    """Run one SSE connection until the client goes away or the broker closes.

    `write` sends bytes and flushes; it raises OSError when the peer has gone, which ends the loop.
    """
    seq, hello = broker.hello()
    with broker._cond:
        broker.clients += 1
    try:
        write(f"retry: {RETRY_MS}\n\n".encode() + hello.encode())
        while True:
            events = broker.wait(seq, broker.heartbeat)
            if events is None:
                return
            if not events:
                write(b": ping\n\n")   # also how we notice a closed tab: the write fails
                continue
            write(b"".join(e.encode() for e in events))
            seq = events[-1].seq
    except (OSError, ValueError):  # ValueError: write to a closed file
        return
    finally:
        with broker._cond:
            broker.clients -= 1


def script_tag(version: str) -> bytes:
    return f'<script src="{CLIENT_PATH}" data-version="{version}" defer></script>'.encode()


_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)


def inject_script(html: bytes, version: str) -> bytes:
    """Insert the client script before the last `</body>` (or at the end when there is none)."""
    tag = script_tag(version)
    matches = list(_BODY_END.finditer(html))
    if not matches:
        return html + tag
    at = matches[-1].start()
    return html[:at] + tag + html[at:]


# The browser side. Plain ES2017, no dependencies; kept small because it is sent with every page.
CLIENT_JS = r"""/* pyhexo live reload: served by `pyhexo server` only, never written to public/ */
(function () {
  "use strict";
  if (window.__pyhexoLive) return;
  window.__pyhexoLive = true;
  var me = document.currentScript;
  var pageVersion = me ? me.getAttribute("data-version") : null;
  var KEY = "pyhexo:scroll:" + location.pathname;
  var source = null, retryTimer = null, retryDelay = 1000, host = null;

  // Scroll restore after a live reload (keyed by path, so other pages are not affected).
  try {
    var saved = sessionStorage.getItem(KEY);
    if (saved) {
      sessionStorage.removeItem(KEY);
      var xy = JSON.parse(saved);
      var restore = function () { window.scrollTo(xy[0], xy[1]); };
      if (document.readyState === "complete") restore();
      else window.addEventListener("load", restore, { once: true });
      restore();
    }
  } catch (e) {}

  function reload() {
    try { sessionStorage.setItem(KEY, JSON.stringify([window.scrollX, window.scrollY])); } catch (e) {}
    location.reload();
  }

  function swapCss(paths) {
    var links = Array.prototype.slice.call(document.querySelectorAll('link[rel~="stylesheet"]'));
    var local = links.filter(function (l) {
      try { return new URL(l.href, location.href).origin === location.origin; } catch (e) { return false; }
    });
    var hit = local.filter(function (l) {
      var p = new URL(l.href, location.href).pathname;
      return paths.some(function (c) { return p === "/" + c || p.slice(-(c.length + 1)) === "/" + c; });
    });
    // A stylesheet we cannot match (e.g. pulled in by @import) still needs fresh rules: swap all.
    (hit.length ? hit : local).forEach(function (link) {
      var u = new URL(link.href, location.href);
      u.searchParams.set("pyhexo", Date.now().toString(36));
      var fresh = link.cloneNode(false);
      fresh.href = u.href;
      // Remove the old sheet only once the new one is in, so the page never flashes unstyled.
      var done = function () { if (link.parentNode) link.parentNode.removeChild(link); };
      fresh.addEventListener("load", done);
      fresh.addEventListener("error", done);
      link.parentNode.insertBefore(fresh, link.nextSibling);
    });
  }

  function hideOverlay() {
    if (host && host.parentNode) host.parentNode.removeChild(host);
    host = null;
  }

  function onKey(ev) { if (ev.key === "Escape") hideOverlay(); }

  function showOverlay(err) {
    hideOverlay();
    host = document.createElement("pyhexo-error-overlay");
    // Shadow DOM keeps the site's CSS out of the overlay and ours out of the site.
    var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
    root.innerHTML =
      '<style>' +
      ':host{all:initial;position:fixed;inset:0;z-index:2147483647;display:block}' +
      '.bg{position:absolute;inset:0;background:rgba(20,20,20,.66);display:flex;' +
      'align-items:flex-start;justify-content:center;overflow:auto;padding:6vh 16px}' +
      '.box{background:#fff;color:#1b1b1b;max-width:960px;width:100%;border-top:6px solid #d33;' +
      'border-radius:6px;box-shadow:0 8px 40px rgba(0,0,0,.4);padding:20px 24px;' +
      'font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif}' +
      'h2{margin:0 0 12px;font-size:18px;color:#b00}' +
      'pre{background:#f6f6f6;padding:10px 12px;overflow:auto;font:13px/1.45 ui-monospace,Menlo,Consolas,monospace}' +
      'strong{font-family:ui-monospace,Menlo,Consolas,monospace}' +
      '.pyhexo-err{border-bottom:1px solid #eee;padding:6px 0}' +
      'button{float:right;border:0;background:none;font-size:24px;line-height:1;cursor:pointer;color:#555}' +
      '.hint{color:#666;font-size:13px;margin-top:10px}' +
      '</style>' +
      '<div class="bg" part="backdrop"><div class="box" role="alertdialog" aria-label="Build error">' +
      '<button type="button" title="Dismiss (Esc)" aria-label="Dismiss">\u00d7</button>' +
      '<h2>Build error</h2><div class="body"></div>' +
      '<p class="hint">The last good version of the site is still served. Fix the file and save: ' +
      'this goes away by itself.</p></div></div>';
    // The HTML comes from our server, built with escaped fields (engine.errors.format_error_html).
    root.querySelector(".body").innerHTML = err.html || "";
    root.querySelector("button").addEventListener("click", hideOverlay);
    document.addEventListener("keydown", onKey);
    (document.body || document.documentElement).appendChild(host);
  }

  function parse(ev) { try { return JSON.parse(ev.data); } catch (e) { return {}; } }

  function connect() {
    if (source || document.visibilityState === "hidden") return;
    clearTimeout(retryTimer);
    source = new EventSource("/__pyhexo/events");
    source.addEventListener("hello", function (ev) {
      retryDelay = 1000;
      var d = parse(ev);
      if (pageVersion && d.version && d.version !== pageVersion) return reload();
      if (d.error) showOverlay(d.error); else hideOverlay();
    });
    source.addEventListener("reload", function () { hideOverlay(); reload(); });
    source.addEventListener("css", function (ev) {
      var d = parse(ev);
      hideOverlay();
      swapCss(d.paths || []);
      if (d.version) pageVersion = d.version;  // the HTML is still current
    });
    source.addEventListener("error", function (ev) {
      // Named server event "error" and the EventSource's own connection error share this name;
      // only the former carries data.
      if (ev.data) { showOverlay(parse(ev)); return; }
      if (source && source.readyState === EventSource.CLOSED) {
        // The browser gave up (e.g. the server answered 502 during a restart): retry ourselves.
        source = null;
        retryTimer = setTimeout(connect, retryDelay);
        retryDelay = Math.min(retryDelay * 2, 10000);
      }
    });
  }

  function disconnect() {
    if (source) { source.close(); source = null; }
  }

  // Hidden tabs hold no connection: browsers allow only ~6 per host over HTTP/1.1.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") disconnect(); else connect();
  });
  window.addEventListener("pagehide", disconnect);
  window.addEventListener("pageshow", connect);
  connect();
})();
"""
