#!/usr/bin/env bash
# A single-node Slurm (slurmctld + slurmd + munge, Debian 12's slurm-wlm 22.05) on this machine, for the
# sweep's Slurm test (`make test-slurm`). Needs root. Writes /etc/slurm/slurm.conf only if there is none
# (or it is this script's own), and stops only the daemons it started.
#   tools/slurm-single-node.sh start   install if missing, configure, start, wait until the node is idle
#   tools/slurm-single-node.sh stop    stop what `start` started
set -euo pipefail
state=/run/riftsim-slurm
conf=/etc/slurm/slurm.conf
marker="# written by riftsim tools/slurm-single-node.sh"
startup_seconds=${SLURM_STARTUP_SECONDS:-60}

stop() {
  [ -d "$state" ] || return 0
  for f in "$state"/*.pid; do
    [ -e "$f" ] || continue
    pid=$(cat "$f")
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null || true; fi
  done
  for f in "$state"/*.pid; do # then wait (bounded) for them to go
    [ -e "$f" ] || continue
    pid=$(cat "$f")
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$state"
}

start() {
  [ "$(id -u)" -eq 0 ] || { echo "slurm-single-node: needs root" >&2; exit 1; }
  missing=()
  for p in slurm-wlm munge; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "slurm-single-node: installing ${missing[*]}" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  if [ -e "$conf" ] && ! grep -qF "$marker" "$conf"; then
    echo "slurm-single-node: $conf exists and is not ours: not touching this machine's Slurm" >&2
    exit 1
  fi
  host=$(hostname -s)
  cpus=$(nproc)
  mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /run/munge "$state"
  cat >"$conf" <<CONF
$marker
ClusterName=local
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ReturnToService=2
NodeName=$host CPUs=$cpus State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
  if [ ! -e /etc/munge/munge.key ]; then
    mkdir -p /etc/munge
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
    chmod 400 /etc/munge/munge.key
  fi
  mkdir -p /var/lib/munge /var/log/munge
  chown -R munge:munge /etc/munge /run/munge /var/lib/munge /var/log/munge
  if ! pgrep -x munged >/dev/null; then
    runuser -u munge -- /usr/sbin/munged
    for _ in $(seq 50); do [ -s /run/munge/munged.pid ] && break; sleep 0.1; done
    cp /run/munge/munged.pid "$state/munged.pid"
  fi
  if pgrep -x slurmctld >/dev/null || pgrep -x slurmd >/dev/null; then
    echo "slurm-single-node: a slurmctld or slurmd is already running: not ours to use" >&2
    stop
    exit 1
  fi
  /usr/sbin/slurmctld
  for _ in $(seq 50); do [ -s /run/slurmctld.pid ] && break; sleep 0.1; done
  cp /run/slurmctld.pid "$state/slurmctld.pid"
  /usr/sbin/slurmd
  for _ in $(seq 50); do [ -s /run/slurmd.pid ] && break; sleep 0.1; done
  cp /run/slurmd.pid "$state/slurmd.pid"
  for _ in $(seq $((startup_seconds * 2))); do
    if sinfo -h -o %t 2>/dev/null | grep -qx idle; then echo "slurm-single-node: $host idle"; return 0; fi
    sleep 0.5
  done
  echo "slurm-single-node: the node did not become idle within ${startup_seconds} s (see /var/log/slurm/)" >&2
  stop
  exit 1
}

case "${1:-}" in
start) start ;;
stop) stop ;;
*) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
