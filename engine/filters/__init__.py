"""Built-in site-wide filters, registered like any plugin's."""
from __future__ import annotations

from engine.extend import Extend
from engine.filters.external_link import external_link_filter, external_link_post_filter
from engine.filters.meta_generator import meta_generator_filter


def register_builtin_filters(extend: Extend) -> None:
    extend.filters.register("after_render:html", external_link_filter, priority=10)
    extend.filters.register("after_post_render", external_link_post_filter, priority=10)
    extend.filters.register("after_render:html", meta_generator_filter, priority=20)
