"""Client-side search: a compact JSON index written at build time, plus the widget's JS and CSS.

Off unless `search:` is set (the bundled site and `pyhexo init` turn it on):

    search:
      field: post            # post | page | all — what is indexed (hexo-generator-search's option)
      dir: search            # folder of the index and widget files (under `root`)
      text_limit: 1500       # characters of body text kept per document …
      text_budget: 3000000   # … and for the whole site (the per-document cap shrinks to fit)
      shard_size: 262144     # bytes per text shard
      headings: 12           # headings kept per document
      assets: true           # write search.js / search.css next to the index
      path: ''               # also write hexo-generator-search's file: 'search.xml' or 'search.json'
      content: true          # … with the full post HTML (that plugin's `content` option)

Files (all under `<dir>/`):
- `index.json`: what the widget loads first (on the first focus of the search box):
  `{"v":1,"tags":[names…],"docs":[[url, title, [tag indices], headings, date], …],
  "shards":[[url, first id, count], …]}` — titles, tags/categories (as indices into `tags`) and
  headings only, enough to rank the strongest matches at once;
- `text-<n>.<hash>.json`: `{"from": first doc id, "text": […]}`, the body text (HTML stripped,
  code line numbers dropped, whitespace collapsed, cut to the caps above), loaded in the background
  after the index; each shard is capped at `shard_size` so a large site streams in pieces. The hash
  of the index is in the shard names, so a cached shard never pairs with a newer index;
- `search.js`, `search.css`: the widget (engine/data/search/).

Documents with `search: false`, `indexing: false` (hexo-generator-search) or `noindex: true` in the
front-matter are left out. URLs in the index carry `root`, so the widget needs no configuration.
"""
from __future__ import annotations

import hashlib
import html
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from engine.generators.feed import cdata, config_section, no_control_chars, xml_escape
from engine.routes import Route
from engine.urls import url_for

if TYPE_CHECKING:
    from engine.core import Engine
    from engine.extend import Extend
    from engine.model import Document, Site

SEARCH_DEFAULTS: dict[str, Any] = {
    "field": "post", "dir": "search", "text_limit": 1500, "text_budget": 3_000_000,
    "shard_size": 262_144, "headings": 12, "assets": True, "path": "", "content": True,
}
ASSET_DIR = Path(__file__).resolve().parent.parent / "data" / "search"
ASSETS = ("search.js", "search.css")
FORMAT_VERSION = 1

_DROP_BLOCKS = re.compile(
    r"<(script|style|template|noscript)\b[^>]*>.*?</\1\s*>"
    r"|<td class=\"gutter\">.*?</td>"          # highlight.js line numbers
    r"|<span class=\"line-numbers-rows\".*?</span>"   # prism line numbers
    r"|<!--.*?-->", re.S | re.I)
