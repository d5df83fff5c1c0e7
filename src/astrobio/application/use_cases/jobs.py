"""Background jobs: the kind registry, SubmitJob, GetJob, RunJob (what a worker executes) and ReapJobs.

A job kind is registered once (:class:`JobKind`): how its parameters are validated at submit, the
handler (a use case) that runs it, its time limit and its retry policy. Running jobs are leased:
the runner renews the lease while the handler works; :class:`ReapJobs` finds leases that lapsed
(the worker died) and queues such a job again, or fails it when its attempts are spent.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from astrobio.application.ports.clock import Clock, IdGenerator
from astrobio.application.ports.queue import TaskQueue
from astrobio.application.ports.unit_of_work import UnitOfWorkFactory
from astrobio.domain.errors import DomainError, InvalidQuantity, NotFound, UpstreamUnavailable
from astrobio.domain.job import Job, JobState

JobHandler = Callable[[dict[str, Any]], dict[str, Any]]
#: Checks job parameters at submit; returns the parameters to store; raises
#: :class:`InvalidQuantity` naming the offending field.
ParamsValidator = Callable[[Mapping[str, Any]], dict[str, Any]]


def _as_dict(params: Mapping[str, Any]) -> dict[str, Any]:
    return dict(params)


@dataclass(frozen=True, slots=True, kw_only=True)
class RetryPolicy:
    """How often a kind is tried: ``max_attempts`` runs in all (a lost worker or an unavailable
    upstream uses one up); ``delay_s`` before the second, doubling after each."""

    max_attempts: int = 3
    delay_s: float = 5.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise InvalidQuantity("max_attempts must be >= 1", field="max_attempts")
        if self.delay_s < 0:
            raise InvalidQuantity("delay_s must be >= 0", field="delay_s")

    def delay_after(self, attempt: int) -> float:
        """Seconds to wait before the run after run number ``attempt`` (1-based)."""
        return self.delay_s * 2.0 ** max(attempt - 1, 0)


@dataclass(frozen=True, slots=True, kw_only=True)
class JobKind:
    """One kind of background job: name, parameter check, handler, time limit, retry policy."""

    name: str
    handler: JobHandler
    validate: ParamsValidator = _as_dict
    time_limit_s: float = 3600.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    description: str = ""


class JobRegistry(Mapping[str, JobKind]):
    """The job kinds a deployment knows, by name; a name registered twice is refused."""

    def __init__(self, kinds: Iterable[JobKind]) -> None:
        self._kinds: dict[str, JobKind] = {}
        for kind in kinds:
            if kind.name in self._kinds:
                raise ValueError(f"job kind registered twice: {kind.name!r}")
            self._kinds[kind.name] = kind

    def __getitem__(self, name: str) -> JobKind:
        return self._kinds[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._kinds)

    def __len__(self) -> int:
        return len(self._kinds)

    @property
    def max_time_limit_s(self) -> float:
        return max((k.time_limit_s for k in self._kinds.values()), default=3600.0)


@dataclass(frozen=True, slots=True, kw_only=True)
class LeasePolicy:
    """``lease_s``: how long a worker holds a job without renewing; renewed every ``heartbeat_s``
    (default a third of the lease); an outcome that cannot be written (database down) is retried
    for ``outcome_retry_s``."""

    lease_s: float = 30.0
    heartbeat_s: float | None = None
    outcome_retry_s: float = 120.0

    @property
    def interval_s(self) -> float:
        return self.heartbeat_s if self.heartbeat_s is not None else self.lease_s / 3.0


@dataclass(frozen=True, slots=True, kw_only=True)
class SubmitJobCommand:
    kind: str
    params: dict[str, Any] = field(default_factory=dict)


class SubmitJob:
    """Record a queued job, then hand its id to the task queue.

    Rules: the kind must be registered and its parameters valid (an :class:`InvalidQuantity`
    naming the field otherwise, and nothing is stored); the job is stored (committed) before it is
    enqueued, so a worker never sees an id it cannot load; when the queue cannot take it the job
    is marked failed (compensation) and the queue's :class:`UpstreamUnavailable` is raised, so no
    row is left ``queued`` with nobody to run it.
    """

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        queue: TaskQueue,
        clock: Clock,
        ids: IdGenerator,
        registry: Mapping[str, JobKind],
    ) -> None:
        self._uow_factory = uow_factory
        self._queue = queue
        self._clock = clock
        self._ids = ids
        self._registry = registry

    def execute(self, command: SubmitJobCommand) -> Job:
        kind = self._registry.get(command.kind)
        if kind is None:
            raise InvalidQuantity(f"unknown job kind {command.kind!r}", field="kind")
        params = kind.validate(command.params)
        now = self._clock.now()
        job = Job(id=self._ids.new_id(), kind=command.kind, params=params, created_at=now, updated_at=now,
                  max_attempts=kind.retry.max_attempts, time_limit_s=kind.time_limit_s)
        with self._uow_factory() as uow:
            uow.jobs.add(job)
            uow.commit()
        try:
            self._queue.enqueue(job.id)
        except UpstreamUnavailable as exc:
            self._compensate(job, exc)
            raise
        return job

    def _compensate(self, job: Job, exc: UpstreamUnavailable) -> None:
        failed = job.failed(f"not queued: {exc.message}", self._clock.now())
        try:
            with self._uow_factory() as uow:
                uow.jobs.swap(job, failed)
                uow.commit()
        except UpstreamUnavailable:
            pass  # the database is down too: the original error is what the caller must see


class GetJob:
    """A job by id; :class:`NotFound` when unknown."""

    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self._uow_factory = uow_factory

    def execute(self, job_id: str) -> Job:
        with self._uow_factory() as uow:
            job = uow.jobs.get(job_id)
        if job is None:
            raise NotFound(f"job {job_id!r} not found", field="job_id")
        return job


class _Lease:
    """The runner's hold on one job: renews it on a thread, enforces the time limit, and writes
    the outcome with the same compare-and-set, so nothing is written once the hold is lost."""

    def __init__(self, runner: RunJob, job: Job) -> None:
        self.current: Job | None = job
        self._runner = runner
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"lease-{job.id}", daemon=True)

    def __enter__(self) -> _Lease:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _beat(self) -> None:
        r = self._runner
        while not self._stop.wait(r.lease.interval_s):
            with self._lock:
                held = self.current
                if held is None:
                    return
                now = r.clock.now()
                if held.over_time_limit(now):
                    new = held.failed(f"time limit of {held.time_limit_s:g} s exceeded", now)
                else:
                    new = held.renewed(now, r.lease.lease_s)
                try:
                    won = r.swap(held, new)
                except UpstreamUnavailable:
                    continue  # database down: try again next beat (the lease may lapse meanwhile)
                self.current = new if won and new.state is JobState.RUNNING else None
                if self.current is None:
                    return

    def record(self, outcome: Callable[[Job], Job]) -> Job | None:
        """Write ``outcome(held job)``; retried while the database is unavailable; ``None`` when the
        hold was lost (time limit, or the reaper took the job back)."""
        r = self._runner
        waited, delay = 0.0, 0.5
        while True:
            with self._lock:
                held = self.current
                if held is None:
                    return None
                new = outcome(held)
                try:
                    won = r.swap(held, new)
                except UpstreamUnavailable:
                    if waited + delay > r.lease.outcome_retry_s:
                        raise
                else:
                    self.current = None
                    return new if won else None
            r.sleep(delay)
            waited += delay
            delay = min(delay * 2.0, 10.0)


class RunJob:
    """Execute a stored job with the handler of its kind and record the outcome.

    Rules: the job goes queued -> running -> succeeded | failed, or back to queued for another
    attempt. The runner claims the job with a lease (compare-and-set: of two workers handed the
    same id, one runs it) and renews the lease while the handler runs. A job that finished, or
    that a live worker holds, is left alone (redelivery is harmless). A domain error fails the job
    with its message; an unavailable upstream (or database) inside the handler, or a lost worker,
    uses up an attempt and the job is queued again while attempts remain; any other exception fails
    it with its type. A run past the kind's time limit is failed and its late outcome discarded.
    The outcome write is retried while the database is unavailable.

    Returns the job as stored afterwards: ``queued`` means "run me again after
    :meth:`retry_delay_s`" (the caller's queue does that).
    """

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        registry: Mapping[str, JobKind],
        clock: Clock,
        *,
        lease: LeasePolicy | None = None,
        owner: str = "worker",
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._uow_factory = uow_factory
        self._registry = registry
        self.clock = clock
        self.lease = lease or LeasePolicy()
        self.owner = owner
        self.sleep = sleep

    def swap(self, expected: Job, new: Job) -> bool:
        with self._uow_factory() as uow:
            won = uow.jobs.swap(expected, new)
            uow.commit()
        return won

    def _load(self, job_id: str) -> Job:
        with self._uow_factory() as uow:
            job = uow.jobs.get(job_id)
        if job is None:
            raise NotFound(f"job {job_id!r} not found", field="job_id")
        return job

    def retry_delay_s(self, job: Job) -> float:
        kind = self._registry.get(job.kind)
        return (kind.retry if kind else RetryPolicy()).delay_after(job.attempt)

    def execute(self, job_id: str) -> Job:
        job = self._load(job_id)
        now = self.clock.now()
        if not job.claimable(now):
            return job
        kind = self._registry.get(job.kind)
        if kind is None:
            return self._settle(job, job.failed(f"no handler for job kind {job.kind!r}", now))
        if job.state is JobState.RUNNING and not job.attempts_left:
            return self._settle(job, job.failed(_lost(job, now), now))
        claimed = job.claimed(self.owner, now, self.lease.lease_s)
        if not self.swap(job, claimed):
            return self._load(job_id)  # another worker claimed it first
        with _Lease(self, claimed) as lease:
            outcome = self._run(kind, claimed)
            recorded = lease.record(outcome)
        return recorded if recorded is not None else self._load(job_id)

    def _run(self, kind: JobKind, job: Job) -> Callable[[Job], Job]:
        try:
            result = kind.handler(dict(job.params))
        except UpstreamUnavailable as exc:
            message = exc.message
            return lambda held: _retry_or_fail(held, message, self.clock.now())
        except DomainError as exc:
            message = exc.message
            return lambda held: held.failed(message, self.clock.now())
        except Exception as exc:  # a crash: final, with its type (the worker logs it)
            message = f"{type(exc).__name__}: {exc}"
            return lambda held: held.failed(message, self.clock.now())
        return lambda held: held.succeeded(result, self.clock.now())

    def _settle(self, job: Job, new: Job) -> Job:
        return new if self.swap(job, new) else self._load(job.id)


def _lost(job: Job, now: datetime) -> str:
    if job.lease_expires_at is None:
        expiry = "never leased"
    else:
        expiry = f"lease expired {(now - job.lease_expires_at).total_seconds():.0f} s ago"
    return f"worker {job.lease_owner or '?'} lost ({expiry}) on attempt {job.attempt} of {job.max_attempts}"


def _retry_or_fail(job: Job, message: str, now: datetime) -> Job:
    if job.attempts_left:
        return job.requeued(f"attempt {job.attempt} of {job.max_attempts}: {message}", now)
    return job.failed(f"{message} (after {job.attempt} attempts)", now)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReapReport:
    requeued: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()


class ReapJobs:
    """Take back jobs whose worker died: a running job whose lease lapsed is queued again (and
    handed to the queue) while it has attempts left, else failed naming the lost worker.

    Rules: one compare-and-set per job, so a worker that renews in the meantime keeps its job;
    when the queue cannot take a requeued job it is put back as it was, for the next pass.
    """

    def __init__(self, uow_factory: UnitOfWorkFactory, queue: TaskQueue, clock: Clock,
                 registry: Mapping[str, JobKind] | None = None) -> None:
        self._uow_factory = uow_factory
        self._queue = queue
        self._clock = clock
        self._registry = registry or {}

    def _swap(self, expected: Job, new: Job) -> bool:
        with self._uow_factory() as uow:
            won = uow.jobs.swap(expected, new)
            uow.commit()
        return won

    def execute(self, *, limit: int = 100) -> ReapReport:
        now = self._clock.now()
        with self._uow_factory() as uow:
            lapsed = list(uow.jobs.lapsed(now, limit=limit))
        requeued: list[str] = []
        failed: list[str] = []
        for job in lapsed:
            reason = _lost(job, now)
            if not job.attempts_left:
                if self._swap(job, job.failed(reason, now)):
                    failed.append(job.id)
                continue
            again = job.requeued(reason, now)
            if not self._swap(job, again):
                continue
            try:  # at once: the backoff of a retry policy is for failing upstreams, not lost workers
                self._queue.enqueue(job.id, attempt=job.attempt)
            except UpstreamUnavailable:
                self._swap(again, job)  # not handed over: leave it lapsed for the next pass
                continue
            requeued.append(job.id)
        return ReapReport(requeued=tuple(requeued), failed=tuple(failed))
