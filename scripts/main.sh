#!/usr/bin/env bash
# The main job on the embedded defaults: SQLite in ./var, in-process queue, bundled catalog.
# Set up, migrate, ingest the bundled NASA Exoplanet Archive snapshot, print the top 20 targets, register
# the bundled metabolic models (quality-checked and versioned; once, about 2 minutes), then run the
# end-to-end pipeline on the whole catalog (climate surrogate -> FBA -> atmosphere -> JWST spectra):
# top 10 by biosignature potential and an HTML report.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
.venv/bin/astrobio db upgrade
.venv/bin/astrobio ingest catalog --source bundled
.venv/bin/astrobio rank --top 20 "$@"
data_dir="${ASTROBIO_DATA_DIR:-var}"
if .venv/bin/astrobio metabolism models --json | grep -q '"total": *0[,}]'; then
  # A model that fails the metabolic sanity checks is held by the quality gate, named in the
  # output and not registered (exit 2); the others are registered and the job goes on.
  .venv/bin/astrobio ingest sbml --bundled || [ "$?" -eq 2 ]
fi
.venv/bin/astrobio pipeline run --all --report "$data_dir/report.html" --top 10
echo "pipeline report: $data_dir/report.html"
