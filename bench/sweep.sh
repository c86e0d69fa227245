#!/usr/bin/env bash
# The sweep benchmark: 1,000 points x 1 seed of the flagship with failures (bench/data/sweep-flagship-1000.yaml)
# on this machine, against its target (< 120 s), with the overhead per point: the sweep's CPU time per
# simulation beside the CPU time of one simulation run alone as a process of its own (`riftsim simulate`,
# which also starts the program and reads the inputs, which a sweep's forked children do not).
# Usage: bench/sweep.sh [BUILD_DIR [POINTS_FILE]]
set -euo pipefail
build=${1:-build}
sweep=${2:-bench/data/sweep-flagship-1000.yaml}
/usr/bin/python3 - "$build/riftsim" "$sweep" <<'PY'
import json, os, resource, shutil, subprocess, sys, tempfile, time
riftsim, sweep = sys.argv[1], sys.argv[2]
tmp = tempfile.mkdtemp(prefix="riftsim-bench-sweep-")
def cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime
try:
    c0, t0 = cpu(), time.monotonic()
    subprocess.run([riftsim, "sweep", sweep, "--quiet", "--out", f"{tmp}/sweep"], check=True)
    wall, cpu_s = time.monotonic() - t0, cpu() - c0
    meta = json.load(open(f"{tmp}/sweep/sweep.json"))
    points = len(meta["points"]) * len(meta["seeds"])
    baselines = len(os.listdir(f"{tmp}/sweep/baselines"))
    sims = points * max(1, len(meta["responses"])) + baselines
    # One simulation as a process of its own, five times: program start, inputs, simulation, result file.
    scenario = meta["scenario"]  # resolved by riftsim, relative to this folder
    c1, t1 = cpu(), time.monotonic()
    for i in range(5):
        subprocess.run([riftsim, "simulate", scenario, "--result", f"{tmp}/one.json", "--no-timeline",
                        "--seed", str(i + 1), "--log-level", "error"], check=True)
    one_wall, one_cpu = (time.monotonic() - t1) / 5, (cpu() - c1) / 5
    print(f"sweep: {points} points x seeds, {sims} simulations ({baselines} shared baseline{'s' if baselines != 1 else ''}) in {wall:.1f} s "
          f"wall, {cpu_s:.1f} s CPU on {os.cpu_count()} cores")
    print(f"  per point: {wall / points * 1000:.0f} ms wall, {cpu_s / sims * 1000:.0f} ms CPU per simulation")
    print(f"  one simulation as its own process (riftsim simulate): {one_wall * 1000:.0f} ms wall, "
          f"{one_cpu * 1000:.0f} ms CPU")
    print(f"  overhead per simulation in the sweep (CPU, vs that process): "
          f"{(cpu_s / sims - one_cpu) * 1000:+.0f} ms")
    ok = wall < 120
    print(f"{'PASS' if ok else 'FAIL'} sweep of {points} points: {wall:.1f} s (target < 120 s)")
    sys.exit(0 if ok else 1)
finally:
    shutil.rmtree(tmp)
PY
