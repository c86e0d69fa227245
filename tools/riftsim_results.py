"""Load riftsim result folders into pandas DataFrames (docs/outputs.md, docs/sweeps.md).

    import sys; sys.path.insert(0, "tools")
    import riftsim_results as rr
    res = rr.load("results/my-sweep")
    res.runs    # one row per simulation (point x seed x response) and job: results.csv
    res.stats   # one row per (point,) response, job and metric: mean, median, p95, 95 % CI, ...
    res.kind    # "sweep", "run", "replications" or "comparison"

Any folder riftsim writes can be loaded: a run (summary.json), a run with --replications (replications.json),
a run comparing responses (comparison.json and a folder per response), any of these written with --csv
(results.csv), and a sweep (sweep.json, results.csv, results.json). For runs without results.csv the rows
are built from summary.json (the first seed only). Needs Debian's python3-pandas.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

import pandas as pd

STAT_COLUMNS = ["n", "mean", "stddev", "median", "p95", "ci95_low", "ci95_high", "missing"]


@dataclass
class Results:
    kind: str
    path: str
    runs: pd.DataFrame
    stats: pd.DataFrame
    parameters: list = field(default_factory=list)  # a sweep's swept paths, in the order of its file


def numeric_fields(node, prefix=""):
    """Every numeric field of a job's summary by its dotted path, as results.csv names its columns."""
    out = {}
    if isinstance(node, bool):
        return out
    if isinstance(node, (int, float)):
        out[prefix] = float(node)
    elif isinstance(node, dict):
        for key, value in node.items():
            out.update(numeric_fields(value, f"{prefix}.{key}" if prefix else key))
    return out


def _read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def _summary_rows(summary, labels):
    rows = []
    for job, fields in summary["jobs"].items():
        row = dict(labels)
        row["job"] = job
        row["status"] = fields.get("status", "")
        row.update(numeric_fields(fields))
        rows.append(row)
    return rows


def _stats_rows(jobs, labels):
    rows = []
    for job, metrics in jobs.items():
        for metric, s in metrics.items():
            row = dict(labels)
            row.update({"job": job, "metric": metric})
            row.update({c: s.get(c) for c in STAT_COLUMNS})
            rows.append(row)
    return rows


def _read_csv(path):
    # Labels stay text (a response named "1", a seed column kept exact); metrics are numbers.
    return pd.read_csv(path, dtype={"response": str, "job": str, "status": str}, keep_default_na=False,
                       na_values=[""])


def _load_sweep(path):
    sweep = _read_json(os.path.join(path, "sweep.json"))
    params = [p["path"] for p in sweep["parameters"]]
    csv = os.path.join(path, "results.csv")
    if not os.path.exists(csv):
        raise FileNotFoundError(f"{path}: the sweep has no results.csv yet (riftsim sweep merge {path})")
    runs = pd.read_csv(csv, dtype={**{p: str for p in params}, "response": str, "job": str, "status": str},
                       keep_default_na=False, na_values=[""])
    rows = []
    results = os.path.join(path, "results.json")
    if os.path.exists(results):
        for point in _read_json(results)["points"]:
            labels = {"point": point["point"]}
            labels.update(point["parameters"])
            labels.update({f"{p}_si": v for p, v in point["values"].items()})
            for response, r in point["responses"].items():
                rows += _stats_rows(r["jobs"], {**labels, "response": response})
    return Results("sweep", path, runs, pd.DataFrame(rows), params)


def _load_run(path):
    has = lambda name: os.path.exists(os.path.join(path, name))  # noqa: E731
    responses = []  # (name, folder)
    if has("comparison.json"):
        for name in sorted(os.listdir(path)):
            if os.path.exists(os.path.join(path, name, "summary.json")):
                responses.append((name, os.path.join(path, name)))
        kind = "comparison"
    elif has("summary.json"):
        responses.append(("", path))
        kind = "replications" if has("replications.json") else "run"
    else:
        raise FileNotFoundError(f"{path}: not a riftsim result folder (no summary.json, comparison.json or "
                                "sweep.json)")
    if has("results.csv"):
        runs = _read_csv(os.path.join(path, "results.csv"))
    else:
        rows = []
        for name, folder in responses:
            summary = _read_json(os.path.join(folder, "summary.json"))
            rows += _summary_rows(summary, {"seed": summary.get("seed"), "response": name})
        runs = pd.DataFrame(rows)
    stats = []
    for name, folder in responses:
        rep = os.path.join(folder, "replications.json")
        if os.path.exists(rep):
            stats += _stats_rows(_read_json(rep)["jobs"], {"response": name})
    return Results(kind, path, runs, pd.DataFrame(stats))


def load(path):
    """Loads a result folder of any kind (see the module's documentation)."""
    if os.path.exists(os.path.join(path, "sweep.json")):
        return _load_sweep(path)
    return _load_run(path)
