#!/usr/bin/env bash
# Set up, start the services the tests need (PostgreSQL, Redis, SLURM; ExoPlaSim built), then run
# the static checks and the whole suite.
# Services are required here: a test that needs PostgreSQL or Redis fails (not skips) without them.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/services.sh
# The climate tests run a real single-node SLURM and a real ExoPlaSim build (both installed here
# when missing: Debian slurmctld/slurmd/slurm-client, gfortran, Open MPI; pip exoplasim).
scripts/slurm/start.sh
export SLURM_CONF="${ASTROBIO_SLURM_DIR:-/var/lib/astrobio-slurm}/slurm.conf"
scripts/install_exoplasim.sh
# The pipeline report is rendered in a real headless browser (Debian chromium).
scripts/install_chromium.sh
export OMP_NUM_THREADS=1 ASTROBIO_REQUIRE_SERVICES=1
echo "[test] ruff";          .venv/bin/ruff check src tests benchmarks scripts
echo "[test] import-linter"; .venv/bin/lint-imports
echo "[test] mypy";          .venv/bin/mypy
echo "[test] pytest";        .venv/bin/pytest "$@"
