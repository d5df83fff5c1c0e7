#!/usr/bin/env bash
# Start a single-node SLURM cluster (slurmctld + slurmd on this host) for development and tests.
#
# Everything lives in $ASTROBIO_SLURM_DIR (default /var/lib/astrobio-slurm): slurm.conf, controller
# state, slurmd spool, pid files and logs. /etc/slurm is left alone: clients find the cluster through
#     export SLURM_CONF=$ASTROBIO_SLURM_DIR/slurm.conf
# (this script prints that line last). Ports: $ASTROBIO_SLURMCTLD_PORT (6817), $ASTROBIO_SLURMD_PORT
# (6818). No accounting (no slurmdbd): finished jobs are forgotten MinJobAge seconds after they end.
#
# Idempotent: daemons already running are kept (a stopped controller is restarted alone and recovers
# its saved jobs); a configuration that changed (host, CPUs, memory, this script) restarts both.
# Waits up to $ASTROBIO_SLURM_WAIT_S (10) seconds for the node to be idle in sinfo. Takes ~0.1-0.3 s
# (packages installed), ~0.05 s when already running.
# Needs root (SlurmUser=root, auth/none). Installs the packages first when missing (install.sh).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dir="${ASTROBIO_SLURM_DIR:-/var/lib/astrobio-slurm}"
conf="$dir/slurm.conf"
wait_s="${ASTROBIO_SLURM_WAIT_S:-10}"
export SLURM_CONF="$conf"

if [ "$(id -u)" != 0 ]; then
  echo "[slurm] start.sh needs root (the single-node test cluster runs as SlurmUser=root)" >&2
  exit 1
fi
"$here/install.sh" >/dev/null
mkdir -p "$dir/state" "$dir/spool" "$dir/log"
# Test sessions running side by side: one start at a time.
exec 9>"$dir/start.lock"
flock -w 60 9 || { echo "[slurm] $dir/start.lock held for 60 s" >&2; exit 1; }

node="$(hostname -s)"
cpus="$(env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc)"  # nproc obeys OMP_* (tests set them)
mem_mb="$(free -m | awk '/^Mem:/ {print $2}')"
cat >"$conf.new" <<CONF
# Written by astrobio scripts/slurm/start.sh: a single-node test cluster, no accounting.
ClusterName=astrobio
SlurmctldHost=localhost
SlurmctldPort=${ASTROBIO_SLURMCTLD_PORT:-6817}
SlurmdPort=${ASTROBIO_SLURMD_PORT:-6818}
SlurmUser=root
SlurmdUser=root
AuthType=auth/none
CredType=cred/none
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
# A job without --mem must not take the whole node's memory (and so the whole node).
DefMemPerCPU=1000
SchedulerType=sched/backfill
# Start jobs as soon as they are submitted or resources free up: tiny test jobs, low latency.
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
ReturnToService=2
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
# Forget finished jobs quickly (clients then rely on the job's own exit-code file).
MinJobAge=5
# Short grace between SIGTERM and SIGKILL for cancelled / timed-out jobs.
KillWait=2
InactiveLimit=0
Waittime=0
MessageTimeout=5
SlurmctldTimeout=30
SlurmdTimeout=60
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
if cmp -s "$conf.new" "$conf"; then
  rm -f "$conf.new"
else
  # New or changed configuration (other host, CPUs, memory, this script): restart on it.
  [ -f "$conf" ] && "$here/stop.sh" >/dev/null
  mv -f "$conf.new" "$conf"
fi

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
ctld_started=0
if ! alive "$dir/slurmctld.pid"; then
  /usr/sbin/slurmctld -f "$conf"
  ctld_started=1
fi
slurmd_started=0
if ! alive "$dir/slurmd.pid"; then
  /usr/sbin/slurmd -f "$conf"
  slurmd_started=1
fi

state=""
deadline=$((SECONDS + wait_s))
# Clients back off for seconds when the controller is not listening yet: wait for its port first.
port="$(awk -F= '/^SlurmctldPort=/ {print $2}' "$conf")"
while [ "$SECONDS" -le "$deadline" ] && ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do sleep 0.05; done
# A restarted controller sees the running slurmd only at its next ping: make slurmd register now.
if [ "$ctld_started" = 1 ] && [ "$slurmd_started" = 0 ]; then kill -HUP "$(cat "$dir/slurmd.pid")"; fi
while [ "$SECONDS" -le "$deadline" ]; do
  state="$(sinfo -h -n "$node" -o %t 2>/dev/null | head -n1 || true)"
  case "$state" in
    idle|mix|alloc|comp)
      echo "[slurm] node $node $state ($cpus CPUs, ${mem_mb} MB)"
      echo "export SLURM_CONF=$conf"
      exit 0 ;;
    down*|drain*|drng*|fail*)
      # A node marked down while slurmd was away: bring it back (ReturnToService=2 does it on contact).
      scontrol update NodeName="$node" State=RESUME >/dev/null 2>&1 || true ;;
  esac
  sleep 0.2
done
echo "[slurm] node $node not idle after ${wait_s}s (state '${state:-?}'); logs in $dir/log" >&2
tail -n 5 "$dir/log/slurmctld.log" "$dir/log/slurmd.log" >&2 2>/dev/null || true
exit 1
