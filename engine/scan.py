"""Walk `source/` and classify every file by Hexo's rules (SPEC §1).

Kinds: post (`_posts/`), draft (`_drafts/`), page (renderable elsewhere), data (`_data/*.yml|json`),
post_asset (non-renderable file under `_posts/`), asset (copied verbatim). Hidden (`_x`, `.x`) and temp
(`x~`, `x%`) files are dropped unless `include:` names them; `exclude:` and `ignore:` drop files;
`skip_render:` turns a would-be page into a verbatim copy. This module reads no file contents.
"""
from __future__ import annotations

import os
import stat
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

# Extensions that a renderer turns into HTML pages (Markdown family and HTML).
MARKDOWN_EXTS = frozenset({".md", ".markdown", ".mkd", ".mkdn", ".mdwn", ".mdtxt", ".mdtext"})
HTML_EXTS = frozenset({".html", ".htm", ".njk"})
RENDERABLE_EXTS = MARKDOWN_EXTS | HTML_EXTS
DATA_EXTS = frozenset({".yml", ".yaml", ".json"})
# Reason prefix of a skipped file that exists but cannot be read (an error, not a policy skip).
CANNOT_READ = "cannot read"


@dataclass(frozen=True, slots=True)
class SourceFile:
    rel: str             # posix path relative to the source dir: '_posts/x.md'
    path: Path           # absolute path
    kind: str            # post | draft | page | data | post_asset | asset
    mtime: float
    size: int

    @property
    def ext(self) -> str:
        return os.path.splitext(self.rel)[1].lower()


@dataclass
class ScanResult:
    files: list[SourceFile]
    skipped: list[tuple[str, str]]        # (rel path, reason) for symlinks leaving the site etc.


def glob_to_regex(pattern: str) -> re.Pattern[str]:
    """Translate a micromatch-style glob: `**` crosses `/`, `*` and `?` do not, `{a,b}` alternates."""
    return _compile_glob(pattern.strip().lstrip("./") if pattern.startswith("./") else pattern.strip())


@lru_cache(maxsize=512)
def _compile_glob(pattern: str) -> re.Pattern[str]:
    out, i, n = [], 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "*":
            if pattern.startswith("**", i):
                i += 2
                if i < n and pattern[i] == "/":
                    out.append("(?:.*/)?")   # `a/**/b` also matches `a/b`
                    i += 1
                else:
                    out.append(".*")
                continue
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "{":
            j = pattern.find("}", i)
            if j == -1:
                out.append(re.escape(c))
            else:
                alts = pattern[i + 1:j].split(",")
                out.append("(?:" + "|".join(re.escape(a) for a in alts) + ")")
                i = j
        elif c == "[":
            j = pattern.find("]", i)
            if j == -1:
                out.append(re.escape(c))
            else:
                out.append(pattern[i:j + 1].replace("[!", "[^"))
                i = j
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("^" + "".join(out) + "$")


def _as_list(value) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value if v]


def matches_any(rel: str, patterns: Iterable[str]) -> bool:
    return any(glob_to_regex(p).match(rel) for p in patterns)


_HIDDEN = re.compile(r"(^|/)[_.]")


def is_hidden(rel: str) -> bool:
    return bool(_HIDDEN.search(rel))


def is_tmp(rel: str) -> bool:
    return rel.endswith("~") or rel.endswith("%")


def classify(rel: str, config_raw: dict) -> str | None:
    """The kind of a source path, or None when Hexo would ignore it."""
    include = _as_list(config_raw.get("include"))
    exclude = _as_list(config_raw.get("exclude"))
    ignore = _as_list(config_raw.get("ignore"))
    skip_render = _as_list(config_raw.get("skip_render"))
    if is_tmp(rel) or matches_any(rel, ignore) or matches_any(rel, exclude):
        return None
    ext = os.path.splitext(rel)[1].lower()
    top, _, rest = rel.partition("/")
    if top in ("_posts", "_drafts") and rest:
        if is_hidden(rest) and not matches_any(rel, include):
            return None
        if ext in MARKDOWN_EXTS or ext in HTML_EXTS:
            if matches_any(rel, skip_render):
                return "asset"
            return "post" if top == "_posts" else "draft"
        return "post_asset" if top == "_posts" else "draft_asset"
    if top == "_data" and rest:
        return "data" if ext in DATA_EXTS and not is_hidden(rest) else None
    if is_hidden(rel) and not matches_any(rel, include):
        return None
    if matches_any(rel, skip_render):
        return "asset"
    if ext in RENDERABLE_EXTS:
        return "page"
    return "asset"


def scan_source(source_dir: Path, config_raw: dict) -> ScanResult:
    """Every file under `source_dir` that Hexo would process, in a stable walk order.

    Symlinks are followed only while they stay inside the site (a link to /etc is reported and
    skipped), and directory loops are broken by tracking visited real paths.
    """
    files: list[SourceFile] = []
    skipped: list[tuple[str, str]] = []
    if not source_dir.is_dir():
        return ScanResult(files, skipped)
    root_real = source_dir.resolve()
    site_real = root_real.parent
    seen_dirs: set[str] = set()
    top = str(source_dir)
    for dirpath, dirnames, filenames in os.walk(top, followlinks=True):
        real = os.path.realpath(dirpath)
        rel_dir = os.path.relpath(dirpath, top).replace(os.sep, "/")
        if real in seen_dirs or not _inside(real, site_real):
            skipped.append((rel_dir, "symlinked directory outside the site" if real not in seen_dirs
                            else "symlinked directory already included (a loop or a second link "
                                 "to the same folder)"))
            dirnames[:] = []
            continue
        seen_dirs.add(real)
        dirnames.sort()
        prefix = "" if rel_dir == "." else rel_dir + "/"
        for name in sorted(filenames):
            rel = prefix + name
            kind = classify(rel, config_raw)
            if kind is None:
                continue
            full = os.path.join(dirpath, name)
            try:
                st = os.lstat(full)
                if stat.S_ISLNK(st.st_mode):
                    if not _inside(os.path.realpath(full), site_real):
                        skipped.append((rel, "symlink to a file outside the site"))
                        continue
                    st = os.stat(full)
            except OSError as exc:
                skipped.append((rel, f"{CANNOT_READ}: {exc.strerror or exc}"))
                continue
            if not os.access(full, os.R_OK):
                skipped.append((rel, f"{CANNOT_READ}: permission denied"))
                continue
            files.append(SourceFile(rel, Path(full), kind, st.st_mtime, st.st_size))
    # os.walk order (a directory's files, then its sorted subdirectories) is Hexo's processing
    # order, which decides the creation order of tags and categories.
    return ScanResult(files, skipped)


def _inside(path: str, root: Path) -> bool:
    try:
        Path(path).relative_to(root)
        return True
    except ValueError:
        return False
