#!/usr/bin/env bash
# The main job on the embedded defaults: SQLite in ./var, in-process queue, bundled catalog.
# Set up, migrate, ingest the bundled NASA Exoplanet Archive snapshot, print the top 20 targets.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
.venv/bin/astrobio db upgrade
.venv/bin/astrobio ingest catalog --source bundled
.venv/bin/astrobio rank --top 20 "$@"
