"""Build stamps: let `pyhexo generate` finish at once when nothing it reads has changed.

After a clean build (no errors) we record every input file (the site folder minus outputs, caches
and VCS folders, plus a theme that lives outside the site) with its size and mtime, the options, and
the engine version. The next `generate` compares a fresh walk with the record and checks that the
outputs listed in the writer's manifest are still on disk; if all agree there is nothing to do.
This module imports nothing heavy, so the check costs a directory walk, not a Python build.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from engine import __version__

STAMP_NAME = "stamp.json"
SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", ".deploy_git", "__pycache__",
                       ".pytest_cache", ".hypothesis", ".venv", ".pyhexo-cache"})


def snapshot(roots: list[Path], skip: set[Path]) -> dict[str, list[int]]:
    files: dict[str, list[int]] = {}
    for root in roots:
        if not root.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            here = Path(dirpath)
            dirnames[:] = sorted(d for d in dirnames
                                 if d not in SKIP_DIRS and (here / d) not in skip)
            for name in filenames:
                path = here / name
                try:
                    st = path.stat()
                except OSError:
                    continue
                files[str(path)] = [st.st_mtime_ns, st.st_size]
    return files


def _options(config_files: list[str] | None, drafts: bool, safe: bool) -> dict[str, Any]:
    return {"version": __version__, "config": config_files or [], "drafts": drafts, "safe": safe}


def write_stamp(cache_dir: Path, *, roots: list[Path], public_dir: Path, config_files, drafts: bool,
                safe: bool) -> None:
    public_dir = public_dir.resolve()
    data = {"options": _options(config_files, drafts, safe), "roots": [str(r) for r in roots],
            "public_dir": str(public_dir),
            "files": snapshot(roots, {public_dir, cache_dir.resolve()})}
    from engine.writer import write_atomic
    write_atomic(cache_dir / STAMP_NAME, json.dumps(data).encode("utf-8"), prefix=".stamp-")


def clear_stamp(cache_dir: Path) -> None:
    (cache_dir / STAMP_NAME).unlink(missing_ok=True)


def unchanged(site_dir: Path, *, config_files, drafts: bool, safe: bool) -> int | None:
    """The number of up-to-date outputs when nothing changed since the stamped build, else None."""
    cache_dir = site_dir / ".pyhexo-cache"
    try:
        data = json.loads((cache_dir / STAMP_NAME).read_text("utf-8"))
        manifest = json.loads((cache_dir / "manifest.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("options") != _options(config_files, drafts, safe):
        return None
    if manifest.get("complete") is False or not isinstance(manifest.get("files"), dict):
        return None
    public_dir = Path(data["public_dir"])
    roots = [Path(r) for r in data.get("roots", [])]
    if snapshot(roots, {public_dir, cache_dir.resolve()}) != data.get("files"):
        return None
    for rel, entry in manifest["files"].items():
        try:
            if (public_dir / rel).stat().st_size != entry[1]:
                return None
        except OSError:
            return None
    return len(manifest["files"])
