"""In-memory repositories and unit of work."""

from __future__ import annotations

import copy
import hashlib
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

    def remove(self, names: Iterable[str]) -> int:
        return sum(self._store.pop(n, None) is not None for n in set(names))

    def list(self, query: PlanetQuery, *, offset: int = 0, limit: int | None = None) -> Sequence[Planet]:
        hits = [p for _, p in sorted(self._store.items()) if matches(p, query)]
        return hits[offset:] if limit is None else hits[offset : offset + limit]

    def count(self, query: PlanetQuery) -> int:
        return sum(1 for p in self._store.values() if matches(p, query))

    def iter_all(self) -> Iterator[Planet]:
        for _, p in sorted(self._store.items()):
            yield p

    def version(self) -> str:
        # A content digest: tests also change the shared dict directly, not only through ``add``.
        return hashlib.sha256(repr(sorted(self._store.items())).encode()).hexdigest()


class InMemoryJobRepository(JobRepository):
    """Jobs by id. Writes are recorded in ``touched`` so that a commit publishes only those rows
    (as SQL row updates do): a heartbeat and a reaper committing at once do not undo each other."""

    def __init__(self, store: dict[str, Job], live: dict[str, Job] | None = None) -> None:
        self._store = store
        self._live = live  # the committed rows: a swap compares with them, as SQL's UPDATE ... WHERE
        self.touched: set[str] = set()

    def get(self, job_id: str) -> Job | None:
        return self._store.get(job_id)

    def add(self, job: Job) -> None:
        self._store[job.id] = _utc_job(job)
        self.touched.add(job.id)

    def swap(self, expected: Job, new: Job) -> bool:
        if new.id != expected.id:
            raise ValueError(f"swap of job {expected.id} with job {new.id}")
        seen = self._store if self._live is None or expected.id in self.touched else self._live
        current = seen.get(expected.id)
        if current is None or (current.state, current.attempt, current.lease_owner) != (
            expected.state, expected.attempt, expected.lease_owner
        ):
            return False
        self.add(replace(new, created_at=current.created_at))
        return True

    def lapsed(self, now: datetime, *, limit: int = 100) -> Sequence[Job]:
        hits = [j for j in self._store.values() if j.lease_lapsed(_utc(now))]
        return sorted(hits, key=lambda j: (j.updated_at, j.id))[:limit]


def _utc_job(job: Job) -> Job:
    expires = None if job.lease_expires_at is None else _utc(job.lease_expires_at)
    return replace(job, lease_expires_at=expires)


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
        # Only the rows this unit of work wrote, in place, as SQL would.
        self._db.jobs.update({k: self._jobs[k] for k in self.jobs.touched})
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
        self.jobs = InMemoryJobRepository(self._jobs, live=self._db.jobs)
        self.sweeps = InMemorySweepRepository(self._sweeps)
        self.runs = InMemoryRunRepository(self._runs)
        self.cubes = InMemoryCubeRepository(self._cubes)
