"""Shared fixtures: throwaway sites built from a dict of files, and paths to the shared corpora."""
from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

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


@pytest.fixture
def make_site(tmp_path):
    def factory(files: dict[str, str], **kw) -> Path:
        return write_site(tmp_path / "site", files, **kw)
    return factory


@pytest.fixture(autouse=True)
def _utc(monkeypatch):
    # Zone-less dates fall back to the machine zone when `timezone` is empty; pin it for tests.
    monkeypatch.setenv("TZ", "UTC")
    if hasattr(os, "tzset"):
        import time
        time.tzset()
