"""Output paths of posts and pages, post slugs, and tag/category slugs (SPEC §6).

* `post_slug`: the `:title` token = the file's path under `_posts/` (or `_drafts/`) without its
  extension, read through `new_post_name` (`:year-:month-:day-:title.md` takes the date apart).
* `post_path`: expands `config.permalink` (every Hexo token; unknown ones come from the post's
  front-matter, then `permalink_defaults`) or honours a per-post `permalink:`.
* `page_path`: `about/index.md` → `about/index.html`.
* `tag_slug` / `category_slug`: `tag_map`/`category_map`, then hexo-util slugize.

Date tokens use the post date in `config.timezone` when it is set; Hexo uses the build machine's
zone there (docs/compat.md). This module reads no files.
"""
from __future__ import annotations

import hashlib
import math
import posixpath
import re
from datetime import datetime
from typing import Any, Iterable, Mapping
from zoneinfo import ZoneInfo

from engine.errors import SourceError
from engine.model import Document
from engine.text import slugize

__all__ = ["post_path", "post_slug", "page_path", "tag_slug", "category_slug",
           "category_path_slug", "parse_post_filename", "date_from_filename", "expand_permalink",
           "PERMALINK_TOKEN"]

# A token is ':' + word characters, not ending in '_' (so ':title_' is ':title' + '_').
PERMALINK_TOKEN = re.compile(r":(\w*[^_\W])")

# Patterns of the date tokens when a file name is read through `new_post_name`.
_FILENAME_SEGMENTS = {
    "year": r"(\d{4})",
    "month": r"(\d{2})",
    "day": r"(\d{2})",
    "i_month": r"(\d{1,2})",
    "i_day": r"(\d{1,2})",
    "hash": r"([0-9a-f]{12})",
}

# Output extension of each renderable source extension (Hexo's renderers).
_OUTPUT_EXT = {
    **dict.fromkeys(("md", "markdown", "mkd", "mkdn", "mdwn", "mdtxt", "mdtext"), "html"),
    **dict.fromkeys(("html", "htm", "ejs", "njk", "nunjucks", "j2", "swig", "pug", "jade"), "html"),
    **dict.fromkeys(("styl", "stylus"), "css"),
    **dict.fromkeys(("yml", "yaml"), "json"),
}

_POST_DIRS = ("_posts/", "_drafts/")


def _raw(config: Any) -> Mapping[str, Any]:
    return config.raw if hasattr(config, "raw") else config


def _zone(config: Any) -> ZoneInfo | None:
    if hasattr(config, "tz"):
        return config.tz
    name = _raw(config).get("timezone")
    return ZoneInfo(str(name)) if name else None


def _strip_ext(path: str) -> str:
    return posixpath.splitext(path)[0]


# ---------------------------------------------------------------------------------------------
# file names

def parse_post_filename(rel: str, new_post_name: str = ":title.md") -> dict[str, str]:
    """Read a path under `_posts/` (e.g. '2024-01-02-hello.md') through `new_post_name`.

    Returns the tokens found; 'title' is always there. When the name does not fit the pattern,
    or the pattern has no `:title`, the title is the slugized path (Hexo's rule).
    """
    rule = _strip_ext(new_post_name or ":title.md")
    path = _strip_ext(rel)
    names: list[str] = []
    parts: list[str] = []
    pos = 0
    for m in PERMALINK_TOKEN.finditer(rule):
        parts.append(re.escape(rule[pos:m.start()]))
        names.append(m.group(1))
        parts.append(_FILENAME_SEGMENTS.get(m.group(1), "(.+?)"))
        pos = m.end()
    parts.append(re.escape(rule[pos:]))
    match = re.fullmatch("".join(parts), path, flags=re.S)
    if not match:
        return {"title": nonempty_slug(slugize(path), path)}
    data = {name: value for name, value in zip(names, match.groups())}
    data.setdefault("title", nonempty_slug(slugize(path), path))
    return data


def date_from_filename(name: str, new_post_name: str = ":title.md") -> datetime | None:
    """The (naive, wall-clock) date a post without `date:` gets from its file name, if
    `new_post_name` has :year and :month/:i_month and :day/:i_day; else None."""
    info = parse_post_filename(_under_posts(name), new_post_name)
    year = info.get("year")
    month = info.get("month") or info.get("i_month")
    day = info.get("day") or info.get("i_day")
    if not (year and month and day):
        return None
    try:
        return datetime(int(year), int(month), int(day))
    except ValueError:
        return None


def _under_posts(rel: str) -> str:
    for prefix in _POST_DIRS:
        if rel.startswith(prefix):
            return rel[len(prefix):]
    return rel


def post_slug(source_rel: str, front_matter: Mapping[str, Any] | None = None,
              config: Any = None) -> str:
    """The post's slug (the `:title` token): '_posts/sub/x.md' → 'sub/x'.

    As in Hexo 8, the slug always comes from the file name: a `slug:` front-matter key is kept
    as a plain field but does not change the slug (Hexo's post processor overwrites it).
    """
    new_post_name = _raw(config).get("new_post_name", ":title.md") if config is not None \
        else ":title.md"
    return parse_post_filename(_under_posts(source_rel), str(new_post_name))["title"]


# ---------------------------------------------------------------------------------------------
# slugs

def tag_slug(name: Any, config: Any) -> str:
    """URL slug of a tag: `tag_map` entry if any, then slugize (case per `filename_case`)."""
    raw = _raw(config)
    return _mapped_slug(str(name), raw.get("tag_map"), raw.get("filename_case"))


