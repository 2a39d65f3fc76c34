"""word_count(content): Latin-script words plus one per CJK character (reading time for posts in
Chinese or Japanese, which are written without spaces)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.helpers import builtin_helpers
from engine.helpers.misc import _CJK_CHAR, _WORD, HELPERS, word_count
from engine.model import Site
from engine.render_context import RenderContext


@pytest.mark.parametrize("content, expected", [
    ("", 0),
    (None, 0),
    ("Hello, world!", 2),
    ("<p>Hello <em>brave</em> new <a href='/x'>world</a>.</p>", 4),
    ("don't stop state-of-the-art 3.14 — e.g. ok", 6),      # joined words count once; dashes alone don't
    ("<p>共轭梯度法</p>", 5),                                # each Han character is a word
    ("<p>用 Python 写一个 CG 求解器</p>", 9),                   # 7 characters + 2 words
    ("こんにちは 世界", 7),                                   # kana and kanji
    ("한국어 텍스트", 2),                                      # Hangul is space-separated: words
    ("café naïve Ærø", 3),
    ("<script>var a = 1;</script><style>p{}</style><!-- note -->x &amp; y", 2),
    ("<pre><code>def cg(A, b):\n    return x</code></pre>", 6),
    ("，。！？ ... --- ***", 0),                               # punctuation only
])
def test_word_count(content, expected):
    assert word_count(None, content) == expected


def test_registered_and_reading_time_scale():
    assert HELPERS["word_count"] is word_count
    assert builtin_helpers()["word_count"] is word_count
    # A 1,000-character Chinese post reads like a 1,000-word English one, not like one word.
    assert word_count(None, "<p>" + "字" * 1000 + "</p>") == 1000
    assert word_count(None, "<p>" + "word " * 1000 + "</p>") == 1000


# The shortcuts (ASCII text counted without a regex; a run of letters and digits between spaces
# is one word) must count exactly what the word regex alone counts, CJK, underscores, joiners
# and odd Unicode digits included.
_ALPHABET = "ab Z9_ \t\n'’.-,!é字カ한٣²ⅷ　\u00a0"
_ASCII = "ab Z9_ \t\n'.-,!/&;"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=40))
def test_token_shortcut_counts_like_the_regex(text):
    expected = len(_CJK_CHAR.findall(text)) + len(_WORD.findall(text))
    assert word_count(None, text) == expected


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_ASCII, max_size=40))
def test_ascii_count_is_the_regex_count(text):
    assert word_count(None, text) == len(_WORD.findall(text))


def test_memoised_per_site():
    site = Site()
    ctx = RenderContext(engine=None, site=site)
    assert word_count(ctx, "<p>one two</p>") == 2
    assert word_count(ctx, "<p>one two</p>") == 2
    assert ("word_count", "<p>one two</p>") in site.__dict__["_pyhexo_helper_memo"]
