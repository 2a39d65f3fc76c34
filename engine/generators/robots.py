"""`robots.txt` from config, pointing crawlers at the sitemap.

Opt-in, so a plain Hexo site builds exactly the files Hexo would: `robots: true` (the bundled site
and `pyhexo init` set it) or a mapping:

    robots:
      user_agent: '*'          # one agent, or a list
      allow: []                # paths, site-relative ('/' is the site root, `root` is prefixed)
      disallow: []             # e.g. ['/drafts/']; nothing disallowed by default
      sitemap: true            # add `Sitemap: <full URL of sitemap.xml>` when the sitemap is built
      extra: ''                # lines appended verbatim (Crawl-delay, Host, other agents …)

A site's own `source/robots.txt` (or the theme's `source/robots.txt`) always wins: then nothing is
generated, so a user's file is never overwritten. Note that crawlers only read `/robots.txt` at the
host root; with a subdirectory `root` the file is still written (under the root), with paths and
the sitemap URL under that root, for deployments that map it to the host root.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from engine.generators.feed import _as_list, config_section
from engine.generators.sitemap import sitemap_documents, sitemap_options, sitemap_paths
from engine.routes import Route
from engine.urls import full_url_for, url_for

if TYPE_CHECKING:
    from engine.core import Engine
    from engine.extend import Extend
    from engine.model import Site

ROBOTS_DEFAULTS: dict[str, Any] = {"user_agent": "*", "allow": [], "disallow": [], "sitemap": True,
                                   "extra": ""}


def robots_options(raw: Mapping[str, Any]) -> dict | None:
    """None unless `robots:` is set to something other than false/empty."""
    value = raw.get("robots")
    if value is None or value == "" or value is False:
        return None
    return config_section(raw, "robots", ROBOTS_DEFAULTS)


def user_robots_file(engine: "Engine") -> Path | None:
    """The site's or theme's own robots.txt, if any."""
    candidates = [engine.source_dir / "robots.txt"]
    if engine.config.theme_dir is not None:
        candidates.append(Path(engine.config.theme_dir) / "source" / "robots.txt")
    for p in candidates:
        if p.is_file():
            return p
    return None


def render_robots(raw: Mapping[str, Any], opts: Mapping[str, Any], sitemap_url: str | None) -> str:
    lines: list[str] = []
    for agent in _as_list(opts.get("user_agent")) or ["*"]:
        lines.append(f"User-agent: {agent}")
    allow = [str(p) for p in _as_list(opts.get("allow"))]
    disallow = [str(p) for p in _as_list(opts.get("disallow"))]
    for p in allow:
        lines.append(f"Allow: {url_for(raw, p, False)}")
    for p in disallow:
        lines.append(f"Disallow: {url_for(raw, p, False)}")
    if not allow and not disallow:
        lines.append("Disallow:")   # an empty Disallow: everything may be crawled
    extra = str(opts.get("extra") or "").strip("\n")
    if extra:
        lines += ["", extra]
    if sitemap_url:
        lines += ["", f"Sitemap: {sitemap_url}"]
    return "\n".join(lines) + "\n"


def generate_robots(site: "Site", engine: "Engine") -> Iterable[Route]:
    raw = engine.config.raw
    opts = robots_options(raw)
    if opts is None or user_robots_file(engine) is not None:
        return []
    sitemap_url = None
    if opts.get("sitemap") is not False:
        smap = sitemap_options(raw)
        # Only announce a sitemap that this build writes (none for a site with no documents).
        if smap is not None and sitemap_documents(site, raw):
            xml = next((p for p in sitemap_paths(smap) if not p.lower().endswith(".txt")), None)
            if xml:
                sitemap_url = full_url_for(raw, xml)
        if isinstance(opts.get("sitemap"), str):
            sitemap_url = full_url_for(raw, opts["sitemap"])   # an explicit URL or path
    return [Route("robots.txt", None, render_robots(raw, opts, sitemap_url), "raw", None, "robots")]


def register_robots(extend: "Extend") -> None:
    extend.generators.register("robots", generate_robots)
