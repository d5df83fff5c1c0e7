"""The in-memory fake of the job runner port: runs nothing, tests decide every outcome."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

from astrobio.adapters.jobs._common import check_spec
from astrobio.application.ports.job_runner import (
    FINAL_BATCH_STATES,
    BatchJobSpec,
    BatchState,
    BatchStatus,
    JobRunner,
)
from astrobio.domain.errors import UpstreamUnavailable


@dataclass(slots=True)
class _Record:
    spec: BatchJobSpec
    state: BatchState = BatchState.PENDING
    exit_code: int | None = None
    detail: str = ""
    log: str = ""


class InMemoryJobRunner(JobRunner):
    """A job runner that records specs and lets the test play the batch system.

    Submitted jobs stay ``PENDING`` until the test calls :meth:`start` (``RUNNING``),
    :meth:`complete` (``COMPLETED`` for exit code 0, else ``FAILED``) or :meth:`time_out`
    (``FAILED`` with detail ``"TIMEOUT"``). :meth:`cancel` makes a job that has not finished
    ``CANCELLED``; outcomes reported for a job already final are ignored, as a real batch system
    ignores a job that ends after it was cancelled. Unknown ids give ``UNKNOWN``.

    Set :attr:`available` to ``False`` to play a batch system that cannot be reached: every
    port method then raises :class:`~astrobio.domain.errors.UpstreamUnavailable`.
    """

    def __init__(self) -> None:
        self._records: dict[str, _Record] = {}
        self._lock = threading.Lock()
        self.available = True
        """``False`` makes every port call raise ``UpstreamUnavailable("memory", ...)``."""
        self.array_submissions: list[list[str]] = []
        """Ids of each :meth:`submit_array` call, in order (to check that sweeps were batched)."""

    @property
    def name(self) -> str:
        return "memory"

    # --- the port ---------------------------------------------------------------------------

    def submit(self, spec: BatchJobSpec) -> str:
        self._check_available()
        check_spec(spec)
        with self._lock:
            job_id = f"mem-{len(self._records) + 1}"
            self._records[job_id] = _Record(spec=spec)
        return job_id

    def submit_array(self, specs: Sequence[BatchJobSpec]) -> list[str]:
        self._check_available()
        for spec in specs:
            check_spec(spec)
        ids = [self.submit(spec) for spec in specs]
        self.array_submissions.append(ids)
        return ids

    def status(self, job_id: str) -> BatchStatus:
        self._check_available()
        with self._lock:
            rec = self._records.get(job_id)
            if rec is None:
                return BatchStatus(job_id=job_id, state=BatchState.UNKNOWN)
            return BatchStatus(job_id=job_id, state=rec.state, exit_code=rec.exit_code, detail=rec.detail)

    def cancel(self, job_id: str) -> None:
        self._check_available()
        with self._lock:
            rec = self._records.get(job_id)
            if rec is not None and rec.state not in FINAL_BATCH_STATES:
                rec.state, rec.detail = BatchState.CANCELLED, "CANCELLED"

    def collect(self, job_id: str, *, tail_lines: int = 50) -> tuple[BatchStatus, str]:
        status = self.status(job_id)
        with self._lock:
            rec = self._records.get(job_id)
            log = "\n".join(rec.log.splitlines()[-tail_lines:]) if rec is not None and tail_lines > 0 else ""
        return status, log

    # --- the test's controls ----------------------------------------------------------------

    @property
    def specs(self) -> dict[str, BatchJobSpec]:
        """Every submitted spec by job id, in submission order."""
        with self._lock:
            return {job_id: rec.spec for job_id, rec in self._records.items()}

    def spec(self, job_id: str) -> BatchJobSpec:
        """The spec submitted as ``job_id`` (``KeyError`` when unknown)."""
        with self._lock:
            return self._records[job_id].spec

    def start(self, job_id: str) -> None:
        """Move a pending job to ``RUNNING``."""
        self._set(job_id, BatchState.RUNNING, None, "", None, only_from={BatchState.PENDING})

    def complete(self, job_id: str, exit_code: int = 0, *, log: str = "") -> None:
        """Finish a job: ``COMPLETED`` for exit code 0, else ``FAILED``; ``log`` is its job.log."""
        state = BatchState.COMPLETED if exit_code == 0 else BatchState.FAILED
        self._set(job_id, state, exit_code, state.name, log)

    def time_out(self, job_id: str, *, log: str = "") -> None:
        """Finish a job as killed at its time limit: ``FAILED`` with detail ``"TIMEOUT"``."""
        self._set(job_id, BatchState.FAILED, None, "TIMEOUT", log)

    def _set(
        self,
        job_id: str,
        state: BatchState,
        exit_code: int | None,
        detail: str,
        log: str | None,
        *,
        only_from: set[BatchState] | None = None,
    ) -> None:
        with self._lock:
            rec = self._records[job_id]
            allowed = only_from if only_from is not None else {BatchState.PENDING, BatchState.RUNNING}
            if rec.state not in allowed:
                return
            rec.state, rec.exit_code, rec.detail = state, exit_code, detail
            if log is not None:
                rec.log = log

    def _check_available(self) -> None:
        if not self.available:
            raise UpstreamUnavailable("memory", "batch system unreachable (simulated)")
