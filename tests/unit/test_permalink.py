"""engine.permalink (+ frontmatter, dates, urls) against what real Hexo produced for feature-site."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from engine.config import load_config
from engine.dates import iso_z, moment_format, parse_date
from engine.frontmatter import parse_front_matter
from engine.model import Document
from engine.permalink import (category_slug, date_from_filename, page_path, parse_post_filename,
                              post_path, post_slug, tag_slug)
from engine.urls import full_url_for, url_for

SHARED = Path(__file__).resolve().parents[3] / "shared"
SITE = SHARED / "corpora" / "feature-site"
ORACLE = SHARED / "hexo-oracle" / "feature-site" / "pages"


def _oracle_posts() -> dict[str, dict]:
    """source ('_posts/x.md') -> probe JSON of the post's page."""
    out = {}
    for path in ORACLE.rglob("*.json"):
        data = json.loads(path.read_text("utf-8"))
        page = data.get("page") or {}
        if page.get("kind") == "post":
            out[page["source"]] = data
    return out


ORACLE_POSTS = _oracle_posts()
DATED = sorted(s for s in ORACLE_POSTS if s != "_posts/no-frontmatter.md")  # no date: build time


def _doc(source: str, config, text: str | None = None) -> Document:
    full = SITE / "source" / source
    text = full.read_text("utf-8") if text is None else text
    fm = parse_front_matter(text, source)
    cats = fm.data.get("categories") or []
    if isinstance(cats, str):
        paths = [[cats]]
    elif any(isinstance(c, list) for c in cats):
        paths = [c if isinstance(c, list) else [c] for c in cats]
    else:
        paths = [cats] if cats else []
    doc = Document(kind="post", source=source, full_source=full, raw=text, body=fm.body,
                   body_line=fm.body_line, front_matter=fm.data,
                   title=str(fm.data.get("title", "")), category_paths=paths)
    doc.date = parse_date(fm.data["date"], config.tz) if "date" in fm.data else None
    doc.slug = post_slug(source, fm.data, config)
    return doc


@pytest.fixture(scope="module")
def config():
    return load_config(SITE)


def test_oracle_has_the_posts():
    assert len(DATED) >= 18


@pytest.mark.parametrize("source", DATED)
def test_post_path_date_and_urls_match_hexo(source, config):
    expected = ORACLE_POSTS[source]
    doc = _doc(source, config)
    path = post_path(doc, config)
    page, helpers = expected["page"], expected["helpers"]
    assert doc.slug == page["slug"]
    assert doc.title == page["title"]
    assert path == page["path"]
    assert iso_z(doc.date) == page["date"]
    assert full_url_for(config.raw, path) == page["permalink"]
    assert url_for(config.raw, path) == helpers["url_for_path"]
    assert full_url_for(config.raw, path) == helpers["full_url_for_path"]
    assert moment_format(doc.date, config["date_format"], config.tz) == helpers["date"]
    assert moment_format(doc.date, config["time_format"], config.tz) == helpers["time"]
    full = f"{config['date_format']} {config['time_format']}"
    assert moment_format(doc.date, full, config.tz) == helpers["full_date"]
    assert iso_z(doc.date) == helpers["date_xml"]
    assert f'<time datetime="{iso_z(doc.date)}">{helpers["date"]}</time>' == helpers["time_tag"]


def test_custom_permalink_gains_leading_slash(config):
    doc = _doc("_posts/custom-permalink.md", config)
    assert post_path(doc, config) == "/my/custom/path/"
    doc.front_matter["permalink"] = "/already/"
    assert post_path(doc, config) == "/already/"


@pytest.mark.parametrize("source,expected", [
    ("about/index.md", "about/index.html"),
    ("custom.md", "custom.html"),
    ("raw.html", "raw.html"),
    ("plain.html", "plain.html"),
    ("page-nofm.md", "page-nofm.html"),
    ("css/site.styl", "css/site.css"),
    ("notes.txt", "notes.txt"),
])
def test_page_path(source, expected):
    assert page_path(source) == expected


