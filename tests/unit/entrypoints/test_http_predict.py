"""Prediction and surrogate endpoints over a fake registry (deterministic T21 fields; no torch)."""

from __future__ import annotations

import importlib.util
import io
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import h5py
import netCDF4
import numpy as np
import pytest
import xarray as xr
from dependency_injector import providers
from litestar import Litestar
from litestar.testing import TestClient

from astrobio.adapters.memory.repositories import InMemoryDatabase, InMemoryUnitOfWork
from astrobio.application.ports.surrogate import TrainingConfig
from astrobio.bootstrap.container import Container, build_container
from astrobio.bootstrap.settings import Settings
from astrobio.domain.surrogate import SurrogateMode
from astrobio.entrypoints.http import create_app
from tests.unit.application.surrogate_fakes import (
    FakeRegistry,
    FakeTrainer,
    default_registry,
    earthlike,
    make_card,
    make_cube,
)


@pytest.fixture
def registry() -> FakeRegistry:
    return default_registry()


@pytest.fixture
def container(tmp_path: Path, registry: FakeRegistry) -> Container:
    db = InMemoryDatabase()
    with InMemoryUnitOfWork(db) as uow:
        for i in range(4):
            uow.cubes.add(make_cube(i, earthlike(1000.0 + 100 * i)))
        uow.commit()
    c = build_container(Settings(data_dir=tmp_path))
    c.uow_factory.override(providers.Object(lambda: InMemoryUnitOfWork(db)))
    c.surrogate_registry.override(providers.Object(registry))
    c.surrogate_trainer.override(providers.Object(FakeTrainer()))
    return c


@pytest.fixture
def client(container: Container) -> Iterator[TestClient[Litestar]]:
    with TestClient(app=create_app(container)) as tc:
        yield tc


def test_scalar_prediction_per_planet(client: TestClient[Litestar], registry: FakeRegistry) -> None:
    assert registry.loads == 0  # start-up loads no model
    r = client.post("/predict", json={"planets": [{}, {"instellation_w_m2": 1600.0, "star_teff_k": 3300}]})
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["mode"] == "scalar" and out["model_id"] == "a" * 64 and registry.loads == 1
    earth, warm = out["predictions"]
    assert earth["values"]["ts_k"] == {"mean": 288.0, "sigma": 3.0, "units": "K"}
    assert earth["out_of_range"] == [] and earth["model_id"] == "a" * 64 and earth["index"] == 0
    assert earth["verdict"]["label"] == "temperate" and earth["verdict"]["p_liquid_water"] > 0.999
    assert set(earth["verdict"]["probabilities"]) == {"frozen", "temperate", "warm", "hot"}
    assert warm["values"]["ts_k"]["mean"] == pytest.approx(311.3)


def test_out_of_range_inputs_are_flagged(client: TestClient[Litestar]) -> None:
    r = client.post("/predict", json={"planets": [{"star_teff_k": 9000, "radius_earth": 2.5}]})
    assert r.status_code == 200
    assert r.json()["predictions"][0]["out_of_range"] == ["radius_earth", "star_teff_k"]


@pytest.mark.parametrize(("body", "field"), [
    ({}, "planets"),
    ({"planets": []}, "planets"),
    ({"planets": [{"star_teff_k": "hot"}]}, "planets[0].star_teff_k"),
    ({"planets": [{}, {"radius_earth": -1.0}]}, "planets[1].radius_earth"),
    ({"planets": [{"star_teff_k": 20000}]}, "planets[0].star_teff_k"),
    ({"planets": [{"colour": "red"}]}, "planets[0].colour"),
    ({"planets": [{}], "mode": "spectral"}, "mode"),
    ({"planets": [{}], "mode": "datacube"}, "mode"),
])
def test_bad_inputs_are_422_naming_the_field(client: TestClient[Litestar], body: dict[str, object],
                                             field: str) -> None:
    r = client.post("/predict", json=body)
    assert r.status_code == 422, r.text
    assert r.json()["field"] == field


def test_no_active_model_is_404_naming_the_mode(client: TestClient[Litestar], registry: FakeRegistry) -> None:
    registry.__init__(make_card(SurrogateMode.SCALAR, "c" * 64))  # type: ignore[misc]  # registered, inactive
    r = client.post("/predict", json={"planets": [{}]})
    assert r.status_code == 404 and r.json()["field"] == "mode"
    assert "train" in r.json()["detail"] and "activate" in r.json()["detail"]
    assert client.post("/predict/datacube", json={}).status_code == 404


