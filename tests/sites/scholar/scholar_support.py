"""Shared by the scholar and link-checker tests: build the fixture site (or a corpus copy) with a
tiny theme and the scholar features registered (through scripts/, as a plugin would, unless the
engine already registers them itself)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
SHARED = Path(os.environ.get("PYHEXO_SHARED", REPO.parent / "shared"))
SEED004 = SHARED / "corpora" / "seed004-post"

THEME = {
    "layout/layout.html": "<!DOCTYPE html><html><head><title>{{ page.title }}</title></head>"
                          "<body><nav><a href=\"{{ url_for('/') }}\">Home</a></nav>{{ body }}"
                          "</body></html>",
    "layout/index.html": "{% for p in page.posts %}<a href=\"{{ url_for(p.path) }}\">"
                         "{{ p.title }}</a>\n{% endfor %}",
    "layout/post.html": "<article><h1>{{ page.title }}</h1>{{ page.content }}</article>",
    "layout/page.html": "<main>{{ page.content }}</main>",
    "layout/archive.html": "archive {{ page.year }} {{ page.posts | length }}",
}
PLUGIN = '''from engine.scholar import register_scholar


def register(extend):
    if "publications" not in extend.tags:
        register_scholar(extend)
'''


def add_theme(site: Path, name: str = "t") -> None:
    for rel, text in THEME.items():
        p = site / "themes" / name / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, "utf-8")


def copy_fixture(tmp: Path) -> Path:
    """tests/sites/scholar copied to `tmp/site`, with the tiny theme."""
    site = tmp / "site"
    shutil.copytree(HERE, site, ignore=shutil.ignore_patterns("*.py", "__pycache__", "public",
                                                              ".pyhexo-cache"))
    (site / "scripts").mkdir(exist_ok=True)
    (site / "scripts" / "scholar.py").write_text(PLUGIN, "utf-8")
    add_theme(site, "t")
    return site


def copy_seed004(tmp: Path) -> Path:
    """The reference page (a researcher's Hexo homepage, as a post) with the tiny theme under the
    name its config asks for."""
    import yaml
    site = tmp / "seed004"
    shutil.copytree(SEED004, site)
    theme = (yaml.safe_load((site / "_config.yml").read_text("utf-8")) or {}).get("theme") or "t"
    add_theme(site, str(theme))
    return site


def engine_for(site: Path):
    from engine.core import Engine
    return Engine(site)
