"""Building throwaway test sites: `write_site(root, {path: text})` plus a tiny theme.

Import it as `from sitekit import write_site` (tests/ is on sys.path via the root conftest);
importing from `conftest` is ambiguous because several test folders have one.
"""
from __future__ import annotations

import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
MINIMAL_THEME = {
    "themes/t/layout/layout.html": "<!DOCTYPE html><html><head><title>{{ page.title }}</title></head>"
                                   "<body>{{ body }}</body></html>",
    "themes/t/layout/index.html": "{% for p in page.posts %}<a href=\"{{ url_for(p.path) }}\">"
                                  "{{ p.title }}</a>\n{% endfor %}",
    "themes/t/layout/post.html": "<article><h1>{{ page.title }}</h1>{{ page.content }}</article>",
    "themes/t/layout/page.html": "<main>{{ page.content }}</main>",
    "themes/t/layout/archive.html": "archive {{ page.year }} {{ page.posts | length }}",
}


def write_site(root: Path, files: dict[str, str], *, theme: bool = True,
               config: str | None = None) -> Path:
    """Create a site under `root` from {relative path: text}; adds a tiny theme unless told not to."""
    all_files = dict(MINIMAL_THEME) if theme else {}
    all_files.setdefault("_config.yml", config or "title: Test\nurl: http://example.com\ntheme: t\n"
                                                  "timezone: UTC\n")
    all_files.update(files)
    for rel, text in all_files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text).lstrip("\n") if rel.endswith(".md") else text,
                            "utf-8")
    return root
