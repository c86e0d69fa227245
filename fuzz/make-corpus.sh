#!/usr/bin/env bash
# Builds the seed corpora of the fuzz targets from the shipped files into DIR/<target>/:
# platform  every platform file (platforms/, tests/data/, tests/data/bad/)
# workload  every workload file
# scenario  every scenario file followed by its platform and workload ("#@platform", "#@workload"
#           lines, as fuzz_scenario.cpp reads them)
# units     every value written in a shipped file ("30d", "$98.32/h"...) and every expect: line
# Usage: fuzz/make-corpus.sh DIR
set -euo pipefail
out=${1:?usage: make-corpus.sh DIR}
repo=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"/{platform,workload,scenario,units}

yaml_files() { find "$repo/platforms" "$repo/workloads" "$repo/tests/data" -name '*.yaml' -type f | sort; }
seed() { # seed TARGET FILE: the file under a name made from its path, so that names do not collide
  local name=${2#"$repo"/}
  cp "$2" "$1/${name//\//_}"
}

while read -r f; do
  if grep -qE '^providers:' "$f"; then seed "$out/platform" "$f"; fi
  if grep -qE '^jobs:' "$f" && ! grep -qE '^platform:' "$f"; then seed "$out/workload" "$f"; fi
  if grep -qE '^platform:' "$f"; then
    dir=$(dirname "$f")
    platform=$(sed -nE 's/^platform: *([^ #]+).*/\1/p' "$f")
    workload=$(sed -nE 's/^workload: *([^ #]+).*/\1/p' "$f")
    name=${f#"$repo"/}
    if [ -f "$dir/$platform" ] && [ -f "$dir/$workload" ]; then
      { cat "$f"; printf '\n#@platform\n'; cat "$dir/$platform"; printf '\n#@workload\n'; cat "$dir/$workload"; } \
        >"$out/scenario/${name//\//_}"
    else
      seed "$out/scenario" "$f"
    fi
  fi
done < <(yaml_files)

# Values as written: the text after "key: " on lines that hold a number, and the expect: lines.
n=0
while read -r value; do
  n=$((n + 1))
  printf '%s' "$value" >"$out/units/value-$n"
done < <(yaml_files | xargs grep -hoE ':[[:space:]]+[$]?-?[0-9][^#,}]*' | sed -E 's/^:[[:space:]]+//; s/[[:space:]]+$//' | sort -u)
while read -r line; do
  n=$((n + 1))
  printf '%s' "$line" >"$out/units/expect-$n"
done < <(yaml_files | xargs grep -hoE '^[[:space:]]+- jobs\.[^#]*' | sed -E 's/^[[:space:]]+- //; s/[[:space:]]+$//' | sort -u)
