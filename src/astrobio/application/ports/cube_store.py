"""Climate datacube storage."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol

import numpy as np

from astrobio.domain.climate import ClimateCube, ClimateParameters


@dataclass(frozen=True, slots=True, kw_only=True)
class VariableMapping:
    """How a source's names map to the standard ones.

    ``variables``: source variable -> CF-style name (unmapped variables keep their name);
    ``dims``: source dimension -> one of ``time``, ``lev``, ``lat``, ``lon``.
    ``keep``: if given, only these (standard) variable names are kept.
    """

    variables: dict[str, str] = field(default_factory=dict)
    dims: dict[str, str] = field(default_factory=dict)
    keep: tuple[str, ...] | None = None


ExportFormat = Literal["netcdf", "hdf5"]


class CubeStore(Protocol):
    """Writes cubes from NetCDF sources and reads them back.

    ``ingest`` validates the sources (readable, known dimensions, finite data), standardizes
    them to ``(time, lev, lat, lon)``, writes to a temporary location and publishes
    atomically: on any error nothing is visible under the cube's id. It raises
    :class:`~astrobio.domain.errors.InvalidDataset` naming the file and the problem.
    """

    def ingest(
        self,
        sources: Sequence[str],
        *,
        cube_id: str,
        name: str,
        parameters: ClimateParameters | None,
        mapping: VariableMapping | None,
        run_id: str | None,
        now: datetime,
    ) -> ClimateCube: ...

    def read(self, cube: ClimateCube, variable: str, *, time: int | None = None,
             lev: int | None = None) -> np.ndarray:
        """Values of one variable, optionally one time index and/or one level."""
        ...

    def export(self, cube: ClimateCube, variable: str, *, time: int | None = None, lev: int | None = None,
               fmt: ExportFormat = "netcdf") -> bytes:
        """The same selection as a self-describing NetCDF4 or HDF5 file's bytes."""
        ...

    def verify(self, cube: ClimateCube) -> bool:
        """True when the stored arrays still match ``cube.checksum``."""
        ...

    def delete(self, cube: ClimateCube) -> None: ...

    def discard(self, cube_id: str) -> None:
        """Remove the arrays published under ``cube_id`` (idempotent): an ingestion that died
        between publishing and registering leaves such arrays behind."""
        ...