def _check_grid(lat: np.ndarray, lon: np.ndarray, lev: np.ndarray) -> None:
    assert lat.shape == (32,) and lon.shape == (64,) and lev.shape == (10,)


def test_datacube_is_hdf5_with_dimension_scales_and_units(client: TestClient[Litestar],
                                                          tmp_path: Path) -> None:
    r = client.post("/predict/datacube", json={"parameters": {}})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/x-hdf5") and "x-out-of-range" not in r.headers
    assert r.headers["x-model-id"] == "b" * 64
    with h5py.File(io.BytesIO(r.content), "r") as f:
        assert f["ta"].shape == (10, 32, 64) and f["ta_sigma"].shape == (10, 32, 64)
        assert f["ts"].shape == (32, 64) and f["ts"].attrs["units"] == "K"
        assert f["ts"].attrs["dims"] == "lat,lon"
        assert [f["ta"].dims[i][0].name for i in range(3)] == ["/lev", "/lat", "/lon"]
        assert f["lat"].attrs["units"] == "degrees_north" and f["lon"].attrs["units"] == "degrees_east"
        assert float(np.mean(f["ts_sigma"][()])) == 2.0 and f.attrs["out_of_range"] == ""
        assert f.attrs["model_id"] == "b" * 64 and f.attrs["input_star_teff_k"] == 5772.0
        _check_grid(f["lat"][()], f["lon"][()], f["lev"][()])
    with netCDF4.Dataset("prediction.h5", memory=r.content) as nc:
        assert nc["ta"].dimensions == ("lev", "lat", "lon") and nc["ta"].units == "K"
    path = tmp_path / "prediction.h5"
    path.write_bytes(r.content)
    engines = ["netcdf4"] + (["h5netcdf"] if importlib.util.find_spec("h5netcdf") else [])
    for engine in engines:
        with xr.open_dataset(path, engine=engine) as ds:
            assert ds["ta"].dims == ("lev", "lat", "lon") and ds["lat"].attrs["units"] == "degrees_north"
            assert float(ds["ts"].sel(lat=ds.lat.max()).mean()) < float(ds["ts"].sel(lat=ds.lat[15]).mean())