def test_page_paths_match_oracle():
    for name in ("about/index.html.json", "custom.html.json", "raw.html.json", "plain.html.json",
                 "page-nofm.html.json"):
        page = json.loads((ORACLE / name).read_text("utf-8"))["page"]
        assert page_path(page["source"]) == page["path"]


def test_tag_and_category_slugs_match_oracle(config):
    index = json.loads((ORACLE / "index.html.json").read_text("utf-8"))["site"]
    for tag in index["tags"]:
        assert tag_slug(tag["name"], config) == tag["path"].removeprefix("tags/").rstrip("/")
    names = {c["name"]: c for c in index["categories"]}
    for cat in index["categories"]:
        chain = [cat["name"]]
        parent = cat["parent"]
        while parent:
            chain.insert(0, parent)
            parent = names[parent]["parent"]
        assert category_slug(chain, config) == cat["slug"]
        assert cat["path"] == f"categories/{cat['slug']}/"


def test_tag_slug_rules():
    raw = {"tag_map": {"Mapped Tag": "mapped-tag-slug", "Empty": ""}, "filename_case": 0}
    assert tag_slug("Mapped Tag", raw) == "mapped-tag-slug"
    assert tag_slug("Empty", raw) == "Empty"          # an empty mapping falls back to the name
    assert tag_slug("Hello World!", raw) == "Hello-World"
    assert tag_slug("中文标签", raw) == "中文标签"
    assert tag_slug("Hello World", {"filename_case": 1}) == "hello-world"
    assert tag_slug("Hello World", {"filename_case": 2}) == "HELLO-WORLD"
    assert tag_slug(2024, {}) == "2024"


def _post(**fm) -> Document:
    title = fm.pop("title", "Hello World")
    date = fm.pop("date", datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc))
    cats = fm.pop("cats", [])
    source = fm.pop("source", "_posts/sub/hello.md")
    doc = Document(kind="post", source=source, full_source=Path(source), raw="", body="",
                   body_line=1, front_matter=fm, title=title, date=date, category_paths=cats)
    doc.slug = post_slug(source)
    return doc


def _cfg(permalink: str, **extra) -> dict:
    return {"permalink": permalink, "timezone": "", "default_category": "uncategorized",
            "permalink_defaults": {}, **extra}


@pytest.mark.parametrize("rule,expected", [
    (":year/:month/:day/:title/", "2024/01/02/sub/hello/"),
    (":year-:i_month-:i_day/:name.html", "2024-1-2/hello.html"),
    (":hour/:minute/:second/:title", "03/04/05/sub/hello"),
    (":timestamp/", "1704164645/"),
    (":post_title/", "hello-world/"),
    (":category/:title/", "uncategorized/sub/hello/"),
    (":title_/", "sub/hello_/"),                    # a token never ends with '_'
    (":title_x/", "undefined/"),                    # ... but may contain one
    ("posts/:abbrlink/", "posts/ab12/"),            # unknown token from front-matter
    ("posts/:lang/:title/", "posts/zh/sub/hello/"),  # ... or from permalink_defaults
    ("p/:missing/", "p/undefined/"),                # Hexo writes 'undefined'
])
def test_permalink_tokens(rule, expected):
    doc = _post(abbrlink="ab12")
    cfg = _cfg(rule, permalink_defaults={"lang": "zh", "abbrlink": "never"})
    assert post_path(doc, cfg) == expected


def test_permalink_hash_is_sha1_of_slug_and_unix_seconds():
    import hashlib
    doc = _post()
    expected = hashlib.sha1(b"sub/hello1704164645").hexdigest()[:12]
    assert post_path(doc, _cfg(":hash/")) == f"{expected}/"


def test_permalink_id_from_front_matter_else_stable():
    assert post_path(_post(id=42), _cfg(":id/")) == "42/"
    first = post_path(_post(), _cfg(":id/"))
    assert first == post_path(_post(), _cfg(":id/")) and len(first) == 25


