"""SQL repositories of the climate entities: sweeps, simulation runs, cube metadata.

Nested values travel as JSON (Python's ``json`` writes floats with ``repr``, so they come
back bit-identical); tuples are stored as JSON arrays and rebuilt as tuples, enums as their
values, datetimes through :class:`~astrobio.adapters.sql.tables.UtcDateTime` (aware, UTC).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from astrobio.adapters.sql.repositories import _upsert
from astrobio.adapters.sql.tables import cubes, runs, sweeps
from astrobio.application.ports.repositories import CubeRepository, RunRepository, SweepRepository
from astrobio.domain.climate import (
    ClimateCube,
    ClimateParameters,
    CubeVariable,
    GridSpec,
    ParameterRange,
    ParameterSweep,
    RunState,
    SamplingMethod,
    SimulationRun,
)

_SWEEP_COLUMNS = tuple(sweeps.c)
_RUN_COLUMNS = tuple(runs.c)
_CUBE_COLUMNS = tuple(cubes.c)


def sweep_to_row(s: ParameterSweep) -> dict[str, Any]:
    """The ``sweeps`` row of ``s``."""
    return {
        "id": s.id,
        "name": s.name,
        "ranges": {k: {"low": r.low, "high": r.high, "log": r.log} for k, r in s.ranges.items()},
        "base": s.base.to_dict(),
        "method": s.method.value,
        "samples": s.samples,
        "seed": s.seed,
        "created_at": s.created_at,
    }


def sweep_from_row(r: sa.Row[Any]) -> ParameterSweep:
    return ParameterSweep(
        id=r.id,
        name=r.name,
        ranges={k: ParameterRange(**v) for k, v in r.ranges.items()},
        base=ClimateParameters.from_dict(r.base),
        method=SamplingMethod(r.method),
        samples=r.samples,
        seed=r.seed,
        created_at=r.created_at,
    )


def run_to_row(run: SimulationRun) -> dict[str, Any]:
    """The ``runs`` row of ``run``."""
    return {
        "id": run.id,
        "sweep_id": run.sweep_id,
        "parameters": run.parameters.to_dict(),
        "state": run.state.value,
        "attempts": run.attempts,
        "backend": run.backend,
        "backend_job_id": run.backend_job_id,
        "workdir": run.workdir,
        "output_files": list(run.output_files),
        "log_excerpt": run.log_excerpt,
        "cube_id": run.cube_id,
        "created_at": run.created_at,
        "updated_at": run.updated_at,
    }


def run_from_row(r: sa.Row[Any]) -> SimulationRun:
    return SimulationRun(
        id=r.id,
        parameters=ClimateParameters.from_dict(r.parameters),
        sweep_id=r.sweep_id,
        state=RunState(r.state),
        attempts=r.attempts,
        backend=r.backend,
        backend_job_id=r.backend_job_id,
        workdir=r.workdir,
        output_files=tuple(r.output_files),
        log_excerpt=r.log_excerpt,
        cube_id=r.cube_id,
        created_at=r.created_at,
        updated_at=r.updated_at,
    )


def cube_to_row(c: ClimateCube) -> dict[str, Any]:
    """The ``cubes`` row of ``c``."""
    g = c.grid
    return {
        "id": c.id,
        "name": c.name,
        "uri": c.uri,
        "grid": {
            "lat_deg": list(g.lat_deg), "lon_deg": list(g.lon_deg), "lev": list(g.lev), "n_time": g.n_time
        },
        "variables": [
            {"name": v.name, "units": v.units, "dims": list(v.dims), "long_name": v.long_name}
            for v in c.variables
        ],
        "parameters": None if c.parameters is None else c.parameters.to_dict(),
        "time_units": c.time_units,
        "checksum": c.checksum,
        "source_files": list(c.source_files),
        "source_checksums": list(c.source_checksums),
        "source_format": c.source_format,
        "run_id": c.run_id,
        "created_at": c.created_at,
        "attributes": dict(c.attributes),
    }


def cube_from_row(r: sa.Row[Any]) -> ClimateCube:
    g = r.grid
    return ClimateCube(
        id=r.id,
        name=r.name,
        uri=r.uri,
        grid=GridSpec(
            lat_deg=tuple(g["lat_deg"]), lon_deg=tuple(g["lon_deg"]), lev=tuple(g["lev"]), n_time=g["n_time"]
        ),
        variables=tuple(
            CubeVariable(name=v["name"], units=v["units"], dims=tuple(v["dims"]), long_name=v["long_name"])
            for v in r.variables
        ),
        parameters=None if r.parameters is None else ClimateParameters.from_dict(r.parameters),
        time_units=r.time_units,
        checksum=r.checksum,
        source_files=tuple(r.source_files),
        source_checksums=tuple(r.source_checksums),
        source_format=r.source_format,
        run_id=r.run_id,
        created_at=r.created_at,
        attributes=dict(r.attributes),
    )


class SqlSweepRepository(SweepRepository):
    """Sweeps in the ``sweeps`` table; ``list`` is newest first (undated last), then by id."""

    def __init__(self, conn: sa.Connection) -> None:
        self._conn = conn
        self._upsert_stmt = _upsert(conn, sweeps)

    def get(self, sweep_id: str) -> ParameterSweep | None:
        row = self._conn.execute(sa.select(*_SWEEP_COLUMNS).where(sweeps.c.id == sweep_id)).first()
        return None if row is None else sweep_from_row(row)

    def add(self, sweep: ParameterSweep) -> None:
        self._conn.execute(self._upsert_stmt, sweep_to_row(sweep))

    def list(self) -> Sequence[ParameterSweep]:
        # NULLS LAST spelled out: PostgreSQL puts NULLs first in a descending order, SQLite last.
        stmt = sa.select(*_SWEEP_COLUMNS).order_by(sweeps.c.created_at.desc().nulls_last(), sweeps.c.id)
        return [sweep_from_row(r) for r in self._conn.execute(stmt)]


class SqlRunRepository(RunRepository):
    """Simulation runs in the ``runs`` table."""

    def __init__(self, conn: sa.Connection) -> None:
        self._conn = conn
        self._upsert_stmt = _upsert(conn, runs)

    def get(self, run_id: str) -> SimulationRun | None:
        row = self._conn.execute(sa.select(*_RUN_COLUMNS).where(runs.c.id == run_id)).first()
        return None if row is None else run_from_row(row)

    def add(self, run: SimulationRun) -> None:
        self._conn.execute(self._upsert_stmt, run_to_row(run))

    def for_sweep(self, sweep_id: str) -> Sequence[SimulationRun]:
        stmt = sa.select(*_RUN_COLUMNS).where(runs.c.sweep_id == sweep_id).order_by(runs.c.id)
        return [run_from_row(r) for r in self._conn.execute(stmt)]


class SqlCubeRepository(CubeRepository):
    """Cube metadata in the ``cubes`` table (the arrays stay in the cube store)."""

    def __init__(self, conn: sa.Connection) -> None:
        self._conn = conn
        self._upsert_stmt = _upsert(conn, cubes)

    def get(self, cube_id: str) -> ClimateCube | None:
        row = self._conn.execute(sa.select(*_CUBE_COLUMNS).where(cubes.c.id == cube_id)).first()
        return None if row is None else cube_from_row(row)

    def add(self, cube: ClimateCube) -> None:
        self._conn.execute(self._upsert_stmt, cube_to_row(cube))

    def list(self, *, offset: int = 0, limit: int | None = None) -> Sequence[ClimateCube]:
        stmt = sa.select(*_CUBE_COLUMNS).order_by(cubes.c.name, cubes.c.id)
        if offset:
            stmt = stmt.offset(offset)
        if limit is not None:
            stmt = stmt.limit(limit)
        return [cube_from_row(r) for r in self._conn.execute(stmt)]

    def count(self) -> int:
        return int(self._conn.execute(sa.select(sa.func.count()).select_from(cubes)).scalar_one())