def test_datacube_as_netcdf_flags_out_of_range(client: TestClient[Litestar]) -> None:
    r = client.post("/predict/datacube", json={"parameters": {"gravity_m_s2": 30.0}, "format": "netcdf"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/x-netcdf")
    assert r.headers["x-out-of-range"] == "gravity_m_s2"
    with netCDF4.Dataset("prediction.nc", memory=r.content) as nc:
        assert nc.out_of_range == "gravity_m_s2" and nc["ts"].dimensions == ("lat", "lon")
        _check_grid(nc["lat"][:], nc["lon"][:], nc["lev"][:])


def test_datacube_bad_inputs(client: TestClient[Litestar]) -> None:
    r = client.post("/predict/datacube", json={"parameters": {"pco2_bar": 5.0}})
    assert r.status_code == 422 and r.json()["field"] == "parameters.pco2_bar"
    r = client.post("/predict/datacube", json={"format": "grib"})
    assert r.status_code == 422 and r.json()["field"] == "format"


def test_surrogates_are_listed_and_activated(client: TestClient[Litestar], registry: FakeRegistry) -> None:
    cards = client.get("/surrogates").json()
    assert [c["mode"] for c in cards] == ["datacube", "scalar"] and all(c["active"] for c in cards)
    assert cards[1]["input_ranges"]["star_teff_k"] == [2600.0, 6500.0]
    assert cards[1]["training_cubes"] == [{"cube_id": "cube-0", "checksum": "abc"}]
    registry.register(FakeTrainer().train([make_cube(0)], _scalar_config()), activate=False)
    new_id = next(c.id for c in registry.cards() if not c.active)
    r = client.post(f"/surrogates/{new_id[:10]}/activate")
    assert r.status_code == 200 and r.json()["id"] == new_id and r.json()["active"]
    assert client.post("/surrogates/zzzzzzzzzz/activate").status_code == 404


def _scalar_config() -> TrainingConfig:
    return TrainingConfig(mode=SurrogateMode.SCALAR)


def test_training_job_registers_models(client: TestClient[Litestar], registry: FakeRegistry) -> None:
    r = client.post("/jobs/train/climate", json={"mode": "scalar", "max_epochs": 2, "seed": 3})
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["kind"] == "train_climate" and r.headers["location"] == f"/jobs/{job['id']}"
    deadline = time.monotonic() + 20
    while (job := client.get(f"/jobs/{job['id']}").json())["state"] not in ("succeeded", "failed"):
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert job["state"] == "succeeded", job
    (model,) = job["result"]["models"]
    assert model["mode"] == "scalar" and model["active"] and len(model["training_cubes"]) == 4
    assert registry.active(SurrogateMode.SCALAR) is not None
    assert registry.active(SurrogateMode.SCALAR).id == model["id"]  # type: ignore[union-attr]


@pytest.mark.parametrize(("body", "field"), [({"max_epochs": 0}, "max_epochs"), ({"mode": "x"}, "mode"),
                                             ({"cubes": "some"}, "cubes")])
def test_training_body_errors(client: TestClient[Litestar], body: dict[str, object], field: str) -> None:
    r = client.post("/jobs/train/climate", json=body)
    assert r.status_code == 422 and r.json()["field"] == field


def test_api_start_imports_no_torch(tmp_path: Path) -> None:
    code = (
        "import sys\nfrom pathlib import Path\n"
        "from litestar.testing import TestClient\n"
        "from astrobio.bootstrap.container import build_container\n"
        "from astrobio.bootstrap.settings import Settings\n"
        "from astrobio.entrypoints.http import create_app\n"
        f"c = build_container(Settings(data_dir=Path({str(tmp_path)!r})))\n"
        "with TestClient(app=create_app(c)) as tc:\n"
        "    assert tc.get('/schema/openapi.json').status_code == 200\n"
        "    tc.get('/health')\n"
        "assert 'torch' not in sys.modules and 'lightning' not in sys.modules, 'torch imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


def _record_cube_version(container: Container) -> str:
    """A governance store holding a published version of the training cube ``cube-0`` (run000)."""
    from datetime import UTC, datetime

    from astrobio.adapters.memory.governance import InMemoryGovernanceRepository
    from astrobio.application.ports.governance import TagMove

    repo = InMemoryGovernanceRepository()
    version = "sha256:" + "7" * 64
    repo.move_tag(TagMove(dataset_id="climate_cube.run000", tag="main", version_id=version,
                          moved_at=datetime(2026, 1, 1, tzinfo=UTC), actor="test"))
    container.governance.repository.override(providers.Object(repo))
    return f"climate_cube.run000@{version}"


def test_scalar_prediction_records_the_model_and_its_training_data_versions(
        client: TestClient[Litestar], container: Container, registry: FakeRegistry) -> None:
    # No governance tables here (nothing ingested): versions are null, never made up.
    r = client.post("/predict", json={"planets": [{}]})
    assert r.status_code == 200, r.text
    prov = r.json()["provenance"]
    assert prov["model_id"] == registry.active(SurrogateMode.SCALAR).id == "a" * 64  # type: ignore[union-attr]
    assert prov["model_mode"] == "scalar" and prov["model_code_version"] == "test" and prov["code_version"]
    assert prov["training_data"] == [{"cube_id": "cube-0", "checksum": "abc", "dataset_version": None}]
    expected = _record_cube_version(container)
    prov = client.post("/predict", json={"planets": [{}]}).json()["provenance"]
    assert prov["model_id"] == "a" * 64
    assert prov["training_data"] == [{"cube_id": "cube-0", "checksum": "abc", "dataset_version": expected}]


def test_datacube_files_carry_the_model_and_training_data_attributes(
        client: TestClient[Litestar], container: Container) -> None:
    import json

    expected = _record_cube_version(container)
    r = client.post("/predict/datacube", json={})
    with h5py.File(io.BytesIO(r.content), "r") as f:
        assert f.attrs["model_id"] == "b" * 64 and f.attrs["model_mode"] == "datacube"
        data = json.loads(f.attrs["training_data"])
    assert data == [{"cube_id": "cube-0", "checksum": "abc", "dataset_version": expected}]
    r = client.post("/predict/datacube", json={"format": "netcdf"})
    with netCDF4.Dataset("prediction.nc", memory=r.content) as nc:
        assert nc.model_id == "b" * 64 and json.loads(nc.training_data)[0]["dataset_version"] == expected
