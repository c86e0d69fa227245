#!/usr/bin/python3
"""Keeps schemas/*.schema.json in step with riftsim's loaders.

1. Every platform, workload and scenario file shipped (platforms/, workloads/) and every good test input
   (tests/data, not tests/data/bad; tests/schemas) validates against its JSON Schema.
2. At every mapping of those files that its schema describes with a fixed set of keys, riftsim's own list
   of the keys it accepts there (from its error on an unknown key, inserted into a copy of the file) is in
   the schema's properties; and each such schema object lists no key that riftsim accepted nowhere.
   (riftsim lists the keys of the case at hand: a response's keys depend on its strategy.)

Usage: check_schemas.py RIFTSIM_BINARY REPO_DIR   (exit 0 when both hold; otherwise every mismatch)
With --discover instead of checking, prints riftsim's valid keys of every mapping of every file.
"""
import datetime
import json
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

import jsonschema
import yaml

PROBE = "zz_not_a_key"
KINDS = ("platform", "workload", "scenario")


def kind_of(data):
    """As riftsim's detect_kind: a platform has providers, a scenario platform or workload, a workload jobs."""
    if not isinstance(data, dict):
        return None
    if "providers" in data:
        return "platform"
    if "platform" in data or "workload" in data:
        return "scenario"
    if "jobs" in data:
        return "workload"
    return None


def as_json(data):
    """YAML data as an editor's YAML extension sees it: dates (an `as_of`) as text."""
    if isinstance(data, dict):
        return {str(k): as_json(v) for k, v in data.items()}
    if isinstance(data, list):
        return [as_json(v) for v in data]
    if isinstance(data, (datetime.date, datetime.datetime)):
        return data.isoformat()
    return data


def mappings(node, path=()):
    """Every mapping node with its path of keys (sequence items as '[]')."""
    if isinstance(node, yaml.MappingNode):
        yield path, node
        for k, v in node.value:
            yield from mappings(v, path + (k.value,))
    elif isinstance(node, yaml.SequenceNode):
        for v in node.value:
            yield from mappings(v, path + ("[]",))


def with_probe(text, node):
    """The file's text with an unknown key inserted first into `node`, and the line it is on (1-based)."""
    lines = text.split("\n")
    if node.flow_style:
        m = node.start_mark
        line = lines[m.line]
        at = line.index("{", m.column) + 1
        lines[m.line] = line[:at] + f"{PROBE}: 1, " + line[at:]
        return "\n".join(lines), m.line + 1
    key, value = node.value[0]
    first = key.start_mark
    if lines[first.line][: first.column].strip() == "":
        at = first.line  # before the first key
    elif isinstance(value, yaml.ScalarNode) and value.end_mark.line == first.line:
        at = first.line + 1  # a list item's mapping ("- cutoff: x"): after its first line
    else:
        return None, None
    lines.insert(at, " " * first.column + f"{PROBE}: 1")
    return "\n".join(lines), at + 1


def resolve(schema, root):
    while isinstance(schema, dict) and "$ref" in schema:
        ref = schema["$ref"]
        assert ref.startswith("#/"), ref
        schema = root
        for part in ref[2:].split("/"):
            schema = schema[part]
    return schema


def object_schemas(schema, root):
    """The object alternatives of a schema (itself, or those of its oneOf/anyOf)."""
    schema = resolve(schema, root)
    if not isinstance(schema, dict):
        return []
    alts = [schema]
    for key in ("oneOf", "anyOf"):
        for alt in schema.get(key, []):
            alts += object_schemas(alt, root)
    return [a for a in alts if "properties" in a or "additionalProperties" in a]


def child(schema, key, root):
    """The subschema of `key` (or '[]' for a list item) under `schema`, or None."""
    for s in [resolve(schema, root)] + object_schemas(schema, root):
        if key == "[]" and "items" in s:
            return s["items"]
        for alt in [s] + [resolve(a, root) for k in ("oneOf", "anyOf") for a in s.get(k, [])]:
            if key == "[]" and isinstance(alt, dict) and "items" in alt:
                return alt["items"]
            if isinstance(alt, dict) and key in alt.get("properties", {}):
                return alt["properties"][key]
            if isinstance(alt, dict) and isinstance(alt.get("additionalProperties"), dict):
                return alt["additionalProperties"]
    return None


def schema_at(root, path):
    s = root
    for key in path:
        s = child(s, key, root) if s is not None else None
    return s


