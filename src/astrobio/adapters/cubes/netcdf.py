"""Open, validate and standardize NetCDF climate output (xarray, netCDF4 engine; dask for big files).

A standardized dataset follows these conventions (the store writes it as is):

- dims ``(time, lev, lat, lon)`` for 3-D fields, ``(time, lat, lon)`` for 2-D ones; every field
  has ``time``, ``lat`` and ``lon`` (see :mod:`~astrobio.adapters.cubes.cf` for ExoPlaSim's names);
- ``lat`` ascending, south to north (ExoPlaSim writes north first: sorted so that ``lat`` index 0
  is the southernmost row, as most tools and ``sel(lat=slice(-30, 30))`` expect);
- ``lon`` wrapped into [0, 360) and ascending; ``lev`` in the source order (sigma, top first);
- ``time`` keeps its source values and ``units`` (ExoPlaSim: model time steps, which CF cannot
  decode into dates, hence ``decode_times=False``);
- values keep their source dtype and units (no conversion: ExoPlaSim's ``ps`` stays in hPa);
  ``units``, ``long_name`` and ``standard_name`` are set from
  :data:`~astrobio.adapters.cubes.cf.CF_ATTRIBUTES` where the name is known;
- without ``VariableMapping.keep``, every field is kept and ``ts`` is required; with it, exactly
  the listed (standard) names are kept and all of them are required;
- at most ``max_nan_fraction`` of a field's values may be non-finite (NaN/inf, after decoding
  ``_FillValue``): GCM output has none, the default 1 % tolerates a few masked points; a field
  that is entirely non-finite is always refused.

Several sources are concatenated along ``time`` (sorted by time): their grids, variables and
units must agree and their times must not overlap. Every problem raises
:class:`~astrobio.domain.errors.InvalidDataset` naming the file and the problem.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import xarray as xr

from astrobio.adapters.cubes.cf import CF_ATTRIBUTES, COORD_ATTRIBUTES, STANDARD_DIMS, effective_mapping
from astrobio.application.ports.cube_store import VariableMapping
from astrobio.domain.climate import CubeVariable, GridSpec
from astrobio.domain.errors import InvalidDataset, InvalidQuantity

DEFAULT_MAX_NAN_FRACTION = 0.01
#: Sources whose selected fields decode to at most this many bytes are read into memory at once:
#: for GCM files of a few MB, dask's per-task overhead costs more than the work (2.5x slower).
DEFAULT_EAGER_MAX_BYTES = 256 * 2**20
#: Without ``VariableMapping.keep`` (which lists what is required), a cube must have surface
#: temperature: every consumer (habitability, surrogate training) starts from it.
REQUIRED_VARIABLES = ("ts",)
_HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
_NETCDF3_MAGICS = (b"CDF\x01", b"CDF\x02", b"CDF\x05")


def source_format(path: str | Path) -> str:
    """``"netcdf4"`` (HDF5-based) or ``"netcdf3"`` from the file's magic bytes; refuses anything else."""
    try:
        with open(path, "rb") as f:
            head = f.read(8)
    except OSError as exc:
        raise _fail(path, f"cannot read the file ({exc.strerror or exc})") from exc
    if head == _HDF5_MAGIC:
        return "netcdf4"
    if head[:4] in _NETCDF3_MAGICS:
        return "netcdf3"
    raise _fail(path, f"not a NetCDF file (unrecognized first bytes {head[:8]!r})")


def _fail(path: str | Path, problem: str, field: str = "sources") -> InvalidDataset:
    return InvalidDataset(f"{path}: {problem}", field=field)


def _select_and_rename(ds: xr.Dataset, path: str | Path, m: VariableMapping) -> xr.Dataset:
    """The mapped data variables of ``ds`` under their standard names, dims renamed."""
    bounds = {str(c.attrs["bounds"]) for c in ds.coords.values() if "bounds" in c.attrs}
    sources = [str(n) for n, v in ds.data_vars.items() if v.ndim > 0 and n not in bounds]
    standard = {s: m.variables.get(s, s) for s in sources}
    required = REQUIRED_VARIABLES if m.keep is None else m.keep
    missing = sorted(set(required) - set(standard.values()))
    if missing:
        raise _fail(path, f"required variable(s) {missing} missing; the file has {sorted(sources)}", "var")
    if m.keep is not None:
        standard = {s: n for s, n in standard.items() if n in m.keep}
    if not standard:
        raise _fail(path, "no data variables to ingest", "var")
    names = list(standard.values())
    if len(set(names)) != len(names):
        raise _fail(path, f"several variables map to the same name: {sorted(names)}", "var")
    for src in standard:
        for dim in ds[src].dims:
            if dim not in m.dims:
                raise _fail(path, f"variable {src!r} has unknown dimension {dim!r} "
                                  f"(known: {sorted(m.dims)}; add it to VariableMapping.dims)", "dims")
        dims = [m.dims[str(d)] for d in ds[src].dims]
        if len(set(dims)) != len(dims) or not {"time", "lat", "lon"} <= set(dims):
            raise _fail(path, f"variable {src!r} has dims {ds[src].dims}, which map to {tuple(dims)}; "
                              "fields need time, lat and lon (and optionally lev), each once", "dims")
    used_dims = {str(d) for s in standard for d in ds[s].dims}
    for dim in used_dims:
        if dim not in ds.coords:
            raise _fail(path, f"dimension {dim!r} has no coordinate variable", "dims")
    subset = ds[list(standard)]
    subset = subset.drop_vars([c for c in subset.coords if c not in used_dims])
    renames = {s: n for s, n in standard.items() if s != n}
    renames |= {d: m.dims[d] for d in used_dims if d != m.dims[d]}
    return subset.rename(renames)


