"""engine.config: Hexo defaults, merging, url/root, theme config, errors with lines."""
from __future__ import annotations

import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from engine.config import DEFAULT_CONFIG, config_fingerprint, deep_merge, load_config
from engine.errors import ConfigError
from engine.resources import bundled_theme_dir

SHARED = Path(__file__).resolve().parents[3] / "shared"
FEATURE = (SHARED / "corpora" / "feature-site").resolve()
ORACLE = SHARED / "hexo-oracle"


def site(tmp_path: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, "utf-8")
    return tmp_path


@pytest.mark.parametrize("name", ["feature-site", "tz-site", "hexo-theme-unit-test",
                                  "seed004-post"])
def test_probe_config_matches_hexo(name):
    expected = json.loads((ORACLE / name / "pages" / "index.html.json").read_text("utf-8"))["config"]
    raw = load_config(SHARED / "corpora" / name).raw
    for key, value in expected.items():
        assert raw[key] == value, key


def test_feature_site(tmp_path):
    c = load_config(FEATURE)
    assert c["root"] == "/blog/" and c["url"] == "http://example.com/blog"
    assert c.get("skip_render") == ["skipme/**"]
    # landscape is not installed: the bundled theme stands in, with one warning
    assert c.tz is None and c.theme_name == "landscape" and c.theme_fallback
    # (Hexo's default theme name, so a warning; an unknown name is an error: see test_generate)
    assert c.theme_dir == bundled_theme_dir() and len(c.warnings) == 1 and not c.errors
    assert c.source_dir == FEATURE / "source" and c.public_dir == FEATURE / "public"
    assert c.theme_config["probe_key"] == "from-site-theme_config"      # theme_config: still applies
    assert "menu" in c.theme_config                                     # from scholar's _config.yml
    assert c.files == [FEATURE / "_config.yml"]
    # plugin defaults follow the site's per_page
    assert c["index_generator"]["per_page"] == 3 and c["tag_generator"]["per_page"] == 3
    assert c["index_generator"]["layout"] == ["index", "archive"]
    assert c["category_map"] == {"Mapped Cat": "mapped-cat-slug"}


def test_defaults_without_config_file(tmp_path):
    c = load_config(tmp_path)
    for key in ("title", "permalink", "new_post_name", "per_page", "date_format", "highlight",
                "prismjs", "external_link", "pretty_urls", "updated_option", "meta_generator"):
        assert c[key] == DEFAULT_CONFIG[key]
    assert c["root"] == "/" and c["url"] == "http://example.com" and c.files == []
    assert c["marked"]["breaks"] is True and c["marked"]["smartypants"] is True
    assert c["feed"]["path"] == "atom.xml" and c["sitemap"]["path"] == ["sitemap.xml", "sitemap.txt"]
    assert c["server"]["port"] == 4000
    assert c["archive_generator"] == {"enabled": True, "per_page": 10, "yearly": True,
                                      "monthly": True, "daily": False, "order_by": "-date"}


@pytest.mark.parametrize("url,root,exp_url,exp_root", [
    ("http://example.com/", None, "http://example.com", "/"),
    ("http://example.com/blog/", None, "http://example.com/blog", "/blog/"),
    ("https://x.org/a/b", None, "https://x.org/a/b", "/a/b/"),
    ("http://example.com/blog", "/other", "http://example.com/blog", "/other/"),
    ("http://example.com", "docs/", "http://example.com", "/docs/"),
])
def test_url_and_root(tmp_path, url, root, exp_url, exp_root):
    text = f"url: {url}\n" + (f"root: {root}\n" if root else "")
    c = load_config(site(tmp_path, {"_config.yml": text}))
    assert c["url"] == exp_url and c["root"] == exp_root


