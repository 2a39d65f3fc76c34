"""The site-wide external_link filter (Hexo's `external_link.field: site`)."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.filters.external_link import _A_TAG, _host, _replace_anchors, add_external_targets

CFG = {"url": "http://example.com/blog", "external_link": {"enable": True, "field": "site",
                                                           "exclude": ["trusted.org"]}}


@pytest.mark.parametrize("html,expected", [
    ('<a href="https://x.org/">x</a>', '<a target="_blank" rel="noopener" href="https://x.org/">x</a>'),
    ('<a class="c" href="//x.org/a">x</a>', '<a target="_blank" rel="noopener" class="c" href="//x.org/a">x</a>'),
    ('<a href="http://example.com/blog/p/">own</a>', None),
    ('<a href="/about/">rel</a>', None),
    ('<a href="#top">hash</a>', None),
    ('<a href="https://trusted.org/">ex</a>', None),
    ('<a href="https://x.org/" target="_self">t</a>', None),
    ('<a href="https://x.org/" rel="me">r</a>', '<a target="_blank" href="https://x.org/" rel="me noopener">r</a>'),
    ("<a href='https://x.org/'>single</a>", "<a target=\"_blank\" rel=\"noopener\" href='https://x.org/'>single</a>"),
    ('<abbr title="https://x.org">a</abbr>', None),
])
def test_external_link(html, expected):
    assert add_external_targets(html, CFG) == (expected or html)


# `_replace_anchors` only tries the tags holding a `//`; it must replace exactly what a plain
# `_A_TAG.sub` over the whole page does, on any input.
_PIECES = ["<a", "<A", "<abbr", " ", "\n", "href", "HREF", "=", '"', "'", "//", "/", "http:",
           "https:", "x.org", "example.com", ">", "<", "target=", 'rel="me"', "<p>", "</a>", "@"]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join))
def test_replace_anchors_is_a_plain_sub(html):
    def mark(m):
        return "[" + m.group(0) + "]"
    expected = _A_TAG.sub(mark, html)
    first = html.find("//")
    assert (html if first < 0 else _replace_anchors(html, first, mark)) == expected


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["http://", "HTTPS://", "//", "a", "B", "-", ".", ":", "80", "@",
                                 "/", "?", "#", "[", "]", "%", " ", "\t", "é", "x"]),
                max_size=12).map("".join))
def test_host_matches_urlsplit(url):
    try:
        expected = (urlsplit(url).hostname or "").lower()
    except ValueError:
        expected = ""
    assert _host(url) == expected


def _reference(html: str, config: dict) -> str:
    """The filter as one plain regex pass (what the shortcuts in external_link must equal)."""
    tag = re.compile(r"""<a((?:\s[^<>]*?)?\shref\s*=\s*["']?\s*(?:https?:)?//[^<>]*?)>""", re.I)
    href_re = re.compile(r"""\shref\s*=\s*(["'])([^"'<>]*)\1""", re.I)
    target_re = re.compile(r"\starget\s*=", re.I)
    rel_re = re.compile(r"""(\srel\s*=\s*)(["'])([^"']*)\2""", re.I)
    exclude = config["external_link"].get("exclude") or []
    excluded = {h.lower() for h in exclude if h} | {(urlsplit(config["url"]).hostname or "").lower()}

    def fix(m):
        attrs = m.group(1) or ""
        href = href_re.search(attrs)
        if not href or target_re.search(attrs):
            return m.group(0)
        url = href.group(2).strip()
        if not url.lower().startswith(("http://", "https://", "//")):
            return m.group(0)
        try:
            host = (urlsplit(url).hostname or "").lower()
        except ValueError:
            host = ""
        if not host or host in excluded:
            return m.group(0)
        rel = rel_re.search(attrs)
        if rel:
            values = rel.group(3).split()
            if "noopener" not in values:
                values.append("noopener")
            attrs = attrs[:rel.start()] + f'{rel.group(1)}{rel.group(2)}{" ".join(values)}' \
                f'{rel.group(2)}' + attrs[rel.end():]
            return f'<a target="_blank"{attrs}>'
        return f'<a target="_blank" rel="noopener"{attrs}>'

    return tag.sub(fix, html)


_TAG_PIECES = ["<a", "<A", " ", "\n", " href=", " HREF = ", '"', "'", "//", "http:", "HTTPS:",
               "x.org", "example.com", "trusted.org", "/p", ">", "<", " target=", ' rel="me"',
               " rel='noopener'", "</a>", "@", ":8", "[", "é", "ſ", "tar", "get"]


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(_TAG_PIECES), max_size=30).map("".join))
def test_filter_equals_the_plain_regex_pass(html):
    assert add_external_targets(html, CFG) == _reference(html, CFG)
