#!/usr/bin/env python3
"""Build benchmark (run by hand, never by the test suite).

Generates the shared synthetic corpus (`../shared/bench/make_corpus.py`, Hexo flavor) at N posts and
times `pyhexo generate` as a user runs it: cold (no public/, no cache), warm (nothing changed) and
after editing one post. Prints wall time, CPU time and peak RSS as one JSON line.

    python bench/bench_build.py --n 1000 [--runs 3] [--keep DIR]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def make_corpus(n: int, out: Path) -> None:
    script = SHARED / "bench" / "make_corpus.py"
    subprocess.run([sys.executable, str(script), "--n", str(n), "--out", str(out),
                    "--flavor", "hexo"], check=True, stdout=subprocess.DEVNULL)


def timed(cmd: list[str], cwd: Path) -> tuple[float, float, float, int]:
    """Wall seconds, CPU seconds of the whole process tree, peak RSS in MB, exit code.

    CPU seconds are reported too because wall time on a shared 2-core machine swings with
    whatever else runs; the CPU total is what a quiet machine divides between its cores."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    # wait4's usage covers the build process and the pool workers it reaped.
    cpu = usage.ru_utime + usage.ru_stime
    return wall, cpu, usage.ru_maxrss / 1024, proc.returncode


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", type=Path, help="reuse/keep the corpus in this folder")
    args = ap.parse_args()
    site = args.keep or Path(tempfile.mkdtemp(prefix=f"pyhexo-bench-{args.n}-"))
    if not (site / "_config.yml").exists():
        make_corpus(args.n, site)
    cmd = [sys.executable, "-m", "engine", "--silent", "generate"]
    # As installed by pip (which compiles at install), even when PYTHONDONTWRITEBYTECODE is set.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "engine")], check=True,
                   stdout=subprocess.DEVNULL)
    results: dict[str, list[tuple[float, float, float]]] = {"cold": [], "warm": [], "one_edit": []}
    post = sorted((site / "source" / "_posts").glob("*.md"))[args.n // 2]
    original = post.read_text("utf-8")
    for run in range(args.runs):
        shutil.rmtree(site / "public", ignore_errors=True)
        shutil.rmtree(site / ".pyhexo-cache", ignore_errors=True)
        for phase in ("cold", "warm", "one_edit"):
            if phase == "one_edit":
                post.write_text(original + f"\n\nEdited in run {run}.\n", "utf-8")
            wall, cpu, rss, code = timed(cmd, site)
            if code not in (0, 1):
                sys.exit(f"pyhexo generate failed with exit code {code}")
            results[phase].append((wall, cpu, rss))
        post.write_text(original, "utf-8")
    out = {"n": args.n, "runs": args.runs, "site": str(site)}
    for phase, rows in results.items():
        out[phase] = {"wall_s": round(statistics.median(r[0] for r in rows), 3),
                      "cpu_s": round(statistics.median(r[1] for r in rows), 3),
                      "peak_mb": round(max(r[2] for r in rows), 1)}
    out["load_avg"] = os.getloadavg()[0]
    print(json.dumps(out))
    if not args.keep:
        shutil.rmtree(site, ignore_errors=True)


if __name__ == "__main__":
    main()
