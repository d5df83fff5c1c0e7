"""Climate endpoints over fakes: real bundled ExoPlaSim NetCDF in an in-memory cube store."""

from __future__ import annotations

import io
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

from astrobio.adapters.memory.cube_store import InMemoryCubeStore
from astrobio.adapters.memory.repositories import InMemoryDatabase, InMemoryUnitOfWork
from astrobio.application.ports.job_runner import BatchState
from astrobio.application.ports.simulator import SimulationOutcome
from astrobio.application.use_cases.climate_cubes import IngestClimateOutputCommand
from astrobio.bootstrap.container import Container, build_container
from astrobio.bootstrap.settings import Settings
from astrobio.domain.climate import RunState
from astrobio.entrypoints.http import create_app
from tests.unit.application.climate_fakes import FakeSimulator, ScriptedRunner

RUN000 = Path(__file__).resolve().parents[3] / "data" / "gcm" / "run000.nc"


class InstantRunner(ScriptedRunner):
    """Every submitted job has already completed."""

    def submit_array(self, specs):  # type: ignore[no-untyped-def]
        ids = super().submit_array(specs)
        self.finish_all(BatchState.COMPLETED)
        return ids


@pytest.fixture
def container(tmp_path: Path) -> Container:
    db = InMemoryDatabase()
    sim = FakeSimulator()
    sim.read_outcome = lambda workdir: SimulationOutcome(  # type: ignore[method-assign]
        state=RunState.SUCCEEDED, output_files=(str(RUN000),))
    c = build_container(Settings(data_dir=tmp_path))
    c.uow_factory.override(providers.Object(lambda: InMemoryUnitOfWork(db)))
    c.cube_store.override(providers.Object(InMemoryCubeStore()))
    c.simulator.override(providers.Object(sim))
    c.job_runners.override(providers.Object({"local": InstantRunner("local")}))
    return c


@pytest.fixture
def client(container: Container) -> Iterator[TestClient[Litestar]]:
    with TestClient(app=create_app(container)) as tc:
        yield tc


@pytest.fixture
def cube_id(container: Container) -> str:
    cube = container.ingest_climate_output().execute(
        IngestClimateOutputCommand(sources=[str(RUN000)], name="exoplasim-aquaplanet/run000"))
    return cube.id


def test_cubes_are_listed_and_described(client: TestClient[Litestar], cube_id: str) -> None:
    page = client.get("/climate/cubes").json()
    assert page["total"] == 1 and page["items"][0]["id"] == cube_id
    cube = client.get(f"/climate/cubes/{cube_id}").json()
    assert cube["grid"]["n_lat"] == 32 and cube["grid"]["n_lon"] == 64 and cube["grid"]["n_lev"] == 10
    assert {"ts", "ta"} <= {v["name"] for v in cube["variables"]}
    assert len(cube["checksum"]) == 64 and cube["source_files"][0].endswith("run000.nc")


def test_data_as_netcdf_matches_the_source(client: TestClient[Litestar], cube_id: str) -> None:
    r = client.get(f"/climate/cubes/{cube_id}/data", params={"var": "ts", "time": 0})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/x-netcdf")
    with netCDF4.Dataset("inmemory.nc", memory=r.content) as nc:
        got = np.asarray(nc["ts"][:])
        assert nc["ts"].units == "K"
    with xr.open_dataset(RUN000) as src:
        expected = src["ts"].isel(time=0).values
    assert got.shape == (32, 64)
    # Same values up to the store's latitude convention (compare sorted field values).
    np.testing.assert_allclose(np.sort(got.ravel()), np.sort(expected.ravel()), rtol=1e-6)


def test_data_as_hdf5(client: TestClient[Litestar], cube_id: str) -> None:
    params: dict[str, str | int] = {"var": "ta", "time": 1, "lev": 9, "format": "hdf5"}
    r = client.get(f"/climate/cubes/{cube_id}/data", params=params)
    assert r.status_code == 200
    with h5py.File(io.BytesIO(r.content), "r") as f:
        ds = f["ta"]
        assert ds.shape == (32, 64) and 150 < float(np.mean(ds[()])) < 350


def test_bad_selections_are_422_naming_the_field(client: TestClient[Litestar], cube_id: str) -> None:
    r = client.get(f"/climate/cubes/{cube_id}/data", params={"var": "nope"})
    assert r.status_code == 422 and r.json()["field"] == "var"
    r = client.get(f"/climate/cubes/{cube_id}/data", params={"var": "ts", "time": 999})
    assert r.status_code == 422 and r.json()["field"] == "time"
    assert client.get("/climate/cubes/missing").status_code == 404


def test_sweep_job_plans_runs_and_ingests_their_output(client: TestClient[Litestar]) -> None:
    body = {"sweep": {"name": "hz-edge", "samples": 4, "seed": 3,
                      "ranges": {"instellation_w_m2": {"low": 900, "high": 1500}},
                      "base": {"run_days": 30}},
            "backend": "local", "poll_interval_s": 0.01}
    r = client.post("/jobs/climate/sweep", json=body)
    assert r.status_code == 202, r.text
    job_id, sweep_id = r.json()["job"]["id"], r.json()["sweep"]["id"]
    assert len(r.json()["sweep"]["runs"]) == 4
    deadline = time.monotonic() + 30
    while (job := client.get(f"/jobs/{job_id}").json())["state"] not in ("succeeded", "failed"):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert job["state"] == "succeeded", job
    assert job["result"]["counts"] == {"succeeded": 4} and len(job["result"]["cubes"]) == 4
    sweep = client.get(f"/climate/sweeps/{sweep_id}").json()
    assert all(run["cube_id"] for run in sweep["runs"])
    assert client.get("/climate/cubes").json()["total"] == 4


def test_sweep_body_errors(client: TestClient[Litestar]) -> None:
    bad = {"sweep": {"name": "x", "ranges": {"colour": {"low": 1, "high": 2}}}}
    r = client.post("/jobs/climate/sweep", json=bad)
    assert r.status_code == 422 and r.json()["field"] == "colour"
    r = client.post("/jobs/climate/sweep", json={"sweep": {"name": "x", "ranges": {}}})
    assert r.status_code == 422 and r.json()["field"] == "ranges"
