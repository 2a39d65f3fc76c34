"""Shared test support for the helper tests: sites rebuilt from the Hexo oracle JSON.

`oracle_site(name)` reconstructs posts, pages, tags and categories of a corpus site from what real
Hexo reported (`hexo-oracle/<site>/pages/**.json`: the index page's `site` block plus every post and
page route's `page` block), so each helper can be checked against the oracle's `helpers`,
`site_helpers`, `is` and `i18n` blocks without running the rest of the pipeline.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from engine.config import load_config
from engine.extend import Extend
from engine.helpers import builtin_helpers
from engine.model import Category, Document, PageData, Query, Site, Tag
from engine.render_context import RenderContext

SHARED = Path(__file__).resolve().parents[4] / "shared"
ORACLE = SHARED / "hexo-oracle"
CORPORA = SHARED / "corpora"
PROBE_THEME = SHARED / "spec" / "oracle" / "probe-theme-hexo"
HELPERS = builtin_helpers()


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def route_json(site: str, route: str) -> dict[str, Any]:
    return _load(ORACLE / site / "pages" / (route.lstrip("/") + ".json"))


@lru_cache(maxsize=None)
def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text("utf-8"))


def route_of(path: str) -> str:
    """Output route of a post/page path ('2024/01/02/x/' → '2024/01/02/x/index.html')."""
    path = path.lstrip("/")
    return path + "index.html" if path.endswith("/") or not path else path


class FakeMarkdown:
    """Stands in for engine.markdown's renderer where a test only checks the delegation."""

    def render(self, text: str) -> str:
        return f"<md>{text}</md>"


def corpus_dir(site: str) -> Path:
    """The corpus an oracle site was built from (meta.json: 'corpora/feature-site')."""
    meta = _load(ORACLE / site / "meta.json")
    return SHARED / meta["site"]


def make_engine(site: str, markdown: Any = None) -> SimpleNamespace:
    """The parts of an Engine helpers use: config (raw, tz, theme_dir), markdown, extend."""
    site_dir = corpus_dir(site)
    cfg = load_config(site_dir)
    config = SimpleNamespace(raw=cfg.raw, tz=cfg.tz, theme_dir=PROBE_THEME,
                             theme_config={}, site_dir=site_dir)
    return SimpleNamespace(config=config, markdown=markdown or FakeMarkdown(), extend=Extend(),
                           site_dir=site_dir)


def oracle_site(site: str) -> tuple[Site, dict[str, Document]]:
    """A Site rebuilt from the oracle, and route → Document for posts and pages.

    Built afresh per call: helpers memoise on the Site, and tests change the config.
    """
    index = route_json(site, "index.html")["site"]
    docs: dict[str, Document] = {}

    def document(kind: str, ref: dict[str, Any]) -> Document:
        route = route_of(ref["path"])
        path = ORACLE / site / "pages" / (route + ".json")
        # Posts with `layout: false` are written raw, so the probe saw nothing of them.
        page = _load(path)["page"] if path.exists() else {"path": ref["path"], "title": ref["title"],
                                                          "date": ref.get("date")}
        doc = Document(kind=kind, source=ref["source"],
                       full_source=corpus_dir(site) / "source" / ref["source"], raw="", body="",
                       body_line=1, front_matter=dict(page.get("front_matter_extra") or {}),
                       title=page.get("title") or "", date=_dt(page.get("date")),
                       updated=_dt(page.get("updated")), layout=page.get("layout") or kind,
                       slug=page.get("slug") or "", path=page["path"], permalink=page.get("permalink") or "",
                       content=page.get("content") or "", excerpt=page.get("excerpt") or "",
                       more=page.get("more") or "", photos=page.get("photos") or [],
                       lang=page.get("lang"))
        doc.front_matter["_oracle_page"] = page
        docs[route] = doc
        return doc

    posts = [document("post", p) for p in index["posts"]]
    pages = [document("page", p) for p in index["pages"]]

    tags = {t["name"]: Tag(t["name"], t["slug"], t["path"], t["permalink"]) for t in index["tags"]}
    cats: dict[str, Category] = {}
    for c in index["categories"]:
        cats[c["name"]] = Category(c["name"], c["slug"], c["path"], c["permalink"],
                                   parent=cats.get(c["parent"]) if c["parent"] else None,
                                   link_count=c["length"])
    for cat in cats.values():
        if cat.parent is not None:
            cat.parent.children.append(cat)
    for post in posts:
        page = post.front_matter["_oracle_page"]
        post.tags = Query(tags[t["name"]] for t in page.get("tags") or [])
        post.categories = Query(cats[c["name"]] for c in page.get("categories") or [])
        for tag in post.tags:
            tag.posts = Query((*tag.posts, post))
        for cat in post.categories:
            cat.posts = Query((*cat.posts, post))
    site_obj = Site(posts=Query(posts), pages=Query(pages), tags=Query(tags.values()),
                    categories=Query(cats.values()), data=index.get("data") or {})
    return site_obj, docs