_HEADING = re.compile(r"<h([1-6])\b[^>]*>(.*?)</h\1\s*>", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
_BLOCK_END = re.compile(r"</(p|div|li|h[1-6]|tr|td|th|pre|blockquote|figure|table|ul|ol)\s*>|<br\s*/?>",
                        re.I)


def search_options(raw: Mapping[str, Any]) -> dict | None:
    value = raw.get("search")
    if value is None or value == "" or value is False:
        return None
    return config_section(raw, "search", SEARCH_DEFAULTS)


def plain_text(content: str) -> str:
    """Visible text of rendered HTML: no scripts, comments or code line numbers; entities decoded;
    block ends become spaces so words from adjacent paragraphs do not fuse."""
    s = _DROP_BLOCKS.sub(" ", content)
    s = _BLOCK_END.sub(lambda m: m.group(0) + " ", s)
    s = _TAG.sub("", s)
    return _SPACE.sub(" ", html.unescape(s)).strip()


def headings_of(content: str, limit: int) -> list[str]:
    out: list[str] = []
    for m in _HEADING.finditer(content):
        text = _SPACE.sub(" ", html.unescape(_TAG.sub("", m.group(2)))).strip()
        if text and text not in out:
            out.append(text[:120])
        if len(out) >= limit:
            break
    return out


def _excluded(doc: "Document") -> bool:
    fm = doc.front_matter
    return (fm.get("search") is False or fm.get("indexing") is False
            or fm.get("noindex") is True)


def indexed_documents(site: "Site", field: str) -> list["Document"]:
    field = str(field or "post").lower()
    docs: list = []
    if field in ("post", "posts", "all"):
        docs += [p for p in site.posts if p.draft is not True]
    if field in ("page", "pages", "all"):
        docs += list(site.pages)
    return [d for d in docs if not _excluded(d)]


def _date(doc: "Document") -> str:
    return doc.date.strftime("%Y-%m-%d") if doc.date else ""


def _int(value: Any, default: int) -> int:
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return default


def build_index(site: "Site", raw: Mapping[str, Any], opts: Mapping[str, Any]
                ) -> tuple[dict[str, Any], list[str]]:
    """(primary index without the shard list, per-document text)."""
    docs = indexed_documents(site, opts.get("field"))
    per_doc = _int(opts.get("text_limit"), 1500)
    budget = _int(opts.get("text_budget"), 3_000_000)
    if docs and budget:
        # Whole-site cap: a 5,000-post site keeps the first ~600 characters of each post rather
        # than megabytes of text nobody waits for.
        per_doc = min(per_doc, max(200, budget // len(docs)))
    n_headings = _int(opts.get("headings"), 12)
    rows, texts = [], []
    # Tags and categories repeat across posts: rows hold indices into one shared name list.
    names: list[str] = []
    slot: dict[str, int] = {}
    for doc in docs:
        content = str(doc.content or "")
        terms = []
        for name in [t.name for t in (doc.tags or ())] + [c.name for c in (doc.categories or ())]:
            if name not in slot:
                slot[name] = len(names)
                names.append(name)
            terms.append(slot[name])
        rows.append([url_for(raw, doc.path, False), doc.title or "", terms,
                     headings_of(content, n_headings), _date(doc)])
        text = plain_text(content)
        if len(text) > per_doc:
            cut = text.rfind(" ", 0, per_doc)
            text = text[:cut if cut > per_doc // 2 else per_doc]
        texts.append(text)
    index = {"v": FORMAT_VERSION, "fields": ["url", "title", "tags", "headings", "date"],
             "tags": names, "docs": rows}
    return index, texts


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def shard_texts(texts: list[str], shard_size: int) -> list[tuple[int, list[str]]]:
    """Consecutive runs of texts, each run's JSON at most ~`shard_size` bytes (one text at least)."""
    shards: list[tuple[int, list[str]]] = []
    start, current, size = 0, [], 0
    for i, text in enumerate(texts):
        n = len(_dumps(text).encode("utf-8")) + 1
        if current and size + n > shard_size:
            shards.append((start, current))
            start, current, size = i, [], 0
        current.append(text)
        size += n
    if current or not shards:
        shards.append((start, current))
    return shards


def search_xml(site: "Site", raw: Mapping[str, Any], opts: Mapping[str, Any], path: str) -> str:
    """hexo-generator-search's file: XML (<search><entry>…) or, for a .json path, a JSON array."""
    docs = indexed_documents(site, opts.get("field"))
    with_content = opts.get("content") is not False
    if path.lower().endswith(".json"):
        items = []
        for d in docs:
            item: dict[str, Any] = {"title": d.title or "", "url": url_for(raw, d.path, False)}
            if with_content:
                item["content"] = str(d.content or "")
            item["categories"] = [c.name for c in (d.categories or ())]
            item["tags"] = [t.name for t in (d.tags or ())]
            items.append(item)
        return _dumps(items)
    out = ['<?xml version="1.0" encoding="utf-8"?>', "<search>"]
    for d in docs:
        url = xml_escape(url_for(raw, d.path, False))
        out.append("  <entry>")
        out.append(f"    <title>{cdata(d.title or '')}</title>")
        out.append(f'    <link href="{url}"/>')
        out.append(f"    <url>{url}</url>")
        if with_content:
            out.append(f'    <content type="html">{cdata(no_control_chars(str(d.content or "")))}'
                       "</content>")
        cats = [c.name for c in (d.categories or ())]
        if cats:
            out.append("    <categories>" + "".join(f"<category>{xml_escape(c)}</category>"
                                                    for c in cats) + "</categories>")
        tags = [t.name for t in (d.tags or ())]
        if tags:
            out.append("    <tags>" + "".join(f"<tag>{xml_escape(t)}</tag>" for t in tags)
                       + "</tags>")
        out.append("  </entry>")
    out.append("</search>")
    return "\n".join(out) + "\n"


def generate_search(site: "Site", engine: "Engine") -> Iterable[Route]:
    raw = engine.config.raw
    opts = search_options(raw)
    if opts is None:
        return []
    base = str(opts.get("dir") or "search").strip("/") + "/"
    index, texts = build_index(site, raw, opts)
    # Names carry a digest of everything, so browsers never combine a cached shard with a newer
    # index (index.json itself is small and has a stable URL).
    digest = hashlib.sha1(_dumps([index, texts]).encode("utf-8")).hexdigest()[:8]
    shards = shard_texts(texts, max(1, _int(opts.get("shard_size"), 262_144)))
    routes: list[Route] = []
    shard_urls = []
    for n, (start, chunk) in enumerate(shards):
        path = f"{base}text-{n}.{digest}.json"
        shard_urls.append([url_for(raw, path, False), start, len(chunk)])
        routes.append(Route(path, None, _dumps({"from": start, "text": chunk}), "raw", None,
                            "search"))
    index["shards"] = shard_urls
    routes.insert(0, Route(base + "index.json", None, _dumps(index), "raw", None, "search"))
    if opts.get("assets", True) is not False:
        for name in ASSETS:
            asset = ASSET_DIR / name
            if asset.is_file():
                # Bytes, not a Path: the file lives in the pyhexo package, outside the site, and
                # verbatim copies are only allowed from inside it.
                routes.append(Route(base + name, None, asset.read_bytes(), "raw", None, "search"))
    plugin_path = str(opts.get("path") or "").lstrip("/")
    if plugin_path:
        routes.append(Route(plugin_path, None, search_xml(site, raw, opts, plugin_path), "raw", None,
                            "search"))
    return routes


def register_search(extend: "Extend") -> None:
    extend.generators.register("search", generate_search)
