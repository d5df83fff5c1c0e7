"""Climate cubes: IngestClimateOutput, ListCubes, GetCube, ExportCubeSlice."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from astrobio.application.ports.clock import Clock, IdGenerator
from astrobio.application.ports.cube_store import CubeStore, ExportFormat, VariableMapping
from astrobio.application.ports.unit_of_work import UnitOfWorkFactory
from astrobio.domain.climate import ClimateCube, ClimateParameters
from astrobio.domain.errors import InvalidDataset, InvalidQuantity, NotFound


@dataclass(frozen=True, slots=True, kw_only=True)
class IngestClimateOutputCommand:
    sources: Sequence[str]
    name: str
    parameters: ClimateParameters | None = None
    mapping: VariableMapping | None = None
    run_id: str | None = None


def run_cube_id(run_id: str) -> str:
    """The cube id of a simulation run's output (a name-based UUID: one cube per run)."""
    return uuid.uuid5(_RUN_CUBES, run_id).hex


_RUN_CUBES = uuid.UUID("6f1c2a4e-6a53-5c55-9d0e-0c1b5a7e2f10")


class IngestClimateOutput:
    """Turn GCM NetCDF output into a published, registered Zarr cube.

    Rules: the store validates and publishes atomically (a bad file leaves no cube);
    the cube is registered in SQL only after it is published, and if registration
    fails the published arrays are deleted again, so a cube is either fully there
    (arrays + record) or not at all. The output of a simulation run is registered once: its
    cube id is derived from the run id, so ingesting that run again (a retried job, two
    pollers) returns the registered cube, and arrays an earlier attempt published without
    registering them are replaced.
    """

    def __init__(self, uow_factory: UnitOfWorkFactory, store: CubeStore, clock: Clock,
                 ids: IdGenerator) -> None:
        self._uow_factory, self._store, self._clock, self._ids = uow_factory, store, clock, ids

    def execute(self, command: IngestClimateOutputCommand) -> ClimateCube:
        registered = self.registered(command)
        if registered is not None:
            return registered
        cube = self.publish(command)
        try:
            with self._uow_factory() as uow:
                uow.cubes.add(cube)
                uow.commit()
        except BaseException:
            self._store.delete(cube)
            raise
        return cube

    def registered(self, command: IngestClimateOutputCommand) -> ClimateCube | None:
        """The cube already registered for ``command``'s run, if any (never for run-less output)."""
        if command.run_id is None:
            return None
        with self._uow_factory() as uow:
            return uow.cubes.get(run_cube_id(command.run_id))

    def publish(self, command: IngestClimateOutputCommand) -> ClimateCube:
        """Validate and publish the arrays (not yet registered: the caller registers or deletes)."""
        if not command.sources:
            raise InvalidDataset("no source files given", field="sources")
        cube_id = self._ids.new_id() if command.run_id is None else run_cube_id(command.run_id)
        if command.run_id is not None:
            self._store.discard(cube_id)  # arrays of an attempt that died before registering
        return self._store.ingest(command.sources, cube_id=cube_id, name=command.name,
                                  parameters=command.parameters, mapping=command.mapping,
                                  run_id=command.run_id, now=self._clock.now())


@dataclass(frozen=True, slots=True, kw_only=True)
class CubePage:
    items: Sequence[ClimateCube]
    total: int
    offset: int
    limit: int


class ListCubes:
    """Published cubes ordered by name; 1 <= limit <= 1000."""

    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self._uow_factory = uow_factory

    def execute(self, offset: int = 0, limit: int = 100) -> CubePage:
        if offset < 0:
            raise InvalidQuantity("offset must be >= 0", field="offset")
        if not 1 <= limit <= 1000:
            raise InvalidQuantity("limit must be in 1..1000", field="limit")
        with self._uow_factory() as uow:
            return CubePage(items=uow.cubes.list(offset=offset, limit=limit), total=uow.cubes.count(),
                            offset=offset, limit=limit)


class GetCube:
    """One cube by id; :class:`NotFound` when unknown."""

    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self._uow_factory = uow_factory

    def execute(self, cube_id: str) -> ClimateCube:
        with self._uow_factory() as uow:
            cube = uow.cubes.get(cube_id)
        if cube is None:
            raise NotFound(f"cube {cube_id!r} not found", field="cube_id")
        return cube


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportCubeSliceCommand:
    cube_id: str
    variable: str
    time: int | None = None
    lev: int | None = None
    fmt: ExportFormat = "netcdf"


class ExportCubeSlice:
    """One variable (optionally one time step / level) as NetCDF4 or HDF5 bytes.

    Rules: the variable must exist (422 naming ``var``); indices must be in range; the
    stored arrays are checked against the cube's checksum before they are served.
    """

    def __init__(self, uow_factory: UnitOfWorkFactory, store: CubeStore, verify: bool = True) -> None:
        self._get = GetCube(uow_factory)
        self._store = store
        self._verify = verify

    def execute(self, command: ExportCubeSliceCommand) -> tuple[ClimateCube, bytes]:
        cube = self._get.execute(command.cube_id)
        cube.variable(command.variable)
        if self._verify and not self._store.verify(cube):
            raise InvalidDataset(f"cube {cube.id} failed its checksum: stored arrays were modified",
                                 field="cube_id")
        data = self._store.export(cube, command.variable, time=command.time, lev=command.lev, fmt=command.fmt)
        return cube, data
