#!/usr/bin/env bash
# Runs every libFuzzer target of BUILD_DIR (built with `make fuzz`) for SECONDS each, on its corpus in
# BUILD_DIR/fuzz-corpus/<target> (kept from run to run) seeded from the shipped files, with the
# dictionary of keys and units. Stops at the first crash, and says where the input that caused it is:
# copy it into fuzz/regressions/<target>/ (ctest replays that folder) and make it a bad-input case.
# Usage: fuzz/run.sh BUILD_DIR SECONDS
set -euo pipefail
build=${1:?usage: run.sh BUILD_DIR SECONDS}
seconds=${2:-60}
here=$(cd "$(dirname "$0")" && pwd)
seeds="$build/fuzz-seeds"
rm -rf "$seeds"
bash "$here/make-corpus.sh" "$seeds"
status=0
for target in platform workload scenario units; do
  corpus="$build/fuzz-corpus/$target"
  crashes="$build/fuzz-crashes/$target"
  mkdir -p "$corpus" "$crashes"
  log="$build/fuzz-$target.log"
  echo "fuzz_$target: ${seconds} s" >&2
  # -rss_limit_mb: an input that makes a loader take 2 GB is a finding too; -timeout: so is 10 s on one.
  if ! ASAN_OPTIONS=detect_leaks=1 "$build/fuzz/fuzz_$target" -max_total_time="$seconds" -dict="$here/riftsim.dict" \
    -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$crashes/" \
    "$corpus" "$seeds/$target" "$here/regressions/$target" >"$log" 2>&1; then
    status=1
    echo "fuzz_$target found a problem: see $log; the input is in $crashes/" >&2
    grep -E '^(==|SUMMARY|artifact_prefix|Test unit written)' "$log" | head -20 >&2 || true
  fi
  runs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "$log" | tail -1)
  echo "fuzz_$target: ${runs:-?} executions, corpus $(find "$corpus" -type f | wc -l) inputs" >&2
  [ $status -eq 0 ] || exit $status
done