def test_null_values_keep_usable_defaults(tmp_path):
    c = load_config(site(tmp_path, {"_config.yml": "skip_render:\nhighlight:\nsubtitle:\n"
                                                   "future:\nper_page:\nkeywords:\n"
                                                   "highlight2: 1\npretty_urls:\n  trailing_html:\n"}))
    assert c["skip_render"] == [] and c["highlight"] == DEFAULT_CONFIG["highlight"]
    assert c["subtitle"] == "" and c["future"] is False and c["per_page"] == 10
    assert c["keywords"] is None and c["pretty_urls"] == {"trailing_index": True,
                                                          "trailing_html": False}


def test_deep_merge_keeps_nested_defaults(tmp_path):
    c = load_config(site(tmp_path, {"_config.yml": "highlight:\n  line_number: false\n"
                                                   "index_generator:\n  per_page: 5\n"
                                                   "sitemap:\n  path: [sitemap.xml]\n"}))
    assert c["highlight"]["line_number"] is False and c["highlight"]["wrap"] is True
    assert c["index_generator"] == {"path": "", "per_page": 5, "order_by": "-date",
                                    "layout": ["index", "archive"], "pagination_dir": "page"}
    assert c["sitemap"]["path"] == ["sitemap.xml"] and c["sitemap"]["tags"] is True


def test_deep_merge_function():
    assert deep_merge({"a": {"b": 1, "c": [1]}}, {"a": {"c": [2], "d": 3}}) == \
        {"a": {"b": 1, "c": [2], "d": 3}}
    base = {"x": [1]}
    merged = deep_merge(base, {})
    merged["x"].append(2)
    assert base == {"x": [1]}  # copies, never aliases


def test_multiple_config_files_in_order(tmp_path):
    root = site(tmp_path, {"_config.yml": "title: Main\n",
                           "a.yml": "title: A\nauthor: Ann\nhighlight:\n  wrap: false\n",
                           "conf/b.json": json.dumps({"title": "B", "highlight": {"hljs": True}})})
    c = load_config(root, ["a.yml", "conf/b.json"])
    assert c["title"] == "B" and c["author"] == "Ann"
    assert c["highlight"]["wrap"] is False and c["highlight"]["hljs"] is True
    assert c.files == [root / "a.yml", root / "conf" / "b.json"]
    assert load_config(root, "a.yml,conf/b.json").raw == c.raw   # the CLI's comma form


def test_missing_config_file_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="config file not found: nope.yml"):
        load_config(tmp_path, ["nope.yml"])


def test_yaml_error_has_path_and_line(tmp_path):
    root = site(tmp_path, {"_config.yml": "title: x\nurl: http://e.com\n  bad: indent\n"})
    with pytest.raises(ConfigError) as info:
        load_config(root)
    assert info.value.path == "_config.yml" and info.value.line == 3
    assert str(info.value).startswith("_config.yml:3:")


def test_duplicate_key_in_config(tmp_path):
    with pytest.raises(ConfigError, match="duplicated key 'title'") as info:
        load_config(site(tmp_path, {"_config.yml": "title: a\nurl: http://e.com\ntitle: b\n"}))
    assert info.value.line == 3


def test_config_must_be_a_mapping(tmp_path):
    with pytest.raises(ConfigError, match="mapping"):
        load_config(site(tmp_path, {"_config.yml": "- a\n- b\n"}))


def test_unknown_timezone(tmp_path):
    with pytest.raises(ConfigError, match="unknown timezone 'Mars/Olympus' in `timezone`"):
        load_config(site(tmp_path, {"_config.yml": "timezone: Mars/Olympus\n"}))


def test_timezone(tmp_path):
    c = load_config(site(tmp_path, {"_config.yml": "timezone: Asia/Shanghai\n"}))
    assert c.tz == ZoneInfo("Asia/Shanghai")


def test_bad_url(tmp_path):
    with pytest.raises(ConfigError, match="`url` must be an absolute URL"):
        load_config(site(tmp_path, {"_config.yml": "url: example.com\n"}))


