"""Turn scanned source files into Documents and the `Site` model (SPEC §3, §7).

`load_document` reads one post or page (front-matter, dates, tags, categories, output path);
`build_site` links the published posts (newest first, prev/next), creates tags and categories in
Hexo's creation order and attaches `_data`. Bodies are rendered later (`post_render`), so this stage
is cheap and the whole model exists before any tag such as `post_link` needs it.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from engine.dates import parse_date
from engine.errors import ErrorList, SourceError
from engine.frontmatter import check_yaml_depth, key_line, parse_front_matter
from engine.model import Category, Document, Query, Site, Tag
from engine.permalink import (category_slug, date_from_filename, page_path, post_path, post_slug,
                              tag_slug)
from engine.scan import MARKDOWN_EXTS, SourceFile
from engine.urls import full_url_for

if TYPE_CHECKING:
    from engine.core import Engine


def display_path(engine: "Engine", path: Path) -> str:
    """Paths in messages are relative to the site dir: 'source/_posts/x.md'."""
    try:
        return path.relative_to(engine.site_dir).as_posix()
    except ValueError:
        return str(path)


def read_text(path: Path, shown: str) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"cannot read the file: {exc.strerror or exc}", path=shown) from None
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise SourceError("the file is UTF-16 encoded", path=shown, line=1,
                          hint="save the file as UTF-8") from None
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise SourceError("file contains a NUL byte (binary data in a text source?)", path=shown,
                          line=line)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(f"not valid UTF-8 (byte 0x{data[exc.start]:02x})", path=shown, line=line,
                          hint="save the file as UTF-8") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _as_names(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if v is not None and v != ""]
    return [str(value)]


def _category_paths(value: Any) -> list[list[str]]:
    """`A` → [[A]]; `[A, B]` → [[A, B]] (a hierarchy); `[[A, B], [C], D]` → [[A, B], [C], [D]]."""
    if value is None or value == "":
        return []
    if not isinstance(value, (list, tuple)):
        return [[str(value)]]
    if any(isinstance(v, (list, tuple)) for v in value):
        return [_as_names(v) for v in value if _as_names(v)]
    names = _as_names(value)
    return [names] if names else []


def _mtime(sf: SourceFile, tz) -> datetime:
    return _from_timestamp(sf.mtime, tz)


def _from_timestamp(ts: float, tz) -> datetime:
    return datetime.fromtimestamp(ts, tz=timezone.utc).astimezone(tz) if tz else \
        datetime.fromtimestamp(ts).astimezone()


def _created(sf: SourceFile, tz) -> datetime:
    """Hexo dates an undated file by its creation time; where the OS does not record one (Linux
    with Python < 3.12) the modification time is the closest stable stand-in."""
    try:
        st = sf.path.stat()
        born = getattr(st, "st_birthtime", None)
    except OSError:
        born = None
    return _from_timestamp(born, tz) if born else _mtime(sf, tz)


def _date_field(fm: dict, key: str, tz, shown: str, text: str) -> datetime | None:
    value = fm.get(key)
    if value is None or value == "":
        return None
    try:
        return parse_date(value, tz)
    except (ValueError, TypeError, OverflowError) as exc:
        raise SourceError(f"invalid {key}: {value!r} ({exc})", path=shown,
                          line=key_line(text, key), hint="use YYYY-MM-DD HH:mm:ss") from None


def load_document(engine: "Engine", sf: SourceFile) -> Document:
    """Parse one post/draft/page. Raises SourceError on bad input."""
    config = engine.config
    raw = config.raw
    shown = display_path(engine, sf.path)
    text = read_text(sf.path, shown)
    is_html = sf.ext not in MARKDOWN_EXTS
    fm_result = parse_front_matter(text, shown)
    fm = dict(fm_result.data)
    tz = config.tz
    kind = "page" if sf.kind == "page" else "post"

    date = _date_field(fm, "date", tz, shown, text)
    if date is None and kind == "post":
        named = date_from_filename(sf.rel, str(raw.get("new_post_name") or ":title.md"))
        date = parse_date(named, tz) if named is not None else None
    if date is None:
        date = _created(sf, tz)
        if kind == "post" and engine.warn is not None:
            engine.warn(SourceError("post has no date: using the file's creation time, so its URL "
                                    "can change on another machine", path=shown, line=1,
                                    hint="add `date: YYYY-MM-DD HH:mm:ss` to the front-matter"))
    updated = _date_field(fm, "updated", tz, shown, text)
    if updated is None:
        option = raw.get("updated_option", "mtime")
        updated = date if option == "date" else None if option == "empty" else _mtime(sf, tz)

    layout = fm.get("layout", "post" if kind == "post" else "page")
    if layout is None:
        layout = "post" if kind == "post" else "page"
    title = fm.get("title")
    language = raw.get("language")
    default_lang = (language[0] if isinstance(language, list) and language else language) or "en"
    doc = Document(
        kind=kind,
        source=sf.rel,
        full_source=sf.path,
        raw=text,
        body=fm_result.body,
        body_line=fm_result.body_line,
        front_matter=fm,
        title="" if title is None else str(title),
        date=date,
        updated=updated,
        layout=layout if layout is False else str(layout),
        comments=fm.get("comments", True) is not False,
        published=(fm.get("published", sf.kind != "draft") is not False),
        link=str(fm.get("link") or ""),
        lang=str(fm["lang"]) if fm.get("lang") else default_lang,
        photos=_as_names(fm.get("photos", fm.get("photo"))),
        disable_nunjucks=bool(fm.get("disableNunjucks", False)),
        render_markdown=not is_html,
        draft=sf.kind == "draft",
    )
    if kind == "post":
        doc.tag_names = _as_names(fm.get("tags", fm.get("tag")))
        doc.category_paths = _category_paths(fm.get("categories", fm.get("category")))
        doc.slug = post_slug(sf.rel, fm, config)
        doc.path = post_path(doc, config)
        if raw.get("post_asset_folder"):
            doc.asset_dir = str(sf.path.with_suffix(""))
    else:
        doc.slug = sf.rel.rsplit(".", 1)[0]
        doc.path = _page_path_with_permalink(sf.rel, fm)
    doc.permalink = full_url_for(raw, doc.path)
    return doc


def _page_path_with_permalink(rel: str, fm: dict) -> str:
    """A page's `permalink:` front-matter sets its output path (`/x/` → `x/index.html`)."""
    link = fm.get("permalink")
    if not link:
        return page_path(rel)
    path = str(link).lstrip("/")
    if path.endswith("/") or not path:
        path += "index.html"
    elif "." not in path.rsplit("/", 1)[-1]:
        path += ".html"
    return path


