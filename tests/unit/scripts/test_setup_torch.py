"""scripts/setup.sh finds the CPU torch wheel, or falls back to the plain wheel of the same version.

The script runs against a stand-in ``.venv/bin/python`` that plays pip: it answers ``pip index
versions torch`` as a given set of indexes would and records what ``pip install`` was asked for.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

FAKE_PYTHON = r"""#!/usr/bin/env bash
echo "$*" >> "$FAKE_LOG"
cpu="Available versions: 2.14.0, 2.13.0+cpu, 2.13.0"
if [ "$1 $2 $3 $4" = "-m pip index versions" ]; then
  case "$*" in
    *extra-index-url*) [ "$TORCH_CPU_ON" = extra ] && echo "$cpu" && exit 0 ;;
    *) [ "$TORCH_CPU_ON" = default ] && echo "$cpu" && exit 0 ;;
  esac
  echo "Available versions: 2.14.0, 2.13.0"; exit 0
fi
if [ "$1 $2 $3" = "-m pip install" ]; then
  prev=""; for a in "$@"; do
    if [ "$prev" = "-c" ]; then echo "CONSTRAINT $(grep '^torch==' "$a")" >> "$FAKE_LOG"; fi; prev="$a"
  done
fi
exit 0
"""


def _run_setup(tmp_path: Path, torch_cpu_on: str) -> list[str]:
    repo = tmp_path / "repo"
    (repo / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts/setup.sh", repo / "scripts/setup.sh")
    shutil.copy(ROOT / "constraints.txt", repo / "constraints.txt")
    shutil.copy(ROOT / "pyproject.toml", repo / "pyproject.toml")
    py = repo / ".venv/bin/python"
    py.parent.mkdir(parents=True)
    py.write_text(FAKE_PYTHON)
    py.chmod(0o755)
    log = tmp_path / "pip.log"
    env = dict(os.environ, FAKE_LOG=str(log), TORCH_CPU_ON=torch_cpu_on,
               ASTROBIO_TORCH_INDEX_URL="https://pytorch.example/whl/cpu")
    r = subprocess.run(["bash", "scripts/setup.sh"], cwd=repo, env=env, capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r.stderr + r.stdout
    return log.read_text().splitlines()


@pytest.mark.parametrize(("where", "extra_index", "torch_pin"), [
    ("default", False, "torch==2.13.0+cpu"),   # pip's own indexes carry the CPU build
    ("extra", True, "torch==2.13.0+cpu"),      # PyTorch's CPU index is reachable: it is added
    ("nowhere", False, "torch==2.13.0"),       # only the default index: the plain wheel, same version
])
def test_setup_installs_a_reachable_torch_of_the_pinned_version(
        tmp_path: Path, where: str, extra_index: bool, torch_pin: str) -> None:
    lines = _run_setup(tmp_path, where)
    install = next(line for line in lines if line.startswith("-m pip install") and "-e" in line.split())
    assert ("--extra-index-url https://pytorch.example/whl/cpu" in install) is extra_index
    assert f"CONSTRAINT {torch_pin}" in lines
    # the installed torch is checked afterwards
    assert any(line.startswith("-c import sys, torch") for line in lines)
