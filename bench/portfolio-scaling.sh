#!/usr/bin/env bash
# How one portfolio simulation grows with the fleet and the number of jobs (issue: capacity planning,
# "report how time grows with jobs and GPUs"): the shipped portfolio (workloads/scenarios/
# portfolio-azure-throttle.yaml, failures on, its baseline: no provider events, as
# BM_PortfolioOneSimulation runs it) with its jobs scaled by K (counts, and arrivals at a fixed interval
# K times as often: still one year) and its fleet by max(1, K), for each K given. K = 1 is the shipped
# one (~500 jobs, ~103k GPUs); K = 10 is the 1,000,000-GPU, 5,000-job target (< 60 s, < 4 GB).
# Two shapes of a larger fleet (SHAPES, default both):
#   sites   K copies of each of the portfolio's regions, each with its clusters and its own store (a
#           fleet grows by sites: a region's power and storage serve its own clusters); every job may
#           run on any copy of its candidate clusters, responses target every copy, project quotas
#           and reservations K times as large.
#   bigger  each cluster K times as large in the same regions, each region's store K times as fast
#           (K times the checkpoints share one store), spares K times as many.
# The shapes differ in what the simulation has to do: on a K-times faster store, Young/Daly checkpoints
# the big jobs sqrt(K) times as often, so there are ~K^1.5 compute segments instead of ~K.
# Prints wall time, CPU time, peak memory, compute segments and the exponent of time in K.
# Usage: bench/portfolio-scaling.sh [BUILD_DIR [K ...]]     (default K: 0.5 1 2 4)
# KEEP=1 keeps the generated files (printed at the end), e.g. to profile one K.
set -euo pipefail
build=${1:-build}
shift || true
SHAPES=${SHAPES:-sites bigger} /usr/bin/python3 - "$build/riftsim" "$(cd "$(dirname "$0")/.." && pwd)" "${@:-0.5 1 2 4}" <<'PY'
import copy, json, math, os, resource, shutil, subprocess, sys, tempfile, time
import yaml

riftsim, repo = sys.argv[1], sys.argv[2]
ks = [float(k) for arg in sys.argv[3:] for k in arg.split()]
shapes = os.environ["SHAPES"].split()
for shape in shapes:
    if shape not in ("sites", "bigger"):
        sys.exit(f"SHAPES: unknown shape {shape!r} (sites, bigger)")
scenario = yaml.safe_load(open(f"{repo}/workloads/scenarios/portfolio-azure-throttle.yaml"))
platform = yaml.safe_load(open(f"{repo}/platforms/portfolio.yaml"))
workload = yaml.safe_load(open(f"{repo}/workloads/portfolio.yaml"))
tmp = tempfile.mkdtemp(prefix="riftsim-bench-scaling-")