def load_data(engine: "Engine", files: list[SourceFile], errors: ErrorList) -> dict[str, Any]:
    """`source/_data/a.yml` → data['a']; nested `_data/x/y.json` → data['x/y']."""
    data: dict[str, Any] = {}
    for sf in files:
        key = sf.rel[len("_data/"):].rsplit(".", 1)[0]
        shown = display_path(engine, sf.path)
        try:
            text = read_text(sf.path, shown)
            if sf.ext == ".json":
                try:
                    data[key] = json.loads(text)
                except RecursionError:
                    raise SourceError("invalid JSON: nested too deeply", path=shown,
                                      line=1) from None
                except json.JSONDecodeError as exc:
                    raise SourceError(f"invalid JSON: {exc.msg}", path=shown, line=exc.lineno,
                                      column=exc.colno) from None
            else:
                try:
                    check_yaml_depth(text)  # PyYAML's composer recurses: deep nesting would crash
                    data[key] = yaml.safe_load(text)
                except (ValueError, RecursionError) as exc:  # e.g. `date: 2024-13-45`
                    raise SourceError(f"invalid YAML: {type(exc).__name__}: {exc}", path=shown,
                                      hint="check the values") from None
                except yaml.YAMLError as exc:
                    mark = getattr(exc, "problem_mark", None)
                    raise SourceError(f"invalid YAML: {getattr(exc, 'problem', None) or exc}",
                                      path=shown, line=mark.line + 1 if mark else None,
                                      column=mark.column + 1 if mark else None,
                                      hint="check indentation and quoting") from None
        except SourceError as err:
            errors.error(err)
    return data


