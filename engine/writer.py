"""Write a build's outputs into `public/` safely.

- Atomic per file: bytes go to a temp file in the same directory, then `os.replace`, so a crash
  leaves each file either old or new, never half-written.
- Only changed files are written (a manifest of digests from the previous build, checked against the
  file's size on disk), and files that the previous build wrote but this one no longer produces are
  removed. Files we never wrote (CNAME, .git, .nojekyll) are left alone.
- Nothing is ever written outside `public_dir`: every path is checked after normalisation.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from engine.errors import RouteError

MANIFEST_NAME = "manifest.json"


@dataclass
class WriteStats:
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)


def safe_output_path(public_dir: Path, rel: str) -> Path:
    """`public_dir / rel`, refusing anything that could land outside it."""
    pure = PurePosixPath(rel)
    if not rel or pure.is_absolute() or ".." in pure.parts or "\\" in rel or "\x00" in rel \
            or (len(rel) > 1 and rel[1] == ":"):
        raise RouteError(f"refusing to write outside the output folder: {rel!r}")
    target = public_dir.joinpath(*pure.parts)
    return target


def digest_of(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def write_outputs(outputs: dict[str, bytes | Path], public_dir: Path, cache_dir: Path,
                  keep: set[str] = frozenset(), sources: dict[str, str] | None = None,
                  failed_sources: set[str] = frozenset()) -> WriteStats:
    """Write `outputs` (route → bytes, or a Path to copy).

    Stale files are removed except `keep` paths and the outputs of `failed_sources` (the manifest
    remembers which source made each file), so a typo in a post never deletes its last good page.
    """
    sources = sources or {}
    stats = WriteStats()
    public_dir.mkdir(parents=True, exist_ok=True)
    manifest_path = cache_dir / MANIFEST_NAME
    old = _read_manifest(manifest_path)
    new: dict[str, list] = {}
    for rel, body in outputs.items():
        target = safe_output_path(public_dir, rel)
        if isinstance(body, Path):
            st = body.stat()
            sig = f"file:{st.st_size}:{st.st_mtime_ns}"
            size = st.st_size
        else:
            sig = digest_of(body)
            size = len(body)
        prev = old.get(rel)
        if prev and prev[0] == sig and _size_is(target, size):
            stats.unchanged += 1
        else:
            _atomic_write(target, body)
            stats.written.append(rel)
        new[rel] = [sig, size, sources.get(rel)]
    for rel in old:
        if rel in new:
            continue
        if rel in keep or (len(old[rel]) > 2 and old[rel][2] in failed_sources):
            new[rel] = old[rel]
            continue
        try:
            target = safe_output_path(public_dir, rel)
        except RouteError:
            continue
        if target.is_file() and not target.is_symlink():
            target.unlink()
            stats.removed.append(rel)
            _prune_empty_dirs(target.parent, public_dir)
    _write_manifest(manifest_path, new)
    return stats


def _size_is(path: Path, size: int) -> bool:
    try:
        return path.stat().st_size == size and not path.is_symlink()
    except OSError:
        return False


def _atomic_write(target: Path, body: bytes | Path) -> None:
    parent = target.parent
    # A file where a directory must go (or the reverse) came from an older build: replace it.
    for anc in reversed(target.parents):
        if anc == parent or parent.is_relative_to(anc):
            if anc.is_file() or anc.is_symlink():
                anc.unlink()
    parent.mkdir(parents=True, exist_ok=True)
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target)
    fd, tmp = tempfile.mkstemp(prefix=".pyhexo-", suffix=".tmp", dir=parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            if isinstance(body, Path):
                with open(body, "rb") as src:
                    shutil.copyfileobj(src, fh, 1 << 20)
            else:
                fh.write(body)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _prune_empty_dirs(directory: Path, stop: Path) -> None:
    while directory != stop and stop in directory.parents:
        try:
            directory.rmdir()
        except OSError:
            return
        directory = directory.parent


def _read_manifest(path: Path) -> dict[str, list]:
    try:
        data = json.loads(path.read_text("utf-8"))
        return data.get("files", {}) if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _write_manifest(path: Path, files: dict[str, list]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".manifest-", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({"version": 1, "files": files}, fh)
    os.replace(tmp, path)
