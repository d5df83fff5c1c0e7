"""Climate-surrogate training end to end on the real bundled cube set, through the CLI in
subprocesses: ``astrobio train climate`` directly, and the same as a queued ``train_climate`` job
(``astrobio jobs submit``) that the worker runs; then ``astrobio predict`` serves the new model.

Short trainings (a few epochs, one member): this checks the wiring, the registry and the
held-out bookkeeping on real cubes, not the skill (``benchmarks/eval_climate_surrogate.py``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("torch")
pytest.importorskip("lightning")

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASTROBIO_")}
    return env | {
        "ASTROBIO_DATA_DIR": str(tmp_path / "var"),
        "ASTROBIO_MODELS_DIR": str(tmp_path / "models"),
        "ASTROBIO_LOG_LEVEL": "warning",
        "OMP_NUM_THREADS": "1",
    }


def astrobio(env: dict[str, str], *args: str, expect: int = 0) -> Any:
    r = subprocess.run([sys.executable, "-m", "astrobio.entrypoints.cli.main", *args, "--json"],
                       env=env, capture_output=True, text=True, timeout=900)
    assert r.returncode == expect, f"astrobio {' '.join(args)} -> {r.returncode}\n{r.stderr[-3000:]}"
    return json.loads(r.stdout) if expect == 0 else r


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    e = _env(tmp_path_factory.mktemp("train-e2e"))
    astrobio(e, "db", "upgrade")
    cubes = astrobio(e, "climate", "ingest", "--bundled")
    assert len(cubes) == 49  # data/gcm/runs.csv
    return e


def test_train_climate_from_the_cli_registers_activates_and_serves(env: dict[str, str]) -> None:
    cards = astrobio(env, "train", "climate", "--mode", "both", "--max-epochs", "3", "--ensemble", "1",
                     "--precision", "bf16-mixed", "--seed", "5")
    assert {c["mode"] for c in cards} == {"scalar", "datacube"}
    for card in cards:
        assert card["active"] is True
        held_out = set(card["hyperparameters"]["holdout_cubes"])
        trained_on = {c["cube_id"] for c in card["training_cubes"]}
        assert held_out and not held_out & trained_on and len(held_out | trained_on) == 49
    datacube = next(c for c in cards if c["mode"] == "datacube")
    assert datacube["metrics"]["ts_rmse_k"] > 0.0
    listed = astrobio(env, "surrogates", "list")
    assert {c["id"] for c in listed if c["active"]} == {c["id"] for c in cards}
    out = astrobio(env, "predict", "--mode", "scalar", "--set", "star_teff_k=5772",
                   "--set", "instellation_w_m2=1361")
    (planet,) = out["predictions"]
    assert out["model_id"] == next(c["id"] for c in cards if c["mode"] == "scalar")
    ts = planet["values"]["ts_k"]
    assert 150.0 < ts["mean"] < 400.0 and ts["sigma"] >= 0.0


def test_train_climate_as_a_worker_job(env: dict[str, str]) -> None:
    job = astrobio(env, "jobs", "submit", "train_climate", "--param", "mode=scalar",
                   "--param", "max_epochs=2", "--param", "ensemble=1", "--param", "activate=false")
    assert job["state"] == "succeeded", job
    (model_id,) = [m["id"] for m in job["result"]["models"]]
    listed = {c["id"]: c for c in astrobio(env, "surrogates", "list")}
    assert model_id in listed and listed[model_id]["active"] is False


def test_unknown_job_kind_and_bad_training_parameters_are_refused(env: dict[str, str]) -> None:
    r = astrobio(env, "jobs", "submit", "train_nothing", expect=2)
    assert "unknown job kind" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    r = astrobio(env, "train", "climate", "--mode", "scalar", "--max-epochs", "0", expect=2)
    assert "max_epochs" in r.stderr
