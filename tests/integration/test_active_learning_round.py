"""One active-learning round through the real engine: the shipped scalar emulator proposes 2 tiny
ExoPlaSim runs inside a box, SLURM runs them, they are ingested (with dataset versions), the
emulator is retrained on every stored cube (3-fold CV by simulation) and activated.

Needs scripts/slurm/start.sh and scripts/install_exoplasim.sh (as test_climate_sweep_e2e.py).
The runs are 30-day runs with a 10 m mixed layer (the plumbing, not the science: the shipped
models' runs are 240 days over 3 m). About 2-3 minutes on two cores.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.integration.test_climate_sweep_e2e import _env, astrobio, slurm_env  # noqa: F401
from tests.integration.test_exoplasim_run import _require_exoplasim

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]


def test_one_active_round_runs_through_slurm_and_retrains(slurm_env: dict[str, str],  # noqa: F811
                                                          tmp_path: Path) -> None:
    _require_exoplasim(1)
    shipped = ROOT / "data" / "models"
    models = tmp_path / "models"
    models.mkdir()
    for f in shipped.iterdir():
        if f.is_file() and f.suffix in (".pt", ".json") and f.name != "TRAINING.json":
            shutil.copy(f, models / f.name)
    env = _env(tmp_path, slurm_env | {"ASTROBIO_MODELS_DIR": str(models), "ASTROBIO_LOCAL_MAX_PARALLEL": "2"})
    before = astrobio(env, "surrogates", "list")
    scalar_before = next(c["id"] for c in before if c["active"] and c["mode"] == "scalar")
    assert len(astrobio(env, "climate", "ingest", "--bundled")) == 49

    out = astrobio(env, "climate", "active-round", "--name", "al-e2e", "--samples", "2", "--seed", "3",
                   "--range", "instellation_w_m2=1000:1400", "--range", "star_teff_k=4500:6000",
                   "--set", "run_days=30", "--set", "mixed_layer_depth_m=10", "--backend", "slurm",
                   "--cv-folds", "3", "--poll-interval", "2")
    acq = out["acquisition"]
    assert acq["model_id"] == scalar_before and acq["sigma_after_k"] < acq["sigma_before_k"]
    assert len(out["runs"]) == 2 and all(r["state"] == "succeeded" and r["cube_id"] for r in out["runs"])
    for r in out["runs"]:
        assert 1000.0 <= r["parameters"]["instellation_w_m2"] <= 1400.0
        assert 4500.0 <= r["parameters"]["star_teff_k"] <= 6000.0
    (model,) = out["models"]
    assert model["mode"] == "scalar" and model["id"] != scalar_before
    new_cubes = {r["cube_id"] for r in out["runs"]}
    trained = {t["cube_id"]: t for t in model["training_data"]}
    assert len(trained) == 51 and new_cubes <= set(trained)
    assert all(trained[c]["dataset_version"] for c in new_cubes)  # the round's data, versioned
    assert model["metrics"]["cv_ts_k_rmse"] > 0.0
    after = astrobio(env, "surrogates", "list")
    assert next(c["id"] for c in after if c["active"] and c["mode"] == "scalar") == model["id"]
