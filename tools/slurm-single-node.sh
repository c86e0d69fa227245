#!/usr/bin/env bash
# A private single-node Slurm (munged + slurmctld + slurmd, Debian 12's slurm 22.05) on this machine, for
# the sweep's Slurm test (tests/slurm/test_slurm_sweep.sh). Needs root. Everything it writes is under one
# instance folder DIR: slurm.conf, its own munge key and socket, state, spool, logs and pid files; its
# ports are picked free at start. It leaves /etc/slurm, /etc/munge and any Slurm or munged already on the
# machine alone, and two instances (two checkouts testing at once) do not meet.
#   tools/slurm-single-node.sh install     install slurmctld, slurmd, slurm-client and munge if missing
#                                           (exit 77 with one line when they cannot be installed)
#   tools/slurm-single-node.sh start DIR   configure and start in DIR (created), wait until the node is
#                                           idle (at most SLURM_STARTUP_SECONDS, default 60); clients
#                                           then need SLURM_CONF=DIR/slurm.conf
#   tools/slurm-single-node.sh stop DIR    stop the daemons started in DIR (by their pids), bounded
# Slurm's documentation: https://slurm.schedmd.com/quickstart_admin.html (daemons, slurm.conf),
# https://slurm.schedmd.com/slurm.conf.html (every key used here, AuthInfo socket=),
# https://slurm.schedmd.com/authentication.html (munge), https://slurm.schedmd.com/sinfo.html; munged(8).
set -euo pipefail
packages=(slurmctld slurmd slurm-client munge)
startup_seconds=${SLURM_STARTUP_SECONDS:-60}

need_root() { [ "$(id -u)" -eq 0 ] || { echo "slurm-single-node: needs root" >&2; exit 1; }; }

install() {
  need_root
  local missing=() p
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null; then
    echo "slurm-single-node: no apt-get to install ${missing[*]}" >&2
    exit 77
  fi
  echo "slurm-single-node: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  # Bounded: at most 150 s in all (a machine without network fails at once or at the bound, and never
  # hangs the test); waits up to 60 s of it for another apt-get or dpkg to let go of its lock.
  local deadline=$((SECONDS + 150))
  apt_bounded() {
    local left=$((deadline - SECONDS))
    [ "$left" -gt 0 ] || return 1
    timeout "$left" apt-get -qq -o Dpkg::Use-Pty=0 -o DPkg::Lock::Timeout=60 "$@" >/dev/null 2>&1
  }
  if ! apt_bounded install -y --no-install-recommends "${missing[@]}"; then
    if ! apt_bounded update || ! apt_bounded install -y --no-install-recommends "${missing[@]}"; then
      echo "slurm-single-node: apt-get could not install ${missing[*]}" \
        "(no network or archive, or 150 s passed)" >&2
      exit 77
    fi
  fi
}

# A TCP port nothing listens on, below Linux's ephemeral range (so no outgoing connection takes it).
free_port() {
  local port
  for _ in $(seq 100); do
    port=$((20000 + RANDOM % 10000))
    [ "$port" = "${1:-}" ] && continue
    # /proc/net/tcp{,6}: local address ADDR:PORT (hex) in column 2, state 0A = listening.
    awk -v p="$(printf ':%04X' "$port")" \
      '$4 == "0A" && substr($2, length($2) - 4) == p { f = 1 } END { exit !f }' \
      /proc/net/tcp /proc/net/tcp6 2>/dev/null || { echo "$port"; return 0; }
  done
  echo "slurm-single-node: no free TCP port found" >&2
  return 1
}

# Running: neither gone nor a zombie (one that has ended but that PID 1 has not reaped yet).
alive() {
  local state
  state=$(awk '{ print $3 }' 2>/dev/null <"/proc/$1/stat") || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

# stop_daemon PIDFILE DIR: the daemon of that pid file, if its command line still names DIR (not a later
# process that has its pid): SIGTERM, at most 5 s, SIGKILL.
stop_daemon() {
  local pid
  [ -s "$1" ] || return 0
  pid=$(cat "$1")
  tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF "$2/" || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 50); do alive "$pid" || break; sleep 0.1; done
  if alive "$pid"; then kill -9 "$pid" 2>/dev/null || true; fi
}

