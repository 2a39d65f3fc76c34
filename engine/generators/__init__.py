"""Built-in generators. Registration order is route priority: on a path collision the earlier one
wins and the later one is reported (index before pages, as in Hexo where the index owns
`index.html`)."""
from __future__ import annotations

from engine.extend import Extend
from engine.generators.archive import generate_archive
from engine.generators.documents import generate_assets, generate_pages, generate_posts
from engine.generators.feed import register_feed
from engine.generators.robots import register_robots
from engine.generators.search import register_search
from engine.generators.sitemap import register_sitemap
from engine.generators.index import generate_index
from engine.generators.taxonomy import generate_categories, generate_tags


def register_builtin_generators(extend: Extend) -> None:
    extend.generators.register("index", generate_index)
    extend.generators.register("archive", generate_archive)
    extend.generators.register("category", generate_categories)
    extend.generators.register("tag", generate_tags)
    extend.generators.register("post", generate_posts)
    extend.generators.register("page", generate_pages)
    extend.generators.register("asset", generate_assets)
    # After the assets, so a user's own source/atom.xml or robots.txt keeps its path.
    register_feed(extend)       # also registers the <head> autodiscovery filter
    register_sitemap(extend)
    register_robots(extend)
    register_search(extend)
