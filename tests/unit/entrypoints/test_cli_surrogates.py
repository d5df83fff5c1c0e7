"""``astrobio train climate`` / ``predict`` / ``surrogates`` over a container of fakes (no torch)."""

from __future__ import annotations

import json
from pathlib import Path

import h5py
import pytest
from dependency_injector import providers
from typer.testing import CliRunner

from astrobio.adapters.memory.repositories import InMemoryDatabase, InMemoryUnitOfWork
from astrobio.bootstrap.container import Container, build_container
from astrobio.bootstrap.settings import Settings
from astrobio.domain.planet import Planet
from astrobio.domain.star import Star
from astrobio.entrypoints.cli import context
from astrobio.entrypoints.cli import main as cli_main
from astrobio.entrypoints.cli.main import app
from tests.unit.application.climate_fakes import FakeWorkspace, ScriptedRunner
from tests.unit.application.surrogate_fakes import (
    FakeRegistry,
    FakeTrainer,
    default_registry,
    earthlike,
    make_cube,
)

runner = CliRunner()


@pytest.fixture
def registry() -> FakeRegistry:
    return default_registry()


@pytest.fixture
def container(tmp_path: Path, registry: FakeRegistry, monkeypatch: pytest.MonkeyPatch) -> Container:
    db = InMemoryDatabase()
    with InMemoryUnitOfWork(db) as uow:
        for i in range(4):
            uow.cubes.add(make_cube(i, earthlike(1000.0 + 100 * i)))
        uow.commit()
    c = build_container(Settings(data_dir=tmp_path))
    c.uow_factory.override(providers.Object(lambda: InMemoryUnitOfWork(db)))
    c.surrogate_registry.override(providers.Object(registry))
    c.surrogate_trainer.override(providers.Object(FakeTrainer()))
    c.job_runners.override(providers.Object({"slurm": ScriptedRunner("slurm")}))
    c.workspace.override(providers.Object(FakeWorkspace()))
    # main.py keeps its own aliases; the real settings() would also point logging at CliRunner's stdout.
    for module, prefix in ((context, ""), (cli_main, "_")):
        monkeypatch.setattr(module, f"{prefix}container", lambda: c)
        monkeypatch.setattr(module, f"{prefix}settings", lambda: c.settings())
    return c


def test_predict_scalar_json(container: Container) -> None:
    r = runner.invoke(app, ["predict", "--set", "instellation_w_m2=1467", "--json"])
    assert r.exit_code == 0, r.output
    (p,) = json.loads(r.stdout)["predictions"]
    assert p["values"]["ts_k"]["mean"] == pytest.approx(298.0) and p["verdict"]["label"] == "temperate"


def test_predict_datacube_writes_hdf5(container: Container, tmp_path: Path) -> None:
    out = tmp_path / "earth.h5"
    r = runner.invoke(app, ["predict", "--mode", "datacube", "--set", "radius_earth=2.5", "--out", str(out),
                            "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["out_of_range"] == ["radius_earth"]
    with h5py.File(out, "r") as f:
        assert f["ta"].shape == (10, 32, 64) and f.attrs["out_of_range"] == "radius_earth"


def test_predict_errors_exit_2_or_4(container: Container, registry: FakeRegistry) -> None:
    assert runner.invoke(app, ["predict", "--mode", "spectral"]).exit_code == 2
    assert runner.invoke(app, ["predict", "--mode", "datacube"]).exit_code == 2  # no --out
    assert runner.invoke(app, ["predict", "--set", "star_teff_k=hot"]).exit_code == 2
    r = runner.invoke(app, ["predict", "--set", "radius_earth=-1"])
    assert r.exit_code == 2 and "radius_earth" in r.stderr
    registry.__init__()  # type: ignore[misc]  # nothing registered
    r = runner.invoke(app, ["predict"])
    assert r.exit_code == 4 and "no active scalar" in r.stderr


def test_train_list_and_activate(container: Container, registry: FakeRegistry) -> None:
    r = runner.invoke(app, ["train", "climate", "--mode", "both", "--max-epochs", "2", "--json"])
    assert r.exit_code == 0, r.output
    cards = json.loads(r.stdout)
    assert [c["mode"] for c in cards] == ["scalar", "datacube"] and all(c["active"] for c in cards)
    listed = json.loads(runner.invoke(app, ["surrogates", "list", "--json"]).stdout)
    assert len(listed) == 4 and sum(c["active"] for c in listed) == 2
    r = runner.invoke(app, ["surrogates", "activate", "a" * 64, "--json"])
    assert r.exit_code == 0 and json.loads(r.stdout)[0]["active"]
    assert runner.invoke(app, ["surrogates", "activate", "nope"]).exit_code == 4
    assert runner.invoke(app, ["train", "climate", "--cubes", "cube-0,cube-1"]).exit_code == 2


def test_train_submits_to_slurm(container: Container) -> None:
    r = runner.invoke(app, ["train", "climate", "--submit", "slurm", "--accelerator", "gpu", "--devices", "4",
                            "--strategy", "ddp", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    argv = out["argv"]
    assert out["backend"] == "slurm"
    assert argv[1:5] == ["-m", "astrobio.entrypoints.cli.main", "train", "climate"]
    assert argv[argv.index("--devices") + 1] == "4" and argv[argv.index("--strategy") + 1] == "ddp"


def test_rank_with_a_climate_weight_shows_the_surface_temperature(container: Container) -> None:
    sun = Star(name="Sun", teff_k=5772.0, radius_sun=1.0, mass_sun=1.0, j_mag=4.0, k_mag=3.5,
               distance_pc=10.0)
    with container.uow_factory()() as uow:
        uow.planets.add(Planet(name="Earth twin", star=sun, radius_earth=1.0, mass_earth=1.0,
                               semi_major_axis_au=1.0, transits=True))
        uow.commit()
    plain = json.loads(runner.invoke(app, ["rank", "--json"]).stdout)
    assert "climate" not in plain["weights"] and "ts_k" not in plain["targets"][0]
    assert "climate" not in plain["targets"][0]["score"]
    r = runner.invoke(app, ["rank", "--weights", "hz=0.35,esi=0.25,detectability=0.25,planet_class=0.15,"
                                                 "climate=0.5", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    (t,) = out["targets"]
    assert out["weights"]["climate"] == 0.5 and t["ts_k"] == pytest.approx(288.0, abs=0.5)
    assert t["ts_sigma_k"] == 3.0 and t["score"]["climate"] == pytest.approx(1.0)
    table = runner.invoke(app, ["rank", "--weights", "climate=0.5"])
    assert table.exit_code == 0 and "Ts [K]" in table.stdout and "288 ± 3" in table.stdout
