"""word_count(content): Latin-script words plus one per CJK character (reading time for posts in
Chinese or Japanese, which are written without spaces)."""
from __future__ import annotations

import pytest

from engine.helpers import builtin_helpers
from engine.helpers.misc import HELPERS, word_count


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