# stop DIR: slurmctld and slurmd first (nothing more is scheduled or launched), then what a test that
# failed part-way left: the processes whose environment names this instance's slurm.conf and that are a
# job step (slurmstepd), in a job (SLURM_JOB_ID) or a Slurm command (sbatch --wait, ...), and only those;
# again until none is left, since a job may fork while it is being killed. munged last.
stop() {
  local dir=$1 e pid found
  [ -d "$dir" ] || return 0
  dir=$(cd "$dir" && pwd)
  stop_daemon "$dir/run/slurmctld.pid" "$dir"
  stop_daemon "$dir/run/slurmd.pid" "$dir"
  for _ in $(seq 50); do
    found=0
    while read -r e; do
      pid=${e#/proc/}
      pid=${pid%/environ}
      if [ "$pid" = $$ ] || ! alive "$pid"; then continue; fi
      case "$(cat "/proc/$pid/comm" 2>/dev/null)" in
      slurmstepd | sbatch | srun | salloc | scancel | scontrol | sinfo | squeue) ;;
      *) grep -qz '^SLURM_JOB_ID=' "$e" 2>/dev/null || continue ;;
      esac
      kill -9 "$pid" 2>/dev/null || true
      found=1
    done < <(grep -lzxF "SLURM_CONF=$dir/slurm.conf" /proc/[0-9]*/environ 2>/dev/null)
    [ "$found" -eq 1 ] || break
    sleep 0.1
  done
  stop_daemon "$dir/run/munged.pid" "$dir"
  rm -f "$dir"/run/*.pid
}

# wait_for FILE SECONDS: until a daemon has written its pid file (it does so once it has forked).
wait_for() {
  for _ in $(seq $(($2 * 10))); do
    [ -s "$1" ] && return 0
    sleep 0.1
  done
  return 1
}

fail_start() {
  local dir=$1
  shift
  echo "slurm-single-node: $*" >&2
  for log in "$dir"/log/*.log; do
    [ -s "$log" ] && { echo "--- last lines of $log:" >&2; tail -n 15 "$log" >&2; }
  done
  stop "$dir"
  exit 1
}

start() {
  need_root
  local dir=$1
  for p in /usr/sbin/munged /usr/sbin/slurmctld /usr/sbin/slurmd /usr/bin/sinfo; do
    [ -x "$p" ] || { echo "slurm-single-node: $p is missing: run '$0 install' first" >&2; exit 1; }
  done
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  mkdir -p "$dir"/{munge,state,spool,log,run}
  chmod 700 "$dir" "$dir/munge"
  local host ctld_port slurmd_port t0
  host=$(hostname -s)
  t0=$(date +%s%N)
  ctld_port=$(free_port)
  slurmd_port=$(free_port "$ctld_port")
  # munged: its own key and socket (munged(8): --key-file, --socket, --pid-file, --log-file, --seed-file).
  # --force: munged wants every user able to reach its socket, and DIR is root's alone (so are the jobs).
  dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
  chmod 400 "$dir/munge/munge.key"
  /usr/sbin/munged --force --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.sock" \
    --pid-file="$dir/run/munged.pid" --log-file="$dir/log/munged.log" --seed-file="$dir/munge/munge.seed" \
    </dev/null >>"$dir/log/munged.log" 2>&1 || fail_start "$dir" "munged did not start"
  wait_for "$dir/run/munged.pid" 10 || fail_start "$dir" "munged wrote no pid file"
  cat >"$dir/slurm.conf" <<CONF
# A single-node Slurm for riftsim's tests, written by tools/slurm-single-node.sh (every key:
# https://slurm.schedmd.com/slurm.conf.html).
ClusterName=riftsim-test
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.sock
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ReturnToService=2
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF=$dir/slurm.conf
  # Each daemon forks into the background once it is ready and writes its pid file (-f: this file).
  /usr/sbin/slurmctld -f "$SLURM_CONF" </dev/null >>"$dir/log/slurmctld.log" 2>&1 ||
    fail_start "$dir" "slurmctld did not start"
  wait_for "$dir/run/slurmctld.pid" 10 || fail_start "$dir" "slurmctld wrote no pid file"
  /usr/sbin/slurmd -f "$SLURM_CONF" </dev/null >>"$dir/log/slurmd.log" 2>&1 ||
    fail_start "$dir" "slurmd did not start"
  wait_for "$dir/run/slurmd.pid" 10 || fail_start "$dir" "slurmd wrote no pid file"
  local state deadline=$((SECONDS + startup_seconds))
  while [ "$SECONDS" -lt "$deadline" ]; do
    state=$(timeout 5 sinfo -h -n "$host" -o %t 2>/dev/null || true)
    if [ "$state" = idle ]; then
      local ms=$((($(date +%s%N) - t0) / 1000000))
      printf 'slurm-single-node: %s idle after %d.%03d s (SLURM_CONF=%s, ports %s and %s)\n' "$host" \
        $((ms / 1000)) $((ms % 1000)) "$SLURM_CONF" "$ctld_port" "$slurmd_port"
      return 0
    fi
    sleep 0.25
  done
  fail_start "$dir" "the node did not become idle within ${startup_seconds} s (state: ${state:-none})"
}

case "${1:-}" in
install) install ;;
start) [ $# -eq 2 ] || { echo "usage: $0 start DIR" >&2; exit 2; }; start "$2" ;;
stop) [ $# -eq 2 ] || { echo "usage: $0 stop DIR" >&2; exit 2; }; stop "$2" ;;
*) echo "usage: $0 install | start DIR | stop DIR" >&2; exit 2 ;;
esac
