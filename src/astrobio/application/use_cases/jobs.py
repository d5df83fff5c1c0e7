"""Background jobs: SubmitJob, GetJob and RunJob (what a worker executes)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from astrobio.application.ports.clock import Clock, IdGenerator
from astrobio.application.ports.queue import TaskQueue
from astrobio.application.ports.unit_of_work import UnitOfWorkFactory
from astrobio.domain.errors import DomainError, InvalidQuantity, NotFound
from astrobio.domain.job import Job

JobHandler = Callable[[dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True, slots=True, kw_only=True)
class SubmitJobCommand:
    kind: str
    params: dict[str, Any] = field(default_factory=dict)


class SubmitJob:
    """Record a queued job, then hand its id to the task queue.

    Rules: the kind must be one the workers know; the job is stored (committed) before
    it is enqueued, so a worker never sees an id it cannot load.
    """

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        queue: TaskQueue,
        clock: Clock,
        ids: IdGenerator,
        known_kinds: frozenset[str],
    ) -> None:
        self._uow_factory = uow_factory
        self._queue = queue
        self._clock = clock
        self._ids = ids
        self._known = known_kinds

    def execute(self, command: SubmitJobCommand) -> Job:
        if command.kind not in self._known:
            raise InvalidQuantity(f"unknown job kind {command.kind!r}", field="kind")
        now = self._clock.now()
        job = Job(id=self._ids.new_id(), kind=command.kind, params=dict(command.params),
                  created_at=now, updated_at=now)
        with self._uow_factory() as uow:
            uow.jobs.add(job)
            uow.commit()
        self._queue.enqueue(job.id)
        return job


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


class RunJob:
    """Execute a stored job with the handler for its kind and record the outcome.

    Rules: the job goes queued -> running -> succeeded | failed; a domain error (bad
    input, unreadable source, upstream down) fails the job with its message; any other
    exception fails it too (with its type) and is re-raised so the worker can log it.
    A job that already finished is not run again (idempotent redelivery).
    """

    def __init__(
        self, uow_factory: UnitOfWorkFactory, handlers: Mapping[str, JobHandler], clock: Clock
    ) -> None:
        self._uow_factory = uow_factory
        self._handlers = handlers
        self._clock = clock

    def _save(self, job: Job) -> None:
        with self._uow_factory() as uow:
            uow.jobs.add(job)
            uow.commit()

    def execute(self, job_id: str) -> Job:
        with self._uow_factory() as uow:
            job = uow.jobs.get(job_id)
        if job is None:
            raise NotFound(f"job {job_id!r} not found", field="job_id")
        if job.finished:
            return job
        handler = self._handlers.get(job.kind)
        if handler is None:
            failed = job.failed(f"no handler for job kind {job.kind!r}", self._clock.now())
            self._save(failed)
            return failed
        running = job.started(self._clock.now())
        self._save(running)
        try:
            result = handler(dict(job.params))
        except DomainError as exc:
            failed = running.failed(exc.message, self._clock.now())
            self._save(failed)
            return failed
        except Exception as exc:
            self._save(running.failed(f"{type(exc).__name__}: {exc}", self._clock.now()))
            raise
        done = running.succeeded(result, self._clock.now())
        self._save(done)
        return done
