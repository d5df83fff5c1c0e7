"""Background task queue."""

from __future__ import annotations

from typing import Protocol


class TaskQueue(Protocol):
    """Runs a stored job somewhere else (a thread, an arq worker ...).

    ``enqueue`` only hands the job id over; the job's state lives in the
    :class:`~astrobio.application.ports.repositories.JobRepository`.
    """

    def enqueue(self, job_id: str) -> None: ...

    def drain(self, timeout_s: float | None = None) -> None:
        """Wait for jobs running in this process to finish (no-op for remote workers)."""
        ...