def test_theme_config_merge_order(tmp_path):
    root = site(tmp_path, {
        "_config.yml": "theme: t\ntheme_config:\n  a: site\n  nested: {z: 26}\n",
        "themes/t/_config.yml": "a: theme\nb: theme\nc: theme\nnested: {x: 1, y: 2}\n",
        "_config.t.yml": "b: file\nc: file\nnested: {y: 3}\n",
    })
    c = load_config(root)
    assert c.theme_dir == root / "themes" / "t"
    assert c.theme_config == {"a": "site", "b": "file", "c": "file",
                              "nested": {"x": 1, "y": 3, "z": 26}}
    assert root / "themes" / "t" / "_config.yml" in c.files and root / "_config.t.yml" in c.files


def test_unknown_theme_falls_back_to_the_bundled_one_with_one_error(tmp_path):
    root = site(tmp_path, {"_config.yml": "title: T\ntheme: missing\ntheme_config: {x: 1}\n",
                           "_config.missing.yml": "k: 1\n", "_config.scholar.yml": "s: 2\n"})
    c = load_config(root)
    assert c.theme_dir == bundled_theme_dir() and c.theme_fallback
    [problem] = c.errors
    assert not c.warnings
    assert "theme 'missing' not found" in str(problem) and "bundled 'scholar'" in str(problem)
    assert problem.path == "_config.yml" and problem.line == 2
    # the missing theme's own config file is not applied to the stand-in; the site's are
    assert "k" not in c.theme_config and c.theme_config["s"] == 2 and c.theme_config["x"] == 1
    assert c.theme_dir == bundled_theme_dir() and len(c.errors) == 1       # resolved once


def test_npm_theme_without_node_modules_is_a_warning(tmp_path):
    root = site(tmp_path, {"_config.yml": "theme: landscape\n",
                           "package.json": '{"dependencies": {"hexo-theme-landscape": "^1.0.0"}}'})
    c = load_config(root)
    assert c.theme_fallback and len(c.warnings) == 1 and not c.errors


def test_ejs_theme_falls_back_and_says_why(tmp_path):
    root = site(tmp_path, {"_config.yml": "theme: landscape\n",
                           "themes/landscape/layout/index.ejs": "<%- body %>",
                           "themes/landscape/layout/_partial/head.ejs": "",
                           "themes/landscape/_config.yml": "menu: {Home: /}\n"})
    c = load_config(root)
    assert c.theme_fallback and c.theme_dir == bundled_theme_dir() and not c.errors
    [warning] = c.warnings
    assert "no Jinja2 views" in str(warning) and "ejs" in str(warning)
    assert c.theme_config.get("profile") is not None        # scholar's config, not landscape's


def test_jinja_theme_and_theme_without_layout_are_used_as_is(tmp_path):
    a = site(tmp_path / "a", {"_config.yml": "theme: t\n", "themes/t/layout/index.html": "x"})
    b = site(tmp_path / "b", {"_config.yml": "theme: t\n", "themes/t/_config.yml": "k: 1\n"})
    for root in (a, b):
        c = load_config(root)
        assert c.theme_dir == root / "themes" / "t" and not c.theme_fallback and not c.warnings


def test_theme_scholar_without_a_copy_uses_the_bundled_one_silently(tmp_path):
    c = load_config(site(tmp_path, {"_config.yml": "theme: scholar\n"}))
    assert c.theme_dir == bundled_theme_dir() and not c.warnings and not c.theme_fallback


def test_fingerprint_is_stable_and_sensitive(tmp_path):
    a = load_config(site(tmp_path / "a", {"_config.yml": "title: A\n"}))
    b = load_config(site(tmp_path / "b", {"_config.yml": "title: A\n"}))
    c = load_config(site(tmp_path / "c", {"_config.yml": "title: C\n"}))
    assert config_fingerprint(a) == config_fingerprint(b) != config_fingerprint(c)
    b.theme_config["x"] = 1
    assert config_fingerprint(a) != config_fingerprint(b)
