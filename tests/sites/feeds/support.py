"""Shared by tests/unit/test_feed.py, test_sitemap.py and test_search.py: build an oracle corpus
site (or a small site) with the feed, sitemap, robots and search generators registered.

The corpus copy gets the mtimes the oracle saw (Hexo's `updated` defaults to the file mtime and
the shared copy does not keep them), taken from the oracle's per-page JSON.
"""
from __future__ import annotations

import json
import os
import re
import shutil
from collections import Counter
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
SHARED = Path(os.environ.get("PYHEXO_SHARED", REPO.parent / "shared"))
CORPORA = SHARED / "corpora"
ORACLE = SHARED / "hexo-oracle"
ORACLE_SITES = ["feature-site", "tz-site", "hexo-theme-unit-test", "seed004-post", "seed004-page",
                "seed004-both"]

THEME = {
    "layout/layout.html": "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{{ page.title }}"
                          "</title></head><body>{{ body }}</body></html>",
    "layout/index.html": "{% for p in page.posts %}{{ p.title }}\n{% endfor %}",
    "layout/post.html": "<article>{{ page.content }}</article>",
    "layout/page.html": "<main>{{ page.content }}</main>",
    "layout/archive.html": "archive",
}


def register_all(engine) -> None:
    """Register this issue's generators unless the engine already has them (once the lead wires
    them into engine/generators/__init__.py these calls are no-ops)."""
    from engine.generators.feed import register_feed
    from engine.generators.robots import register_robots
    from engine.generators.search import register_search
    from engine.generators.sitemap import register_sitemap
    gens = engine.extend.generators
    if "feed" not in gens:
        register_feed(engine.extend)
    if "sitemap" not in gens:
        register_sitemap(engine.extend)
    if "robots" not in gens:
        register_robots(engine.extend)
    if "search" not in gens:
        register_search(engine.extend)


def build(site_dir: Path, config_files: list[str] | None = None):
    """(engine, BuildResult) for `site_dir` with the generators registered."""
    from engine.core import Engine
    engine = Engine(site_dir, config_files=config_files)
    register_all(engine)
    return engine, engine.build()


def write_theme(site_dir: Path, name: str = "t") -> None:
    for rel, text in THEME.items():
        p = site_dir / "themes" / name / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, "utf-8")


def oracle_pages(name: str) -> list[dict]:
    out = []
    for f in sorted((ORACLE / name / "pages").rglob("*.json")):
        out.append(json.loads(f.read_text("utf-8")))
    return out


def _ts(s: str | None) -> float | None:
    try:
        return datetime.fromisoformat(str(s).replace("Z", "+00:00")).timestamp()
    except (TypeError, ValueError):
        return None


def prepare_oracle_site(name: str, work: Path, extra_config: str = "") -> Path:
    """Copy corpus `name` into `work`, with a tiny theme and the oracle's mtimes."""
    site = work / name
    shutil.copytree(CORPORA / name, site, ignore=shutil.ignore_patterns(
        "node_modules", "public", "db.json", ".git", "themes"))
    write_theme(site)
    (site / "_config.test.yml").write_text("theme: t\n" + extra_config, "utf-8")
    per_source: dict[str, float] = {}
    for obj in oracle_pages(name):
        pg = obj.get("page", {})
        if pg.get("source") and _ts(pg.get("updated")) is not None:
            per_source[pg["source"]] = _ts(pg["updated"])
    if per_source:
        common = Counter(per_source.values()).most_common(1)[0][0]
        src = site / "source"
        for p in src.rglob("*"):
            if p.is_file():
                ts = per_source.get(p.relative_to(src).as_posix(), common)
                os.utime(p, (ts, ts))
    return site


_DATE_KEY = re.compile(r"^date\s*:", re.M)
_JSON_DATE = re.compile(r'"date"\s*:')


def dateless_sources(site: Path) -> set[str]:
    """Sources ('_posts/x.md') without a `date:`: Hexo dated them with the file's birth time on the
    oracle machine, which cannot be reproduced; their dates and date-based URLs are not compared."""
    out = set()
    src = site / "source"
    for p in src.rglob("*"):
        if p.suffix in (".md", ".markdown", ".html") and p.is_file():
            text = p.read_text("utf-8", errors="replace")
            head = text[:2000]
            if not _DATE_KEY.search(head) and not _JSON_DATE.search(head):
                out.add(p.relative_to(src).as_posix())
    return out


def decode_mailto(text: str) -> str:
    """Hexo entity-encodes mailto links at random: decode them before comparing."""
    import html
    return re.sub(r'mailto:((?:&#x?[0-9a-fA-F]+;|[^"\'\s<>&\]])+)',
                  lambda m: "mailto:" + html.unescape(m.group(1)), text)
