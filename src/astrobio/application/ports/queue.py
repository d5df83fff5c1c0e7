"""Background task queue."""

from __future__ import annotations

from typing import Protocol


class TaskQueue(Protocol):
    """Runs a stored job somewhere else (a thread, an arq worker ...).

    ``enqueue`` only hands the job id over; the job's state lives in the
    :class:`~astrobio.application.ports.repositories.JobRepository`. Delivery is at least once:
    a job may be handed to a worker twice (redelivery after a crash), so the runner decides
    from the stored state whether there is anything left to do.

    Errors: a queue that cannot be reached raises
    :class:`~astrobio.domain.errors.UpstreamUnavailable` from ``enqueue``.
    """

    def enqueue(self, job_id: str, *, attempt: int = 0, defer_s: float = 0.0) -> None:
        """Hand ``job_id`` over for its run after ``attempt`` earlier ones, after ``defer_s`` seconds.

        Each ``(job_id, attempt)`` is delivered at most once per call; a later attempt of the same
        job is a new delivery (never deduplicated against the first).
        """
        ...

    def drain(self, timeout_s: float | None = None) -> None:
        """Wait for jobs running in this process to finish (no-op for remote workers)."""
        ...
