"""Render many documents in worker processes (forked, so they inherit the engine and site model).

Markdown and highlighting are CPU-bound pure Python; on N cores a pool divides their cost by about N.
Workers send back only the rendered strings (content, excerpt, more), which the parent puts on its
own Document objects. Small batches stay in-process, where forking would cost more than it saves.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
from typing import TYPE_CHECKING, Any

from engine.errors import EngineError, SourceError

if TYPE_CHECKING:
    from engine.core import Engine
    from engine.model import Document, Site

MIN_DOCS_FOR_POOL = 64

# Set in each forked worker just before it starts; never used in the parent process.
_worker_state: dict[str, Any] = {}


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else
               (os.cpu_count() or 1))


def pool_is_worth_it(count: int, workers: int) -> bool:
    return workers > 1 and count >= MIN_DOCS_FOR_POOL and "fork" in \
        multiprocessing.get_all_start_methods()


def render_in_pool(engine: "Engine", docs: list["Document"], site: "Site",
                   workers: int) -> list[tuple[int, tuple | None, Any]]:
    """[(index, (content, excerpt, more, warnings) or None, error or None)] for every document."""
    from engine.highlight import warm_up
    warm_up(str(getattr(d, "body", "") or "") for d in docs)   # once here, not once per worker
    return _run_pool(_render_batch, len(docs), workers, max_chunk=32,
                     engine=engine, docs=docs, site=site)


def parse_in_pool(engine: "Engine", files: list, workers: int) -> list[tuple[int, Any, list, Any]]:
    """[(index, pickled Document or None, warnings, error or None)] for source files."""
    return _run_pool(_parse_batch, len(files), workers, max_chunk=256, engine=engine, files=files)


def render_routes_in_pool(engine: "Engine", routes: list, site: "Site", workers: int,
                          writer=None, record: bool = False) -> list[tuple[int, Any, Any, Any]]:
    """[(index, bytes or None (no layout), error or None, reads or None)] for theme-rendered
    routes; with `record`, what each themed route read (`engine.reads`, hooks installed by the
    caller before the fork).

    Forked after the posts are rendered, so workers see every document's content; each returns
    the page bytes, which are cheap to send back compared with rendering them, or, given an
    `OutputWriter`, writes the page itself and returns its small `Written` record."""
    return _run_pool(_render_route_batch, len(routes), workers, max_chunk=64,
                     engine=engine, routes=routes, site=site, writer=writer, record=record)


def _run_pool(batch_fn, count: int, workers: int, max_chunk: int, **state: Any) -> list:
    """Fork `workers` processes that inherit `state`, and run `batch_fn` over index batches."""
    ctx = multiprocessing.get_context("fork")
    # Freeze the heap so the workers' reference counting does not copy every page of it.
    gc.collect()
    gc.freeze()
    try:
        _worker_state.update(state)
        chunk = max(1, min(max_chunk, count // (workers * 8) or 1))
        batches = [list(range(i, min(i + chunk, count))) for i in range(0, count, chunk)]
        out: list = []
        with ctx.Pool(workers) as pool:
            for part in pool.imap_unordered(batch_fn, batches):
                out.extend(part)
        return out
    finally:
        _worker_state.clear()
        gc.unfreeze()


def _render_batch(indices: list[int]) -> list[tuple[int, tuple | None, Any]]:
    from engine.post_render import render_document
    engine = _worker_state["engine"]
    docs = _worker_state["docs"]
    site = _worker_state["site"]
    results = []
    for i in indices:
        doc = docs[i]
        try:
            render_document(engine, doc, site)
            content = str(doc.content)
            more = content if doc.more == doc.content else str(doc.more)   # sent once if equal
            results.append((i, (content, str(doc.excerpt), more,
                                list(getattr(doc, "render_warnings", []))), None))
        except EngineError as err:
            results.append((i, None, err))
        except Exception as exc:  # reported for this document only
            results.append((i, None, SourceError(f"{type(exc).__name__}: {exc}",
                                                 path=f"{engine.source_display}/{doc.source}")))
    return results


def _parse_batch(indices: list[int]) -> list[tuple[int, Any, list, Any]]:
    from engine.doc_cache import parse_pickled
    engine = _worker_state["engine"]
    files = _worker_state["files"]
    return [(i, *parse_pickled(engine, files[i])) for i in indices]


def _render_route_batch(indices: list[int]) -> list[tuple[int, Any, Any, Any]]:
    from engine.build import render_and_write
    engine = _worker_state["engine"]
    routes = _worker_state["routes"]
    site = _worker_state["site"]
    writer = _worker_state["writer"]
    record = _worker_state["record"]
    results = []
    for i in indices:
        try:
            results.append((i, *render_and_write(engine, routes[i], site, writer, record)))
        except Exception as exc:
            results.append((i, None, EngineError(f"{type(exc).__name__}: {exc} "
                                                 f"(rendering {routes[i].path})"), None))
    return results
