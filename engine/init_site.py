"""`pyhexo init [dir]`: a new site from what ships with pyhexo, offline.

The site gets: the starter (`_config.yml` with pyhexo's improvements switched on, an example post,
an About page, example publications/news data, `.gitignore`), pyhexo's scaffolds, and a copy of the
bundled `scholar` theme in `themes/scholar/` (to edit freely). Everything comes from the package
(`engine/data/`, or the repository in a source checkout), so a wheel install works without network.

A folder that is not empty is refused unless `force=True`; even then no existing file is
overwritten (they are reported as kept).
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from engine.errors import EngineError
from engine.resources import DEFAULT_THEME, bundled, bundled_theme_dir

# Entries that do not make a folder "not empty" (a fresh `git clone` of an empty repository...).
IGNORABLE = frozenset({".git", ".DS_Store", "Thumbs.db"})
_SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", ".DS_Store", "node_modules", ".git")
_RENAME = {"gitignore": ".gitignore"}   # dot-files are stored without the dot in the package


class InitError(EngineError):
    """The target folder cannot be used."""


@dataclass
class InitResult:
    site_dir: Path
    created: list[str] = field(default_factory=list)   # relative paths
    kept: list[str] = field(default_factory=list)      # existing files left alone (--force)


def _copy_file(src: Path, dest: Path, result: InitResult, rel: str) -> None:
    if dest.exists() or dest.is_symlink():
        result.kept.append(rel)
        return
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src, dest)
    result.created.append(rel)


def _copy_tree(src: Path, dest: Path, result: InitResult, prefix: str) -> None:
    for dirpath, dirnames, filenames in os.walk(src):
        ignored = _SKIP(dirpath, dirnames + filenames)
        dirnames[:] = sorted(d for d in dirnames if d not in ignored)
        rel_dir = Path(dirpath).relative_to(src)
        for name in sorted(filenames):
            if name in ignored:
                continue
            out_name = _RENAME.get(name, name) if rel_dir == Path(".") else name
            rel = (Path(prefix or ".") / rel_dir / out_name).as_posix()
            _copy_file(Path(dirpath) / name, dest / rel_dir / out_name, result, rel)


def init_site(target: Path | str, *, force: bool = False) -> InitResult:
    target = Path(target).expanduser().absolute()
    if target.exists() and not target.is_dir():
        raise InitError(f"{target} exists and is not a folder")
    if target.is_dir():
        entries = [p.name for p in target.iterdir() if p.name not in IGNORABLE]
        if entries and not force:
            shown = ", ".join(sorted(entries)[:5]) + (" ..." if len(entries) > 5 else "")
            raise InitError(f"{target} is not empty ({shown})",
                            hint="choose a new folder, or pass --force to add the starter files "
                                 "(existing files are never overwritten)")
    starter = bundled("starter")
    scaffolds = bundled("scaffolds")
    theme = bundled_theme_dir(DEFAULT_THEME)
    missing = [name for name, p in (("starter", starter), ("scaffolds", scaffolds),
                                    (f"themes/{DEFAULT_THEME}", theme)) if p is None]
    if missing:
        raise InitError("this pyhexo installation lacks its bundled files: " + ", ".join(missing),
                        hint="reinstall pyhexo")
    target.mkdir(parents=True, exist_ok=True)
    result = InitResult(target)
    _copy_tree(starter, target, result, "")
    _copy_tree(scaffolds, target / "scaffolds", result, "scaffolds")
    _copy_tree(theme, target / "themes" / DEFAULT_THEME, result, f"themes/{DEFAULT_THEME}")
    return result
