"""In-memory repositories and unit of work."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from types import TracebackType
from typing import Self

from astrobio.application.ports.repositories import (
    CubeRepository,
    JobRepository,
    PlanetQuery,
    PlanetRepository,
    RunRepository,
    SweepRepository,
)
from astrobio.application.ports.unit_of_work import UnitOfWork
from astrobio.domain.climate import ClimateCube, ParameterSweep, SimulationRun
from astrobio.domain.job import Job
from astrobio.domain.planet import Planet


def matches(p: Planet, q: PlanetQuery) -> bool:
    """Whether ``p`` satisfies every constraint of ``q`` (a missing value fails a bound)."""
    if q.name_contains is not None and q.name_contains.lower() not in p.name.lower():
        return False
    if q.host_name is not None and p.star.name != q.host_name:
        return False
    if q.discovery_method is not None and p.discovery_method != q.discovery_method:
        return False
    r = p.radius_earth
    if q.min_radius_earth is not None and (r is None or r < q.min_radius_earth):
        return False
    if q.max_radius_earth is not None and (r is None or r > q.max_radius_earth):
        return False
    d = p.star.distance_pc
    return not (q.max_distance_pc is not None and (d is None or d > q.max_distance_pc))


class InMemoryPlanetRepository(PlanetRepository):
    def __init__(self, store: dict[str, Planet]) -> None:
        self._store = store

    def get(self, name: str) -> Planet | None:
        return self._store.get(name)

    def add(self, planet: Planet) -> None:
        self._store[planet.name] = planet

    def add_many(self, planets: Iterable[Planet]) -> None:
        for planet in planets:
            self.add(planet)

    def list(self, query: PlanetQuery, *, offset: int = 0, limit: int | None = None) -> Sequence[Planet]:
        hits = [p for _, p in sorted(self._store.items()) if matches(p, query)]
        return hits[offset:] if limit is None else hits[offset : offset + limit]

    def count(self, query: PlanetQuery) -> int:
        return sum(1 for p in self._store.values() if matches(p, query))

    def iter_all(self) -> Iterator[Planet]:
        for _, p in sorted(self._store.items()):
            yield p


class InMemoryJobRepository(JobRepository):
    def __init__(self, store: dict[str, Job]) -> None:
        self._store = store

    def get(self, job_id: str) -> Job | None:
        return self._store.get(job_id)

    def add(self, job: Job) -> None:
        self._store[job.id] = job


def _utc(value: datetime) -> datetime:
    """``value`` in UTC, as the SQL adapter returns it (which also refuses naive datetimes)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime {value.isoformat()} refused: pass a timezone-aware value")
    return value.astimezone(UTC)


class InMemorySweepRepository(SweepRepository):
    """Sweeps by id; ``list`` is newest first (undated last), then by id, as the SQL one."""

    def __init__(self, store: dict[str, ParameterSweep]) -> None:
        self._store = store

    def get(self, sweep_id: str) -> ParameterSweep | None:
        return copy.deepcopy(self._store.get(sweep_id))

    def add(self, sweep: ParameterSweep) -> None:
        # A deep copy: the stored value must not change with the caller's ``ranges`` dict.
        created = None if sweep.created_at is None else _utc(sweep.created_at)
        self._store[sweep.id] = copy.deepcopy(replace(sweep, created_at=created))

    def list(self) -> Sequence[ParameterSweep]:
        by_id = [s for _, s in sorted(self._store.items())]
        dated = [(s.created_at, s) for s in by_id if s.created_at is not None]
        # ``sorted`` is stable, and reverse=True keeps equal keys in their original (id) order.
        dated.sort(key=lambda pair: pair[0], reverse=True)
        return [s for _, s in dated] + [s for s in by_id if s.created_at is None]


class InMemoryRunRepository(RunRepository):
    def __init__(self, store: dict[str, SimulationRun]) -> None:
        self._store = store

    def get(self, run_id: str) -> SimulationRun | None:
        return self._store.get(run_id)

    def add(self, run: SimulationRun) -> None:
        self._store[run.id] = replace(run, created_at=_utc(run.created_at), updated_at=_utc(run.updated_at))

    def for_sweep(self, sweep_id: str) -> Sequence[SimulationRun]:
        return [r for _, r in sorted(self._store.items()) if r.sweep_id == sweep_id]


class InMemoryCubeRepository(CubeRepository):
    def __init__(self, store: dict[str, ClimateCube]) -> None:
        self._store = store

    def get(self, cube_id: str) -> ClimateCube | None:
        return copy.deepcopy(self._store.get(cube_id))  # as SQL, a fresh value: its dict is the caller's

    def add(self, cube: ClimateCube) -> None:
        self._store[cube.id] = copy.deepcopy(replace(cube, created_at=_utc(cube.created_at)))

    def list(self, *, offset: int = 0, limit: int | None = None) -> Sequence[ClimateCube]:
        hits = sorted(self._store.values(), key=lambda c: (c.name, c.id))
        return hits[offset:] if limit is None else hits[offset : offset + limit]

    def count(self) -> int:
        return len(self._store)


class InMemoryDatabase:
    """The shared state behind every :class:`InMemoryUnitOfWork` of one test or process."""

    def __init__(self) -> None:
        self.planets: dict[str, Planet] = {}
        self.jobs: dict[str, Job] = {}
        self.sweeps: dict[str, ParameterSweep] = {}
        self.runs: dict[str, SimulationRun] = {}
        self.cubes: dict[str, ClimateCube] = {}


class InMemoryUnitOfWork(UnitOfWork):
    """Works on copies of the shared dicts; ``commit`` publishes them atomically."""

    def __init__(self, db: InMemoryDatabase) -> None:
        self._db = db

    def __enter__(self) -> Self:
        self.rollback()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()

    def commit(self) -> None:
        self._db.planets = dict(self._planets)
        self._db.jobs = dict(self._jobs)
        self._db.sweeps = dict(self._sweeps)
        self._db.runs = dict(self._runs)
        self._db.cubes = dict(self._cubes)

    def rollback(self) -> None:
        self._planets = dict(self._db.planets)
        self._jobs = dict(self._db.jobs)
        self._sweeps = dict(self._db.sweeps)
        self._runs = dict(self._db.runs)
        self._cubes = dict(self._db.cubes)
        self.planets = InMemoryPlanetRepository(self._planets)
        self.jobs = InMemoryJobRepository(self._jobs)
        self.sweeps = InMemorySweepRepository(self._sweeps)
        self.runs = InMemoryRunRepository(self._runs)
        self.cubes = InMemoryCubeRepository(self._cubes)
