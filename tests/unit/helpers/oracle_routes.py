"""Which oracle routes exist, grouped the way the helper tests use them."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

ORACLE = Path(__file__).resolve().parents[4] / "shared" / "hexo-oracle"
SITES = ("feature-site", "feature-site+pin-top", "hexo-theme-unit-test", "seed004-both",
         "seed004-page", "seed004-post", "tz-site")


@lru_cache(maxsize=None)
def routes(site: str) -> list[tuple[str, str]]:
    """(route path, page kind) for every probed route of a site."""
    out = []
    base = ORACLE / site / "pages"
    for f in sorted(base.rglob("*.json")):
        data = json.loads(f.read_text("utf-8"))
        if "route_path" in data:
            out.append((data["route_path"], data["page"]["kind"]))
    return out


def all_routes(kinds: tuple[str, ...] | None = None) -> list[tuple[str, str]]:
    """(site, route) pairs over every oracle site, optionally only pages of the given kinds."""
    return [(s, r) for s in SITES for r, k in routes(s) if kinds is None or k in kinds]


# The probe's `site_helpers` calls (spec/oracle/probe-theme-hexo/scripts/probe.js), in Python form:
# key → (helper name, positional args, keyword args).
def _utc(*a):
    from datetime import datetime, timezone
    return datetime(*a, tzinfo=timezone.utc)


SITE_CALLS = {
    "list_categories": ("list_categories", (), {}),
    "list_tags": ("list_tags", (), {}),
    "list_archives": ("list_archives", (), {}),
    "list_archives_yearly": ("list_archives", (), {"type": "yearly"}),
    "list_posts": ("list_posts", (), {}),
    "tagcloud": ("tagcloud", (), {}),
    "css": ("css", ("css/style",), {}),
    "css_multi": ("css", (["a", "b.css", "https://x.org/c.css"],), {}),
    "js": ("js", ("js/app",), {}),
    "link_to": ("link_to", ("http://a.com/", "A"), {"external": True}),
    "link_to_internal": ("link_to", ("/about/", "About"), {}),
    "mail_to": ("mail_to", ("a@b.com",), {}),
    "image_tag": ("image_tag", ("img/a.png",), {"alt": "x"}),
    "favicon_tag": ("favicon_tag", ("favicon.ico",), {}),
    "feed_tag": ("feed_tag", ("atom.xml",), {}),
    "url_for_rel": ("url_for", ("a/b.html",), {}),
    "url_for_abs": ("url_for", ("/a/b.html",), {}),
    "url_for_index": ("url_for", ("/a/index.html",), {}),
    "url_for_ext": ("url_for", ("https://x.org/",), {}),
    "relative_url": ("relative_url", ("foo/bar/", "css/style.css"), {}),
    "full_url_for": ("full_url_for", ("/a/b/",), {}),
    "number_format": ("number_format", (12345.678,), {}),
    "number_format_opts": ("number_format", (12345.678,), {"precision": 1, "delimiter": ".",
                                                           "separator": ","}),
    "titlecase": ("titlecase", ("a tale of two cities: the return of the king",), {}),
    "escape_html": ("escape_html", ('<a href="x">&\'</a>',), {}),
    "strip_html": ("strip_html", ("<p>Hello <b>World</b></p>",), {}),
    "truncate": ("truncate", ("Once upon a time in a world far far away",), {"length": 17}),
    "word_wrap": ("word_wrap", ("Once upon a time", 8), {}),
    "markdown": ("markdown", ("**bold** and `code`",), {}),
    "render_md": ("render", ("*em*", "markdown"), {}),
    "meta_generator": ("meta_generator", (), {}),
    "date_fixed": ("date", (_utc(2020, 1, 2, 3, 4, 5), "YYYY-MM-DD HH:mm"), {}),
    "gravatar": ("gravatar", ("a@b.com",), {}),
    "search_form": ("search_form", (), {}),
}


def site_cases(keys: tuple[str, ...]) -> list[tuple[str, str]]:
    """(site, key) for every oracle site and each of `keys`."""
    return [(s, k) for s in SITES for k in keys]