def scaled(k, shape):
    """The three files with the jobs scaled by k and the fleet by max(1, k), in a folder of their own."""
    d = f"{tmp}/{shape}-k{k:g}"
    fleet = max(1.0, k)
    copies = max(1, int(round(fleet)))  # sites: copies of each region
    if shape == "sites":
        fleet = float(copies)  # quotas and reservations grow with the copies
    os.makedirs(d)
    p = copy.deepcopy(platform)
    base = yaml.safe_load(open(f"{repo}/platforms/{p['extends']}"))  # regions.yaml, beside the shipped file
    p["extends"] = f"{repo}/platforms/{p['extends']}"
    for key in ("accelerators", "instances"):
        if "catalog" in p:
            p["catalog"][key] = f"{repo}/platforms/{p['catalog'][key]}"
    if shape == "bigger":
        # A fleet k times larger has k times the storage: each region's store bandwidth scaled with it
        # (otherwise k times the checkpoints share one store, and the jobs stop making progress).
        for prov_name, prov in base["providers"].items():
            for region_name, region in prov["regions"].items():
                value = region["storage_bandwidth"]
                number, unit = float(value.rstrip("GTMkB/s")), value.lstrip("0123456789.")
                regions = p["providers"].setdefault(prov_name, {}).setdefault("regions", {})
                regions.setdefault(region_name, {})["storage_bandwidth"] = f"{number * fleet:g}{unit}"
        for prov in p["providers"].values():
            for region in prov["regions"].values():
                for c in (region.get("clusters") or {}).values():
                    per_host = c.get("nodes_per_host", 1)
                    c["nodes"] = max(per_host, int(round(c["nodes"] * fleet / per_host)) * per_host)
                    # The hot spares too (2 % of the fleet): without them a big job waits for repairs it
                    # never stops needing, and makes no progress.
                    if "spares" in c.get("failures", {}):
                        c["failures"]["spares"] = int(round(c["failures"]["spares"] * fleet))
    # sites: region R's copies are R-2, R-3, ..., each a new region with R's settings (from the base)
    # and the portfolio's clusters there; each link between two regions joins every copy of one to
    # every copy of the other (a job may move from any copy to any other).
    copy_names = {}  # "provider/region" -> its copies' ids, itself first
    for prov_name, prov in p["providers"].items():
        for region_name in list(prov["regions"]):
            region = prov["regions"][region_name]
            rid = f"{prov_name}/{region_name}"
            copy_names[rid] = [rid]
            if shape != "sites" or not region.get("clusters"):
                continue
            for i in range(2, copies + 1):
                twin = copy.deepcopy(base["providers"][prov_name]["regions"][region_name])
                twin.update(copy.deepcopy(region))
                prov["regions"][f"{region_name}-{i}"] = twin
                copy_names[rid].append(f"{rid}-{i}")
    if shape == "sites" and copies > 1:
        links = p.setdefault("links", {})
        for name, link in base.get("links", {}).items():
            a, b = link["between"]
            for i, a_copy in enumerate(copy_names.get(a, [a])):
                for j, b_copy in enumerate(copy_names.get(b, [b])):
                    if i or j:
                        links[f"{name}-{i + 1}-{j + 1}"] = dict(copy.deepcopy(link), between=[a_copy, b_copy])
    gpus = 0
    for prov in p["providers"].values():
        for region in prov["regions"].values():
            for c in (region.get("clusters") or {}).values():
                gpus += c["nodes"] * 8

    def every_copy(cluster_ids):
        out = []
        for cid in cluster_ids:
            prov, region, cluster = cid.split("/")
            out += [f"{r}/{cluster}" for r in copy_names[f"{prov}/{region}"]]
        return out

    w = copy.deepcopy(workload)
    jobs = 0
    for g in w["generate"]:
        g["count"] = max(1, int(round(g["count"] * k)))
        jobs += g["count"]
        # Still one year: arrivals at a fixed interval come k times as often (a window keeps its span).
        every = g.get("arrivals", {}).get("every")
        if every is not None:
            value, unit = float(every.rstrip("dhms")), every.lstrip("0123456789.")
            g["arrivals"]["every"] = f"{value / k:g}{unit}"
    s = copy.deepcopy(scenario)
    s["platform"], s["workload"] = "platform.yaml", "workload.yaml"
    # What one run may simulate grows with the portfolio (docs/file-formats.md, "Limits").
    s["limits"] = {"segments": int(1e6 * fleet), "activities": int(2e7 * fleet)}
    for q in s.get("projects", {}).values():
        q["quota"] = max(8, int(round(q["quota"] * fleet / 8)) * 8)
    every_job = s["every_job"]
    every_job["candidates"] = every_copy(every_job["candidates"])
    for r in every_job["response"]:
        for key in ("targets", "candidates"):
            if key in r:
                r[key] = every_copy(r[key])
        reserved = []
        for res in r.get("reserve", []):
            if shape == "sites":
                for i, cid in enumerate(every_copy([res["cluster"]])):
                    reserved.append(dict(res, cluster=cid, name=f"{res['name']}-{i + 1}"))
            else:
                reserved.append(dict(res, nodes=max(1, int(round(res["nodes"] * fleet)))))
        if reserved:
            r["reserve"] = reserved
    for name, doc in (("platform", p), ("workload", w), ("scenario", s)):
        with open(f"{d}/{name}.yaml", "w") as f:
            yaml.safe_dump(doc, f, sort_keys=False)
    return f"{d}/scenario.yaml", jobs, gpus


try:
    for shape in shapes:
        print(f"{shape}:", flush=True)
        rows = []
        for k in ks:
            path, jobs, gpus = scaled(k, shape)
            r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.monotonic()
            p = subprocess.run(["/usr/bin/time", "-f", "%M", riftsim, "simulate", path, "--result",
                                f"{tmp}/r.json", "--no-events", "--no-timeline", "--log-level", "error"],
                               capture_output=True, text=True)
            wall = time.monotonic() - t0
            r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            if p.returncode != 0:
                print(f"  K={k:g}: riftsim failed: {p.stderr.strip()[-400:]}")
                continue
            cpu = r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime
            rss_mb = int(p.stderr.strip().splitlines()[-1]) / 1024
            rows.append((k, jobs, gpus, wall, cpu, rss_mb))
            with open(f"{tmp}/r.json") as f:
                span_d = json.load(f)["simulated_end_s"] / 86400
            print(f"  K={k:<5g} {jobs:6d} jobs {gpus:9,d} GPUs, {span_d:4.0f} simulated days: {wall:7.1f} s wall, "
                  f"{cpu:7.1f} s CPU, {rss_mb:7.0f} MB peak", flush=True)
        if len(rows) >= 2:
            (ka, *_, ca, _), (kb, *_, cb, _) = rows[0], rows[-1]
            print(f"  CPU time grows as K^{math.log(cb / ca) / math.log(kb / ka):.2f} from K={ka:g} to K={kb:g}")
        for k, jobs, gpus, wall, cpu, rss in rows:
            if k == 10:
                ok = wall < 60 and rss < 4096
                print(f"  {'PASS' if ok else 'FAIL'} {gpus:,d} GPUs, {jobs} jobs: {wall:.1f} s, {rss:.0f} MB "
                      "(target < 60 s, < 4 GB)")
finally:
    if os.environ.get("KEEP") == "1":
        print(f"files kept in {tmp}")
    else:
        shutil.rmtree(tmp)
PY
