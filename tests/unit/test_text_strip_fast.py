"""strip_html's regex fast path gives exactly what the reference scanner gives."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.text import _strip_html_cached, _strip_html_slow

PIECES = st.sampled_from(["<", ">", '"', "'", "!--", "-->", "<!--", " ", "\n", "a", "b", "=",
                          "<p>", "</p>", '<a href="x>y">', "<br/>", "< ", "<!-->", "/"])


@settings(max_examples=2000, deadline=None)
@given(st.lists(PIECES, max_size=25).map("".join))
def test_fast_path_equals_reference(text):
    assert _strip_html_cached.__wrapped__(text) == _strip_html_slow(text)


def test_examples():
    assert _strip_html_cached.__wrapped__('<p class="a>b">Hi <!-- c > d --><b>x</b></p>') == "Hi x"
    assert _strip_html_cached.__wrapped__("a < b <i>c</i>") == _strip_html_slow("a < b <i>c</i>")