def valid_keys(riftsim, file):
    """riftsim validate on `file`: (the valid keys its unknown-key error lists, the error line)."""
    out = subprocess.run([riftsim, "validate", str(file)], capture_output=True, text=True, timeout=60)
    m = re.search(r":(\d+):\d+: error: unknown key '" + PROBE + r"' in .*\(valid keys: ([^)]*)\)", out.stderr)
    if not m:
        return None, out.stderr.strip() or out.stdout.strip()
    return sorted(k.strip() for k in m.group(2).split(",")), int(m.group(1))


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    discover = "--discover" in sys.argv
    riftsim, repo = pathlib.Path(args[0]).resolve(), pathlib.Path(args[1]).resolve()
    schemas = {k: json.loads((repo / "schemas" / f"{k}.schema.json").read_text()) for k in KINDS}
    for k, s in schemas.items():
        jsonschema.Draft202012Validator.check_schema(s)
    problems = []
    accepted = {}  # id of a schema object -> (where, its properties, the keys riftsim accepted there)
    probed = set()
    with tempfile.TemporaryDirectory(prefix="riftsim-schemas-") as tmp:
        # A copy of the inputs, so that a probed file still finds the files it names.
        for d in ("platforms", "workloads", "tests/data", "tests/schemas"):
            shutil.copytree(repo / d, pathlib.Path(tmp) / d)
        files = sorted(list((repo / "platforms").glob("*.yaml")) + list((repo / "workloads").rglob("*.yaml")) +
                       [p for p in (repo / "tests/data").rglob("*.yaml") if "bad" not in p.parts] +
                       list((repo / "tests/schemas").glob("*.yaml")))
        for f in files:
            rel = f.relative_to(repo)
            text = f.read_text()
            try:
                node = yaml.compose(text)
            except yaml.YAMLError:
                continue
            # Shipped files as any YAML 1.1 reader (PyYAML) sees them: their dates quoted, so as text;
            # test inputs as an editor's YAML 1.2 extension does.
            shipped = rel.parts[0] in ("platforms", "workloads")
            raw = yaml.safe_load(text) if node is not None else None
            data = raw if shipped else as_json(raw)
            kind = kind_of(data)
            if kind is None:
                continue
            ok = subprocess.run([riftsim, "validate", str(f)], capture_output=True, timeout=60).returncode == 0
            if not ok:
                continue  # a test input meant to fail at run time or in a test of its own
            if not discover:
                for e in jsonschema.Draft202012Validator(schemas[kind]).iter_errors(data):
                    where = "/".join(str(p) for p in e.absolute_path)
                    problems.append(f"{rel}: {where}: does not match schemas/{kind}.schema.json: {e.message}")
            for path, m in mappings(node):
                if not m.value:
                    continue
                sub = None if discover else schema_at(schemas[kind], path)
                fixed = [s for s in object_schemas(sub, schemas[kind]) if "properties" in s] if sub else []
                if not discover and not fixed:
                    continue
                # One probe per schema object and set of keys present (and the values that choose a case).
                cases = tuple(sorted((k.value, v.value if k.value in ("strategy", "kind", "topology",
                                                                        "distribution", "pricing") else "")
                                     for k, v in m.value if isinstance(v, yaml.ScalarNode) or True))
                signature = (kind, tuple(id(x) for x in fixed), cases) if not discover else None
                if signature in probed:
                    continue
                if signature:
                    probed.add(signature)
                probe_text, line = with_probe(text, m)
                if probe_text is None:
                    continue
                copy = pathlib.Path(tmp) / rel
                copy.write_text(probe_text)
                keys, at = valid_keys(riftsim, copy)
                copy.write_text(text)
                where = "/".join(path) or "(top)"
                if keys is None:
                    if not discover:
                        problems.append(f"{rel}: {where}: no unknown-key error from riftsim: {at}")
                    continue
                if at != line:
                    continue  # the loader stopped at another mapping first (e.g. one it reads as a whole)
                if discover:
                    print(f"{rel}: {where}: {', '.join(keys)}")
                    continue
                props = set().union(*(s["properties"].keys() for s in fixed))
                entry = accepted.setdefault((kind, tuple(id(x) for x in fixed)), [f"{kind}: {where}", props, set()])
                entry[2].update(keys)
                if set(keys) - props:
                    problems.append(f"{rel}: {where}: riftsim accepts {sorted(set(keys) - props)}, which "
                                    f"schemas/{kind}.schema.json does not list there")
    for where, props, keys in accepted.values():
        if props - keys:
            problems.append(f"{where}: the schema lists {sorted(props - keys)}, which riftsim accepted in no "
                            "file checked (a key riftsim does not know, or a case no test input covers)")
    for p in problems:
        print(p)
    if not discover:
        print(f"keys checked at {len(accepted)} schema objects with {len(probed)} probes; "
              f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
