"""Repository ports for planets and jobs."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from astrobio.domain.climate import ClimateCube, ParameterSweep, SimulationRun
from astrobio.domain.job import Job
from astrobio.domain.planet import Planet


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanetQuery:
    """Filters for listing planets; ``None`` means no constraint. Results are ordered by name."""

    name_contains: str | None = None
    host_name: str | None = None
    min_radius_earth: float | None = None
    max_radius_earth: float | None = None
    max_distance_pc: float | None = None
    discovery_method: str | None = None


class PlanetRepository(Protocol):
    """Planets keyed by name. ``add`` inserts or replaces (upsert by name)."""

    def get(self, name: str) -> Planet | None: ...

    def add(self, planet: Planet) -> None: ...

    def add_many(self, planets: Iterable[Planet]) -> None:
        """Upsert several planets (one round trip where the backend allows)."""
        ...

    def remove(self, names: Iterable[str]) -> int:
        """Delete the planets of these names (unknown names are ignored); how many were deleted."""
        ...

    def list(self, query: PlanetQuery, *, offset: int = 0, limit: int | None = None) -> Sequence[Planet]: ...

    def count(self, query: PlanetQuery) -> int: ...

    def iter_all(self) -> Iterator[Planet]:
        """Every planet, ordered by name."""
        ...

    def version(self) -> str:
        """An opaque token that changes whenever the stored planets change (cache key)."""
        ...


class JobRepository(Protocol):
    """Jobs keyed by id. ``add`` inserts or replaces; ``swap`` is the compare-and-set that leases use."""

    def get(self, job_id: str) -> Job | None: ...

    def add(self, job: Job) -> None: ...

    def swap(self, expected: Job, new: Job) -> bool:
        """Store ``new`` only if the stored job still has ``expected``'s state, attempt and lease
        owner (so two workers, or a worker and the reaper, never both win); whether it did."""
        ...

    def lapsed(self, now: datetime, *, limit: int = 100) -> Sequence[Job]:
        """Running jobs whose lease expired at or before ``now`` (or that hold none), oldest first."""
        ...


class SweepRepository(Protocol):
    """Parameter sweeps keyed by id; ``list`` is newest first."""

    def get(self, sweep_id: str) -> ParameterSweep | None: ...

    def add(self, sweep: ParameterSweep) -> None: ...

    def list(self) -> Sequence[ParameterSweep]: ...


class RunRepository(Protocol):
    """Simulation runs keyed by id. ``add`` inserts or replaces."""

    def get(self, run_id: str) -> SimulationRun | None: ...

    def add(self, run: SimulationRun) -> None: ...

    def for_sweep(self, sweep_id: str) -> Sequence[SimulationRun]:
        """The runs of a sweep, ordered by id."""
        ...


class CubeRepository(Protocol):
    """Published climate cubes keyed by id; ``list`` is ordered by name, then id."""

    def get(self, cube_id: str) -> ClimateCube | None: ...

    def add(self, cube: ClimateCube) -> None: ...

    def list(self, *, offset: int = 0, limit: int | None = None) -> Sequence[ClimateCube]: ...

    def count(self) -> int: ...
