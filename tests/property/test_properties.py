"""Property-based tests (hypothesis) over the parsers that see raw user input.

- front-matter splitter: only `SourceError` escapes; the body is a tail of the text, lines >= 1;
- tag scanner and argument splitter: only `ScanError` escapes; nodes are ordered and in range;
- Markdown: never raises; the HTML it produces is well nested (checked with html.parser);
- post pipeline (tags + Markdown): only `EngineError` escapes;
- slugs and permalinks: never raise, a tag/category/post slug is never empty.

Inputs are drawn from alphabets rich in the syntax characters, so the interesting branches are
reached quickly. Example counts are bounded: the whole file runs in well under a minute.
"""
from __future__ import annotations

import html.parser
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.errors import EngineError, SourceError
from engine.frontmatter import normalize_text, parse_front_matter
from engine.markdown import MarkdownRenderer
from engine.model import Document
from engine.permalink import category_slug, expand_permalink, post_path, post_slug, tag_slug
from engine.tags.scanner import ScanError, scan, split_args
from engine.text import slugize

EXAMPLES = 1000
FAST = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Syntax characters of each parser, plus a little of everything else (emoji, RTL, controls).
FM_CHARS = st.sampled_from(list("---;;;::\n\n  \t[]{}\"',#&*!|>%@`?abcxyz019.+_") +
                           ["title", "date", "2024-01-02", "10:00:00", "\ufeff", "\r", "\x00",
                            "😀", "\u202e", "ש"])
TAG_CHARS = st.sampled_from(list("{}%#-  \n`'\"\\<>!abcendraw") +
                            ["{%", "%}", "{{", "}}", "{#", "#}", "<!--", "-->", "```", "raw",
                             "endraw", "blockquote", "endblockquote", "code", "endcode", "img",
                             "😀"])
MD_CHARS = st.sampled_from(list("*_`~#>-+=|:![]()\\&\n\n  \t.1aZ\"'") +
                           ["```", "~~~", "---", "- ", "1. ", "> ", "# ", "| a | b |\n|---|---|\n",
                            "http://x.y/", "www.a.b", "a@b.co", "&amp;", "&#x26;", "- [ ] ",
                            "😀", "\u202e", "\u200d", "ש"])


def text_of(chars, max_size=200):
    return st.lists(chars, max_size=max_size).map("".join)


# ---- front-matter ------------------------------------------------------------------------------

@FAST
@given(text_of(FM_CHARS))
def test_front_matter_splitter_never_crashes(text):
    try:
        fm = parse_front_matter(text, "source/_posts/x.md")
    except SourceError as err:
        assert err.path == "source/_posts/x.md"
        assert err.line is None or err.line >= 1
        return
    assert isinstance(fm.data, dict)
    assert normalize_text(text).endswith(fm.body)
    assert fm.body_line >= 1


@FAST
@given(st.dictionaries(st.sampled_from(["title", "tags", "x", "date2"]),
                       st.one_of(st.text(max_size=20), st.integers(), st.lists(st.text(max_size=5),
                                                                               max_size=3))),
       text_of(MD_CHARS, 50))
def test_front_matter_round_trip(data, body):
    from engine.frontmatter import dumps
    text = dumps(data, body)
    fm = parse_front_matter(text, "x.md")
    if data:
        assert fm.data == data


# ---- tag scanner -------------------------------------------------------------------------------

def _is_block(name: str):
    return {"blockquote": True, "code": True, "img": False, "note": True}.get(name)


@FAST
@given(text_of(TAG_CHARS))
def test_tag_scanner_never_crashes(text):
    try:
        nodes = scan(text, _is_block)
    except ScanError as err:
        assert 0 <= err.offset <= len(text)
        return
    last = 0
    for node in nodes:
        assert last <= node.start < node.end <= len(text)
        last = node.end


@FAST
@given(st.text(alphabet=st.sampled_from(list(" \t\n\"'\\abc=:")), max_size=60))
def test_split_args_never_crashes(src):
    args = split_args(src)
    assert all(isinstance(a, str) for a in args)


# ---- Markdown ----------------------------------------------------------------------------------

