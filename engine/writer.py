"""Write a build's outputs into `public/` safely.

- Atomic per file: bytes go to a temp file in the same directory, then `os.replace`, so a crash
  leaves each file either old or new, never half-written.
- Only changed files are written (a manifest of digests from the previous build, checked against the
  file's size on disk), and files that the previous build wrote but this one no longer produces are
  removed. Files we never wrote (CNAME, .git, .nojekyll) are left alone.
- Nothing is ever written outside `public_dir`: every path is checked after normalisation.
- Interrupted runs are repaired: before the first write the manifest is saved as *incomplete*
  (listing the paths about to be written); the next run that finds it so rewrites every output,
  forgets nothing it may have written, and sweeps the temp files it left behind.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from engine.errors import EngineError, RouteError, SourceError

MANIFEST_NAME = "manifest.json"
# Cache files that describe public/ (engine.route_deps): stale the moment a write begins.
DESCRIBES_OUTPUT = ("route-deps.pickle",)
TMP_PREFIX = ".pyhexo-"
# Exactly the names `tempfile.mkstemp(prefix=TMP_PREFIX, suffix=".tmp")` creates (and the
# manifest's own temp files): a user's file is never matched.
_OUR_TMP = re.compile(r"^(?:\.pyhexo-|\.manifest-)[a-z0-9_]{8}(?:\.tmp)?$")


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
    # SHA-256 (truncated): with the CPU's SHA extensions over twice BLAKE2's speed, and a build
    # hashes every page it writes.
    return hashlib.sha256(data).hexdigest()[:32]


@dataclass(frozen=True)
class Written:
    """What became of one output: its manifest signature and size, and whether bytes hit the
    disk (False: the file already held them). Small enough to send back from a worker process."""
    sig: str
    size: int
    wrote: bool


class OutputWriter:
    """One build's writes into `public_dir`, in three steps so that pages can be written by the
    worker processes that render them (a forked worker inherits this object):

    1. `prepare(paths)` in the parent, once the routes are known and before any write;
    2. `put(rel, body)` for every output, in any process, in any order (different paths);
    3. `finish(entries, ...)` in the parent: remove stale files, save the manifest.
    """

    def __init__(self, public_dir: Path, cache_dir: Path) -> None:
        self.public_dir = public_dir
        self.manifest_path = cache_dir / MANIFEST_NAME
        self.cache_dir = cache_dir
        self.old: dict[str, list] = {}
        self.complete = False
        self._ready: set[Path] = set()      # folders this process has made sure of

    def prepare(self, paths, sources: dict[str, str] | None = None) -> None:
        sources = sources or {}
        self.public_dir.mkdir(parents=True, exist_ok=True)
        self.old, self.complete = _read_manifest_state(self.manifest_path)
        for name in DESCRIBES_OUTPUT:
            (self.cache_dir / name).unlink(missing_ok=True)
        if not self.complete:
            sweep_temp_files(self.public_dir, self.cache_dir)
        # Saved before touching public/: a kill from here on leaves an incomplete manifest that
        # still names every file this run may create, so the next run can repair and clean them.
        pending = dict(self.old)
        pending.update((rel, [None, 0, sources.get(rel)]) for rel in paths if rel not in self.old)
        _write_manifest(self.manifest_path, pending, complete=False)

    def put(self, rel: str, body: bytes | Path) -> Written:
        """Write one output unless the disk already holds exactly these bytes (by the previous
        build's manifest and the file's size). Raises OSError when a copy's source is gone."""
        target = safe_output_path(self.public_dir, rel)
        if isinstance(body, Path):
            st = body.stat()
            sig, size = f"file:{st.st_size}:{st.st_mtime_ns}", st.st_size
        else:
            sig, size = digest_of(body), len(body)
        prev = self.old.get(rel)
        # After an interrupted run the disk may hold bytes the manifest does not describe.
        if self.complete and prev and prev[0] == sig and _size_is(target, size):
            return Written(sig, size, False)
        _atomic_write(target, body, self.public_dir, self._ready)
        return Written(sig, size, True)

    def reuse(self, rel: str) -> Written | None:
        """The previous build's record of `rel` if the file is still there as it wrote it (by
        the manifest and the file's size), for a page that needs no rendering; else None."""
        prev = self.old.get(rel)
        if not self.complete or not prev or not prev[0] or prev[0].startswith("file:"):
            return None
        # `rel` is a path this writer wrote last time, so it passed `safe_output_path` then.
        try:
            st = os.lstat(f"{self.public_dir}/{rel}")
        except (OSError, ValueError):
            return None
        if not stat.S_ISREG(st.st_mode) or st.st_size != prev[1]:
            return None
        return Written(prev[0], prev[1], False)

    def finish(self, entries: dict[str, Written], keep: set[str] = frozenset(),
               sources: dict[str, str] | None = None, failed_sources: set[str] = frozenset(),
               failures: dict[str, EngineError] | None = None) -> WriteStats:
        """Remove what the previous build wrote and this one did not (except `keep` paths and the
        outputs of `failed_sources`: the manifest remembers which source made each file, so a
        typo in a post never deletes its last good page), then save the manifest. `failures` are
        copies that could not be made (a source file vanished): their previous copy is kept, and
        the first is raised once everything else is done."""
        sources = sources or {}
        old = self.old
        stats = WriteStats()
        new: dict[str, list] = {}
        for rel, entry in entries.items():
            new[rel] = [entry.sig, entry.size, sources.get(rel)]
            if entry.wrote:
                stats.written.append(rel)
            else:
                stats.unchanged += 1
        failures = failures or {}
        for rel in failures:
            if rel in old:
                new[rel] = old[rel]
        for rel in old:
            if rel in new:
                continue
            if rel in keep or (len(old[rel]) > 2 and old[rel][2] in failed_sources):
                new[rel] = old[rel]
                continue
            try:
                target = safe_output_path(self.public_dir, rel)
            except RouteError:
                continue
            if target.is_file() and not target.is_symlink():
                target.unlink()
                stats.removed.append(rel)
                _prune_empty_dirs(target.parent, self.public_dir)
        _write_manifest(self.manifest_path, new)
        if failures:
            first = next(iter(failures.values()))
            if len(failures) > 1:
                first.message += f" (and {len(failures) - 1} more file(s) could not be copied)"
            raise first
        return stats


