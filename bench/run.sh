#!/usr/bin/env bash
# Runs the benchmarks and checks them against their targets.
# Usage: bench/run.sh [BUILD_DIR [--benchmark_filter=REGEX]]
# Exit 1 if a target is missed. Targets are for a Release build on the project's 2-core machine.
set -euo pipefail
build=${1:-build}
out=$(mktemp)
"$build/bench/bench_riftsim" --benchmark_out="$out" --benchmark_out_format=json "${@:2}" 2>/dev/null | sed -n '/^BM_/p' || true
/usr/bin/python3 - "$out" <<'PY'
import json, sys
targets_ms = {  # name -> maximum real time per iteration
    "BM_FlagshipRun/": 1000.0,
    "BM_FlagshipWithFailures/": 1000.0,
    "BM_FlagshipWithFailures100Replications/": 15000.0,
    "BM_FatTree25kPlatform/": 1000.0,
    "BM_DeriveStep16k/": 500.0,
    "BM_FlagshipLayoutRun/": 3000.0,
    "BM_PortfolioOneSimulation/": 10000.0,
}
data = json.load(open(sys.argv[1]))
failed = False
for b in data["benchmarks"]:
    for prefix, limit in targets_ms.items():
        if b["name"].startswith(prefix):
            t = b["real_time"] if b["time_unit"] == "ms" else b["real_time"] / 1e6
            ok = t <= limit
            failed |= not ok
            print(f"{'PASS' if ok else 'FAIL'} {b['name']}: {t:.0f} ms (target < {limit:.0f} ms)")
sys.exit(1 if failed else 0)
PY