VOID = {"br", "hr", "img", "input", "meta", "link", "wbr", "source", "col", "area", "base",
        "embed", "param", "track"}


class _Nesting(html.parser.HTMLParser):
    """Fails on a close tag that does not match the open one, or on unclosed elements."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()


def assert_well_nested(html_text: str) -> None:
    p = _Nesting()
    p.feed(html_text)
    p.close()
    assert not p.problems and not p.stack, (p.problems, p.stack, html_text)


MD = MarkdownRenderer({})
MD_MATH = MarkdownRenderer({"math": True})


@FAST
@given(text_of(MD_CHARS))
def test_markdown_never_crashes_and_output_is_well_nested(text):
    # No '<' in the alphabet: raw HTML passes through Markdown untouched, so only markup the
    # renderer makes is checked.
    out = MD.render(text)
    assert isinstance(out, str)
    assert_well_nested(out)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text_of(MD_CHARS | st.sampled_from(["$", "$$", "\\frac{a}{b}", "^", "{", "}"])))
def test_markdown_with_math_never_crashes(text):
    assert isinstance(MD_MATH.render(text), str)


# ---- post pipeline (tags + Markdown) with a real engine ---------------------------------------

@pytest.fixture(scope="module")
def engine():
    from engine.core import Engine
    from sitekit import write_site
    root = Path(tempfile.mkdtemp(prefix="pyhexo-prop-")) / "site"
    write_site(root, {"source/_posts/p.md": "---\ntitle: P\ndate: 2024-01-01\n---\nx\n"})
    return Engine(root)


@settings(max_examples=500, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(text=text_of(TAG_CHARS | MD_CHARS))
def test_post_pipeline_raises_only_engine_errors(engine, text):
    from engine.post_render import render_string
    try:
        out = render_string(engine, text, tags=True)
    except EngineError:
        return
    assert isinstance(out, str)


# ---- slugs and permalinks ----------------------------------------------------------------------

NAMES = st.text(max_size=30) | text_of(st.sampled_from(list("!?#/ .-_~%&") + ["😀", "ש", "é"]), 10)
CONFIG = {"permalink": ":year/:month/:day/:title/", "new_post_name": ":title.md",
          "filename_case": 0, "tag_map": {}, "category_map": {}, "timezone": "UTC"}


@FAST
@given(NAMES, st.sampled_from([None, 1, 2]), st.sampled_from(["-", "_", ""]))
def test_slugize_never_crashes(name, transform, sep):
    out = slugize(name, sep, transform)
    assert "\n" not in out and "\x00" not in out


@FAST
@given(NAMES)
def test_tag_and_category_slugs_are_never_empty(name):
    for slug in (tag_slug(name, CONFIG), category_slug(name, CONFIG),
                 category_slug([name, name], CONFIG)):
        assert slug and not slug.startswith("/") and "//" not in slug


@FAST
@given(NAMES, st.sampled_from([":title.md", ":year-:month-:day-:title.md", ":year/:title.md"]))
def test_post_slug_is_never_empty(name, new_post_name):
    assert post_slug(f"_posts/{name}.md", {}, {**CONFIG, "new_post_name": new_post_name})


@FAST
@given(text_of(st.sampled_from(list(":/_-.abcdeyrmonthiltsg") +
                              [":year", ":month", ":day", ":title", ":name", ":post_title", ":id",
                               ":hash", ":category", ":i_month", ":timestamp", ":nosuch"]), 20),
       NAMES, NAMES)
def test_permalink_expansion_never_crashes(rule, name, title):
    doc = Document(kind="post", source=f"_posts/{name}.md", full_source=Path("/x"), raw="",
                   body="", body_line=1, front_matter={}, title=title,
                   date=datetime(2024, 1, 2, tzinfo=timezone.utc))
    doc.slug = post_slug(doc.source, {}, CONFIG)
    doc.category_paths = [[title]] if title else []
    path = post_path(doc, {**CONFIG, "permalink": rule or ":title/"})
    assert isinstance(path, str)
    assert expand_permalink(rule, lambda token: token) is not None
