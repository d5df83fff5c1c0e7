#!/usr/bin/env bash
# Install the Debian SLURM packages (slurmctld, slurmd, slurm-client) when any is missing.
# Idempotent: does nothing when all three binaries are present. Needs root and apt-get.
set -euo pipefail

missing=()
command -v slurmctld >/dev/null 2>&1 || [ -x /usr/sbin/slurmctld ] || missing+=(slurmctld)
command -v slurmd >/dev/null 2>&1 || [ -x /usr/sbin/slurmd ] || missing+=(slurmd)
command -v sbatch >/dev/null 2>&1 || missing+=(slurm-client)
if [ "${#missing[@]}" -eq 0 ]; then
  echo "[slurm] installed: $(/usr/sbin/slurmctld -V 2>/dev/null || slurmctld -V)"
  exit 0
fi
command -v apt-get >/dev/null 2>&1 || { echo "[slurm] cannot install ${missing[*]}: no apt-get" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "[slurm] cannot install ${missing[*]}: not root" >&2; exit 1; }
echo "[slurm] installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || true
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "[slurm] installed: $(/usr/sbin/slurmctld -V)"
