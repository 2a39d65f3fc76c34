"""External link checks (`pyhexo check --external`): concurrent, cached, time-bounded.

Each URL gets a HEAD request (then a GET when the server refuses HEAD); redirects are followed.
404/410, 5xx, DNS and connection failures and timeouts are problems; 401/403/429 (and LinkedIn's
999) cannot be verified by a robot and are skipped, not reported. Good results are cached in
`.pyhexo-cache/link-check.json` for `cache_ttl` seconds, so a second run only asks what changed or
failed. Nothing here runs unless asked: the default check never touches the network.
"""
from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path
from typing import Callable

__all__ = ["check_external", "CACHE_NAME"]

CACHE_NAME = "link-check.json"
UNVERIFIABLE = {401, 403, 429, 999}
USER_AGENT = "Mozilla/5.0 (compatible; pyhexo-link-check; +https://hexo.io)"

Result = tuple[bool | None, str]     # (ok; None = not checked), message


def _fetch(url: str, timeout: float) -> Result:
    last: Result = (False, "no answer")
    for method in ("HEAD", "GET"):
        req = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT,
                                                                  "Accept": "*/*"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:   # noqa: S310 - http(s) only
                if method == "GET":
                    resp.read(1024)
                return (True, f"HTTP {resp.status}")
        except urllib.error.HTTPError as exc:
            code = exc.code
            if method == "HEAD" and code in (400, 403, 404, 405, 406, 429, 500, 501, 503):
                last = (False, f"HTTP {code}")
                continue      # many servers mishandle HEAD: ask again with GET
            if code in UNVERIFIABLE:
                return (None, f"HTTP {code} (cannot be verified automatically)")
            if code in (404, 410):
                return (False, f"broken external link (HTTP {code})")
            if code >= 500:
                return (False, f"external server error (HTTP {code})")
            if code >= 400:
                return (False, f"external link answers HTTP {code}")
            return (True, f"HTTP {code}")
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, (socket.timeout, TimeoutError)):
                return (False, f"external link timed out after {timeout:g} s")
            return (False, f"external link unreachable ({reason})")
        except (socket.timeout, TimeoutError):
            return (False, f"external link timed out after {timeout:g} s")
        except (ValueError, OSError) as exc:
            return (False, f"external link unreachable ({exc})")
    return last


def _load_cache(path: Path | None) -> dict[str, dict]:
    if path is None or not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text("utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _save_cache(path: Path | None, cache: dict[str, dict]) -> None:
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(cache, indent=0, sort_keys=True), "utf-8")
        tmp.replace(path)
    except OSError:
        pass


def check_external(urls: list[str], *, cache_dir: Path | None = None, timeout: float = 10.0,
                   deadline: float = 60.0, workers: int = 16, cache_ttl: float = 86400.0,
                   fetch: Callable[[str, float], Result] | None = None) -> dict[str, Result]:
    """{url: (ok, message)} for every URL; those not done by `deadline` seconds are (None, …)."""
    fetch = fetch or _fetch
    cache_path = (cache_dir / CACHE_NAME) if cache_dir is not None else None
    cache = _load_cache(cache_path)
    now = time.time()
    results: dict[str, Result] = {}
    todo: list[str] = []
    for url in dict.fromkeys(urls):
        hit = cache.get(url)
        if hit and hit.get("ok") is True and now - float(hit.get("at", 0)) < cache_ttl:
            results[url] = (True, str(hit.get("message", "cached")))
        else:
            todo.append(url)
    if todo:
        pool = ThreadPoolExecutor(max_workers=max(1, min(workers, len(todo))))
        futures = {pool.submit(fetch, url, timeout): url for url in todo}
        done, pending = wait(futures, timeout=max(0.0, deadline))
        for fut in done:
            url = futures[fut]
            try:
                results[url] = fut.result()
            except Exception as exc:   # a bug in a custom fetch: report, never crash the check
                results[url] = (False, f"external check failed ({type(exc).__name__})")
        for fut in pending:
            fut.cancel()
            results[futures[fut]] = (None, f"not checked within the {deadline:g} s limit")
        pool.shutdown(wait=False, cancel_futures=True)
        for url in todo:
            ok, message = results[url]
            if ok is not None:
                cache[url] = {"ok": ok, "message": message, "at": now}
        _save_cache(cache_path, cache)
    return results