def make_ctx(site: str, route: str = "index.html", engine: Any = None) -> RenderContext:
    """The RenderContext Hexo had for `route` of an oracle site (page data rebuilt from its JSON)."""
    engine = engine or make_engine(site)
    site_obj, docs = oracle_site(site)
    info = route_json(site, route)
    raw_page = info["page"]
    if route in docs and raw_page["kind"] in ("post", "page"):
        page: Any = docs[route]
        kind = page.kind
    else:
        kind = raw_page["kind"]
        page = PageData({k: raw_page[k] for k in ("base", "total", "current", "current_url", "prev",
                                                   "prev_link", "next", "next_link") if k in raw_page})
        for key in ("__index", "archive", "year", "month", "day", "tag", "category"):
            if raw_page.get(key) is not None:
                page[key] = raw_page[key]
        page["posts"] = Query()
    return RenderContext(engine=engine, page=page, path=info["route_path"], url=info["url"],
                         site=site_obj, theme={}, lang=(getattr(page, "lang", None) or "en"),
                         route_kind=kind)


def call(ctx: RenderContext, name: str, *args: Any, **kwargs: Any) -> Any:
    return HELPERS[name](ctx, *args, **kwargs)


# --- the oracle's routes and the probe's site_helpers calls ------------------------------

SITES = ("feature-site", "feature-site+pin-top", "hexo-theme-unit-test", "seed004-both",
         "seed004-page", "seed004-post", "tz-site")


@lru_cache(maxsize=None)
def routes(site: str) -> list[tuple[str, str]]:
    """(route path, page kind) for every probed route of a site."""
    out = []
    base = ORACLE / site / "pages"
    for f in sorted(base.rglob("*.json")):
        data = _load(f)
        if "route_path" in data:
            out.append((data["route_path"], data["page"]["kind"]))
    return out


def all_routes(kinds: tuple[str, ...] | None = None) -> list[tuple[str, str]]:
    """(site, route) pairs over every oracle site, optionally only pages of the given kinds."""
    return [(s, r) for s in SITES for r, k in routes(s) if kinds is None or k in kinds]


# The probe's `site_helpers` calls (spec/oracle/probe-theme-hexo/scripts/probe.js), in Python form:
# key → (helper name, positional args, keyword args).
def _utc(*a: int) -> datetime:
    return datetime(*a, tzinfo=timezone.utc)


SITE_CALLS = {
    "list_categories": ("list_categories", (), {}),
    "list_tags": ("list_tags", (), {}),
    "list_archives": ("list_archives", (), {}),
    "list_archives_yearly": ("list_archives", (), {"type": "yearly"}),
    "list_posts": ("list_posts", (), {}),
    "tagcloud": ("tagcloud", (), {}),
    "css": ("css", ("css/style",), {}),
    "css_multi": ("css", (["a", "b.css", "https://x.org/c.css"],), {}),
    "js": ("js", ("js/app",), {}),
    "link_to": ("link_to", ("http://a.com/", "A"), {"external": True}),
    "link_to_internal": ("link_to", ("/about/", "About"), {}),
    "mail_to": ("mail_to", ("a@b.com",), {}),
    "image_tag": ("image_tag", ("img/a.png",), {"alt": "x"}),
    "favicon_tag": ("favicon_tag", ("favicon.ico",), {}),
    "feed_tag": ("feed_tag", ("atom.xml",), {}),
    "url_for_rel": ("url_for", ("a/b.html",), {}),
    "url_for_abs": ("url_for", ("/a/b.html",), {}),
    "url_for_index": ("url_for", ("/a/index.html",), {}),
    "url_for_ext": ("url_for", ("https://x.org/",), {}),
    "relative_url": ("relative_url", ("foo/bar/", "css/style.css"), {}),
    "full_url_for": ("full_url_for", ("/a/b/",), {}),
    "number_format": ("number_format", (12345.678,), {}),
    "number_format_opts": ("number_format", (12345.678,), {"precision": 1, "delimiter": ".",
                                                           "separator": ","}),
    "titlecase": ("titlecase", ("a tale of two cities: the return of the king",), {}),
    "escape_html": ("escape_html", ('<a href="x">&\'</a>',), {}),
    "strip_html": ("strip_html", ("<p>Hello <b>World</b></p>",), {}),
    "truncate": ("truncate", ("Once upon a time in a world far far away",), {"length": 17}),
    "word_wrap": ("word_wrap", ("Once upon a time", 8), {}),
    "markdown": ("markdown", ("**bold** and `code`",), {}),
    "render_md": ("render", ("*em*", "markdown"), {}),
    "meta_generator": ("meta_generator", (), {}),
    "date_fixed": ("date", (_utc(2020, 1, 2, 3, 4, 5), "YYYY-MM-DD HH:mm"), {}),
    "gravatar": ("gravatar", ("a@b.com",), {}),
    "search_form": ("search_form", (), {}),
}


def site_cases(keys: tuple[str, ...]) -> list[tuple[str, str]]:
    """(site, key) for every oracle site and each of `keys`."""
    return [(s, k) for s in SITES for k in keys]
