"""Shared fixtures: throwaway sites built from a dict of files, and paths to the shared corpora."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sitekit import MINIMAL_THEME, REPO, SHARED, write_site  # noqa: E402,F401


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
