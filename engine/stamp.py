"""Build stamps: let `pyhexo generate` finish at once when nothing it reads has changed.

After a clean build (no errors) we record every input file (the site folder minus outputs, caches
and VCS folders, plus a theme that lives outside the site) with its size, mtime and ctime as they
were when the build started, the options, and the engine version. The next `generate` compares a fresh walk with the record and checks that the
outputs listed in the writer's manifest are still on disk; if all agree there is nothing to do.
This module imports nothing heavy, so the check costs a directory walk, not a Python build.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from engine import __version__

STAMP_NAME = "stamp.json"
SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", ".deploy_git", "__pycache__",
                       ".pytest_cache", ".hypothesis", ".venv", ".pyhexo-cache"})


# A file changed this close before a snapshot may change again within the same clock tick without
# its times or size moving (FAT and some network file systems: 2 s ticks); such a snapshot cannot
# vouch for it (git's "racy clean" rule).
RACY_NS = 2_000_000_000


def snapshot(roots: list[Path], skip: set[Path]) -> dict[str, list[int]]:
    """{path: [mtime_ns, ctime_ns, size]} of every file under `roots` (plain strings and os
    calls: this runs on every `generate`, over every file of the site)."""
    files: dict[str, list[int]] = {}
    skipped = {str(p) for p in skip}
    for root in roots:
        top = str(root)
        if not os.path.isdir(top):
            continue
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS
                                 and os.path.join(dirpath, d) not in skipped)
            for name in filenames:
                path = os.path.join(dirpath, name)
                try:
                    st = os.stat(path)
                except OSError:
                    continue
                files[path] = [st.st_mtime_ns, st.st_ctime_ns, st.st_size]
    return files


def _options(config_files: list[str] | None, drafts: bool, safe: bool) -> dict[str, Any]:
    return {"version": __version__, "config": config_files or [], "drafts": drafts, "safe": safe}


def take(roots: list[Path], public_dir: Path, cache_dir: Path) -> dict[str, Any]:
    """The inputs as they are *before* a build: a file saved while the build runs then differs
    from the stamp, and the next `generate` builds again."""
    taken_ns = time.time_ns()
    return {"roots": [str(r) for r in roots], "public_dir": str(public_dir.resolve()),
            "taken_ns": taken_ns,
            "files": snapshot(roots, {public_dir.resolve(), cache_dir.resolve()})}


def write_stamp(cache_dir: Path, taken: dict[str, Any], *, config_files, drafts: bool,
                safe: bool) -> None:
    """Record `taken` (from `take`, before the build) for a build that succeeded."""
    data = {"options": _options(config_files, drafts, safe), **taken}
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
    files = data.get("files")
    if not isinstance(files, dict) or snapshot(roots, {public_dir, cache_dir.resolve()}) != files:
        return None
    recent = int(data.get("taken_ns") or 0) - RACY_NS
    if any(max(entry[0], entry[1]) >= recent for entry in files.values()):
        return None     # changed just before the stamped build: it may have changed again since
    for rel, entry in manifest["files"].items():
        try:
            if os.stat(f"{public_dir}/{rel}").st_size != entry[1]:
                return None
        except OSError:
            return None
    return len(manifest["files"])
