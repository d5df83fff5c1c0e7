"""Batch job runners: a local subprocess pool, SLURM, ..."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Protocol


@dataclass(frozen=True, slots=True, kw_only=True)
class BatchJobSpec:
    """One command to run as a batch job, with its resources.

    ``argv`` runs in ``workdir`` (created if missing); stdout and stderr go to
    ``workdir/job.log``. ``gpus``: GPUs per node (SLURM ``--gpus-per-node``); the local runner
    runs on this machine's devices and ignores it.
    """

    name: str
    argv: tuple[str, ...]
    workdir: str
    cpus: int = 1
    mem_mb: int = 2000
    time_limit_min: int = 60
    gpus: int = 0
    env: dict[str, str] = field(default_factory=dict)


class BatchState(Enum):
    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"


FINAL_BATCH_STATES = frozenset({BatchState.COMPLETED, BatchState.FAILED, BatchState.CANCELLED})


@dataclass(frozen=True, slots=True, kw_only=True)
class BatchStatus:
    job_id: str
    state: BatchState
    exit_code: int | None = None
    detail: str = ""


class JobRunner(Protocol):
    """Submit, watch, cancel and collect batch jobs.

    Errors: a batch system that cannot be reached raises
    :class:`~astrobio.domain.errors.UpstreamUnavailable` (the caller may retry later);
    an unknown job id gives ``BatchState.UNKNOWN``, never an exception.
    """

    @property
    def name(self) -> str: ...

    def submit(self, spec: BatchJobSpec) -> str: ...

    def submit_array(self, specs: Sequence[BatchJobSpec]) -> list[str]:
        """Submit several jobs at once (a SLURM array where possible); ids in input order."""
        ...

    def status(self, job_id: str) -> BatchStatus: ...

    def cancel(self, job_id: str) -> None: ...

    def collect(self, job_id: str, *, tail_lines: int = 50) -> tuple[BatchStatus, str]:
        """Final status and the last lines of the job's log."""
        ...