def copy_failure(rel: str, body: Path, exc: OSError) -> SourceError:
    return SourceError(f"cannot copy to public/{rel}: {exc.strerror or exc}", path=str(body))


def write_outputs(outputs: dict[str, bytes | Path], public_dir: Path, cache_dir: Path,
                  keep: set[str] = frozenset(), sources: dict[str, str] | None = None,
                  failed_sources: set[str] = frozenset()) -> WriteStats:
    """Write `outputs` (route → bytes, or a Path to copy) in this process (see OutputWriter)."""
    writer = OutputWriter(public_dir, cache_dir)
    writer.prepare(outputs, sources)
    entries: dict[str, Written] = {}
    failures: dict[str, EngineError] = {}
    for rel, body in outputs.items():
        try:
            entries[rel] = writer.put(rel, body)
        except OSError as exc:
            if not isinstance(body, Path):
                raise
            failures[rel] = copy_failure(rel, body, exc)
    return writer.finish(entries, keep, sources, failed_sources, failures)


def sweep_temp_files(public_dir: Path, cache_dir: Path | None = None) -> int:
    """Remove the temp files an interrupted write left behind (only names we create)."""
    removed = 0
    for top in (public_dir, cache_dir):
        if top is None or not top.is_dir():
            continue
        for dirpath, _dirnames, filenames in os.walk(top):
            for name in filenames:
                if _OUR_TMP.match(name):
                    try:
                        os.unlink(os.path.join(dirpath, name))
                        removed += 1
                    except OSError:
                        pass
    return removed


def _size_is(path: Path, size: int) -> bool:
    try:
        return path.stat().st_size == size and not path.is_symlink()
    except OSError:
        return False


def _atomic_write(target: Path, body: bytes | Path, public_dir: Path | None = None,
                  ready: set[Path] | None = None) -> None:
    parent = target.parent
    if ready is None or parent not in ready:
        _ensure_real_dir(parent, public_dir or parent, ready)
    if isinstance(body, Path):
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        _via_temp(target, lambda fh: _copy_into(body, fh), TMP_PREFIX, ".tmp", mode=0o644)
        return
    try:
        _write_new(target, body)
    except IsADirectoryError:
        shutil.rmtree(target)       # a folder of an older build stands where this page goes
        _write_new(target, body)


