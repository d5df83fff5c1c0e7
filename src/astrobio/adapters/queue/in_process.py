"""InProcessTaskQueue: runs jobs on a background thread of the current process."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait

import structlog

from astrobio.application.ports.queue import TaskQueue

log = structlog.get_logger("astrobio.queue")


class InProcessTaskQueue(TaskQueue):
    """The embedded default: no broker, jobs run on ``max_workers`` threads here.

    Jobs are lost if the process exits before they finish (they stay ``queued`` or
    ``running`` in the job table); use arq workers for durability.
    """

    def __init__(self, runner: Callable[[str], object], max_workers: int = 1) -> None:
        self._runner = runner
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="astrobio-job")
        self._futures: list[Future[None]] = []

    def _run(self, job_id: str) -> None:
        with structlog.contextvars.bound_contextvars(job_id=job_id):
            log.info("job.start")
            try:
                self._runner(job_id)
            except Exception:
                log.exception("job.crashed")
            else:
                log.info("job.done")

    def enqueue(self, job_id: str) -> None:
        self._futures = [f for f in self._futures if not f.done()]
        self._futures.append(self._pool.submit(self._run, job_id))

    def drain(self, timeout_s: float | None = None) -> None:
        """Wait for every job enqueued so far (tests, CLI shutdown)."""
        wait(list(self._futures), timeout=timeout_s)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True)
