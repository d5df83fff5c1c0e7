"""InProcessTaskQueue: runs jobs on background threads of the current process."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait

import structlog

from astrobio.application.ports.queue import TaskQueue
from astrobio.domain.errors import UpstreamUnavailable
from astrobio.domain.job import Job, JobState

log = structlog.get_logger("astrobio.queue")

#: Runs of one delivery while the database cannot even be read (about 5 minutes in all).
MAX_OUTAGE_TRIES = 12


class InProcessTaskQueue(TaskQueue):
    """The embedded default: no broker, jobs run on ``max_workers`` threads here.

    A job the runner hands back ``queued`` (another attempt is due) is run again after
    ``retry_delay(job)``; a delivery that fails because the database is unavailable is retried
    with backoff (1 s doubling to 30 s, :data:`MAX_OUTAGE_TRIES` times). With :meth:`start_reaper`
    a thread also takes back jobs whose lease lapsed (e.g. left ``running`` by a previous process
    that died). Jobs not finished when the process exits are taken back by the next reaper pass.
    """

    def __init__(
        self,
        runner: Callable[[str], Job],
        max_workers: int = 1,
        retry_delay: Callable[[Job], float] = lambda job: 5.0,
    ) -> None:
        self._runner = runner
        self._retry_delay = retry_delay
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="astrobio-job")
        self._futures: list[Future[None]] = []
        self._timers: list[threading.Timer] = []
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._reaper: threading.Thread | None = None
        self._reap: tuple[Callable[[], object], float] | None = None

    def _run(self, job_id: str, outage_try: int) -> None:
        with structlog.contextvars.bound_contextvars(job_id=job_id):
            log.info("job.start")
            try:
                job = self._runner(job_id)
            except UpstreamUnavailable as exc:
                if outage_try >= MAX_OUTAGE_TRIES:
                    log.error("job.gave_up", error=exc.message, tries=outage_try)
                    return  # still queued or running: the reaper takes it back once the lease lapses
                delay = min(2.0 ** (outage_try - 1), 30.0)
                log.warning("job.outage", error=exc.message, retry_in_s=delay)
                self._later(delay, job_id, outage_try + 1)
                return
            except Exception:
                log.exception("job.crashed")
                return
            if job.state is JobState.QUEUED:
                delay = self._retry_delay(job)
                log.warning("job.retry", attempt=job.attempt, error=job.error, retry_in_s=delay)
                self._later(delay, job_id, 1)
            else:
                log.info("job.done", state=job.state.value)

    def _submit(self, job_id: str, outage_try: int) -> None:
        with self._lock:
            if self._closed.is_set():
                return
            self._futures = [f for f in self._futures if not f.done()]
            self._futures.append(self._pool.submit(self._run, job_id, outage_try))

    def _later(self, delay_s: float, job_id: str, outage_try: int) -> None:
        if delay_s <= 0:
            self._submit(job_id, outage_try)
            return
        timer = threading.Timer(delay_s, self._submit, (job_id, outage_try))
        timer.daemon = True
        with self._lock:
            self._timers = [t for t in self._timers if t.is_alive()]
            self._timers.append(timer)
        timer.start()

    def enqueue(self, job_id: str, *, attempt: int = 0, defer_s: float = 0.0) -> None:
        self._start_reaper()
        self._later(defer_s, job_id, 1)

    def start_reaper(self, reap: Callable[[], object], interval_s: float, *, now: bool = False) -> None:
        """Call ``reap`` every ``interval_s`` seconds on a daemon thread, from the first
        :meth:`enqueue` on (or at once with ``now``): a process that never runs a job pays nothing."""
        self._reap = (reap, interval_s)
        if now:
            self._start_reaper()

    def _start_reaper(self) -> None:
        with self._lock:
            if self._reaper is not None or self._reap is None:
                return
            reap, interval_s = self._reap
            self._reaper = threading.Thread(target=lambda: self._reap_loop(reap, interval_s),
                                            name="astrobio-job-reaper", daemon=True)
        self._reaper.start()

    def _reap_loop(self, reap: Callable[[], object], interval_s: float) -> None:
        while not self._closed.wait(interval_s):
            try:
                reap()
            except UpstreamUnavailable as exc:
                log.warning("jobs.reap_unavailable", error=exc.message)
            except Exception:
                log.exception("jobs.reap_crashed")

    def drain(self, timeout_s: float | None = None) -> None:
        """Wait for every job enqueued so far, and for the retries they scheduled (tests, CLI exit)."""
        import time

        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        while True:
            with self._lock:
                pending = [f for f in self._futures if not f.done()]
                timers = [t for t in self._timers if t.is_alive()]
            if not pending and not timers:
                return
            left = None if deadline is None else max(deadline - time.monotonic(), 0.0)
            if left == 0.0:
                return
            if pending:
                wait(pending, timeout=left)
            else:
                timers[0].join(left)

    def shutdown(self) -> None:
        self._closed.set()
        with self._lock:
            for t in self._timers:
                t.cancel()
        self._pool.shutdown(wait=True)
