#!/usr/bin/env bash
# Runs every libFuzzer target of BUILD_DIR (built with `make fuzz`) for SECONDS each, JOBS at a time, on
# its corpus in BUILD_DIR/fuzz-corpus/<target> (kept from run to run) seeded from the shipped files, with
# the dictionary of keys and units. Reports each target's executions; a target that finds a crash, a
# hang or a blow-up fails the run and says where the input is: copy it into fuzz/regressions/<target>/
# (ctest replays that folder) and make it a bad-input case (fuzz/README.md).
# Usage: fuzz/run.sh BUILD_DIR [SECONDS] [JOBS]
set -euo pipefail
build=${1:?usage: run.sh BUILD_DIR [SECONDS] [JOBS]}
seconds=${2:-60}
jobs=${3:-$(nproc)}
here=$(cd "$(dirname "$0")" && pwd)
seeds="$build/fuzz-seeds"
rm -rf "$seeds"
bash "$here/make-corpus.sh" "$seeds"

fuzz_one() {
  local target=$1
  local corpus="$build/fuzz-corpus/$target" crashes="$build/fuzz-crashes/$target" log="$build/fuzz-$target.log"
  mkdir -p "$corpus" "$crashes"
  # -rss_limit_mb: an input that makes a loader take 2 GB is a finding; -timeout: so is 10 s on one input.
  if ASAN_OPTIONS=detect_leaks=1 "$build/fuzz/fuzz_$target" -max_total_time="$seconds" -dict="$here/riftsim.dict" \
    -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$crashes/" \
    "$corpus" "$seeds/$target" "$here/regressions/$target" >"$log" 2>&1; then
    local runs
    runs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "$log" | tail -1)
    echo "fuzz_$target: ${runs:-?} executions in ${seconds} s, no finding; corpus $(find "$corpus" -type f | wc -l) inputs"
  else
    echo "fuzz_$target FOUND A PROBLEM: see $log; the input is in $crashes/"
    grep -E '^(==[0-9]+==|SUMMARY|Test unit written|artifact_prefix)' "$log" | head -20
    return 1
  fi
}

targets=(platform workload scenario units)
echo "fuzzing ${#targets[@]} targets for ${seconds} s each, ${jobs} at a time" >&2
status=0
for ((i = 0; i < ${#targets[@]}; i += jobs)); do
  pids=()
  for target in "${targets[@]:i:jobs}"; do
    fuzz_one "$target" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || status=1; done
done
exit $status
