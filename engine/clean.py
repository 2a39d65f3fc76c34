"""`pyhexo clean`: remove what the build made (public/ contents and the cache), nothing else.

Refuses when `public_dir` is the site itself, contains the sources or a theme, is the home directory
or `/`. Keeps `.git`, `CNAME` and `.nojekyll` inside public/ (deploy setups rely on them).
"""
from __future__ import annotations

import shutil
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.core import Engine

KEEP = frozenset({".git", "CNAME", ".nojekyll"})


def clean_site(engine: "Engine") -> int:
    from engine.core import check_public_dir
    check_public_dir(engine)
    removed = 0
    public = engine.public_dir
    if public.is_dir() and not public.is_symlink():
        for child in sorted(public.iterdir()):
            if child.name in KEEP:
                continue
            if child.is_dir() and not child.is_symlink():
                removed += sum(1 for p in child.rglob("*") if not p.is_dir())
                shutil.rmtree(child)
            else:
                child.unlink()
                removed += 1
    if engine.cache_dir.is_dir():
        shutil.rmtree(engine.cache_dir)
    return removed