def _standardize_coords(ds: xr.Dataset, path: str | Path) -> xr.Dataset:
    for name in ds.dims:
        values = np.asarray(ds[name].values)
        if not np.issubdtype(values.dtype, np.number) or not np.isfinite(values).all():
            raise _fail(path, f"coordinate {name!r} is not numeric and finite", "dims")
        if np.unique(values).size != values.size:
            raise _fail(path, f"coordinate {name!r} has repeated values", "dims")
    lat = ds["lat"].values
    if np.abs(lat).max() > 90.0:
        raise _fail(path, "latitudes outside [-90, 90]", "dims")
    lon = np.mod(ds["lon"].values, 360.0)
    if np.unique(lon).size != lon.size:
        raise _fail(path, "longitudes repeat once wrapped into [0, 360)", "dims")
    if "units" not in ds["time"].attrs:
        raise _fail(path, "coordinate 'time' has no units attribute", "dims")
    ds = ds.assign_coords(lon=("lon", lon.astype(ds["lon"].dtype), ds["lon"].attrs)).sortby(["lat", "lon"])
    ds = ds.transpose(*[d for d in STANDARD_DIMS if d in ds.dims])
    for name, attrs in COORD_ATTRIBUTES.items():
        if name in ds.coords:
            ds[name].attrs = dict(attrs)
    return ds


def _set_attributes(ds: xr.Dataset, path: str | Path) -> xr.Dataset:
    for name, var in ds.data_vars.items():
        source = dict(var.attrs)
        standard_name, long_name, default_units = CF_ATTRIBUTES.get(
            str(name), (source.get("standard_name", ""), source.get("long_name", ""), "")
        )
        units = source.get("units", default_units)
        if not units:
            raise _fail(path, f"variable {name!r} has no units attribute", "var")
        attrs = {"units": str(units), "long_name": long_name or str(name)}
        if standard_name:
            attrs["standard_name"] = standard_name
        if source.get("standard_name") not in (None, standard_name):
            attrs["source_standard_name"] = str(source["standard_name"])
        var.attrs = attrs
    for variable in ds.variables.values():
        variable.encoding = {}  # the source's netCDF chunking/compression must not leak into the store
    ds.attrs = {"Conventions": "CF-1.8"}
    return ds


def _check_finite(ds: xr.Dataset, path: str | Path, max_nan_fraction: float) -> None:
    fractions = (~np.isfinite(ds)).mean().compute()  # lazy data: one pass, reading every chunk
    for name in ds.data_vars:
        frac = float(fractions[name])
        if frac >= 1.0:
            raise _fail(path, f"variable {name!r} is entirely NaN/non-finite", "var")
        if frac > max_nan_fraction:
            raise _fail(path, f"variable {name!r} is {frac:.1%} NaN/non-finite (more than the "
                              f"{max_nan_fraction:.1%} allowed)", "var")


