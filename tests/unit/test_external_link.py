"""The site-wide external_link filter (Hexo's `external_link.field: site`)."""
from __future__ import annotations

import pytest

from engine.filters.external_link import add_external_targets

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
