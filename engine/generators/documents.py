"""Post and page routes, post asset folders, and verbatim copies of source and theme assets."""
from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from engine.routes import Route
from engine.scan import is_hidden, is_tmp

if TYPE_CHECKING:
    from engine.core import Engine
    from engine.model import Document, Site


def _layouts(doc: "Document", fallback: tuple[str, ...]) -> tuple[str, ...] | None:
    if doc.layout is False or doc.layout in ("false", "False"):
        return None   # `layout: false`: the rendered content alone
    chain: list[str] = []
    for name in (str(doc.layout), *fallback):
        if name and name not in chain:
            chain.append(name)
    return tuple(chain)


def generate_posts(site: "Site", engine: "Engine") -> Iterable[Route]:
    for post in site.posts:
        yield Route(post.path, _layouts(post, ("post", "page", "index")), post, "post",
                    f"source/{post.source}", "post")
        if post.asset_dir:
            yield from _post_assets(post)


def _post_assets(post: "Document") -> Iterable[Route]:
    folder = Path(post.asset_dir)
    if not folder.is_dir():
        return
    base = post.path if post.path.endswith("/") else post.path.rsplit("/", 1)[0] + "/"
    for rel, full in _visible_files(folder):
        yield Route(base.lstrip("/") + rel, None, full, "asset", f"source/{post.source}", "post")


def _visible_files(folder: Path) -> Iterable[tuple[str, Path]]:
    """(posix path relative to `folder`, path) of every file Hexo would copy: no `_`/`.` paths,
    no editor temp files; in a stable order."""
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        for name in sorted(filenames):
            full = Path(dirpath, name)
            rel = full.relative_to(folder).as_posix()
            if not (is_hidden(rel) or is_tmp(rel)):
                yield rel, full


def generate_pages(site: "Site", engine: "Engine") -> Iterable[Route]:
    for page in site.pages:
        yield Route(page.path, _layouts(page, ("page", "post", "index")), page, "page",
                    f"source/{page.source}", "page")


def generate_assets(site: "Site", engine: "Engine") -> Iterable[Route]:
    for sf in engine.source_assets:
        yield Route(sf.rel, None, sf.path, "asset", f"source/{sf.rel}", "asset")
    theme_dir = engine.config.theme_dir
    if theme_dir is None:
        return
    src = Path(theme_dir) / "source"
    if src.is_dir():
        for rel, full in _visible_files(src):
            yield Route(rel, None, full, "asset", None, "asset")