def open_source(path: str | Path, mapping: VariableMapping | None = None, *,
                max_nan_fraction: float = DEFAULT_MAX_NAN_FRACTION,
                eager_max_bytes: int = DEFAULT_EAGER_MAX_BYTES) -> xr.Dataset:
    """Open one NetCDF file and standardize it.

    Parameters
    ----------
    path:
        A local NetCDF3/NetCDF4 file.
    mapping:
        Source names to standard ones (None: ExoPlaSim's, see :mod:`~astrobio.adapters.cubes.cf`).
    max_nan_fraction:
        Largest allowed fraction (0..1) of non-finite values in one field.
    eager_max_bytes:
        Fields totalling at most this many decoded bytes are loaded into memory (numpy); larger
        ones stay lazy (dask, one chunk per source chunk). 0: always lazy.

    Returns
    -------
    xarray.Dataset
        Standardized as described in the module docstring; close it when done.
    """
    if not 0.0 <= max_nan_fraction < 1.0:
        raise InvalidQuantity("max_nan_fraction must be in [0, 1)", field="max_nan_fraction")
    source_format(path)
    try:
        raw = xr.open_dataset(path, engine="netcdf4", decode_times=False, decode_timedelta=False,
                              chunks={}, cache=False)
    except Exception as exc:
        raise _fail(path, f"unreadable or corrupt NetCDF ({type(exc).__name__}: {exc})") from exc
    try:
        ds = _select_and_rename(raw, path, effective_mapping(mapping))
        ds = _set_attributes(_standardize_coords(ds, path), path)
        if ds.nbytes <= eager_max_bytes:
            ds = ds.load()
        _check_finite(ds, path, max_nan_fraction)
    except InvalidDataset:
        raw.close()
        raise
    except Exception as exc:  # data that cannot be read back (truncated or corrupt chunks)
        raw.close()
        raise _fail(path, f"unreadable or corrupt NetCDF data ({type(exc).__name__}: {exc})") from exc
    ds.set_close(raw.close)
    return ds


def _same_grid(a: xr.Dataset, b: xr.Dataset, path: str | Path) -> None:
    names_a, names_b = sorted(map(str, a.data_vars)), sorted(map(str, b.data_vars))
    if names_a != names_b:
        raise _fail(path, f"variables {names_b} differ from the first source's {names_a}", "var")
    for dim in ("lat", "lon", "lev"):
        if (dim in a.coords) != (dim in b.coords) or (
            dim in a.coords and not np.array_equal(a[dim].values, b[dim].values)
        ):
            raise _fail(path, f"grid mismatch: {dim!r} differs from the first source's", "dims")
    for name in a.data_vars:
        if a[name].dims != b[name].dims or a[name].attrs["units"] != b[name].attrs["units"]:
            raise _fail(path, f"variable {name!r} differs from the first source's in dims or units", "var")
    if a["time"].attrs.get("units") != b["time"].attrs.get("units"):
        raise _fail(path, "time units differ from the first source's", "dims")


def open_sources(paths: Sequence[str | Path], mapping: VariableMapping | None = None, *,
                 max_nan_fraction: float = DEFAULT_MAX_NAN_FRACTION,
                 eager_max_bytes: int = DEFAULT_EAGER_MAX_BYTES) -> xr.Dataset:
    """Open, standardize and concatenate several sources along ``time`` (sorted by time).

    ``max_nan_fraction`` and ``eager_max_bytes`` apply to each source (see :func:`open_source`).

    Raises :class:`~astrobio.domain.errors.InvalidDataset` for any bad source, a grid mismatch
    between sources, or time steps present in more than one source.
    """
    if not paths:
        raise InvalidDataset("no source files given", field="sources")
    opened: list[xr.Dataset] = []
    try:
        for path in paths:
            opened.append(open_source(path, mapping, max_nan_fraction=max_nan_fraction,
                                      eager_max_bytes=eager_max_bytes))
            _same_grid(opened[0], opened[-1], path)
        if len(opened) == 1:
            return opened[0]
        combined = xr.concat(opened, dim="time", data_vars="all", coords="minimal", compat="override",
                             join="exact", combine_attrs="override").sortby("time")
        if np.unique(combined["time"].values).size != combined.sizes["time"]:
            raise InvalidDataset(f"sources overlap in time: {[str(p) for p in paths]}", field="sources")
    except BaseException:
        for ds in opened:
            ds.close()
        raise

    def close_all() -> None:
        for ds in opened:
            ds.close()

    combined.set_close(close_all)
    return combined


def cube_variables(ds: xr.Dataset) -> tuple[CubeVariable, ...]:
    """The :class:`CubeVariable` of each field of a standardized dataset, sorted by name."""
    return tuple(
        CubeVariable(name=str(n), units=ds[n].attrs["units"], dims=tuple(map(str, ds[n].dims)),
                     long_name=ds[n].attrs.get("long_name", ""))
        for n in sorted(map(str, ds.data_vars))
    )


def grid_spec(ds: xr.Dataset) -> GridSpec:
    """The :class:`GridSpec` of a standardized dataset (coordinates as Python floats)."""
    def floats(name: str) -> tuple[float, ...]:
        return tuple(float(x) for x in ds[name].values) if name in ds.coords else ()

    return GridSpec(lat_deg=floats("lat"), lon_deg=floats("lon"), lev=floats("lev"), n_time=ds.sizes["time"])
