"""engine.frontmatter: Hexo's front-matter forms, js-yaml typing, file line numbers in errors."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import SourceError
from engine.frontmatter import (HexoJSONHandler, HexoYAMLHandler, dumps, load_yaml,
                                parse_front_matter)

SHARED = Path(__file__).resolve().parents[3] / "shared"
POSTS = SHARED / "corpora" / "feature-site" / "source" / "_posts"


def parse(text: str):
    return parse_front_matter(text, "_posts/x.md")


# --------------------------------------------------------------------------- forms

def test_yaml_block():
    fm = parse("---\ntitle: Hello\ntags: [a, b]\n---\nBody\n")
    assert fm.data == {"title": "Hello", "tags": ["a", "b"]}
    assert fm.body == "Body\n" and fm.body_line == 5 and fm.kind == "yaml"


def test_leading_separator_is_optional():
    fm = parse((POSTS / "no-leading-dashes.md").read_text("utf-8"))
    assert fm.data["title"] == "No Leading Dashes"
    assert fm.body == "Body without leading dashes.\n" and fm.body_line == 4


@pytest.mark.parametrize("name,title,line", [("json-fm.md", "JSON Front Matter", 5),
                                             ("json-fm2.md", "JSON Front Matter 2", 5)])
def test_json_front_matter(name, title, line):
    fm = parse((POSTS / name).read_text("utf-8"))
    assert fm.kind == "json" and fm.data["title"] == title and fm.body_line == line
    assert fm.body.startswith("Body of JSON front-matter post")


def test_no_front_matter():
    text = (POSTS / "no-frontmatter.md").read_text("utf-8")
    fm = parse(text)
    assert fm.data == {} and fm.body == text and fm.body_line == 1 and fm.kind == "none"


@pytest.mark.parametrize("path", sorted(POSTS.glob("*.md")), ids=lambda p: p.name)
def test_every_feature_site_post_parses(path):
    fm = parse(path.read_text("utf-8"))
    if path.name != "no-frontmatter.md":
        assert fm.data.get("title") or path.name == "no-frontmatter.md"


def test_markdown_hr_is_not_front_matter():
    text = "Just a paragraph.\n\n---\n\nAfter the rule.\n"
    assert parse(text).data == {} and parse(text).body == text
    # a Markdown list above an hr: YAML would see a list (or fail): still body
    text = "* one\n* two\n\n---\nmore\n"
    assert parse(text).data == {} and parse(text).body == text
    text = "- one\n- two\n---\nmore\n"
    assert parse(text).data == {} and parse(text).body == text


def test_hr_at_top_without_yaml_is_body():
    text = "---\n\nSome text\n"
    assert parse(text).data == {} and parse(text).body == text


def test_longer_separators_must_match():
    fm = parse("-----\ntitle: a\n-----\nbody")
    assert fm.data == {"title": "a"} and fm.body == "body"
    # a shorter '---' inside a '----' block is a second YAML document: js-yaml rejects it too
    with pytest.raises(SourceError, match="another document"):
        parse("----\ntitle: a\n---\nbody\n----\nend")


def test_bom_and_crlf():
    fm = parse("\ufeff---\r\ntitle: a\r\n---\r\nline1\r\nline2\r\n")
    assert fm.data == {"title": "a"} and fm.body == "line1\nline2\n" and fm.body_line == 4


def test_tabs_become_spaces():
    fm = parse("---\nobj:\n\ta: 1\n\tb: 2\n---\n")
    assert fm.data == {"obj": {"a": 1, "b": 2}}


def test_empty_front_matter_block():
    fm = parse("---\n# nothing here\n---\nbody\n")
    assert fm.data == {} and fm.body == "body\n" and fm.body_line == 4


def test_body_is_empty_when_file_ends_after_separator():
    fm = parse("---\ntitle: a\n---")
    assert fm.data == {"title": "a"} and fm.body == "" and fm.body_line == 3


# --------------------------------------------------------------------------- typing

def test_dates_stay_naive_or_keep_their_offset():
    data = parse("---\na: 2024-01-02 03:04:05\nb: 2024-01-10T10:00:00+08:00\nc: 2024-01-11\n"
                 "d: 2024-01-10T10:00:00Z\ne: '2024-01-02'\n---\n").data
    assert data["a"] == datetime(2024, 1, 2, 3, 4, 5) and data["a"].tzinfo is None
    assert data["b"] == datetime(2024, 1, 10, 10, tzinfo=timezone(timedelta(hours=8)))
    assert data["b"].utcoffset() == timedelta(hours=8)
    assert data["c"] == date(2024, 1, 11) and not isinstance(data["c"], datetime)
    assert data["d"].utcoffset() == timedelta(0)
    assert data["e"] == "2024-01-02"


@pytest.mark.parametrize("yaml_text,value", [
    ("yes", "yes"), ("no", "no"), ("on", "on"), ("True", True), ("FALSE", False),
    ("12:30", "12:30"), ("0o17", 15), ("017", 17), ("0x1F", 31), ("1_000", 1000),
    ("1.5", 1.5), ("1e3", 1000.0), (".5", 0.5), (".", "."), ("~", None), ("null", None),
    ("", None), ("-7", -7), ("2024", 2024), ("1.10", 1.1), ("v1.0", "v1.0"),
])
def test_js_yaml_scalars(yaml_text, value):
    assert load_yaml(f"k: {yaml_text}\n")["k"] == value


def test_nan_and_inf():
    data = load_yaml("a: .inf\nb: -.Inf\nc: .nan\n")
    assert data["a"] == float("inf") and data["b"] == float("-inf") and data["c"] != data["c"]


def test_merge_keys_and_override():
    data = load_yaml("base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  y: 3\n")
    assert data["other"] == {"x": 1, "y": 3}


# --------------------------------------------------------------------------- errors

def test_yaml_error_reports_file_line_and_column():
    text = "---\ntitle: ok\ntags: [a, b\nlayout: post\n---\nbody\n"
    with pytest.raises(SourceError) as info:
        parse(text)
    err = info.value
    assert err.path == "_posts/x.md" and err.line in (4, 5) and err.column
    assert err.hint == "check indentation and quoting"
    assert "invalid YAML front-matter" in err.message


def test_yaml_error_line_without_leading_separator():
    with pytest.raises(SourceError) as info:
        parse("title: a\n  bad: indent: here\n---\nbody\n")
    assert info.value.line == 2


def test_bad_indentation_line():
    with pytest.raises(SourceError) as info:
        parse("---\ntitle: a\ndate: 2024-01-02\n  layout: post\n---\n")
    assert info.value.line == 4
    assert str(info.value).startswith("_posts/x.md:4:")


def test_duplicate_key_is_an_error_at_its_line():
    with pytest.raises(SourceError, match="duplicated key 'title'") as info:
        parse("---\ntitle: a\ndate: 2024-01-02\ntitle: b\n---\n")
    assert info.value.line == 4


def test_non_mapping_yaml_block():
    with pytest.raises(SourceError, match="must be a mapping") as info:
        parse("---\n- a\n- b\n---\nbody\n")
    assert info.value.line == 2
    with pytest.raises(SourceError, match="must be a mapping"):
        parse("---\njust text\n---\nbody\n")


def test_json_error_reports_file_line():
    with pytest.raises(SourceError, match="invalid JSON front-matter") as info:
        parse(';;;\n"title": "a",\n"date" "2024-01-02"\n;;;\nbody\n')
    assert info.value.line == 3 and info.value.column == 8
    with pytest.raises(SourceError) as info:
        parse('"title": "a" "x"\n;;;\nbody\n')
    assert info.value.line == 1 and info.value.column == 14


def test_unclosed_block():
    with pytest.raises(SourceError, match="never closed") as info:
        parse("---\ntitle: a\ndate: 2024-01-02\n\nBody text\n")
    assert info.value.line == 1 and "add a line '---'" in info.value.hint


# --------------------------------------------------------------------------- handlers

def test_python_frontmatter_handlers_round_trip():
    import frontmatter
    post = frontmatter.loads("title: x\n---\nbody\n", handler=HexoYAMLHandler())
    assert post["title"] == "x" and post.content == "body"
    assert HexoYAMLHandler().detect("---\na: 1\n---\n")
    assert HexoJSONHandler().detect(';;;\n"a": 1\n;;;\n')
    text = dumps({"title": "Hi: there", "tags": ["a"]}, "body\n")
    assert parse(text).data == {"title": "Hi: there", "tags": ["a"]} and parse(text).body == "body\n"
    text = dumps({"title": "J"}, "b\n", kind="json")
    assert parse(text).kind == "json" and parse(text).data == {"title": "J"}


# --------------------------------------------------------------------------- properties

_lines = st.lists(st.sampled_from(["---", ";;;", "----", "title: x", "a: [1", '"k": 1', "- i",
                                   "", "\ttab: 1", "text", "date: 2024-01-02", "  x: y", "#c",
                                   "k: v: w", "\ufeff", "a: 'q"]), max_size=12)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=200), _lines.map("\n".join)))
def test_splitter_never_raises_anything_but_source_error(text):
    try:
        fm = parse(text)
    except SourceError as err:
        assert err.line is not None and err.line >= 1
        return
    normalized = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    assert isinstance(fm.data, dict)
    # the body is a suffix of the file, starting at line body_line
    assert normalized.endswith(fm.body)
    offset = len(normalized) - len(fm.body)
    assert fm.body_line == normalized.count("\n", 0, offset) + 1
    if fm.kind == "none":
        assert fm.body == normalized and fm.body_line == 1 and fm.data == {}


@pytest.mark.parametrize("title", ["\xa0", " leading", "trailing\u2003", "\u3000"])
def test_dumps_keeps_values_with_unicode_spaces_at_the_ends(title):
    # Found by the round-trip property test: a lone U+00A0 was written plain and read back as null.
    text = dumps({"title": title}, "body\n")
    assert parse_front_matter(text, "x.md").data == {"title": title}
