"""The CubeStore contract, run against the in-memory fake and the Zarr store (local disk, fsspec memory://)."""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import fsspec
import h5py
import netCDF4
import numpy as np
import pytest
import xarray as xr
import zarr

from astrobio.adapters.cubes.common import arrays_checksum, file_sha256
from astrobio.adapters.cubes.netcdf import open_sources
from astrobio.adapters.cubes.zarr_store import ZarrCubeStore
from astrobio.adapters.memory.cube_store import InMemoryCubeStore
from astrobio.application.ports.cube_store import CubeStore, VariableMapping
from astrobio.domain.climate import ClimateCube, ClimateParameters
from astrobio.domain.errors import Conflict, InvalidDataset, InvalidQuantity, NotFound

REAL_RUN = Path(__file__).parents[2] / "data" / "gcm" / "run000.nc"
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@dataclass
class Backend:
    store: CubeStore
    tamper: Callable[[ClimateCube], None]  # change one stored value of ``ts`` behind the store's back


@pytest.fixture(params=["memory", "zarr-local", "zarr-fsspec-memory"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "memory":
        mem = InMemoryCubeStore()

        def tamper_memory(cube: ClimateCube) -> None:
            mem.stored_arrays(cube.id)["ts"][0, 0, 0] += 1.0

        yield Backend(mem, tamper_memory)
        return
    root = (
        str(tmp_path / "cubes") if request.param == "zarr-local" else f"memory://contract-{uuid.uuid4().hex}"
    )
    store = ZarrCubeStore(root)

    def tamper_zarr(cube: ClimateCube) -> None:
        ts = zarr.open_group(store.uri(cube.id), mode="r+")["ts"]
        ts[0, 0, 0] = ts[0, 0, 0] + 1.0

    yield Backend(store, tamper_zarr)
    store.close()
    memory = fsspec.filesystem("memory")
    if root.startswith("memory://") and memory.exists(root):  # the memory filesystem is process-wide
        memory.rm(root, recursive=True)


@pytest.fixture
def small_source(tmp_path: Path) -> Path:
    """Two fields on a 3-step, 2-level, 3x4 grid, north-first like ExoPlaSim."""
    rng = np.random.default_rng(7)
    ts = rng.uniform(200.0, 300.0, (3, 3, 4)).astype(np.float32)
    ds = xr.Dataset(
        {
            "ts": (("time", "lat", "lon"), ts, {"units": "K"}),
            "ta": (("time", "lev", "lat", "lon"), np.stack([ts - 40, ts - 10], axis=1), {"units": "K"}),
        },
        coords={
            "time": ("time", np.array([10.0, 20.0, 30.0], np.float32), {"units": "timesteps"}),
            "lev": ("lev", np.array([0.3, 0.9], np.float32)),
            "lat": ("lat", np.array([45.0, 0.0, -45.0], np.float32)),
            "lon": ("lon", np.array([0.0, 90.0, 180.0, 270.0], np.float32)),
        },
    )
    path = tmp_path / "small.nc"
    ds.to_netcdf(path, engine="netcdf4")
    return path


def _open_nc(data: bytes) -> xr.Dataset:
    """Open NetCDF4 bytes with the netCDF4 library (from memory, no temporary file)."""
    nc = netCDF4.Dataset("in-memory.nc", mode="r", memory=data)
    return xr.open_dataset(xr.backends.NetCDF4DataStore(nc), decode_times=False)


def ingest(store: CubeStore, source: Path, cube_id: str = "cube-1", **kw: object) -> ClimateCube:
    args: dict[str, object] = {
        "cube_id": cube_id,
        "name": "small",
        "parameters": None,
        "mapping": None,
        "run_id": None,
        "now": NOW,
    }
    return store.ingest([str(source)], **(args | kw))  # type: ignore[arg-type]


def standardized(source: Path) -> dict[str, np.ndarray]:
    with open_sources([source]) as ds:
        return {str(n): np.array(v.values) for n, v in ds.variables.items()}


def test_ingest_describes_the_cube(backend: Backend, small_source: Path) -> None:
    params = ClimateParameters(star_teff_k=3300.0, synchronous=True)
    cube = ingest(backend.store, small_source, parameters=params, run_id="run-9", name="exo/small")
    assert (cube.id, cube.name, cube.run_id, cube.parameters, cube.created_at) == (
        "cube-1",
        "exo/small",
        "run-9",
        params,
        NOW,
    )
    assert cube.grid.shape == (3, 2, 3, 4) and cube.grid.lat_deg == (-45.0, 0.0, 45.0)
    assert [(v.name, v.dims, v.units) for v in cube.variables] == [
        ("ta", ("time", "lev", "lat", "lon"), "K"),
        ("ts", ("time", "lat", "lon"), "K"),
    ]
    assert cube.time_units == "timesteps" and cube.source_format == "netcdf4"
    assert cube.source_files == (str(small_source.resolve()),)
    assert cube.source_checksums == (file_sha256(small_source),)
    assert cube.uri.endswith("cube-1.zarr") or cube.uri.startswith("memory-cube://")


def test_checksum_is_the_canonical_manifest_of_the_standardized_arrays(backend: Backend) -> None:
    cube = ingest(backend.store, REAL_RUN)
    assert cube.checksum == arrays_checksum(standardized(REAL_RUN))
    assert backend.store.verify(cube)


def test_reads_whole_variables_and_selections_with_the_source_values(
    backend: Backend, small_source: Path
) -> None:
    cube = ingest(backend.store, small_source)
    expected = standardized(small_source)
    np.testing.assert_array_equal(backend.store.read(cube, "ts"), expected["ts"])
    np.testing.assert_array_equal(backend.store.read(cube, "ts", time=2), expected["ts"][2])
    np.testing.assert_array_equal(backend.store.read(cube, "ta", lev=1), expected["ta"][:, 1])
    got = backend.store.read(cube, "ta", time=np.int64(1), lev=0)  # type: ignore[arg-type]
    np.testing.assert_array_equal(got, expected["ta"][1, 0])
    assert got.dtype == np.float32 and got.shape == (3, 4)


@pytest.mark.parametrize(
    ("variable", "time", "lev", "field"),
    [
        ("nope", None, None, "var"),
        ("ts", 3, None, "time"),
        ("ts", -1, None, "time"),
        ("ts", True, None, "time"),
        ("ts", None, 0, "lev"),
        ("ta", 0, 2, "lev"),
        ("ta", None, -1, "lev"),
    ],
)
def test_bad_selections_raise_invalid_quantity_naming_the_field(
    backend: Backend, small_source: Path, variable: str, time: int | None, lev: int | None, field: str
) -> None:
    cube = ingest(backend.store, small_source)
    with pytest.raises(InvalidQuantity) as err:
        backend.store.read(cube, variable, time=time, lev=lev)
    assert err.value.field == field
    with pytest.raises(InvalidQuantity) as err:
        backend.store.export(cube, variable, time=time, lev=lev)
    assert err.value.field == field


def test_exports_netcdf4_that_reopens_with_values_units_and_coordinates(
    backend: Backend, small_source: Path
) -> None:
    cube = ingest(backend.store, small_source)
    data = backend.store.export(cube, "ta", time=1, fmt="netcdf")
    assert data[:8] == b"\x89HDF\r\n\x1a\n"
    with _open_nc(data) as ds:
        np.testing.assert_array_equal(ds["ta"].values, standardized(small_source)["ta"][1])
        assert ds["ta"].dims == ("lev", "lat", "lon") and ds["ta"].attrs["units"] == "K"
        assert ds["lat"].attrs["units"] == "degrees_north" and float(ds["time"]) == 20.0
        assert ds.attrs["cube_id"] == "cube-1"


def test_exports_hdf5_with_units_dims_and_coordinate_scales(backend: Backend, small_source: Path) -> None:
    cube = ingest(backend.store, small_source)
    data = backend.store.export(cube, "ta", lev=0, fmt="hdf5")
    with h5py.File(io.BytesIO(data), "r") as f:
        np.testing.assert_array_equal(f["ta"][()], standardized(small_source)["ta"][:, 0])
        assert f["ta"].attrs["units"] == "K" and f["ta"].attrs["dims"] == "time,lat,lon"
        assert f["lat"].attrs["units"] == "degrees_north"
        np.testing.assert_array_equal(f["ta"].dims[1][0][()], [-45.0, 0.0, 45.0])
        assert f["lev"][()] == pytest.approx(0.3)


def test_export_refuses_an_unknown_format(backend: Backend, small_source: Path) -> None:
    cube = ingest(backend.store, small_source)
    with pytest.raises(InvalidQuantity) as err:
        backend.store.export(cube, "ts", fmt="grib")  # type: ignore[arg-type]
    assert err.value.field == "fmt"


def test_verify_detects_a_changed_value(backend: Backend, small_source: Path) -> None:
    cube = ingest(backend.store, small_source)
    assert backend.store.verify(cube)
    backend.tamper(cube)
    assert not backend.store.verify(cube)


def test_delete_makes_the_cube_unreadable_and_is_idempotent(backend: Backend, small_source: Path) -> None:
    cube = ingest(backend.store, small_source)
    backend.store.delete(cube)
    with pytest.raises(NotFound):
        backend.store.read(cube, "ts", time=0)
    assert not backend.store.verify(cube)
    backend.store.delete(cube)
    again = ingest(backend.store, small_source)  # the id is free again
    assert again.checksum == cube.checksum and backend.store.verify(again)


def test_ingesting_an_existing_id_conflicts_and_keeps_the_first(backend: Backend, small_source: Path) -> None:
    cube = ingest(backend.store, small_source)
    with pytest.raises(Conflict):
        ingest(backend.store, REAL_RUN)
    assert backend.store.verify(cube)


def test_a_rejected_source_leaves_nothing_under_the_id(
    backend: Backend, small_source: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.nc"
    bad.write_bytes(b"CDF\x01" + b"\x00" * 10)
    with pytest.raises(InvalidDataset, match=r"bad\.nc"):
        ingest(backend.store, bad)
    with pytest.raises(InvalidDataset, match=r"required variable\(s\) \['pr'\]"):
        ingest(backend.store, small_source, mapping=VariableMapping(keep=("pr",)))
    cube = ingest(backend.store, small_source)  # same id, now free of leftovers
    assert backend.store.verify(cube)


@pytest.mark.parametrize("cube_id", ["", "../escape", ".tmp-x", "a/b", "x" * 129])
def test_refuses_unsafe_cube_ids(backend: Backend, small_source: Path, cube_id: str) -> None:
    with pytest.raises(InvalidQuantity) as err:
        ingest(backend.store, small_source, cube_id=cube_id)
    assert err.value.field == "cube_id"
