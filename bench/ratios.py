#!/usr/bin/env python3
"""Medians and pyhexo/peer ratios over alternating rounds of the shared harness (bench/peers.sh).

    python3 bench/ratios.py /tmp/pyhexo-peerbench/rounds

`rounds/<k>/*.build.json` holds round k: every tool built once per phase, one after another, so
that a machine that slows down or speeds up during the run affects all tools alike. Prints the
median over rounds per tool and N, then pyhexo's median divided by each peer's (< 1.0: pyhexo is
faster or smaller).
"""
from __future__ import annotations

import glob
import json
import os
import statistics
import sys

METRICS = [("cold wall s", "cold", "wall"), ("cold CPU s", "cold", "cpu"),
           ("peak RSS MB", "cold", "rss_mb"), ("warm s", "warm", "wall"),
           ("one edit s", "edit", "wall")]


def _value(run: dict, phase: str, key: str) -> float | None:
    try:
        return float(run[phase][key]["median"])
    except (KeyError, TypeError, ValueError):
        return None


def collect(rounds_dir: str) -> dict[tuple[str, int], dict[str, float]]:
    samples: dict[tuple[str, int], dict[str, list[float]]] = {}
    for path in sorted(glob.glob(os.path.join(rounds_dir, "*", "*.build.json"))):
        with open(path, encoding="utf-8") as fh:
            run = json.load(fh)
        per = samples.setdefault((run["tool"], int(run["n"])), {})
        for label, phase, key in METRICS:
            v = _value(run, phase, key)
            if v is not None:
                per.setdefault(label, []).append(v)
    return {k: {m: statistics.median(vs) for m, vs in per.items()} for k, per in samples.items()}


def main(rounds_dir: str) -> None:
    med = collect(rounds_dir)
    rounds = len(glob.glob(os.path.join(rounds_dir, "*", "")))
    print(f"## Medians over {rounds} alternating rounds\n")
    print("| tool | N | " + " | ".join(m for m, _, _ in METRICS) + " |")
    print("|---|---:|" + "---:|" * len(METRICS))
    for (tool, n), vals in sorted(med.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        cells = [f"{vals[m]:.2f}" if m in vals else "–" for m, _, _ in METRICS]
        print(f"| {tool} | {n} | " + " | ".join(cells) + " |")
    print("\n## pyhexo / peer\n")
    print("| N | peer | " + " | ".join(m.rsplit(" ", 1)[0] for m, _, _ in METRICS) + " |")
    print("|---:|---|" + "---:|" * len(METRICS))
    for (tool, n), mine in sorted(med.items(), key=lambda kv: kv[0][1]):
        if tool != "pyhexo":
            continue
        for (peer, pn), other in sorted(med.items()):
            if pn != n or peer == "pyhexo":
                continue
            cells = [f"{mine[m] / other[m]:.2f}" if mine.get(m) and other.get(m) else "–"
                     for m, _, _ in METRICS]
            print(f"| {n} | {peer} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/pyhexo-peerbench/rounds")
