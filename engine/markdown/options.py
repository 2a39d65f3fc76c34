"""hexo-renderer-marked options: defaults (SPEC §2) merged with the site's `marked:` block."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .math import math_enabled


def _flag(value: Any, default: bool) -> bool:
    return default if value is None else bool(value)


@dataclass(frozen=True)
class MarkedOptions:
    breaks: bool = True
    smartypants: bool = True
    quotes: str = "\u201c\u201d\u2018\u2019"  # open/close double, open/close single
    header_ids: bool = True
    modify_anchors: int = 0
    anchor_alias: bool = False
    autolink: bool = True
    mangle: bool = True
    sanitize_url: bool = False
    lazyload: bool = False
    figcaption: bool = False
    prepend_root: bool = True
    description_lists: bool = True
    external_enable: bool = False
    external_nofollow: bool = False
    external_exclude: tuple[str, ...] = ()
    # site-level values the renderer needs
    root: str = "/"
    site_url: str = "http://example.com"
    relative_link: bool = False
    trailing_index: bool = True
    trailing_html: bool = True
    # site-level `math:` switch (engine.markdown.math): `$…$` / `$$…$$` -> MathML
    math: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_config(cls, config_raw: dict[str, Any] | None) -> "MarkedOptions":
        cfg = config_raw or {}
        m = cfg.get("marked") or {}
        if not isinstance(m, dict):
            m = {}
        ext = m.get("external_link") or {}
        if not isinstance(ext, dict):  # `external_link: true` shorthand
            ext = {"enable": bool(ext)}
        exclude = ext.get("exclude") or ()
        if isinstance(exclude, str):
            exclude = (exclude,)
        quotes = m.get("quotes")
        if not (isinstance(quotes, str) and len(quotes) == 4):
            quotes = cls.quotes
        try:
            modify = int(m.get("modifyAnchors") or 0)
        except (TypeError, ValueError):
            modify = 0
        root = cfg.get("root") or "/"
        if not root.endswith("/"):
            root += "/"
        pretty = cfg.get("pretty_urls") or {}
        return cls(
            breaks=_flag(m.get("breaks"), True),
            smartypants=_flag(m.get("smartypants"), True),
            quotes=quotes,
            header_ids=_flag(m.get("headerIds"), True),
            modify_anchors=modify,
            anchor_alias=_flag(m.get("anchorAlias"), False),
            autolink=_flag(m.get("autolink"), True),
            mangle=_flag(m.get("mangle"), True),
            sanitize_url=_flag(m.get("sanitizeUrl"), False),
            lazyload=_flag(m.get("lazyload"), False),
            figcaption=_flag(m.get("figcaption"), False),
            prepend_root=_flag(m.get("prependRoot"), True),
            description_lists=_flag(m.get("descriptionLists"), True),
            external_enable=_flag(ext.get("enable"), False),
            external_nofollow=_flag(ext.get("nofollow"), False),
            external_exclude=tuple(str(x) for x in exclude),
            root=root,
            site_url=str(cfg.get("url") or "http://example.com"),
            relative_link=bool(cfg.get("relative_link")),
            trailing_index=_flag(pretty.get("trailing_index"), True),
            trailing_html=_flag(pretty.get("trailing_html"), True),
            math=math_enabled(cfg),
            extra=dict(m),
        )
