"""Climate cube adapters: NetCDF ingestion (xarray) and the Zarr v3 cube store.

Public API (imported lazily: ``import astrobio.adapters.cubes`` does not load xarray or zarr):

- :class:`~astrobio.adapters.cubes.zarr_store.ZarrCubeStore` — the ``CubeStore`` on Zarr v3,
  local disk or any fsspec URL;
- :func:`~astrobio.adapters.cubes.netcdf.open_sources` — open, validate and standardize NetCDF
  sources; :data:`~astrobio.adapters.cubes.cf.EXOPLASIM_MAPPING` — the default name mapping;
- :func:`~astrobio.adapters.cubes.bundled.bundled_runs` — the bundled ExoPlaSim runs and their
  parameters.

The in-memory fake is :class:`astrobio.adapters.memory.cube_store.InMemoryCubeStore`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from astrobio.adapters.cubes.bundled import bundled_runs
    from astrobio.adapters.cubes.cf import EXOPLASIM_MAPPING
    from astrobio.adapters.cubes.netcdf import open_sources
    from astrobio.adapters.cubes.zarr_store import ZarrCubeStore

_EXPORTS = {
    "ZarrCubeStore": "astrobio.adapters.cubes.zarr_store",
    "open_sources": "astrobio.adapters.cubes.netcdf",
    "EXOPLASIM_MAPPING": "astrobio.adapters.cubes.cf",
    "bundled_runs": "astrobio.adapters.cubes.bundled",
}

__all__ = ["EXOPLASIM_MAPPING", "ZarrCubeStore", "bundled_runs", "open_sources"]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