def category_slug(name: Any, config: Any) -> str:
    """Slug of one category name; a list (a hierarchy) gives the joined path 'Parent/Child'."""
    if isinstance(name, (list, tuple)):
        return category_path_slug(name, config)
    raw = _raw(config)
    return _mapped_slug(str(name), raw.get("category_map"), raw.get("filename_case"))


def category_path_slug(names: Iterable[Any], config: Any) -> str:
    return "/".join(category_slug(str(n), config) for n in names)


def _mapped_slug(name: str, mapping: Any, filename_case: Any) -> str:
    if isinstance(mapping, Mapping) and name in mapping and mapping[name]:
        name = str(mapping[name])
    transform = filename_case if filename_case in (1, 2) else None
    return nonempty_slug(slugize(name, transform=transform), name)


def nonempty_slug(slug: str, name: str) -> str:
    """`slug`, or a stable stand-in when slugize left nothing (a tag named `!!!` or `  `): Hexo
    would write such a tag to `tags//`, i.e. over the tags index page."""
    if slug:
        return slug
    return "x" + hashlib.sha1(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]


# ---------------------------------------------------------------------------------------------
# paths

def page_path(source_rel: str) -> str:
    """Output path of a page: the source path with the renderer's output extension."""
    base, ext = posixpath.splitext(source_rel)
    out = _OUTPUT_EXT.get(ext[1:].lower())
    if out is None:
        return source_rel
    return f"{base}.{out}"


def _js_string(value: Any) -> str:
    """How JavaScript's String() would print a front-matter value in a path."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (list, tuple)):
        return ",".join("" if v is None else _js_string(v) for v in value)
    if isinstance(value, dict):
        return "[object Object]"
    return str(value)


def _last_category(paths: list[list[str]]) -> list[str] | None:
    """The category Hexo's `post.categories.last()` gives: the last one created for this post
    (categories shared by several hierarchies are created once)."""
    seen: list[tuple[str, ...]] = []
    for path in paths:
        for i in range(1, len(path) + 1):
            prefix = tuple(str(n) for n in path[:i])
            if prefix not in seen:
                seen.append(prefix)
    return list(seen[-1]) if seen else None


_DOC_FIELDS = ("source", "slug", "layout", "comments", "published", "lang", "link", "title")


def _stable_id(doc: Document) -> str:
    # Hexo falls back to the database _id (random per db); a hash of the source is stable.
    return hashlib.sha1(doc.source.encode("utf-8")).hexdigest()[:24]


def post_path(doc: Document, config: Any) -> str:
    """The post's `path`: '2024/01/02/x/' from `config.permalink`, or '/my/path/' from a per-post
    `permalink:` (which gains a leading '/', as in Hexo)."""
    fm = doc.front_matter or {}
    custom = fm.get("permalink")
    if custom:
        custom = str(custom)
        return custom if custom.startswith("/") else "/" + custom
    raw = _raw(config)
    rule = str(raw.get("permalink") or ":year/:month/:day/:title/")
    tz = _zone(config)

    def local_date() -> datetime:
        if doc.date is None:
            raise SourceError("the post has no date, needed by the permalink "
                              f"{rule!r}", path=doc.source)
        return doc.date.astimezone(tz) if tz is not None else doc.date.astimezone()

    def meta(name: str) -> str | None:
        if name in _DATE_TOKENS:
            return _DATE_TOKENS[name](local_date())
        if name == "title":
            return doc.slug
        if name == "name":
            return posixpath.basename(doc.slug)
        if name == "post_title":
            return slugize(doc.title or "", transform=1)
        if name == "id":
            return _js_string(fm.get("id") or _stable_id(doc))
        if name == "hash":
            seconds = math.floor(local_date().timestamp())
            return hashlib.sha1(f"{doc.slug}{seconds}".encode("utf-8")).hexdigest()[:12]
        if name == "category":
            last = _last_category(doc.category_paths)
            return category_path_slug(last, config) if last else \
                _js_string(raw.get("default_category", "uncategorized"))
        return None

    return expand_permalink(rule, lambda name: _token_value(name, meta, doc, fm, raw))


def _token_value(name: str, meta: Any, doc: Document, fm: Mapping[str, Any],
                 raw: Mapping[str, Any]) -> str:
    value = meta(name)
    if value is not None:
        return value
    if name in fm:
        return _js_string(fm[name])
    if name in _DOC_FIELDS and getattr(doc, name, None) is not None:
        return _js_string(getattr(doc, name))
    defaults = raw.get("permalink_defaults")
    if isinstance(defaults, Mapping) and name in defaults:
        return _js_string(defaults[name])
    return "undefined"  # what Hexo writes for a token nobody supplies


def expand_permalink(rule: str, value_of: Any) -> str:
    """Replace every `:token` in `rule` by `value_of(token)`."""
    return PERMALINK_TOKEN.sub(lambda m: value_of(m.group(1)), rule)


_DATE_TOKENS = {
    "year": lambda d: f"{d.year:04d}",
    "month": lambda d: f"{d.month:02d}",
    "day": lambda d: f"{d.day:02d}",
    "hour": lambda d: f"{d.hour:02d}",
    "minute": lambda d: f"{d.minute:02d}",
    "second": lambda d: f"{d.second:02d}",
    "i_month": lambda d: str(d.month),
    "i_day": lambda d: str(d.day),
    "timestamp": lambda d: str(math.floor(d.timestamp())),
}
