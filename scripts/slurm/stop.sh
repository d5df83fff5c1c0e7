#!/usr/bin/env bash
# Stop the single-node SLURM daemons started by start.sh: `stop.sh [all|slurmctld|slurmd]`.
# Saved controller state is kept (start.sh recovers queued jobs). Idempotent.
set -uo pipefail
dir="${ASTROBIO_SLURM_DIR:-/var/lib/astrobio-slurm}"
which="${1:-all}"
case "$which" in
  all) daemons=(slurmctld slurmd) ;;
  slurmctld|slurmd) daemons=("$which") ;;
  *) echo "usage: $0 [all|slurmctld|slurmd]" >&2; exit 2 ;;
esac

for d in "${daemons[@]}"; do
  pidfile="$dir/$d.pid"
  [ -f "$pidfile" ] || continue
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null && grep -q "$d" "/proc/$pid/comm" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    echo "[slurm] stopped $d ($pid)"
  fi
  rm -f "$pidfile"
done
exit 0
