"""`pyhexo list post|page|route|tag|category`: the site's content as readable tables (rich).

Rows are plain data (`rows(engine, kind)`) so tests and scripts need no table parsing; `render`
draws them. Drafts are always listed by `list post`, marked `draft` (unpublished posts
`unpublished`); tags and categories count what a build would publish (drafts with `--draft`).
Colour only on a terminal; under CI=true / NO_COLOR / a pipe the tables are plain ASCII.
"""
from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO

from engine.errors import EngineError, ErrorList

if TYPE_CHECKING:
    from engine.core import Engine
    from engine.model import Document, Site

KINDS = ("post", "page", "route", "tag", "category")


@dataclass
class Listing:
    title: str
    columns: list[str]
    rows: list[list[str]]
    total: str
    errors: list[EngineError]
    styles: list[str | None] | None = None      # per row: 'dim' for drafts...


def _fmt_date(doc: "Document") -> str:
    return doc.date.strftime("%Y-%m-%d") if doc.date else ""


def _load_documents(engine: "Engine", log: ErrorList) -> tuple[list["Document"], list["Document"]]:
    from engine.site_model import load_document
    posts, pages = [], []
    for sf in engine.scan().files:
        if sf.kind not in ("post", "draft", "page"):
            continue
        try:
            doc = load_document(engine, sf)
        except EngineError as err:
            log.error(err)
            continue
        if sf.kind == "draft":
            doc.draft = True
        (pages if doc.kind == "page" else posts).append(doc)
    return posts, pages


def _site(engine: "Engine", log: ErrorList) -> "Site":
    from engine.site_model import build_site
    posts, pages = _load_documents(engine, log)
    show_drafts = engine.drafts or bool(engine.config.raw.get("render_drafts"))
    if not show_drafts:
        posts = [p for p in posts if not p.draft]
    return build_site(engine, posts, pages, {})


def listing(engine: "Engine", kind: str) -> Listing:
    kind = {"posts": "post", "pages": "page", "routes": "route", "tags": "tag",
            "categories": "category"}.get(kind, kind)
    if kind not in KINDS:
        raise EngineError(f"unknown list type '{kind}'", hint="use one of: " + ", ".join(KINDS))
    log = ErrorList()
    return globals()[f"_list_{kind}"](engine, log)


def _list_post(engine: "Engine", log: ErrorList) -> Listing:
    posts, _ = _load_documents(engine, log)
    posts.sort(key=lambda d: (d.date.timestamp() if d.date else 0.0, d.source))
    rows, styles = [], []
    drafts = 0
    for d in posts:
        status = "draft" if d.draft else ("unpublished" if not d.published else "")
        drafts += d.draft
        rows.append([_fmt_date(d), d.title, f"{engine.source_display}/{d.source}",
                     " › ".join(" › ".join(p) for p in d.category_paths[:1]) +
                     (f" (+{len(d.category_paths) - 1})" if len(d.category_paths) > 1 else ""),
                     ", ".join(d.tag_names), status])
        styles.append("dim" if status else None)
    total = f"{len(posts)} post(s)" + (f", {drafts} draft(s)" if drafts else "")
    return Listing("Posts", ["Date", "Title", "Path", "Category", "Tags", "Status"], rows, total,
                   log.errors, styles)


def _list_page(engine: "Engine", log: ErrorList) -> Listing:
    _, pages = _load_documents(engine, log)
    pages.sort(key=lambda d: d.source)
    rows = [[_fmt_date(d), d.title, f"{engine.source_display}/{d.source}", d.path]
            for d in pages]
    return Listing("Pages", ["Date", "Title", "Path", "URL"], rows, f"{len(pages)} page(s)",
                   log.errors)


def _list_route(engine: "Engine", log: ErrorList) -> Listing:
    result = engine.build()
    routes = sorted(result.routes, key=lambda r: r.path)
    rows = [[r.path, r.kind, r.source or (r.generator and f"({r.generator})") or ""]
            for r in routes]
    return Listing("Routes", ["Route", "Kind", "Source"], rows, f"{len(routes)} route(s)",
                   list(result.errors))


def _list_tag(engine: "Engine", log: ErrorList) -> Listing:
    site = _site(engine, log)
    tags = sorted(site.tags, key=lambda t: t.name.casefold())
    rows = [[t.name, str(len(t.posts)), t.path] for t in tags]
    return Listing("Tags", ["Name", "Posts", "Path"], rows, f"{len(tags)} tag(s)", log.errors)


def _list_category(engine: "Engine", log: ErrorList) -> Listing:
    site = _site(engine, log)
    rows: list[list[str]] = []

    def walk(cat: Any, depth: int) -> None:
        rows.append(["  " * depth + cat.name, str(cat.length), cat.path])
        for child in sorted(cat.children, key=lambda c: c.name.casefold()):
            walk(child, depth + 1)

    roots = sorted((c for c in site.categories if c.parent is None), key=lambda c: c.name.casefold())
    for cat in roots:
        walk(cat, 0)
    return Listing("Categories", ["Name", "Posts", "Path"], rows,
                   f"{len(site.categories)} categor{'y' if len(site.categories) == 1 else 'ies'}",
                   log.errors)


def plain_output(stream: TextIO | None = None) -> bool:
    """No colour and no animation: not a terminal, CI=true, NO_COLOR, or TERM=dumb."""
    stream = stream or sys.stdout
    ci = os.environ.get("CI", "").lower() not in ("", "0", "false")
    return (ci or bool(os.environ.get("NO_COLOR")) or os.environ.get("TERM") == "dumb"
            or not (hasattr(stream, "isatty") and stream.isatty()))


def render(listing: Listing, stream: TextIO | None = None) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table
    stream = stream or sys.stdout
    plain = plain_output(stream)
    width = None if not plain else max(shutil.get_terminal_size((160, 24)).columns, 160)
    import io
    target = io.StringIO() if plain else stream
    console = Console(file=target, force_terminal=not plain, no_color=plain, width=width,
                      highlight=False, soft_wrap=False, emoji=False, markup=False)
    if not listing.rows:
        stream.write(f"No {listing.title.lower()}.\n")
        return
    table = Table(box=box.MARKDOWN if plain else box.SIMPLE_HEAD, show_edge=True,
                  header_style=None if plain else "bold")
    for col in listing.columns:
        table.add_column(col, overflow="fold")
    for i, row in enumerate(listing.rows):
        style = listing.styles[i] if listing.styles and not plain else None
        table.add_row(*row, style=style)
    console.print(table)
    console.print(listing.total)
    if plain:   # Markdown-style table, no blank frame lines or trailing spaces
        lines = [line.rstrip() for line in target.getvalue().splitlines()]
        stream.write("".join(line + "\n" for line in lines if line))
