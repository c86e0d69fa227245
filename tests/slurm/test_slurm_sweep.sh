#!/usr/bin/env bash
# The sweep on a real Slurm (`make test-slurm`, opt-in: it needs root, installs slurm-wlm and munge, and
# starts daemons): a single-node Slurm is started by tools/slurm-single-node.sh (start-up bounded), the
# grid sweep of tests/data/sweep is submitted as a job array with its merge job and waited for, and its
# results.csv must be byte-identical to the same sweep run locally. Slurm is stopped on any exit.
# Usage: tests/slurm/test_slurm_sweep.sh BUILD_DIR
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
riftsim=$(cd "${1:-build}" && pwd)/riftsim
sweep=$repo/tests/data/sweep/grid.yaml
tmp=$(mktemp -d /tmp/riftsim-slurm-test.XXXXXX)
cleanup() {
  bash "$repo/tools/slurm-single-node.sh" stop || true
  rm -rf "$tmp"
}
trap cleanup EXIT
bash "$repo/tools/slurm-single-node.sh" start
chmod 755 "$tmp"
# The whole test within 5 minutes: a job stuck in the queue fails it, never hangs it.
timeout 300 "$riftsim" sweep "$sweep" --out "$tmp/slurm" --slurm --slurm-wait --slurm-tasks 3 --slurm-cpus 1 \
  --slurm-time 0:10:00
"$riftsim" sweep "$sweep" --out "$tmp/local" --quiet
if cmp "$tmp/slurm/results.csv" "$tmp/local/results.csv"; then
  echo "PASS: the sweep on Slurm (3 array tasks and a merge job) gives the local results.csv byte for byte"
else
  echo "FAIL: results.csv differs between Slurm and the local run" >&2
  cat "$tmp"/slurm/slurm/logs/* >&2 || true
  exit 1
fi