def _write_new(target: Path, body: bytes) -> None:
    """`_via_temp` for a page, with the fewest system calls: most builds write thousands."""
    for _ in range(3):
        tmp = f"{target.parent}/{TMP_PREFIX}{_tmp_token()}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0),
                         0o644)
            break
        except FileExistsError:
            continue
    else:
        _via_temp(target, lambda fh: fh.write(body), TMP_PREFIX, ".tmp", mode=0o644)
        return

    def fill() -> None:
        try:
            view = memoryview(body)
            while view:
                view = view[os.write(fd, view):]
            os.fchmod(fd, 0o644)    # what mkstemp+chmod gave: independent of the umask
        finally:
            os.close(fd)

    _fill_and_rename(tmp, target, fill)


def _tmp_token() -> str:
    """8 characters of [a-z0-9_] (the pattern `sweep_temp_files` recognises)."""
    return os.urandom(5).hex()[:8]


def _copy_into(source: Path, fh) -> None:
    with open(source, "rb") as src:
        shutil.copyfileobj(src, fh, 1 << 20)


def _via_temp(path: Path, fill, prefix: str, suffix: str = "", mode: int | None = None) -> None:
    """Fill a temp file beside `path`, then rename it into place: readers (and a crash) only ever
    see the old file or the new one; a failure leaves no temp file behind."""
    fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=path.parent)

    def write() -> None:
        with os.fdopen(fd, "wb") as fh:
            fill(fh)
        if mode is not None:
            os.chmod(tmp, mode)

    _fill_and_rename(tmp, path, write)


def _fill_and_rename(tmp: str, path: Path, fill) -> None:
    """Run `fill()` (writes and closes `tmp`), then rename `tmp` onto `path`; on any failure,
    `tmp` is removed and the error goes on."""
    try:
        fill()
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _ensure_real_dir(directory: Path, public_dir: Path, ready: set[Path] | None = None) -> None:
    """Make `directory` (inside `public_dir`) a real directory. A file or a symlink standing where
    a directory must go came from an older build or from someone else: it is replaced, so a
    symlink inside public/ can never send our writes outside it. Nothing outside public/ is
    touched. Folders checked are added to `ready`; worker processes may race to create the same
    folder, which is fine."""
    try:
        rel_parts = directory.relative_to(public_dir).parts
    except ValueError:
        rel_parts = ()
    if ready is None or public_dir not in ready:
        public_dir.mkdir(parents=True, exist_ok=True)
        if ready is not None:
            ready.add(public_dir)
    current = public_dir
    for part in rel_parts:
        current = current / part
        if ready is not None and current in ready:
            continue
        try:
            st = os.lstat(current)
        except FileNotFoundError:
            try:
                os.mkdir(current)
            except FileExistsError:
                st = os.lstat(current)      # another worker made it a moment ago
                if not stat.S_ISDIR(st.st_mode):
                    raise
        else:
            if stat.S_ISLNK(st.st_mode) or stat.S_ISREG(st.st_mode):
                os.unlink(current)
                os.mkdir(current)
            elif not stat.S_ISDIR(st.st_mode):
                raise OSError(f"cannot create the folder {current}: something else is there")
        if ready is not None:
            ready.add(current)


def _prune_empty_dirs(directory: Path, stop: Path) -> None:
    while directory != stop and stop in directory.parents:
        try:
            directory.rmdir()
        except OSError:
            return
        directory = directory.parent


def _read_manifest_state(path: Path) -> tuple[dict[str, list], bool]:
    """(files, complete). A missing or unreadable manifest counts as incomplete: the disk state
    is unknown, so everything is rewritten and leftover temp files are swept."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}, False
    if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
        return {}, False
    return data["files"], data.get("complete", True) is not False


def _write_manifest(path: Path, files: dict[str, list], complete: bool = True) -> None:
    write_atomic(path, json.dumps({"version": 1, "complete": complete, "files": files})
                 .encode("utf-8"), prefix=".manifest-")


def write_atomic(path: Path, data: bytes, prefix: str = ".pyhexo-") -> None:
    """Write `data` to `path` atomically (temp file, then rename), creating the folder."""
    write_atomic_with(path, lambda fh: fh.write(data), prefix)


def write_atomic_with(path: Path, fill, prefix: str = ".pyhexo-") -> None:
    """`write_atomic` for data produced by `fill(binary file)`, e.g. `pickle.dump`: a large
    value is streamed to disk instead of being built in memory first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    _via_temp(path, fill, prefix)
