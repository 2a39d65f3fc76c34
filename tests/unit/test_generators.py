"""Pagination and generator data match Hexo's shapes (SPEC §7)."""
from __future__ import annotations

from engine.generators.paginate import paginate


def test_paginate_links_and_data():
    routes = list(paginate("archives/", list(range(7)), 3, "page", ("archive",), "archive",
                           {"archive": True}, "archive"))
    assert [r.path for r in routes] == ["archives/", "archives/page/2/", "archives/page/3/"]
    first, second, last = (r.data for r in routes)
    assert (first.prev, first.prev_link, first.next, first.next_link) == (0, "", 2, "archives/page/2/")
    assert (second.prev_link, second.next_link, second.current_url) == \
        ("archives/", "archives/page/3/", "archives/page/2/")
    assert list(last.posts) == [6] and last.next == 0 and last.total == 3
    assert first.archive is True


def test_paginate_zero_per_page_is_one_page():
    routes = list(paginate("", list(range(25)), 0, "page", ("index",), "index", {}, "index"))
    assert len(routes) == 1 and len(routes[0].data.posts) == 25 and routes[0].path == ""


def test_paginate_no_posts_no_pages():
    # Hexo makes no index page without posts, so a page at source/index.md is the home page.
    assert list(paginate("", [], 10, "page", ("index",), "index", {"__index": True}, "index")) == []
