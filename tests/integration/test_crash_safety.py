"""Crash safety of `pyhexo generate`: SIGKILL at random moments never leaves a half-written file.

A site of a few hundred posts is built (the OLD bytes of every public/ file are kept), every post
is changed and built again (the NEW bytes). Then, several times: public/ and the cache are put
back to the old build, `pyhexo generate` starts in a subprocess and is killed with SIGKILL after a
random delay. Each file in public/ must then be exactly its old or its new bytes (temp files
aside). The next, uninterrupted run must produce exactly the new build and leave no temp file.
"""
from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sitekit import write_site

N_POSTS = 300
ITERATIONS = 8
TMP_NAME = re.compile(r"^\.pyhexo-.*\.tmp$")


def _posts(version: str) -> dict[str, str]:
    files = {}
    for i in range(N_POSTS):
        day = 1 + i % 28
        files[f"source/_posts/p{i:03d}.md"] = (
            f"---\ntitle: Post {i} {version}\ndate: 2024-{1 + i % 12:02d}-{day:02d} 10:00:00\n"
            f"tags: [t{i % 7}, {version}]\n---\n" + f"Paragraph {version} of post {i}. " * 40 + "\n")
    return files


def _generate(site: Path) -> subprocess.Popen:
    env = {**os.environ, "CI": "1", "TZ": "UTC"}
    return subprocess.Popen([sys.executable, "-m", "engine", "--cwd", str(site), "generate"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


def _run(site: Path) -> float:
    start = time.perf_counter()
    proc = _generate(site)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err.decode()
    assert b"Traceback" not in err
    return time.perf_counter() - start


def _snapshot(public: Path) -> dict[str, bytes]:
    return {p.relative_to(public).as_posix(): p.read_bytes()
            for p in public.rglob("*") if p.is_file() and not TMP_NAME.match(p.name)}


def _temp_files(site: Path) -> list[str]:
    return [str(p) for p in site.rglob("*") if p.is_file() and
            (TMP_NAME.match(p.name) or p.name.startswith(".manifest-"))]


def _restore(state: Path, site: Path) -> None:
    for name in ("public", ".pyhexo-cache"):
        shutil.rmtree(site / name, ignore_errors=True)
        shutil.copytree(state / name, site / name, copy_function=shutil.copy2)


def _wait_for_write_phase(site: Path, proc: subprocess.Popen, deadline: float) -> None:
    manifest = site / ".pyhexo-cache" / "manifest.json"
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with open(manifest, "rb") as fh:
                if b'"complete": false' in fh.read(64):
                    return
        except OSError:
            pass
        time.sleep(0.002)


@pytest.mark.slow
def test_sigkill_leaves_old_or_new_files_and_the_next_run_repairs(tmp_path):
    site = write_site(tmp_path / "site", _posts("old"))
    _run(site)
    old = _snapshot(site / "public")
    state = tmp_path / "old-state"
    for name in ("public", ".pyhexo-cache"):
        shutil.copytree(site / name, state / name, copy_function=shutil.copy2)

    write_site(site, _posts("new"))
    full = _run(site)
    new = _snapshot(site / "public")
    changed = {rel for rel in new if old.get(rel) != new[rel]}
    assert len(changed) > N_POSTS, "every post page (and more) must change"

    rng = random.Random(int(os.environ.get("PYHEXO_CRASH_SEED", "8")))
    mixed = 0
    for i in range(ITERATIONS):
        _restore(state, site)
        proc = _generate(site)
        if i % 2 == 0:      # anywhere in the run
            time.sleep(rng.uniform(0.3, 1.05) * full)
        else:               # inside the write phase: it starts when the manifest turns incomplete
            _wait_for_write_phase(site, proc, deadline=time.monotonic() + 2 * full + 10)
            time.sleep(rng.uniform(0.0, 0.25))
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)

        now = _snapshot(site / "public")
        for rel, data in now.items():
            assert data in (old.get(rel), new.get(rel)), f"{rel} is neither the old nor the new file"
        is_new = {rel for rel in changed if now.get(rel) == new[rel]}
        if is_new and len(is_new) < len(changed):
            mixed += 1      # killed in the middle of writing

        _run(site)          # the next run repairs everything
        assert _snapshot(site / "public") == new
        assert not _temp_files(site), "temp files left behind"
    print(f"crash test: {ITERATIONS} kills, {mixed} in the middle of the write phase")
