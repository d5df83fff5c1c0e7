"""Opening, validating and standardizing NetCDF sources (small synthetic files + one real run)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from astrobio.adapters.cubes.netcdf import cube_variables, grid_spec, open_source, open_sources, source_format
from astrobio.application.ports.cube_store import VariableMapping
from astrobio.domain.errors import InvalidDataset

REAL_RUN = Path(__file__).parents[3] / "data" / "gcm" / "run000.nc"
LAT_NORTH_FIRST = np.array([60.0, 20.0, -20.0, -60.0], dtype=np.float32)
LON = np.array([0.0, 90.0, 180.0, 270.0, 300.0], dtype=np.float32)
LEV = np.array([0.25, 0.75], dtype=np.float32)


def exoplasim_like(
    times: tuple[float, ...] = (100.0, 200.0, 300.0),
    *,
    lat: np.ndarray = LAT_NORTH_FIRST,
    lon: np.ndarray = LON,
) -> xr.Dataset:
    """A tiny ExoPlaSim-shaped file: north-first lat, ExoPlaSim attrs, 2-D ts and sic, 3-D ta."""
    nt, nlat, nlon = len(times), lat.size, lon.size
    # Encode the position in the value: ts[t, j, i] = 200 + 10 t + j + 0.01 i (j, i in file order).
    ts = (
        200.0
        + 10.0 * np.arange(nt)[:, None, None]
        + np.arange(nlat)[None, :, None]
        + 0.01 * np.arange(nlon)[None, None, :]
    ).astype(np.float32)
    ta = np.stack([ts - 30.0, ts - 5.0], axis=1)
    return xr.Dataset(
        {
            "ts": (
                ("time", "lat", "lon"),
                ts,
                {"units": "K", "standard_name": "surface_temperature", "code": "139"},
            ),
            "sic": (
                ("time", "lat", "lon"),
                np.zeros_like(ts),
                {"units": "1", "standard_name": "sea_ice_cover"},
            ),
            "ta": (("time", "lev", "lat", "lon"), ta, {"units": "K", "long_name": "air_temperature"}),
        },
        coords={
            "time": ("time", np.array(times, dtype=np.float32), {"units": "timesteps"}),
            "lev": ("lev", LEV, {"units": "nondimensional"}),
            "lat": ("lat", lat, {"units": "deg"}),
            "lon": ("lon", lon, {"units": "deg"}),
        },
    )


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    counter = iter(range(1000))

    def _write(ds: xr.Dataset, name: str | None = None) -> Path:
        path = tmp_path / (name or f"src{next(counter)}.nc")
        ds.to_netcdf(path, engine="netcdf4")
        return path

    return _write


def invalid(
    match: str, paths: list[Path], mapping: VariableMapping | None = None, **kw: float
) -> InvalidDataset:
    with pytest.raises(InvalidDataset, match=match) as err:
        open_sources(paths, mapping, **kw).close()
    return err.value


# --- standardization ---------------------------------------------------------------------------


def test_standardizes_dims_lat_ascending_lon_wrapped_and_keeps_values(write: Callable[..., Path]) -> None:
    lon = np.array([-90.0, 0.0, 90.0, 180.0, 200.0], dtype=np.float32)  # -90 wraps to 270
    src = exoplasim_like(lon=lon).transpose("lat", "time", "lon", "lev")  # scrambled dim order
    with open_sources([write(src)]) as ds:
        assert ds["ts"].dims == ("time", "lat", "lon")
        assert ds["ta"].dims == ("time", "lev", "lat", "lon")
        np.testing.assert_array_equal(ds["lat"].values, LAT_NORTH_FIRST[::-1])
        np.testing.assert_array_equal(ds["lon"].values, [0.0, 90.0, 180.0, 200.0, 270.0])
        np.testing.assert_array_equal(ds["time"].values, [100.0, 200.0, 300.0])
        # lat index 0 is now the southernmost row (file row 3); lon 270 came from file column 0.
        assert ds["ts"].values[1, 0, 4] == pytest.approx(200.0 + 10.0 + 3 + 0.0)
        assert ds["ta"].values[2, 1, 3, 0] == pytest.approx(200.0 + 20.0 + 0 + 0.01 - 5.0, abs=1e-4)
        assert ds["ts"].dtype == np.float32


def test_sets_cf_attributes_and_keeps_the_source_standard_name_when_not_cf(
    write: Callable[..., Path],
) -> None:
    with open_sources([write(exoplasim_like())]) as ds:
        assert ds["ts"].attrs == {
            "units": "K",
            "long_name": "Surface temperature",
            "standard_name": "surface_temperature",
        }
        assert ds["sic"].attrs["standard_name"] == "sea_ice_area_fraction"
        assert ds["sic"].attrs["source_standard_name"] == "sea_ice_cover"
        assert ds["lat"].attrs["units"] == "degrees_north" and ds["lon"].attrs["units"] == "degrees_east"
        assert ds["lev"].attrs["positive"] == "down"
        assert ds["time"].attrs["units"] == "timesteps"
        assert ds.attrs["Conventions"] == "CF-1.8"


def test_grid_spec_and_cube_variables_describe_the_standard_dataset(write: Callable[..., Path]) -> None:
    with open_sources([write(exoplasim_like())]) as ds:
        grid, variables = grid_spec(ds), cube_variables(ds)
    assert grid.shape == (3, 2, 4, 5)
    assert grid.lat_deg == (-60.0, -20.0, 20.0, 60.0) and grid.lev == (0.25, 0.75)
    assert [v.name for v in variables] == ["sic", "ta", "ts"]
    assert variables[1].dims == ("time", "lev", "lat", "lon") and variables[1].units == "K"


def test_mapping_renames_variables_and_dimensions_and_keeps_only_requested(
    write: Callable[..., Path],
) -> None:
    src = exoplasim_like().rename(
        {"ts": "TS", "ta": "T", "lat": "latitude", "lon": "longitude", "lev": "plev"}
    )
    mapping = VariableMapping(
        variables={"TS": "ts", "T": "ta"},
        dims={"latitude": "lat", "longitude": "lon", "plev": "lev"},
        keep=("ts", "ta"),
    )
    with open_sources([write(src)], mapping) as ds:
        assert sorted(ds.data_vars) == ["ta", "ts"]
        assert set(ds.dims) == {"time", "lev", "lat", "lon"}
        assert ds["ta"].attrs["standard_name"] == "air_temperature"


def test_several_sources_are_concatenated_along_time_in_time_order(write: Callable[..., Path]) -> None:
    late, early = write(exoplasim_like((400.0, 500.0))), write(exoplasim_like((100.0, 200.0, 300.0)))
    with open_sources([late, early]) as ds:
        np.testing.assert_array_equal(ds["time"].values, [100.0, 200.0, 300.0, 400.0, 500.0])
        assert ds["ta"].shape == (5, 2, 4, 5)


def test_real_exoplasim_run_is_standardized(write: Callable[..., Path]) -> None:
    with open_source(REAL_RUN) as ds:
        assert ds.sizes == {"time": 6, "lev": 10, "lat": 32, "lon": 64}
        assert np.all(np.diff(ds["lat"].values) > 0) and ds["lat"].values[0] == pytest.approx(-85.76059)
        assert len(ds.data_vars) == 16 and ds["ps"].attrs["units"] == "hPa"
    assert source_format(REAL_RUN) == "netcdf4"


def test_sources_above_the_eager_limit_stay_lazy_with_the_same_values(write: Callable[..., Path]) -> None:
    path = write(exoplasim_like())
    with open_sources([path]) as eager, open_sources([path], eager_max_bytes=0) as lazy:
        assert not eager.chunks and lazy.chunks  # numpy vs dask-backed
        xr.testing.assert_identical(eager, lazy.compute())


def test_lazy_sources_are_validated_too(write: Callable[..., Path]) -> None:
    src = exoplasim_like()
    src["sic"][:] = np.nan
    invalid("'sic' is entirely NaN", [write(src)], eager_max_bytes=0)


def test_small_nan_fraction_below_the_threshold_is_accepted(write: Callable[..., Path]) -> None:
    src = exoplasim_like()
    src["ts"][0, 0, 0] = np.nan  # 1 of 60 values
    with open_sources([write(src)], max_nan_fraction=0.05) as ds:
        assert np.isnan(ds["ts"].values).sum() == 1


# --- bad inputs ---------------------------------------------------------------------------------


def test_rejects_truncated_real_run_naming_the_file(tmp_path: Path) -> None:
    data = REAL_RUN.read_bytes()
    truncated = tmp_path / "run000_truncated.nc"
    truncated.write_bytes(data[: len(data) // 2])
    err = invalid("unreadable or corrupt", [truncated])
    assert "run000_truncated.nc" in str(err) and err.field == "sources"


def test_rejects_garbage_bytes(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.nc"
    garbage.write_bytes(np.random.default_rng(0).bytes(4096))
    invalid(r"garbage\.nc: not a NetCDF file", [garbage])


def test_rejects_hdf5_header_followed_by_garbage(tmp_path: Path) -> None:
    fake = tmp_path / "fake.nc"
    fake.write_bytes(b"\x89HDF\r\n\x1a\n" + np.random.default_rng(1).bytes(4096))
    invalid(r"fake\.nc: unreadable or corrupt", [fake])


def test_rejects_missing_file(tmp_path: Path) -> None:
    invalid(r"nope\.nc: cannot read the file", [tmp_path / "nope.nc"])


def test_rejects_missing_requested_variable(write: Callable[..., Path]) -> None:
    path = write(exoplasim_like(), "run.nc")
    err = invalid(
        r"run\.nc: required variable\(s\) \['pr'\] missing", [path], VariableMapping(keep=("ts", "pr"))
    )
    assert err.field == "var"


def test_rejects_file_without_surface_temperature_by_default(write: Callable[..., Path]) -> None:
    invalid(r"required variable\(s\) \['ts'\] missing", [write(exoplasim_like().drop_vars("ts"))])


def test_rejects_unknown_dimension_name(write: Callable[..., Path]) -> None:
    src = exoplasim_like().rename({"lat": "y"})
    err = invalid(r"unknown dimension 'y'", [write(src, "odd.nc")])
    assert "odd.nc" in str(err) and err.field == "dims"


def test_rejects_field_without_horizontal_dims(write: Callable[..., Path]) -> None:
    src = exoplasim_like().assign(gmean=(("time",), np.ones(3, dtype=np.float32), {"units": "K"}))
    invalid(r"'gmean' has dims \('time',\).*need time, lat and lon", [write(src)])


@pytest.mark.parametrize("bad", [np.nan, np.inf], ids=["nan", "inf"])
def test_rejects_field_that_is_entirely_non_finite(write: Callable[..., Path], bad: float) -> None:
    src = exoplasim_like()
    src["sic"][:] = bad
    invalid(r"'sic' is entirely NaN", [write(src)])


def test_rejects_nan_fraction_above_the_threshold(write: Callable[..., Path]) -> None:
    src = exoplasim_like()
    src["ts"][0] = np.nan  # a third of the values
    err = invalid(r"'ts' is 33\.3% NaN/non-finite \(more than the 1\.0% allowed\)", [write(src)])
    assert err.field == "var"


def test_rejects_sources_on_different_grids(write: Callable[..., Path]) -> None:
    a = write(exoplasim_like((100.0,)), "a.nc")
    b = write(exoplasim_like((200.0,), lat=LAT_NORTH_FIRST + 1.0), "b.nc")
    err = invalid(r"b\.nc: grid mismatch: 'lat'", [a, b])
    assert err.field == "dims"


def test_rejects_sources_with_different_variables(write: Callable[..., Path]) -> None:
    a = write(exoplasim_like((100.0,)))
    b = write(exoplasim_like((200.0,)).drop_vars("sic"), "b.nc")
    invalid(r"b\.nc: variables \['ta', 'ts'\] differ", [a, b])


def test_rejects_sources_overlapping_in_time(write: Callable[..., Path]) -> None:
    invalid(
        "sources overlap in time", [write(exoplasim_like((100.0, 200.0))), write(exoplasim_like((200.0,)))]
    )


def test_rejects_time_without_units_and_variable_without_units(write: Callable[..., Path]) -> None:
    src = exoplasim_like()
    src["time"].attrs = {}
    invalid("'time' has no units", [write(src)])
    src = exoplasim_like().assign(mystery=(("time", "lat", "lon"), np.ones((3, 4, 5), dtype=np.float32)))
    invalid("'mystery' has no units", [write(src)])


def test_rejects_repeated_longitudes_after_wrapping(write: Callable[..., Path]) -> None:
    lon = np.array([0.0, 90.0, 180.0, 270.0, -90.0], dtype=np.float32)
    invalid("longitudes repeat", [write(exoplasim_like(lon=lon))])


def test_rejects_empty_source_list() -> None:
    invalid("no source files", [])


def test_raw_model_output_with_extra_axes_keeps_only_the_requested_fields(write: Callable[..., Path]) -> None:
    # Raw ExoPlaSim output also has half levels (levp) and spectral modes (fourier): with a `keep`
    # list those variables and their coordinates are left out instead of failing the ingest.
    ds = exoplasim_like()
    ds = ds.assign_coords(levp=("levp", np.array([0.1, 0.5, 1.0])), modes=("modes", np.arange(3.0)))
    ds["zg"] = (("time", "levp", "lat", "lon"), np.zeros((3, 3, *ds["ts"].shape[1:]), np.float32))
    ds["fharmonic"] = (("fourier",), np.zeros(4))
    with open_source(write(ds), VariableMapping(keep=("ts", "ta"))) as out:
        assert sorted(out.data_vars) == ["ta", "ts"]
        assert set(out.dims) == {"time", "lev", "lat", "lon"}