def test_permalink_category_is_last_created_category():
    cfg = _cfg(":category/:name/", category_map={"Mapped Cat": "mc"})
    assert post_path(_post(cats=[["Parent", "Child"]]), cfg) == "Parent/Child/hello/"
    multi = [["Diary", "PlayStation"], ["Diary", "Games"], ["Life"], ["Mapped Cat"]]
    assert post_path(_post(cats=multi), cfg) == "mc/hello/"
    assert post_path(_post(cats=[["A", "B"], ["A"]]), cfg) == "A/B/hello/"


def test_date_tokens_use_config_timezone():
    # 2024-01-01T19:04:05Z is 2024-01-02 03:04:05 in Shanghai: with `timezone` set the path
    # follows the configured zone (Hexo would use the build machine's zone: docs/compat.md).
    date = parse_date("2024-01-02 03:04:05", ZoneInfo("Asia/Shanghai"))
    doc = _post(date=date)
    assert post_path(doc, _cfg(":year/:month/:day/:hour/", timezone="Asia/Shanghai")) == \
        "2024/01/02/03/"
    # timezone '' = machine zone (the tests pin TZ=UTC)
    assert post_path(doc, _cfg(":year/:month/:day/:hour/")) == "2024/01/01/19/"


def test_tz_site_with_configured_zone(tmp_path):
    (tmp_path / "_config.yml").write_text("timezone: Asia/Shanghai\n", "utf-8")
    config = load_config(tmp_path)
    fm = parse_front_matter("---\ntitle: T\ndate: 2024-01-02 03:04:05\n---\nx\n", "t.md").data
    date = parse_date(fm["date"], config.tz)
    assert iso_z(date) == "2024-01-01T19:04:05.000Z"
    doc = _post(date=date, source="_posts/t.md")
    assert post_path(doc, config) == "2024/01/02/t/"
    assert moment_format(date, "YYYY-MM-DD", config.tz) == "2024-01-02"


def test_post_slug_from_file_name():
    assert post_slug("_posts/hello.md") == "hello"
    assert post_slug("_posts/sub/dir/pathy.md") == "sub/dir/pathy"
    assert post_slug("_drafts/a-draft.md") == "a-draft"
    assert post_slug("_posts/中文測試.md") == "中文測試"
    # Hexo's post processor overwrites a front-matter slug with the file name
    assert post_slug("_posts/hello.md", {"slug": "other"}) == "hello"


def test_post_slug_through_new_post_name():
    cfg = {"new_post_name": ":year-:month-:day-:title.md"}
    assert post_slug("_posts/2024-01-02-hello.md", None, cfg) == "hello"
    # not matching the pattern: the whole path slugized
    assert post_slug("_posts/sub/2024-01-02-hello.md", None, cfg) == "sub-2024-01-02-hello"
    assert post_slug("_posts/Hello World.md", None, cfg) == "Hello-World"


def test_parse_post_filename_and_date():
    rule = ":year/:i_month/:i_day/:title.md"
    assert parse_post_filename("2024/1/2/hi.md", rule) == \
        {"year": "2024", "i_month": "1", "i_day": "2", "title": "hi"}
    assert parse_post_filename("hi.md", ":year-:month.md") == {"title": "hi"}
    assert parse_post_filename("2024-01.md", ":year-:month.md") == \
        {"year": "2024", "month": "01", "title": "2024-01"}
    assert date_from_filename("_posts/2024-03-09-x.md", ":year-:month-:day-:title.md") == \
        datetime(2024, 3, 9)
    assert date_from_filename("x.md", ":title.md") is None
    assert date_from_filename("2024-13-09-x.md", ":year-:month-:day-:title.md") is None


def test_post_without_date_and_date_token_is_an_error():
    from engine.errors import SourceError
    doc = _post(date=None)
    with pytest.raises(SourceError, match="no date"):
        post_path(doc, _cfg(":year/:title/"))
    assert post_path(doc, _cfg(":title/")) == "sub/hello/"
