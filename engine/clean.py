"""`pyhexo clean`: remove what the build made (public/ contents and the cache), nothing else.

`check_public_dir` is the one guard for every command that writes or empties `public_dir`: it
refuses an output folder that resolves (symlinks followed) to the site itself, a folder that holds
the site's own files (source/, themes/, a theme, scaffolds/, scripts/, .git...), a folder inside
any `.git` (public/.git included), the home directory, `/`, or anything outside the site. `clean` keeps `.git`, `CNAME` and `.nojekyll` inside
public/ (deploy setups rely on them) and never follows a symlink out of public/.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from engine.errors import EngineError

if TYPE_CHECKING:
    from engine.core import Engine

KEEP = frozenset({".git", "CNAME", ".nojekyll"})
# Folders of a site that the output may never be, be inside of, or contain.
_SITE_FOLDERS = ("themes", "scaffolds", "scripts", "node_modules", ".git", ".deploy_git")


class UnsafePublicDir(EngineError):
    """`public_dir` points somewhere that writing or cleaning would destroy other files."""


def _refuse(public: Path, why: str) -> UnsafePublicDir:
    return UnsafePublicDir(f"refusing to use {public} as the output folder: {why}",
                           path="_config.yml",
                           hint="set `public_dir:` to a folder inside the site, such as `public`")


def check_public_dir(engine: "Engine") -> Path:
    """The resolved output folder, or `UnsafePublicDir` if writing/cleaning it is unsafe."""
    config = engine.config
    site = Path(engine.site_dir).resolve()
    public = Path(engine.public_dir).resolve()   # follows symlinks: a link out of the site fails
    home = Path.home().resolve()
    root = Path(public.anchor or "/")
    if public == root:
        raise _refuse(public, "it is the filesystem root")
    if public == home:
        raise _refuse(public, "it is your home directory")
    if public == site:
        raise _refuse(public, "it is the site folder itself")
    if not public.is_relative_to(site):
        raise _refuse(public, f"it is outside the site ({site})")
    protected: list[tuple[Path, str]] = [
        (Path(config.source_dir).resolve(), f"the source folder ({config.get('source_dir')})"),
        (Path(engine.cache_dir).resolve(), "the build cache"),
    ]
    protected += [((site / name).resolve(), f"the site's {name}/ folder") for name in _SITE_FOLDERS]
    theme = config.theme_dir
    if theme is not None:
        protected.append((Path(theme).resolve(), "the theme"))
    for path, what in protected:
        if public == path or public.is_relative_to(path):
            raise _refuse(public, f"it is {what}" if public == path else f"it is inside {what}")
        if path.is_relative_to(public):
            raise _refuse(public, f"it contains {what}")
    if ".git" in public.relative_to(site).parts:      # e.g. public/.git, the deploy repository
        raise _refuse(public, "it is inside a git repository's .git folder")
    # Anything in the site root that is not generated: public/ must not be an ancestor of a
    # config file (a `public_dir: .` variant through another name, e.g. `./`).
    for cfg in config.files:
        if Path(cfg).resolve().is_relative_to(public):
            raise _refuse(public, f"it contains the config file {Path(cfg).name}")
    return public


def clean_site(engine: "Engine") -> int:
    """Empty public/ (keeping KEEP) and drop the cache; returns the number of files removed."""
    public = check_public_dir(engine)
    removed = 0
    if public.is_dir():
        for child in sorted(public.iterdir()):
            if child.name in KEEP:
                continue
            removed += _remove(child)
    cache = Path(engine.cache_dir)
    if cache.is_symlink():
        cache.unlink()
    elif cache.is_dir():
        shutil.rmtree(cache)
    return removed


def _remove(path: Path) -> int:
    """Delete `path`; a symlink is unlinked, never followed. Returns the files removed."""
    if path.is_symlink() or not path.is_dir():
        path.unlink()
        return 1
    count = 0
    for dirpath, dirnames, filenames in os.walk(path):
        count += len(filenames)
        # os.walk does not descend into symlinked dirs; they are entries to unlink, count them
        count += sum(1 for d in dirnames if os.path.islink(os.path.join(dirpath, d)))
    shutil.rmtree(path)
    return count
