"""In-memory repositories and unit of work."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator, Sequence
from types import TracebackType
from typing import Self

from astrobio.application.ports.repositories import JobRepository, PlanetQuery, PlanetRepository
from astrobio.application.ports.unit_of_work import UnitOfWork
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


class InMemoryDatabase:
    """The shared state behind every :class:`InMemoryUnitOfWork` of one test or process."""

    def __init__(self) -> None:
        self.planets: dict[str, Planet] = {}
        self.jobs: dict[str, Job] = {}


class InMemoryUnitOfWork(UnitOfWork):
    """Works on copies of the shared dicts; ``commit`` publishes them atomically."""

    def __init__(self, db: InMemoryDatabase) -> None:
        self._db = db

    def __enter__(self) -> Self:
        self._planets = dict(self._db.planets)
        self._jobs = copy.copy(self._db.jobs)
        self.planets = InMemoryPlanetRepository(self._planets)
        self.jobs = InMemoryJobRepository(self._jobs)
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

    def rollback(self) -> None:
        self._planets = dict(self._db.planets)
        self._jobs = dict(self._db.jobs)
        self.planets = InMemoryPlanetRepository(self._planets)
        self.jobs = InMemoryJobRepository(self._jobs)
