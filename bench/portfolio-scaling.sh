#!/usr/bin/env bash
# How one portfolio simulation grows with the fleet and the number of jobs (issue: capacity planning,
# "report how time grows with jobs and GPUs"): the shipped portfolio (workloads/scenarios/
# portfolio-azure-throttle.yaml, failures on, without its provider events as BM_PortfolioOneSimulation
# runs it) with every job count, cluster, project quota and reservation scaled by K, for each K given.
# K = 1 is the shipped one (~500 jobs, ~103k GPUs); K = 10 is the 1,000,000-GPU, 5,000-job target
# (< 60 s, < 4 GB). Prints wall time, CPU time and peak memory per K and the exponent of time in K.
# Usage: bench/portfolio-scaling.sh [BUILD_DIR [K ...]]     (default K: 0.5 1 2 4)
# KEEP=1 keeps the generated files (printed at the end), e.g. to profile one K.
set -euo pipefail
build=${1:-build}
shift || true
/usr/bin/python3 - "$build/riftsim" "$(cd "$(dirname "$0")/.." && pwd)" "${@:-0.5 1 2 4}" <<'PY'
import json, math, os, resource, shutil, subprocess, sys, tempfile, time
import yaml

riftsim, repo = sys.argv[1], sys.argv[2]
ks = [float(k) for arg in sys.argv[3:] for k in arg.split()]
scenario = yaml.safe_load(open(f"{repo}/workloads/scenarios/portfolio-azure-throttle.yaml"))
platform = yaml.safe_load(open(f"{repo}/platforms/portfolio.yaml"))
workload = yaml.safe_load(open(f"{repo}/workloads/portfolio.yaml"))
tmp = tempfile.mkdtemp(prefix="riftsim-bench-scaling-")


def scaled(k):
    """The three files with the jobs scaled by k and the fleet by max(1, k), in a folder of their own."""
    d = f"{tmp}/k{k:g}"
    fleet = max(1.0, k)
    os.makedirs(d)
    p = yaml.safe_load(yaml.safe_dump(platform))
    if "extends" in p:  # regions.yaml, beside the shipped file
        base = yaml.safe_load(open(f"{repo}/platforms/{p['extends']}"))
        p["extends"] = f"{repo}/platforms/{p['extends']}"
        # A fleet k times larger has k times the storage: each region's store bandwidth scaled with it
        # (otherwise k times the checkpoints share one store, and the jobs stop making progress).
        for prov_name, prov in base["providers"].items():
            for region_name, region in prov["regions"].items():
                value = region["storage_bandwidth"]
                number, unit = float(value.rstrip("GTMkB/s")), value.lstrip("0123456789.")
                regions = p["providers"].setdefault(prov_name, {}).setdefault("regions", {})
                regions.setdefault(region_name, {})["storage_bandwidth"] = f"{number * fleet:g}{unit}"
    for key in ("accelerators", "instances"):
        if "catalog" in p:
            p["catalog"][key] = f"{repo}/platforms/{p['catalog'][key]}"
    gpus = 0
    for prov in p["providers"].values():
        for region in prov["regions"].values():
            for c in (region.get("clusters") or {}).values():
                c["nodes"] = max(c.get("nodes_per_host", 1), int(round(c["nodes"] * fleet / c.get("nodes_per_host", 1)))
                                 * c.get("nodes_per_host", 1))
                # The hot spares too (2 % of the fleet): without them a big job waits for repairs it
                # never stops needing, and makes no progress.
                if "spares" in c.get("failures", {}):
                    c["failures"]["spares"] = int(round(c["failures"]["spares"] * fleet))
                gpus += c["nodes"] * 8
    w = yaml.safe_load(yaml.safe_dump(workload))
    jobs = 0
    for g in w["generate"]:
        g["count"] = max(1, int(round(g["count"] * k)))
        jobs += g["count"]
        # Still one year: arrivals at a fixed interval come k times as often (a window keeps its span).
        every = g.get("arrivals", {}).get("every")
        if every is not None:
            value, unit = float(every.rstrip("dhms")), every.lstrip("0123456789.")
            g["arrivals"]["every"] = f"{value / k:g}{unit}"
    s = yaml.safe_load(yaml.safe_dump(scenario))
    s["platform"], s["workload"] = "platform.yaml", "workload.yaml"
    # What one run may simulate grows with the portfolio (docs/file-formats.md, "Limits").
    s["limits"] = {"segments": int(1e6 * max(1.0, k)), "activities": int(2e7 * max(1.0, k))}
    for q in s.get("projects", {}).values():
        q["quota"] = max(8, int(round(q["quota"] * fleet / 8)) * 8)
    for r in s["every_job"]["response"]:
        for res in r.get("reserve", []):
            res["nodes"] = max(1, int(round(res["nodes"] * fleet)))
    for name, doc in (("platform", p), ("workload", w), ("scenario", s)):
        with open(f"{d}/{name}.yaml", "w") as f:
            yaml.safe_dump(doc, f, sort_keys=False)
    return f"{d}/scenario.yaml", jobs, gpus


rows = []
try:
    for k in ks:
        path, jobs, gpus = scaled(k)
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.monotonic()
        p = subprocess.run(["/usr/bin/time", "-f", "%M", riftsim, "simulate", path, "--result", f"{tmp}/r.json",
                            "--no-events", "--no-timeline", "--log-level", "error"],
                           capture_output=True, text=True)
        wall = time.monotonic() - t0
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        if p.returncode != 0:
            print(f"K={k:g}: riftsim failed: {p.stderr.strip()[-400:]}")
            continue
        cpu = r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime
        rss_mb = int(p.stderr.strip().splitlines()[-1]) / 1024
        rows.append((k, jobs, gpus, wall, cpu, rss_mb))
        with open(f"{tmp}/r.json") as f:
            span_d = json.load(f)["simulated_end_s"] / 86400
        print(f"K={k:<5g} {jobs:6d} jobs {gpus:9,d} GPUs, {span_d:4.0f} simulated days: {wall:7.1f} s wall, "
              f"{cpu:7.1f} s CPU, {rss_mb:7.0f} MB peak", flush=True)
    if len(rows) >= 2:
        (ka, *_, ca, _), (kb, *_, cb, _) = rows[0], rows[-1]
        print(f"CPU time grows as K^{math.log(cb / ca) / math.log(kb / ka):.2f} from K={ka:g} to K={kb:g}")
    for k, jobs, gpus, wall, cpu, rss in rows:
        if k == 10:
            ok = wall < 60 and rss < 4096
            print(f"{'PASS' if ok else 'FAIL'} 1M GPUs, {jobs} jobs: {wall:.1f} s, {rss:.0f} MB (target < 60 s, < 4 GB)")
finally:
    if os.environ.get("KEEP") == "1":
        print(f"files kept in {tmp}")
    else:
        shutil.rmtree(tmp)
PY