def visible_posts(engine: "Engine", posts: list[Document]) -> list[Document]:
    """Published posts (all posts with --draft), minus future ones when `future: false`."""
    raw = engine.config.raw
    show_drafts = engine.drafts or bool(raw.get("render_drafts"))
    out = [p for p in posts if show_drafts or p.published]
    if raw.get("future") is False:
        now = datetime.now(timezone.utc)
        out = [p for p in out if p.date is None or p.date <= now]
    return out


def build_site(engine: "Engine", posts: list[Document], pages: list[Document],
               data: dict[str, Any]) -> Site:
    """Link posts (newest first, prev/next), create tags and categories; posts arrive in scan order."""
    raw = engine.config.raw
    posts = visible_posts(engine, posts)
    # Stable sort: equal dates keep the scan order, as Hexo's database does.
    ordered = sorted(posts, key=lambda p: p.date.timestamp() if p.date else 0.0, reverse=True)
    for i, post in enumerate(ordered):
        post.prev = ordered[i - 1] if i > 0 else None
        post.next = ordered[i + 1] if i + 1 < len(ordered) else None
    rank = {id(p): i for i, p in enumerate(ordered)}

    def newest_first(items) -> Query:
        return Query(sorted(items, key=lambda p: rank[id(p)]))

    tag_dir = str(raw.get("tag_dir") or "tags").strip("/")
    tags: dict[str, Tag] = {}
    tag_posts: dict[str, dict[int, Document]] = {}
    cat_dir = str(raw.get("category_dir") or "categories").strip("/")
    cats: dict[str, Category] = {}
    cat_posts: dict[str, dict[int, Document]] = {}

    for post in posts:  # scan order = Hexo's creation order
        post_tags: list[Tag] = []
        for name in post.tag_names:
            tag = tags.get(name)
            if tag is None:
                slug = tag_slug(name, engine.config)
                path = f"{tag_dir}/{slug}/"
                tag = tags[name] = Tag(name, slug, path, full_url_for(raw, path))
                tag_posts[name] = {}
            tag_posts[name][id(post)] = post
            if tag not in post_tags:
                post_tags.append(tag)
        post_cats: list[Category] = []
        for hierarchy in post.category_paths:
            parent: Category | None = None
            for name in hierarchy:
                key = (parent.slug + "/" if parent else "") + name
                cat = cats.get(key)
                if cat is None:
                    own = category_slug(name, engine.config)
                    slug = f"{parent.slug}/{own}" if parent else own
                    path = f"{cat_dir}/{slug}/"
                    cat = cats[key] = Category(name, slug, path, full_url_for(raw, path), parent)
                    cat_posts[key] = {}
                    if parent is not None:
                        parent.children.append(cat)
                cat.link_count += 1
                cat_posts[key][id(post)] = post
                if cat not in post_cats:
                    post_cats.append(cat)
                parent = cat
        post.tags = Query(sorted(post_tags, key=lambda t: list(tags).index(t.name)))
        post.categories = Query(post_cats)

    for name, tag in tags.items():
        tag.posts = newest_first(tag_posts[name].values())
    for key, cat in cats.items():
        cat.posts = newest_first(cat_posts[key].values())

    return Site(
        posts=Query(ordered),
        pages=Query(pages),
        tags=Query(tags.values()),
        categories=Query(cats.values()),
        data=data,
    )
