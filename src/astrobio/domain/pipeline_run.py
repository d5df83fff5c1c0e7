"""A pipeline run and the per-planet results it stores (each with its provenance)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import Enum
from typing import Any

from astrobio.domain.biosignature_ranking import Verdict
from astrobio.domain.errors import InvalidQuantity


class RunStatus(Enum):
    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


@dataclass(frozen=True, slots=True, kw_only=True)
class PipelineRun:
    """One execution of the pipeline over named planets (``planets``) or the whole catalog (None).

    ``options`` are the run's JSON-ready options (modes, transits, metabolism source...);
    ``n_planets`` how many planets it covers, ``n_done`` how many have a stored result,
    ``n_failed`` how many of those failed; ``provenance`` the data versions, model checkpoints
    and code version the run used.
    """

    id: str
    status: RunStatus
    created_at: datetime
    updated_at: datetime
    options: dict[str, Any] = field(default_factory=dict)
    planets: tuple[str, ...] | None = None
    n_planets: int = 0
    n_done: int = 0
    n_failed: int = 0
    provenance: dict[str, Any] = field(default_factory=dict)
    error: str | None = None

    def __post_init__(self) -> None:
        if not self.id:
            raise InvalidQuantity("run id must not be empty", field="id")
        if min(self.n_planets, self.n_done, self.n_failed) < 0 or self.n_failed > self.n_done:
            raise InvalidQuantity("run counts must be >= 0 with failed <= done", field="n_done")

    @property
    def finished(self) -> bool:
        return self.status in (RunStatus.COMPLETED, RunStatus.FAILED)

    def with_status(self, status: RunStatus, now: datetime, **changes: Any) -> PipelineRun:
        return replace(self, status=status, updated_at=now, **changes)


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanetResult:
    """What the pipeline produced for one planet of one run.

    ``potential`` is the biosignature potential (None unless ``verdict`` is MODELLED);
    ``summary`` the planet's assessment numbers (Teff, instellation, radius, class, HZ flags) for
    every planet, screened or not; ``stages`` each stage's output (climate, metabolism, atmosphere,
    spectrum, detectability); ``provenance`` where each stage's input came from; ``error`` the
    message of a failed planet.
    """

    run_id: str
    planet_name: str
    verdict: Verdict
    potential: float | None = None
    habitability: float | None = None
    detectability: float | None = None
    certainty: float | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    stages: dict[str, Any] = field(default_factory=dict)
    provenance: dict[str, Any] = field(default_factory=dict)
    error: str | None = None

    def __post_init__(self) -> None:
        if not self.planet_name:
            raise InvalidQuantity("planet name must not be empty", field="planet_name")
        if (self.potential is None) != (self.verdict is not Verdict.MODELLED):
            raise InvalidQuantity("a potential is given exactly for modelled planets", field="potential")
        if self.potential is not None and not 0.0 <= self.potential <= 1.0:
            raise InvalidQuantity("potential must be in [0, 1]", field="potential")
        if (self.error is not None) != (self.verdict is Verdict.FAILED):
            raise InvalidQuantity("an error is given exactly for failed planets", field="error")
