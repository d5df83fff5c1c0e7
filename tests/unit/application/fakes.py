"""Small fakes for use-case tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from astrobio.application.ports.catalogs import CatalogProvider, ExoplanetCatalog
from astrobio.application.ports.clock import Clock, IdGenerator
from astrobio.application.ports.queue import TaskQueue
from astrobio.domain.catalog import CatalogSnapshot
from astrobio.domain.errors import CatalogUnreadable
from astrobio.domain.photometry import ColourSequence

COLOURS = ColourSequence(teff_k=(2500.0, 4000.0, 6000.0), j_minus_ks=(1.0, 0.8, 0.35), source="test")


@dataclass
class FakeCatalog(ExoplanetCatalog):
    snapshot: CatalogSnapshot | None
    error: Exception | None = None

    @property
    def source(self) -> str:
        return "fake"

    def fetch(self) -> CatalogSnapshot:
        if self.error is not None:
            raise self.error
        assert self.snapshot is not None
        return self.snapshot


@dataclass
class FakeCatalogProvider(CatalogProvider):
    catalogs: dict[str, ExoplanetCatalog] = field(default_factory=dict)

    def open(self, source: str) -> ExoplanetCatalog:
        if source not in self.catalogs:
            raise CatalogUnreadable(f"no such catalog: {source}", field="source")
        return self.catalogs[source]


class StepClock(Clock):
    def __init__(self) -> None:
        self.t = datetime(2026, 1, 1, tzinfo=UTC)

    def now(self) -> datetime:
        self.t += timedelta(seconds=1)
        return self.t


class CountingIds(IdGenerator):
    def __init__(self) -> None:
        self.n = 0

    def new_id(self) -> str:
        self.n += 1
        return f"job-{self.n}"


class ListQueue(TaskQueue):
    def __init__(self) -> None:
        self.ids: list[str] = []

    def enqueue(self, job_id: str, *, attempt: int = 0, defer_s: float = 0.0) -> None:
        self.ids.append(job_id)

    def drain(self, timeout_s: float | None = None) -> None:
        pass
