"""Background jobs as the domain sees them."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import Enum
from typing import Any

from astrobio.domain.errors import Conflict


class JobState(Enum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@dataclass(frozen=True, slots=True, kw_only=True)
class Job:
    """A unit of background work: its kind, parameters, state and outcome."""

    id: str
    kind: str
    params: dict[str, Any] = field(default_factory=dict)
    state: JobState = JobState.QUEUED
    result: dict[str, Any] | None = None
    error: str | None = None
    created_at: datetime
    updated_at: datetime

    @property
    def finished(self) -> bool:
        return self.state in (JobState.SUCCEEDED, JobState.FAILED)

    def started(self, now: datetime) -> Job:
        if self.finished:
            raise Conflict(f"job {self.id} already {self.state.value}")
        return replace(self, state=JobState.RUNNING, updated_at=now)

    def succeeded(self, result: dict[str, Any], now: datetime) -> Job:
        return replace(self, state=JobState.SUCCEEDED, result=result, error=None, updated_at=now)

    def failed(self, error: str, now: datetime) -> Job:
        return replace(self, state=JobState.FAILED, error=error, updated_at=now)
