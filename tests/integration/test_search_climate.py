"""Searches with this process as the worker and the study in SQLite: a climate surrogate on real
bundled cubes and the JWST denoiser on a small generated training set. The pruning callback is
wired into the Lightning trainers; the best trial is registered inactive with its study, its
training curves kept beside it in the registry."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import pytest
from dependency_injector import providers

pytest.importorskip("optuna")
pytest.importorskip("torch")

from astrobio.adapters.cubes.bundled import bundled_runs
from astrobio.adapters.cubes.zarr_store import ZarrCubeStore
from astrobio.adapters.memory.repositories import InMemoryDatabase, InMemoryUnitOfWork
from astrobio.bootstrap.container import build_container
from astrobio.bootstrap.search import create_search, register_best, run_search_worker, study_summary
from astrobio.bootstrap.settings import Settings

pytestmark = [pytest.mark.integration, pytest.mark.slow]
ROOT = Path(__file__).parents[2]
RUNS = ("run000", "run006", "run013", "run020", "run003")


def test_climate_search_registers_the_best_trial_with_its_study(tmp_path: Path) -> None:
    store = ZarrCubeStore(str(tmp_path / "zarr"))
    db = InMemoryDatabase()
    with InMemoryUnitOfWork(db) as uow:
        for p, params in bundled_runs(ROOT / "data" / "gcm"):
            if p.stem in RUNS:
                cube = store.ingest([str(p)], cube_id=p.stem, name=p.stem, parameters=params, mapping=None,
                                    run_id=None, now=datetime(2026, 12, 1, tzinfo=UTC))
                uow.cubes.add(cube)
        uow.commit()
    settings = Settings(data_dir=tmp_path / "var", models_dir_path=tmp_path / "models")
    c = build_container(settings)
    c.uow_factory.override(providers.Object(lambda: InMemoryUnitOfWork(db)))
    c.cube_store.override(providers.Object(store))

    name = create_search(settings, "climate_scalar", 3, seed=1, config={"max_epochs": 6, "patience": 3})
    out = run_search_worker(settings, c.search_objectives(), name)
    assert out["ran_here"] == 3 and sum(out["counts"].values()) == 3
    assert study_summary(settings, name)["best"]["value"] > 0  # best validation loss (standardised MSE)
    assert (tmp_path / "var" / "optuna.sqlite3").is_file()
    reg = register_best(c, name, activate=False)
    assert reg["kind"] == "climate_scalar" and not reg["active"]
    (card,) = [k for k in c.surrogate_registry().cards() if k.id == reg["id"]]
    assert card.hyperparameters["study"]["study_id"] == name and not card.active
    assert card.hyperparameters["study"]["params"].keys() == {"learning_rate", "physics_weight", "dropout",
                                                              "hidden", "weight_decay"}
    (curve,) = card.hyperparameters["training_curves"]
    with (tmp_path / "models" / curve).open() as f:
        header = next(csv.reader(f))
    assert {"loss", "grad_norm", "lr", "val_loss"} <= set(header)
    store.close()


def test_denoiser_search_registers_its_best_trial_inactive(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "var", models_dir_path=tmp_path / "models")
    c = build_container(settings)
    name = create_search(settings, "denoiser", 2, config={"epochs": 2, "n_spectra": 128})
    out = run_search_worker(settings, c.search_objectives(), name)
    assert out["counts"] == {"complete": 2} and 0 < out["best"]["value"] < 10  # standardised val MSE
    reg = register_best(c, name, activate=False)
    registered = tmp_path / "models" / "registry" / "denoiser" / reg["id"]
    assert {"denoiser.pt", "denoiser.json", "curves.csv"} <= {p.name for p in registered.iterdir()}
    assert not reg["active"] and reg["study"]["params"].keys() == {"lr", "batch_size"}
    assert not (tmp_path / "models" / "jwst").exists()  # the shipped directory is never written
