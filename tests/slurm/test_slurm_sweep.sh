#!/usr/bin/env bash
# The sweep on a real Slurm (ctest Slurm.SweepOnARealSingleNodeSlurmMatchesLocal, `make test-slurm`): a
# private single-node Slurm (munged, slurmctld, slurmd) is installed if missing and started by
# tools/slurm-single-node.sh in a temporary folder, with its own ports; the grid sweep of tests/data/sweep
# is submitted by `riftsim sweep --slurm --slurm-wait` as a 3-task job array and its merge job and waited
# for; every task must have run on the node and ended COMPLETED, and results.csv must be byte-identical
# to the same sweep run locally. The daemons are stopped and the folder removed on any exit.
# Exit 77 (skipped) only when not root or when Slurm's packages cannot be installed; anything Slurm does
# wrong fails. Bounded: start-up 60 s, the Slurm sweep 120 s, the whole test 270 s (+20 s to clean up).
# Usage: tests/slurm/test_slurm_sweep.sh BUILD_DIR (the folder holding the riftsim binary)
set -euo pipefail
if [ -z "${RIFTSIM_SLURM_TEST_BOUNDED:-}" ]; then
  # At the bound timeout(1) sends SIGTERM to this script: the wait in progress ends, and so does the
  # test, through its EXIT trap (what it started killed, the daemons stopped); SIGKILL 20 s later if the
  # clean-up hangs. --foreground: in the terminal's process group, so that Ctrl-C reaches the script too.
  RIFTSIM_SLURM_TEST_BOUNDED=1 exec timeout --foreground -k 20 270 bash "$0" "$@"
fi
repo=$(cd "$(dirname "$0")/../.." && pwd)
riftsim=$(cd "${1:-build}" && pwd)/riftsim
sweep=$repo/tests/data/sweep/grid.yaml
tool=$repo/tools/slurm-single-node.sh
skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
ms() { echo $(($(date +%s%N) / 1000000)); }
secs() { printf '%d.%01d s' $(($1 / 1000)) $(($1 % 1000 / 100)); }

# Ctrl-C and SIGTERM (the bound above) only set `interrupted`: the script then exits at the next check,
# and its EXIT trap cleans up. A second signal during the clean-up (timeout(1) passes on the Ctrl-C it
# gets too) changes nothing, where an `exit` in the trap would cut the clean-up short.
interrupted=0
trap 'interrupted=130' INT
trap 'interrupted=143' TERM
stop_if_interrupted() { [ "$interrupted" -eq 0 ] || exit "$interrupted"; }

# bounded SECONDS COMMAND...: COMMAND in its own process group (timeout(1)), TERM at the bound and KILL
# 5 s later (`sbatch --wait` outlives a TERM). It runs in the background and is waited for with `wait`,
# which a signal interrupts at once: the script exits, and the EXIT trap kills COMMAND.
child=
bounded() {
  stop_if_interrupted
  timeout -k 5 "$@" &
  child=$!
  local rc=0
  wait "$child" || rc=$?
  stop_if_interrupted
  # What COMMAND left in its group when timeout(1) ended it (an sbatch with the signals blocked, say).
  kill -KILL -- "-$child" 2>/dev/null || true
  child=
  return "$rc"
}

tmp=
cleanup() {
  trap '' INT TERM # and what it starts ignores them too
  if [ -n "$child" ]; then kill -KILL -- "-$child" 2>/dev/null || kill -KILL "$child" 2>/dev/null || true; fi
  if [ -n "$tmp" ]; then
    bash "$tool" stop "$tmp/cluster" || true
    rm -rf "$tmp"
  fi
}
trap cleanup EXIT

[ "$(id -u)" -eq 0 ] || skip "needs root to start munged, slurmctld and slurmd"
# Run inside a job of another Slurm (a CI job on a cluster), its variables (SLURM_JOB_ID, SBATCH_PARTITION,
# SLURM_CONF, ...) would reach this test's sbatch and jobs: none of them is kept.
while read -r v; do unset "$v"; done < <(compgen -e | grep -E '^(SLURM|SBATCH|SALLOC|SRUN)_' || true)
[ -x "$riftsim" ] || fail "no riftsim binary at $riftsim"
t0=$(ms)
rc=0
bounded 170 bash "$tool" install || rc=$?
[ "$rc" -eq 77 ] && skip "Debian's slurmctld, slurmd, slurm-client and munge cannot be installed"
[ "$rc" -eq 0 ] || fail "tools/slurm-single-node.sh install ended with exit $rc"
t_installed=$(ms)

tmp=$(mktemp -d /tmp/riftsim-slurm-test.XXXXXX)
SLURM_STARTUP_SECONDS=60 bounded 80 bash "$tool" start "$tmp/cluster" || fail "Slurm did not start"
t_started=$(ms)
export SLURM_CONF=$tmp/cluster/slurm.conf

# The sweep on Slurm: riftsim writes the two scripts and submits them with sbatch (found on PATH).
rc=0
bounded 120 "$riftsim" sweep "$sweep" --out "$tmp/slurm" --slurm --slurm-wait --slurm-tasks 3 --slurm-cpus 1 \
  --slurm-time 0:10:00 >"$tmp/submit.out" 2>&1 || rc=$?
cat "$tmp/submit.out"
if [ "$rc" -ne 0 ]; then
  tail -n 20 "$tmp"/slurm/slurm/logs/* >&2 2>/dev/null || true
  fail "the sweep on Slurm ended with exit $rc"
fi
t_slurm=$(ms)

# Run by slurmd: the array's three tasks and the merge job, each COMPLETED with exit 0 on this node.
host=$(hostname -s)
mapfile -t ids < <(sed -n 's/^Submitted batch job \([0-9]*\)$/\1/p' "$tmp/submit.out")
[ "${#ids[@]}" -eq 2 ] || fail "expected two jobs submitted (the array and its merge), got ${#ids[@]}"
tasks=$(timeout 10 scontrol -o show job "${ids[0]}")
merge=$(timeout 10 scontrol -o show job "${ids[1]}")
for t in 0 1 2; do
  grep -E "ArrayJobId=${ids[0]} ArrayTaskId=$t .*JobState=COMPLETED .*ExitCode=0:0 .*BatchHost=$host " \
    <<<"$tasks" >/dev/null ||
    fail "array task $t did not complete on $host: $(grep "ArrayTaskId=$t " <<<"$tasks")"
done
[ "$(wc -l <<<"$tasks")" -eq 3 ] || fail "the array has $(wc -l <<<"$tasks") tasks, not 3"
grep -E "JobState=COMPLETED .*ExitCode=0:0 .*BatchHost=$host " <<<"$merge" >/dev/null ||
  fail "the merge job did not complete on $host: $merge"

bounded 120 "$riftsim" sweep "$sweep" --out "$tmp/local" --quiet
t_local=$(ms)
stop_if_interrupted
cmp "$tmp/slurm/results.csv" "$tmp/local/results.csv" ||
  fail "results.csv differs between Slurm and the local run"
echo "PASS: the sweep on Slurm (3 array tasks and a merge job, run by slurmd) gives the local results.csv" \
  "byte for byte ($(wc -l <"$tmp/local/results.csv") lines)"
echo "times: install check $(secs $((t_installed - t0)))," \
  "Slurm start-up $(secs $((t_started - t_installed)))," \
  "sweep on Slurm $(secs $((t_slurm - t_started))), local sweep and checks $(secs $((t_local - t_slurm)))," \
  "in all $(secs $(($(ms) - t0))) before the clean-up"
