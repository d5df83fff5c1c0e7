"""``InMemoryCubeStore``: the cube store fake, holding numpy arrays in a dict.

Held to the same contract suite as :class:`~astrobio.adapters.cubes.zarr_store.ZarrCubeStore`:
``ingest`` reads and validates sources with the same standardizer (xarray, imported on first
use), the checksum is the same manifest over the same arrays (so both stores give a source the
same checksum), and bad selections raise the same errors. Unit tests that need no files use
:meth:`InMemoryCubeStore.put`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

from astrobio.adapters.cubes.common import arrays_checksum, check_cube_id, check_selection, file_sha256
from astrobio.application.ports.cube_store import CubeStore, ExportFormat, VariableMapping
from astrobio.domain.climate import ClimateCube, ClimateParameters
from astrobio.domain.errors import Conflict, InvalidDataset, InvalidQuantity, NotFound


@dataclass(slots=True)
class _Stored:
    arrays: dict[str, np.ndarray]
    attrs: dict[str, dict[str, str]]


class InMemoryCubeStore(CubeStore):
    """Cubes as numpy arrays keyed by cube id (URIs ``memory-cube://<id>``)."""

    def __init__(self, *, max_nan_fraction: float = 0.01) -> None:
        self._cubes: dict[str, _Stored] = {}
        self._max_nan_fraction = max_nan_fraction

    def ingest(self, sources: Sequence[str], *, cube_id: str, name: str, parameters: ClimateParameters | None,
               mapping: VariableMapping | None, run_id: str | None, now: datetime) -> ClimateCube:
        from astrobio.adapters.cubes import netcdf  # xarray: loaded only when a fake ingests files

        check_cube_id(cube_id)
        if cube_id in self._cubes:
            raise Conflict(f"cube {cube_id!r} already exists in memory")
        paths = [str(Path(s).resolve()) for s in sources]
        if not paths:
            raise InvalidDataset("no source files given", field="sources")
        formats = sorted({netcdf.source_format(p) for p in paths})
        source_checksums = tuple(file_sha256(p) for p in paths)
        with netcdf.open_sources(paths, mapping, max_nan_fraction=self._max_nan_fraction) as ds:
            stored = _Stored(
                arrays={str(n): np.array(v.values) for n, v in ds.variables.items()},
                attrs={str(n): {str(k): str(a) for k, a in v.attrs.items()} for n, v in ds.variables.items()},
            )
            variables, grid = netcdf.cube_variables(ds), netcdf.grid_spec(ds)
            time_units = str(ds["time"].attrs["units"])
        cube = ClimateCube(
            id=cube_id, name=name, uri=f"memory-cube://{cube_id}", grid=grid, variables=variables,
            parameters=parameters, time_units=time_units, checksum=arrays_checksum(stored.arrays),
            source_files=tuple(paths), source_checksums=source_checksums, source_format="+".join(formats),
            run_id=run_id, created_at=now,
            attributes={"Conventions": "CF-1.8", "lat_order": "south_to_north", "lon_range": "[0, 360)"},
        )
        self._cubes[cube_id] = stored
        return cube

    def put(self, cube: ClimateCube, arrays: Mapping[str, np.ndarray],
            attrs: Mapping[str, Mapping[str, str]] | None = None) -> None:
        """Store ``arrays`` (fields and coordinates by name) for ``cube`` without reading files.

        The arrays are copied; ``cube.checksum`` is not checked here (``verify`` does that).
        """
        self._cubes[check_cube_id(cube.id)] = _Stored(
            arrays={k: np.array(v) for k, v in arrays.items()},
            attrs={k: dict(v) for k, v in (attrs or {}).items()},
        )

    def stored_arrays(self, cube_id: str) -> dict[str, np.ndarray]:
        """The live arrays of a stored cube (tests use it to tamper with the data)."""
        return self._cubes[cube_id].arrays

    def _stored(self, cube: ClimateCube) -> _Stored:
        stored = self._cubes.get(cube.id)
        if stored is None:
            raise NotFound(f"cube {cube.id!r} is not in the store", field="cube_id")
        return stored

    def _selection(self, cube: ClimateCube, variable: str, time: int | None,
                   lev: int | None) -> tuple[np.ndarray, tuple[str, ...], dict[str, int]]:
        var = check_selection(cube, variable, time, lev)
        values = self._stored(cube).arrays[variable]
        picked = {d: i for d, i in (("time", time), ("lev", lev)) if i is not None}
        index = tuple(picked.get(d, slice(None)) for d in var.dims)
        return np.array(values[index]), tuple(d for d in var.dims if d not in picked), picked

    def read(self, cube: ClimateCube, variable: str, *, time: int | None = None,
             lev: int | None = None) -> np.ndarray:
        return self._selection(cube, variable, time, lev)[0]

    def export(self, cube: ClimateCube, variable: str, *, time: int | None = None, lev: int | None = None,
               fmt: ExportFormat = "netcdf") -> bytes:
        if fmt not in ("netcdf", "hdf5"):
            raise InvalidQuantity(f"unknown export format {fmt!r}; use 'netcdf' or 'hdf5'", field="fmt")
        import xarray as xr

        from astrobio.adapters.cubes.export import export_bytes

        values, dims, picked = self._selection(cube, variable, time, lev)
        stored = self._stored(cube)
        attrs = stored.attrs
        coords = {d: xr.Variable(d, stored.arrays[d], attrs.get(d, {})) for d in dims}
        coords |= {d: xr.Variable((), stored.arrays[d][i], attrs.get(d, {})) for d, i in picked.items()}
        da = xr.DataArray(values, dims=dims, coords=coords, name=variable, attrs=attrs.get(variable, {}))
        return export_bytes(da, {"Conventions": "CF-1.8", "cube_id": cube.id, "cube_name": cube.name,
                                 "cube_checksum": cube.checksum}, fmt)

    def verify(self, cube: ClimateCube) -> bool:
        stored = self._cubes.get(cube.id)
        return stored is not None and arrays_checksum(stored.arrays) == cube.checksum

    def delete(self, cube: ClimateCube) -> None:
        self._cubes.pop(cube.id, None)

    def discard(self, cube_id: str) -> None:
        self._cubes.pop(cube_id, None)
