#!/usr/bin/env bash
# Set up, start the services the tests need, then run the static checks and the whole suite.
# Services are required here: a test that needs PostgreSQL or Redis fails (not skips) without them.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/services.sh
export OMP_NUM_THREADS=1 ASTROBIO_REQUIRE_SERVICES=1
echo "[test] ruff";          .venv/bin/ruff check src tests benchmarks
echo "[test] import-linter"; .venv/bin/lint-imports
echo "[test] mypy";          .venv/bin/mypy
echo "[test] pytest";        .venv/bin/pytest "$@"
