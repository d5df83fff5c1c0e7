"""ZarrCubeStore on real data: the 49 bundled ExoPlaSim runs ingested into a Zarr root on tmp disk.

Caveat (data/gcm/README.md): 240-day states from an Earth-like start, not certified equilibria.
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from unittest.mock import Mock

import h5py
import netCDF4
import numpy as np
import pytest
import xarray as xr
import zarr

from astrobio.adapters.cubes.bundled import bundled_runs
from astrobio.adapters.cubes.common import file_sha256
from astrobio.adapters.cubes.publication import PUBLISHED_ATTR
from astrobio.adapters.cubes.zarr_store import ZarrCubeStore
from astrobio.domain.climate import ClimateCube, ClimateParameters
from astrobio.domain.errors import Conflict, InvalidDataset, InvalidQuantity, NotFound, UpstreamUnavailable

pytestmark = pytest.mark.integration

GCM_DIR = Path(__file__).parents[2] / "data" / "gcm"
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
Cubes = dict[str, tuple[Path, ClimateCube]]


def ingest(store: ZarrCubeStore, path: Path, cube_id: str, params: ClimateParameters | None = None,
           ) -> ClimateCube:
    return store.ingest([str(path)], cube_id=cube_id, name=f"exoplasim-aquaplanet/{path.stem}",
                        parameters=params, mapping=None, run_id=None, now=NOW)


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("zarr-root")


@pytest.fixture(scope="module")
def store(root: Path) -> Iterator[ZarrCubeStore]:
    s = ZarrCubeStore(str(root))
    yield s
    s.close()


@pytest.fixture(scope="module")
def cubes(store: ZarrCubeStore) -> Cubes:
    """Every bundled run, ingested once for the module."""
    return {p.stem: (p, ingest(store, p, p.stem, params)) for p, params in bundled_runs(GCM_DIR)}


def source(path: Path) -> xr.Dataset:
    return xr.open_dataset(path, engine="netcdf4", decode_times=False)


def open_nc_bytes(data: bytes) -> xr.Dataset:
    nc = netCDF4.Dataset("x.nc", memory=data)
    return xr.open_dataset(xr.backends.NetCDF4DataStore(nc), decode_times=False)


def test_bundled_runs_map_the_run_table_to_climate_parameters() -> None:
    runs = dict((p.stem, params) for p, params in bundled_runs(GCM_DIR))
    assert len(runs) == 49 and all((GCM_DIR / f"{r}.nc").is_file() for r in runs)
    synchronous = runs["run006"]  # run006,3106.0,930.6,1.715,16.013,2.2966,0.02597,5.036,True,30.0,240,3.0
    assert synchronous == ClimateParameters(
        star_teff_k=3106.0, instellation_w_m2=930.6, radius_earth=1.715, gravity_m_s2=16.013,
        surface_pressure_bar=2.2966, pco2_bar=0.02597, rotation_period_days=5.036, synchronous=True,
        timestep_min=30.0, run_days=240.0, mixed_layer_depth_m=3.0, eccentricity=0.0, obliquity_deg=0.0)
    rotating = runs["run000"]
    assert not rotating.synchronous and rotating.obliquity_deg == 23.44 and rotating.timestep_min == 45.0
    assert sum(p.synchronous for p in runs.values()) == 16  # the 16 startemp < 4000 K runs
    assert all(p.synchronous == (p.star_teff_k < 4000.0) for p in runs.values())


def test_bundled_runs_reject_a_table_naming_a_missing_file(tmp_path: Path) -> None:
    table = (GCM_DIR / "runs.csv").read_text().splitlines()
    (tmp_path / "runs.csv").write_text("\n".join(table[:2]) + "\n")
    with pytest.raises(InvalidDataset, match=r"runs\.csv:2: run file .*run000\.nc is missing"):
        bundled_runs(tmp_path)


# --- ingest, read, checksums ----------------------------------------------------------------------


def test_every_run_round_trips_ts_and_ta_at_sampled_indices(cubes: Cubes, store: ZarrCubeStore) -> None:
    for path, cube in cubes.values():
        with source(path) as src:
            assert cube.grid.shape == (6, 10, 32, 64)
            # Stored lat is ascending: stored row j is source row 31 - j (north first).
            for t, j in ((0, 0), (5, 31), (3, 17)):
                np.testing.assert_array_equal(store.read(cube, "ts", time=t)[j], src["ts"].values[t, 31 - j])
            np.testing.assert_array_equal(store.read(cube, "ta", time=2, lev=9), src["ta"].values[2, 9, ::-1])
            np.testing.assert_array_equal(store.read(cube, "ta", lev=0), src["ta"].values[:, 0, ::-1])


def test_global_mean_surface_temperatures_lie_in_the_readme_range(cubes: Cubes, store: ZarrCubeStore) -> None:
    # README: the set spans ~209 K (snowball-like) to ~307 K. Area weights: cos(latitude). (The warmest
    # of these runs ends near 301 K: the README's upper figure is a bound, not reached here.)
    final_means = {}
    for run_id, (_, cube) in cubes.items():
        weights = np.cos(np.deg2rad(np.array(cube.grid.lat_deg)))[:, None]
        ts = store.read(cube, "ts").astype(np.float64)
        means = (ts * weights).sum(axis=(1, 2)) / (weights.sum() * ts.shape[2])
        assert np.all((means > 208.0) & (means < 307.0)), (run_id, means)
        final_means[run_id] = means[-1]
    assert min(final_means.values()) == pytest.approx(209.0, abs=1.0)  # run004, the snowball
    assert min(final_means, key=final_means.__getitem__) == "run004"


def test_checksums_are_stable_across_reingest_and_distinct_across_runs(
    cubes: Cubes, store: ZarrCubeStore
) -> None:
    path, first = cubes["run007"]
    again = ingest(store, path, "run007-again")
    assert again.checksum == first.checksum and again.source_checksums == (file_sha256(path),)
    assert len({c.checksum for _, c in cubes.values()}) == 49
    assert all(store.verify(c) for _, c in cubes.values())
    store.delete(again)


def test_arrays_are_chunked_per_time_step_and_compressed(cubes: Cubes, root: Path) -> None:
    group = zarr.open_group(str(root / "run000.zarr"), mode="r")
    assert group["ts"].chunks == (1, 32, 64) and group["ta"].chunks == (1, 10, 32, 64)
    assert "blosc" in str(group["ta"].metadata.to_dict()["codecs"]).lower()
    stored = sum(f.stat().st_size for f in (root / "run000.zarr" / "ta").rglob("*") if f.is_file())
    assert stored < 0.8 * 6 * 10 * 32 * 64 * 4


def test_chunking_compression_and_the_lazy_path_change_storage_not_checksum(
    cubes: Cubes, tmp_path: Path
) -> None:
    path, cube = cubes["run009"]
    # eager_max_bytes=0: read, validated and written chunk by chunk through dask (the big-file path).
    other = ZarrCubeStore(
        str(tmp_path), time_chunk=3, compressor="zstd", compression_level=3, eager_max_bytes=0
    )
    same = ingest(other, path, "run009")
    assert same.checksum == cube.checksum and same.grid == cube.grid and same.variables == cube.variables
    assert zarr.open_group(str(tmp_path / "run009.zarr"), mode="r")["ta"].chunks == (3, 10, 32, 64)


# --- tampering ------------------------------------------------------------------------------------


def test_verify_detects_a_chunk_swapped_in_from_another_cube(
    cubes: Cubes, store: ZarrCubeStore, root: Path
) -> None:
    path, _ = cubes["run010"]
    victim = ingest(store, path, "victim-swap")
    chunk = Path("ts") / "c" / "2" / "0" / "0"
    shutil.copyfile(root / "run013.zarr" / chunk, root / "victim-swap.zarr" / chunk)  # valid, wrong data
    assert not store.verify(victim)


def test_verify_detects_a_corrupted_chunk_file(cubes: Cubes, store: ZarrCubeStore, root: Path) -> None:
    path, _ = cubes["run014"]
    victim = ingest(store, path, "victim-bytes")
    target = root / "victim-bytes.zarr" / "ta" / "c" / "4" / "0" / "0" / "0"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0xFF
    target.write_bytes(bytes(data))
    assert not store.verify(victim)


# --- atomic publication ---------------------------------------------------------------------------


def leftovers(root: Path, cube_id: str) -> list[str]:
    return sorted(p.name for p in root.iterdir() if cube_id in p.name)


def test_crash_in_publish_leaves_no_cube_and_no_temporary(
    store: ZarrCubeStore, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ZarrCubeStore, "_publish", Mock(side_effect=OSError("disk vanished")))
    with pytest.raises(UpstreamUnavailable, match="disk vanished"):
        ingest(store, GCM_DIR / "run016.nc", "crash-publish")
    assert leftovers(root, "crash-publish") == [] and not store.exists("crash-publish")


def test_crash_mid_write_leaves_no_cube_and_no_temporary(
    store: ZarrCubeStore, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_write = ZarrCubeStore._write

    def write_then_crash(self: ZarrCubeStore, ds: xr.Dataset, key: str) -> None:
        real_write(self, ds, key)
        assert (root / key / "ta").is_dir()  # the arrays were on disk when it died
        raise KeyboardInterrupt

    monkeypatch.setattr(ZarrCubeStore, "_write", write_then_crash)
    with pytest.raises(KeyboardInterrupt):
        ingest(store, GCM_DIR / "run016.nc", "crash-write")
    assert leftovers(root, "crash-write") == []


def test_a_killed_ingest_is_invisible_and_its_temporary_is_purged(
    store: ZarrCubeStore, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ZarrCubeStore, "_publish", Mock(side_effect=SystemExit("killed")))
    monkeypatch.setattr(ZarrCubeStore, "_remove", lambda self, key: None)  # no cleanup after a kill -9
    with pytest.raises(SystemExit):
        ingest(store, GCM_DIR / "run017.nc", "killed")
    monkeypatch.undo()
    [tmp] = leftovers(root, "killed")
    assert tmp.startswith(".tmp-killed-") and not store.exists("killed")
    assert store.purge_temporaries(older_than_s=3600) == []  # too fresh: may be an ingest in progress
    assert store.purge_temporaries(older_than_s=0) == [tmp]
    assert leftovers(root, "killed") == []


def test_a_cube_whose_marker_is_missing_is_not_visible_on_an_object_store() -> None:
    remote = ZarrCubeStore("memory://atomic-marker")
    cube = ingest(remote, GCM_DIR / "run019.nc", "half-published")
    assert remote.exists("half-published") and remote.verify(cube)
    del zarr.open_group(cube.uri, mode="r+").attrs[PUBLISHED_ATTR]  # as after a crash before the last PUT
    assert not remote.exists("half-published") and not remote.verify(cube)
    with pytest.raises(NotFound):
        remote.read(cube, "ts", time=0)
    with pytest.raises(Conflict):  # an unmarked leftover blocks its id until purged
        ingest(remote, GCM_DIR / "run019.nc", "half-published")
    assert remote.purge_temporaries(older_than_s=3600) == []  # object stores cannot tell its age
    assert remote.purge_temporaries(older_than_s=0) == ["half-published.zarr"]
    again = ingest(remote, GCM_DIR / "run019.nc", "half-published")
    assert again.checksum == cube.checksum
    remote.delete(again)


def test_a_publish_racing_another_loses_with_conflict(
    store: ZarrCubeStore, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_publish = ZarrCubeStore._publish

    def racer_wins(self: ZarrCubeStore, tmp: str, cube_id: str, checksum: str) -> None:
        os.makedirs(root / f"{cube_id}.zarr" / "ts")  # the other writer renamed its directory first
        real_publish(self, tmp, cube_id, checksum)

    monkeypatch.setattr(ZarrCubeStore, "_publish", racer_wins)
    with pytest.raises(Conflict, match="concurrently"):
        ingest(store, GCM_DIR / "run020.nc", "raced")
    assert leftovers(root, "raced") == ["raced.zarr"]  # the winner's, untouched
    shutil.rmtree(root / "raced.zarr")


# --- export and selections ------------------------------------------------------------------------


def test_exports_netcdf_and_hdf5_with_the_source_values_and_units(cubes: Cubes, store: ZarrCubeStore) -> None:
    path, cube = cubes["run022"]
    with source(path) as src:
        with open_nc_bytes(store.export(cube, "ts", time=5, fmt="netcdf")) as nc:
            np.testing.assert_array_equal(nc["ts"].values, src["ts"].values[5, ::-1])
            assert nc["ts"].attrs["units"] == "K" and nc["ts"].attrs["standard_name"] == "surface_temperature"
            assert float(nc["time"]) == float(src["time"][5]) and nc["time"].attrs["units"] == "timesteps"
        with h5py.File(io.BytesIO(store.export(cube, "ps", fmt="hdf5")), "r") as h5:
            np.testing.assert_array_equal(h5["ps"][()], src["ps"].values[:, ::-1])
            assert h5["ps"].attrs["units"] == "hPa" and h5["ps"].attrs["dims"] == "time,lat,lon"
            assert h5["lon"].attrs["units"] == "degrees_east" and h5["time"].shape == (6,)


def test_bad_variable_and_indices_raise_invalid_quantity(cubes: Cubes, store: ZarrCubeStore) -> None:
    _, cube = cubes["run001"]
    for kwargs, field in (
        ({"variable": "tos"}, "var"),
        ({"variable": "ts", "time": 6}, "time"),
        ({"variable": "ts", "lev": 0}, "lev"),
        ({"variable": "ta", "lev": 10}, "lev"),
    ):
        with pytest.raises(InvalidQuantity) as err:
            store.read(cube, **kwargs)  # type: ignore[arg-type]
        assert err.value.field == field


# --- dask.distributed -------------------------------------------------------------------------------


def test_ingest_through_a_dask_distributed_scheduler(cubes: Cubes, tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    path, cube = cubes["run003"]
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
    ) as cluster:
        remote = ZarrCubeStore(str(tmp_path), dask_scheduler=cluster.scheduler_address)
        try:
            same = ingest(remote, path, "run003")
            assert same.checksum == cube.checksum and remote.verify(same)
            # The source reads and the writes ran as tasks of the cluster, not in local threads.
            assert any(p.startswith("open_dataset-ts") for p in cluster.scheduler.task_prefixes)
        finally:
            remote.close()
