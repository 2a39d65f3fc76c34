"""Packaging glue: the metadata is in pyproject.toml.

The default theme and the scaffolds live at the repository root (`themes/scholar/`, `scaffolds/`),
where the repository's own example site uses them. A wheel must carry them as package data, so
`build_py` copies them into the build as `engine/data/themes/scholar/` and
`engine/data/scaffolds/` (engine/resources.py looks there first). Nothing is duplicated in git.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BUNDLED = {
    "themes/scholar": "engine/data/themes/scholar",
    "scaffolds": "engine/data/scaffolds",
}
IGNORE = shutil.ignore_patterns("__pycache__", "*.py[cod]", ".DS_Store", "node_modules", ".git")


class BuildPyWithSiteFiles(build_py):
    def run(self) -> None:
        super().run()
        for src, dest in BUNDLED.items():
            source = ROOT / src
            if not source.is_dir():
                raise SystemExit(f"pyhexo packaging: {src}/ is missing; it must ship in the wheel")
            target = Path(self.build_lib) / dest
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(source, target, ignore=IGNORE)


setup(cmdclass={"build_py": BuildPyWithSiteFiles})
