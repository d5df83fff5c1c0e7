"""Batch jobs as local subprocesses: a bounded pool, for one machine and for development."""

from __future__ import annotations

import atexit
import contextlib
import errno
import os
import signal
import subprocess
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from astrobio.adapters.jobs._common import LOG_NAME, check_spec, shell_exit_code, signal_name, tail
from astrobio.application.ports.job_runner import (
    FINAL_BATCH_STATES,
    BatchJobSpec,
    BatchState,
    BatchStatus,
    JobRunner,
)


@dataclass(slots=True)
class _Job:
    spec: BatchJobSpec
    state: BatchState = BatchState.PENDING
    exit_code: int | None = None
    detail: str = "queued"
    proc: subprocess.Popen[bytes] | None = None
    log: BinaryIO | None = None
    deadline: float = float("inf")
    kill_at: float = float("inf")


class LocalJobRunner(JobRunner):
    """Run batch jobs as subprocesses of this process, at most ``max_parallel`` at a time.

    Each job runs ``argv`` in ``workdir`` (created on start) in a new session (its own process
    group), with ``os.environ`` updated by ``spec.env``; stdout and stderr go to
    ``workdir/job.log`` (truncated). Jobs beyond ``max_parallel`` wait in a FIFO queue
    (``PENDING``). A job still running after ``time_limit_min`` minutes gets SIGTERM, then SIGKILL
    ``kill_grace_s`` later, and is reported ``FAILED`` with detail ``"TIMEOUT"``; a cancelled job
    is treated alike and reported ``CANCELLED``. A non-zero exit is ``FAILED`` with that exit
    code (``128 + signal`` when killed by a signal); an ``argv[0]`` that cannot be executed is
    ``FAILED`` with 127 (not found) or 126, as a shell would report it.

    Local jobs belong to the process that started them: ids are not known to other instances
    or processes, and :meth:`close` (also run at interpreter exit, or by leaving a ``with``
    block) cancels whatever is still queued or running. Thread-safe.

    Parameters
    ----------
    max_parallel:
        Jobs running at once (each takes one slot whatever its ``cpus``); default
        ``os.cpu_count()``, the usual one-job-per-core pool.
    kill_grace_s:
        Seconds between SIGTERM and SIGKILL for a cancelled or timed-out job.
    poll_interval_s:
        How often the supervisor thread reaps finished jobs and starts queued ones.
    clock:
        Monotonic time source in seconds, for the time limits (tests inject a fast one).
    """

    def __init__(
        self,
        *,
        max_parallel: int | None = None,
        kill_grace_s: float = 5.0,
        poll_interval_s: float = 0.05,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._max_parallel = max(1, max_parallel if max_parallel is not None else (os.cpu_count() or 1))
        self._grace = kill_grace_s
        self._poll = poll_interval_s
        self._clock = clock
        self._jobs: dict[str, _Job] = {}
        self._queue: deque[str] = deque()
        self._live: dict[str, _Job] = {}  # processes not yet reaped (also cancelled / timed out)
        self._cond = threading.Condition()
        self._closed = False
        self._thread: threading.Thread | None = None
        atexit.register(self.close)

    @property
    def name(self) -> str:
        return "local"

    @property
    def max_parallel(self) -> int:
        """Jobs allowed to run at once."""
        return self._max_parallel

    # --- the port ---------------------------------------------------------------------------

    def submit(self, spec: BatchJobSpec) -> str:
        check_spec(spec)
        job_id = f"local-{uuid.uuid4().hex[:16]}"
        with self._cond:
            if self._closed:
                raise RuntimeError("LocalJobRunner is closed")
            self._jobs[job_id] = _Job(spec=spec)
            self._queue.append(job_id)
            self._tick()
            if self._thread is None:
                self._thread = threading.Thread(target=self._supervise, name="local-jobs", daemon=True)
                self._thread.start()
            self._cond.notify_all()
        return job_id

    def submit_array(self, specs: Sequence[BatchJobSpec]) -> list[str]:
        for spec in specs:
            check_spec(spec)
        return [self.submit(spec) for spec in specs]

    def status(self, job_id: str) -> BatchStatus:
        with self._cond:
            self._tick()
            job = self._jobs.get(job_id)
            if job is None:
                return BatchStatus(job_id=job_id, state=BatchState.UNKNOWN)
            return BatchStatus(job_id=job_id, state=job.state, exit_code=job.exit_code, detail=job.detail)

    def cancel(self, job_id: str) -> None:
        with self._cond:
            job = self._jobs.get(job_id)
            if job is None or job.state in FINAL_BATCH_STATES:
                return
            self._end(job_id, job, BatchState.CANCELLED, "CANCELLED")

    def collect(self, job_id: str, *, tail_lines: int = 50) -> tuple[BatchStatus, str]:
        status = self.status(job_id)
        job = self._jobs.get(job_id)
        log = tail(Path(job.spec.workdir) / LOG_NAME, tail_lines) if job is not None else ""
        return status, log

    # --- lifecycle ----------------------------------------------------------------------------

    def close(self) -> None:
        """Cancel queued and running jobs, wait for them to die (SIGKILL after the grace), stop."""
        with self._cond:
            if self._closed:
                return
            self._closed = True
            for job_id, job in list(self._jobs.items()):
                if job.state not in FINAL_BATCH_STATES:
                    self._end(job_id, job, BatchState.CANCELLED, "CANCELLED")
            deadline = time.monotonic() + self._grace
            while self._live and time.monotonic() < deadline:
                self._tick()
                self._cond.wait(self._poll)
            for _ in range(100):  # what ignored SIGTERM: SIGKILL, and reap it
                self._tick(force_kill=True)
                if not self._live:
                    break
                self._cond.wait(self._poll)
            self._cond.notify_all()
        atexit.unregister(self.close)

    def __enter__(self) -> LocalJobRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- internals (called with the lock held) ------------------------------------------------

    def _supervise(self) -> None:
        with self._cond:
            while not self._closed:
                self._tick()
                busy = bool(self._live or self._queue)
                self._cond.wait(self._poll if busy else None)

    def _tick(self, *, force_kill: bool = False) -> None:
        now = self._clock()
        for job_id, job in list(self._live.items()):
            assert job.proc is not None
            rc = job.proc.poll()
            if rc is not None:
                self._reap(job_id, job, rc)
            elif job.state is BatchState.RUNNING and now >= job.deadline:
                self._end(job_id, job, BatchState.FAILED, "TIMEOUT")
            elif force_kill or now >= job.kill_at:
                self._signal(job, signal.SIGKILL)
                job.kill_at = float("inf")
        while self._queue and len(self._live) < self._max_parallel:
            job_id = self._queue.popleft()
            self._start(job_id, self._jobs[job_id])

    def _start(self, job_id: str, job: _Job) -> None:
        workdir = Path(job.spec.workdir)
        try:
            workdir.mkdir(parents=True, exist_ok=True)
            job.log = (workdir / LOG_NAME).open("wb")
        except OSError as exc:
            job.state, job.exit_code, job.detail = BatchState.FAILED, 1, f"cannot prepare workdir: {exc}"
            return
        try:
            job.proc = subprocess.Popen(
                job.spec.argv,
                cwd=workdir,
                env={**os.environ, **job.spec.env},
                stdin=subprocess.DEVNULL,
                stdout=job.log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        except OSError as exc:
            code = 127 if exc.errno == errno.ENOENT else 126
            job.log.write(f"{job.spec.argv[0]}: cannot execute: {exc.strerror}\n".encode())
            job.log.close()
            job.state, job.exit_code, job.detail = BatchState.FAILED, code, "FAILED"
            return
        job.deadline = self._clock() + 60.0 * job.spec.time_limit_min
        job.state, job.detail = BatchState.RUNNING, ""
        self._live[job_id] = job

    def _end(self, job_id: str, job: _Job, state: BatchState, detail: str) -> None:
        """Cancel or time out: final state now, SIGTERM now, SIGKILL after the grace."""
        job.state, job.detail = state, detail
        if job.proc is None:
            if job_id in self._queue:
                self._queue.remove(job_id)
            return
        self._signal(job, signal.SIGTERM)
        job.kill_at = self._clock() + self._grace

    def _reap(self, job_id: str, job: _Job, rc: int) -> None:
        del self._live[job_id]
        if job.log is not None:
            job.log.close()
        if job.state is BatchState.RUNNING:
            job.exit_code = shell_exit_code(rc)
            if rc == 0:
                job.state, job.detail = BatchState.COMPLETED, "COMPLETED"
            else:
                job.state = BatchState.FAILED
                job.detail = f"killed by {signal_name(-rc)}" if rc < 0 else "FAILED"

    @staticmethod
    def _signal(job: _Job, sig: signal.Signals) -> None:
        assert job.proc is not None
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(job.proc.pid, sig)  # the whole process group: the job's children too
