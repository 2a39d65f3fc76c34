"""A wheel built from the repository carries the default theme, the scaffolds and the init starter,
and works outside the repository: fresh venv, `pip install <wheel>`, `pyhexo init x`, `generate`."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SOURCES = ["pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "engine", "themes/scholar",
           "scaffolds"]
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build", "dist")


def _copy_sources(dest: Path) -> Path:
    """Build from a copy, so the repository never gets build/ or egg-info folders."""
    for rel in SOURCES:
        src = REPO / rel
        if src.is_dir():
            shutil.copytree(src, dest / rel, ignore=IGNORE)
        elif src.exists():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    return dest


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "PIP_REQUIRE_VIRTUALENV")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PYTHONIOENCODING"] = "utf-8"
    return env


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    src = _copy_sources(tmp_path_factory.mktemp("src"))
    out = tmp_path_factory.mktemp("wheelhouse")
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out),
                           str(src)], capture_output=True, text=True, env=_clean_env(), timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    [whl] = out.glob("pyhexo-*.whl")
    return whl


@pytest.mark.slow
def test_wheel_carries_theme_scaffolds_and_starter(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    theme_files = {p.relative_to(REPO).as_posix() for p in (REPO / "themes/scholar").rglob("*")
                   if p.is_file() and "__pycache__" not in p.parts}
    for rel in theme_files:
        assert f"engine/data/{rel}" in names, rel
    for name in ("post.md", "page.md", "draft.md"):
        assert f"engine/data/scaffolds/{name}" in names
    for rel in ("_config.yml", "gitignore", "source/_posts/hello-world.md", "source/about/index.md"):
        assert f"engine/data/starter/{rel}" in names
    assert "engine/cli.py" in names and not any(n.startswith(("themes/", "scaffolds/", "source/"))
                                                 for n in names)
    entry = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("entry_points.txt")))
    assert b"pyhexo = engine.cli:main" in entry


@pytest.mark.slow
def test_installed_wheel_inits_and_generates_a_site(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True, system_site_packages=False, clear=True).create(env_dir)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    env = _clean_env()
    proc = subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel)],
                          capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    pyhexo = bindir / ("pyhexo.exe" if os.name == "nt" else "pyhexo")
    work = tmp_path / "elsewhere"          # far from the repository: only the wheel's files exist
    work.mkdir()
    proc = subprocess.run([str(pyhexo), "init", "x"], cwd=work, capture_output=True, text=True,
                          env=env, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    site = work / "x"
    proc = subprocess.run([str(pyhexo), "generate"], cwd=site, capture_output=True, text=True,
                          env=env, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "WARN" not in proc.stderr, proc.stderr
    assert (site / "public/index.html").is_file()
    assert (site / "public/2025/01/01/hello-world/index.html").is_file()
    # the engine that ran is the installed one, not this checkout
    where = subprocess.run([str(python), "-c", "import engine, sys; print(engine.__file__)"],
                           cwd=work, capture_output=True, text=True, env=env).stdout
    assert str(env_dir) in where
    # `theme: scholar` without a local copy uses the wheel's theme, silently
    shutil.rmtree(site / "themes")
    proc = subprocess.run([str(pyhexo), "generate", "--force"], cwd=site, capture_output=True,
                          text=True, env=env, timeout=300)
    assert proc.returncode == 0 and "WARN" not in proc.stderr, proc.stderr
