"""Background jobs as the domain sees them: state, attempts and the lease of the worker running one."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from astrobio.domain.errors import Conflict, InvalidQuantity


class JobState(Enum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@dataclass(frozen=True, slots=True, kw_only=True)
class Job:
    """A unit of background work: its kind, parameters, state and outcome.

    A running job is *leased*: ``lease_owner`` (a worker) holds it until ``lease_expires_at``
    and renews the lease while it works (heartbeat). A job whose lease lapsed belongs to a dead
    worker: it is queued again while ``attempt < max_attempts``, else failed. ``attempt`` counts
    the runs begun so far; ``time_limit_s`` bounds one run (from ``started_at``).
    """

    id: str
    kind: str
    params: dict[str, Any] = field(default_factory=dict)
    state: JobState = JobState.QUEUED
    result: dict[str, Any] | None = None
    error: str | None = None
    created_at: datetime
    updated_at: datetime
    attempt: int = 0
    max_attempts: int = 1
    time_limit_s: float | None = None
    lease_owner: str | None = None
    lease_expires_at: datetime | None = None
    started_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise InvalidQuantity(f"max_attempts must be >= 1, got {self.max_attempts}", field="max_attempts")
        if self.attempt < 0:
            raise InvalidQuantity(f"attempt must be >= 0, got {self.attempt}", field="attempt")
        if self.time_limit_s is not None and not self.time_limit_s > 0:
            raise InvalidQuantity(f"time_limit_s must be > 0, got {self.time_limit_s}", field="time_limit_s")

    @property
    def finished(self) -> bool:
        return self.state in (JobState.SUCCEEDED, JobState.FAILED)

    @property
    def attempts_left(self) -> bool:
        return self.attempt < self.max_attempts

    def lease_lapsed(self, now: datetime) -> bool:
        """A running job whose worker stopped renewing its lease (or never had one)."""
        return self.state is JobState.RUNNING and (
            self.lease_expires_at is None or self.lease_expires_at <= now
        )

    def over_time_limit(self, now: datetime) -> bool:
        return (
            self.state is JobState.RUNNING
            and self.time_limit_s is not None
            and self.started_at is not None
            and (now - self.started_at).total_seconds() > self.time_limit_s
        )

    def claimable(self, now: datetime) -> bool:
        """Queued, or running under a lapsed lease (its worker died)."""
        return self.state is JobState.QUEUED or self.lease_lapsed(now)

    def started(self, now: datetime) -> Job:
        if self.finished:
            raise Conflict(f"job {self.id} already {self.state.value}")
        return replace(self, state=JobState.RUNNING, updated_at=now)

    def claimed(self, owner: str, now: datetime, lease_s: float) -> Job:
        """This job leased to ``owner`` for ``lease_s`` seconds: run number ``attempt + 1`` begins."""
        if not self.claimable(now):
            raise Conflict(f"job {self.id} is {self.state.value} and leased to {self.lease_owner}")
        return replace(
            self, state=JobState.RUNNING, attempt=self.attempt + 1, lease_owner=owner,
            lease_expires_at=now + timedelta(seconds=lease_s), started_at=now, updated_at=now,
        )

    def renewed(self, now: datetime, lease_s: float) -> Job:
        """The lease extended to ``now + lease_s`` (a heartbeat)."""
        return replace(self, lease_expires_at=now + timedelta(seconds=lease_s), updated_at=now)

    def requeued(self, reason: str, now: datetime) -> Job:
        """Back to ``queued`` for another attempt; ``reason`` says why the last one ended."""
        return replace(self, state=JobState.QUEUED, error=reason, lease_owner=None,
                       lease_expires_at=None, updated_at=now)

    def succeeded(self, result: dict[str, Any], now: datetime) -> Job:
        return replace(self, state=JobState.SUCCEEDED, result=result, error=None, updated_at=now,
                       lease_owner=None, lease_expires_at=None)

    def failed(self, error: str, now: datetime) -> Job:
        return replace(self, state=JobState.FAILED, error=error, updated_at=now,
                       lease_owner=None, lease_expires_at=None)
