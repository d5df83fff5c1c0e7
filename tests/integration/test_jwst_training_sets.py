"""``astrobio jwst dataset`` as a user runs it: the set is recorded as a governed dataset version
(``astrobio datasets list --kind jwst_training_set``), in this process or as SLURM / local batch
jobs, one per chunk group, the last of which finalizes and records it.

SLURM: the single-node cluster of ``scripts/slurm/start.sh`` (see
``tests/contract/test_job_runner_contract.py``); skipped without one, or failed with
``ASTROBIO_REQUIRE_SERVICES=1``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.contract.test_job_runner_contract import slurm_conf_or_skip

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith("ASTROBIO_")}
    return e | {
        "ASTROBIO_DATA_DIR": str(tmp_path / "var"),
        "ASTROBIO_LOG_LEVEL": "warning",
        "OMP_NUM_THREADS": "1",
    }


def astrobio(env: dict[str, str], *args: str, expect: int = 0) -> Any:
    r = subprocess.run(
        [sys.executable, "-m", "astrobio.entrypoints.cli.main", *args, "--json"],
        env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert r.returncode == expect, f"astrobio {' '.join(args)} -> {r.returncode}\n{r.stderr[-3000:]}"
    return json.loads(r.stdout) if expect == 0 else r


def _listed(env: dict[str, str]) -> dict[str, Any]:
    page = astrobio(env, "datasets", "list", "--kind", "jwst_training_set")
    return {d["id"]: d for d in page["items"]}


def test_make_dataset_records_a_version_the_cli_lists(env: dict[str, str]) -> None:
    out = astrobio(env, "jwst", "dataset", "--n-spectra", "40", "--chunk-size", "20", "--seed", "4")
    dataset_id, version = out["dataset_version"].split("@")
    assert out["complete"] and out["recorded"] and dataset_id == f"jwst_training_set.{out['version']}"
    assert set(_listed(env)) == {dataset_id}
    shown = astrobio(env, "datasets", "show", dataset_id)
    (v,) = shown["versions"]
    assert v["id"] == version and v["published"] and [e["name"] for e in v["entries"]] == [
        "chunk-00000.npz",
        "chunk-00001.npz",
    ]
    again = astrobio(env, "jwst", "dataset", "--n-spectra", "40", "--chunk-size", "20", "--seed", "4")
    assert again["dataset_version"] == out["dataset_version"] and again["recorded"] is False


def test_a_corrupted_chunk_fails_the_cli_with_the_grade(env: dict[str, str]) -> None:
    first = astrobio(env, "jwst", "dataset", "--n-spectra", "40", "--chunk-size", "20", "--chunks", "0")
    assert not first["complete"]
    (Path(first["path"]) / "chunk-00000.npz").write_bytes(b"PK\x03\x04 truncated")
    r = astrobio(env, "jwst", "dataset", "--n-spectra", "40", "--chunk-size", "20", "--chunks", "1", expect=2)
    assert "not published: grade" in r.stderr and "unreadable" in r.stderr


def test_make_dataset_as_local_batch_jobs(env: dict[str, str]) -> None:
    out = astrobio(env, "jwst", "dataset", "--n-spectra", "60", "--chunk-size", "20", "--submit", "local",
                   "--chunks-per-job", "2")
    assert out["backend"] == "local" and [j["chunks"] for j in out["jobs"]] == [[0, 1], [2]]
    assert set(out["states"].values()) == {"completed"}
    assert out["dataset_version"].startswith(f"jwst_training_set.{out['version']}@sha256:")


def test_make_dataset_on_slurm_two_chunks_of_200(env: dict[str, str]) -> None:
    env = env | {"SLURM_CONF": slurm_conf_or_skip()}
    out = astrobio(env, "jwst", "dataset", "--n-spectra", "400", "--chunk-size", "200", "--seed", "11",
                   "--submit", "slurm", "--wait", "--time-limit-min", "10", "--mem-mb", "1000")
    assert out["backend"] == "slurm" and [j["chunks"] for j in out["jobs"]] == [[0], [1]]
    assert set(out["states"].values()) == {"completed"}, out
    dataset_id, version = out["dataset_version"].split("@")
    assert dataset_id in _listed(env)
    (v,) = astrobio(env, "datasets", "show", dataset_id)["versions"]
    assert v["id"] == version and v["published"] and len(v["entries"]) == 2
    assert v["lineage"]["job_id"].startswith("slurm:") and v["lineage"]["produced_by"] == "jwst_training_set"
