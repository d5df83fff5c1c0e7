"""Self-describing files of one selected variable: NetCDF4 (netCDF4 engine) or plain HDF5 (h5py).

Both formats carry the values with their ``units``, ``long_name`` and ``standard_name``, the
remaining dimensions with their coordinate values and units, and a dimension selected away
(``time=i`` or ``lev=k``) as a scalar coordinate.
"""

from __future__ import annotations

import io
import os
import tempfile

import h5py
import numpy as np
import xarray as xr

from astrobio.application.ports.cube_store import ExportFormat
from astrobio.domain.errors import InvalidQuantity


def to_netcdf_bytes(da: xr.DataArray, attrs: dict[str, str]) -> bytes:
    """A NetCDF4 file holding ``da`` (named as the variable) with global attributes ``attrs``."""
    ds = da.to_dataset()
    ds.attrs = dict(attrs)
    for v in ds.variables.values():
        v.encoding = {}
    # The netCDF4 library writes to a path only: go through a private temporary file.
    fd, path = tempfile.mkstemp(suffix=".nc")
    os.close(fd)
    try:
        ds.to_netcdf(path, engine="netcdf4", format="NETCDF4")
        with open(path, "rb") as f:
            return f.read()
    finally:
        os.unlink(path)


def to_hdf5_bytes(da: xr.DataArray, attrs: dict[str, str]) -> bytes:
    """An HDF5 file: dataset ``/<variable>`` with attributes ``units``, ``long_name``, ``standard_name``
    and ``dims`` (comma-separated dimension names), and one dataset per coordinate, attached to the
    variable as HDF5 dimension scales (selected-away dimensions become scalar datasets).
    """
    buf = io.BytesIO()
    with h5py.File(buf, "w") as f:
        for key, value in attrs.items():
            f.attrs[key] = value
        data = f.create_dataset(str(da.name), data=np.asarray(da.values))
        for key, value in da.attrs.items():
            data.attrs[key] = str(value)
        data.attrs["dims"] = ",".join(map(str, da.dims))
        for name, coord in da.coords.items():
            ds = f.create_dataset(str(name), data=np.asarray(coord.values))
            for key, value in coord.attrs.items():
                ds.attrs[key] = str(value)
        for axis, dim in enumerate(da.dims):
            f[str(dim)].make_scale(str(dim))
            data.dims[axis].attach_scale(f[str(dim)])
    return buf.getvalue()


def export_bytes(da: xr.DataArray, attrs: dict[str, str], fmt: ExportFormat) -> bytes:
    """``da`` as the bytes of a ``"netcdf"`` (NetCDF4) or ``"hdf5"`` file."""
    if fmt == "netcdf":
        return to_netcdf_bytes(da, attrs)
    if fmt == "hdf5":
        return to_hdf5_bytes(da, attrs)
    raise InvalidQuantity(f"unknown export format {fmt!r}; use 'netcdf' or 'hdf5'", field="fmt")
