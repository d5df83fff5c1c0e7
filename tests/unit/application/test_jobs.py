"""SubmitJob / RunJob / GetJob / ReapJobs: the job state machine, leases, retries and compensation."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from astrobio.adapters.memory.repositories import InMemoryDatabase, InMemoryUnitOfWork
from astrobio.application.ports.clock import SystemClock
from astrobio.application.use_cases.jobs import (
    GetJob,
    JobKind,
    JobRegistry,
    LeasePolicy,
    ReapJobs,
    RetryPolicy,
    RunJob,
    SubmitJob,
    SubmitJobCommand,
)
from astrobio.domain.errors import CatalogUnreadable, InvalidQuantity, NotFound, UpstreamUnavailable
from astrobio.domain.job import Job, JobState

from .fakes import CountingIds, ListQueue, StepClock


def registry(handler: Any, **kw: Any) -> JobRegistry:
    return JobRegistry([JobKind(name="work", handler=handler, **kw)])


def setup(handler: Any, **kw: Any) -> tuple[SubmitJob, RunJob, GetJob, ListQueue]:
    db = InMemoryDatabase()
    clock, queue = StepClock(), ListQueue()

    def uow() -> InMemoryUnitOfWork:
        return InMemoryUnitOfWork(db)

    kinds = registry(handler, **kw)
    submit = SubmitJob(uow, queue, clock, CountingIds(), kinds)
    return submit, RunJob(uow, kinds, clock, sleep=lambda s: None), GetJob(uow), queue


def test_job_is_stored_before_it_is_enqueued_then_runs_to_success() -> None:
    submit, run, get, queue = setup(lambda params: {"echo": params["x"]})
    job = submit.execute(SubmitJobCommand(kind="work", params={"x": 1}))
    assert queue.ids == [job.id] and get.execute(job.id).state is JobState.QUEUED
    done = run.execute(job.id)
    assert done.state is JobState.SUCCEEDED and done.result == {"echo": 1}
    assert get.execute(job.id) == done and done.updated_at > done.created_at
    assert (done.attempt, done.lease_owner, done.lease_expires_at) == (1, None, None)


def test_domain_error_fails_the_job_with_its_message() -> None:
    def boom(params: dict[str, Any]) -> dict[str, Any]:
        raise CatalogUnreadable("file truncated at line 12")

    submit, run, get, _ = setup(boom)
    job = submit.execute(SubmitJobCommand(kind="work"))
    assert run.execute(job.id).state is JobState.FAILED
    assert get.execute(job.id).error == "file truncated at line 12"


def test_unexpected_error_fails_the_job_with_its_type() -> None:
    def crash(params: dict[str, Any]) -> dict[str, Any]:
        raise RuntimeError("disk on fire")

    submit, run, get, _ = setup(crash)
    job = submit.execute(SubmitJobCommand(kind="work"))
    assert run.execute(job.id).state is JobState.FAILED
    assert "RuntimeError: disk on fire" in (get.execute(job.id).error or "")


def test_redelivered_finished_job_is_not_rerun() -> None:
    calls: list[int] = []
    submit, run, _, _ = setup(lambda p: calls.append(1) or {})
    job = submit.execute(SubmitJobCommand(kind="work"))
    run.execute(job.id)
    run.execute(job.id)
    assert calls == [1]


def test_unknown_kind_and_unknown_id_are_rejected() -> None:
    submit, run, get, _ = setup(lambda p: {})
    with pytest.raises(InvalidQuantity) as err:
        submit.execute(SubmitJobCommand(kind="nope"))
    assert err.value.field == "kind"
    with pytest.raises(NotFound):
        get.execute("missing")
    with pytest.raises(NotFound):
        run.execute("missing")


def test_bad_params_are_refused_at_submit_naming_the_field_and_nothing_is_stored() -> None:
    def check(params: Any) -> dict[str, Any]:
        if not isinstance(params.get("n"), int):
            raise InvalidQuantity("n must be an integer", field="n")
        return dict(params)

    submit, _, get, queue = setup(lambda p: {}, validate=check)
    with pytest.raises(InvalidQuantity) as err:
        submit.execute(SubmitJobCommand(kind="work", params={"n": "five"}))
    assert err.value.field == "n" and queue.ids == []
    with pytest.raises(NotFound):
        get.execute("job-1")


def test_a_job_gets_its_kinds_time_limit_and_attempts() -> None:
    submit, *_ = setup(lambda p: {}, time_limit_s=90.0, retry=RetryPolicy(max_attempts=4))
    job = submit.execute(SubmitJobCommand(kind="work"))
    assert (job.time_limit_s, job.max_attempts, job.attempt) == (90.0, 4, 0)


class DownQueue(ListQueue):
    def enqueue(self, job_id: str, *, attempt: int = 0, defer_s: float = 0.0) -> None:
        raise UpstreamUnavailable("redis", "connection refused")


def test_a_job_the_queue_cannot_take_is_failed_not_left_queued() -> None:
    db = InMemoryDatabase()
    submit = SubmitJob(lambda: InMemoryUnitOfWork(db), DownQueue(), StepClock(), CountingIds(),
                       registry(lambda p: {}))
    with pytest.raises(UpstreamUnavailable):
        submit.execute(SubmitJobCommand(kind="work"))
    (job,) = db.jobs.values()
    assert job.state is JobState.FAILED
    assert job.error == "not queued: upstream service 'redis' unavailable: connection refused"


def test_an_unavailable_upstream_uses_an_attempt_and_requeues_until_attempts_are_spent() -> None:
    def flaky(params: dict[str, Any]) -> dict[str, Any]:
        raise UpstreamUnavailable("kegg", "503")

    submit, run, _, _ = setup(flaky, retry=RetryPolicy(max_attempts=2, delay_s=3.0))
    job = submit.execute(SubmitJobCommand(kind="work"))
    first = run.execute(job.id)
    assert first.state is JobState.QUEUED and first.attempt == 1
    assert run.retry_delay_s(first) == 3.0
    second = run.execute(job.id)
    assert second.state is JobState.FAILED and second.attempt == 2
    assert "after 2 attempts" in (second.error or "")


def _lapsed(db: InMemoryDatabase, job_id: str, *, attempt: int = 1) -> Job:
    """The job as a worker that claimed it and then died leaves it."""
    gone = datetime(2025, 12, 31, tzinfo=UTC)
    db.jobs[job_id] = replace(db.jobs[job_id], state=JobState.RUNNING, attempt=attempt, lease_owner="dead:1",
                              lease_expires_at=gone, started_at=gone)
    return db.jobs[job_id]


def test_a_job_leased_by_a_live_worker_is_left_alone() -> None:
    calls: list[int] = []
    now = datetime(2026, 1, 1, tzinfo=UTC)
    live = Job(id="j", kind="work", state=JobState.RUNNING, attempt=1, lease_owner="other:2",
               lease_expires_at=datetime(2030, 1, 1, tzinfo=UTC), created_at=now, updated_at=now)
    db = InMemoryDatabase()
    db.jobs[live.id] = live
    runner = RunJob(lambda: InMemoryUnitOfWork(db), registry(lambda p: calls.append(1) or {}),  # type: ignore[func-returns-value]
                    StepClock())
    assert runner.execute(live.id) == live and calls == []


def test_the_reaper_requeues_a_dead_workers_job_and_fails_it_when_attempts_are_spent() -> None:
    db = InMemoryDatabase()
    queue = ListQueue()
    uow = lambda: InMemoryUnitOfWork(db)  # noqa: E731
    kinds = registry(lambda p: {"ok": True}, retry=RetryPolicy(max_attempts=2))
    submit = SubmitJob(uow, queue, StepClock(), CountingIds(), kinds)
    reap = ReapJobs(uow, queue, StepClock(), kinds)
    job = submit.execute(SubmitJobCommand(kind="work"))
    _lapsed(db, job.id, attempt=1)
    report = reap.execute()
    assert report.requeued == (job.id,) and queue.ids == [job.id, job.id]
    again = db.jobs[job.id]
    assert again.state is JobState.QUEUED and "worker dead:1 lost" in (again.error or "")
    # It runs to success on the next delivery (attempt 2).
    done = RunJob(uow, kinds, StepClock()).execute(job.id)
    assert done.state is JobState.SUCCEEDED and done.attempt == 2
    # A second death on the last attempt fails it.
    other = submit.execute(SubmitJobCommand(kind="work"))
    _lapsed(db, other.id, attempt=2)
    assert reap.execute().failed == (other.id,)
    assert db.jobs[other.id].state is JobState.FAILED


def test_a_runner_redelivered_a_dead_workers_job_claims_it_again() -> None:
    submit, run, _, _ = setup(lambda p: {"ok": 1})
    job = submit.execute(SubmitJobCommand(kind="work"))
    db = run._uow_factory()._db  # type: ignore[attr-defined]
    _lapsed(db, job.id)
    done = run.execute(job.id)
    assert done.state is JobState.SUCCEEDED and done.attempt == 2


def _submit(uow: Any, kinds: JobRegistry) -> Job:
    submit = SubmitJob(uow, ListQueue(), SystemClock(), CountingIds(), kinds)
    return submit.execute(SubmitJobCommand(kind="work"))


def test_the_lease_is_renewed_while_the_handler_runs() -> None:
    db = InMemoryDatabase()
    seen: list[Job] = []

    def slow(params: dict[str, Any]) -> dict[str, Any]:
        time.sleep(0.5)
        seen.append(db.jobs[next(iter(db.jobs))])
        return {}

    uow = lambda: InMemoryUnitOfWork(db)  # noqa: E731
    kinds = registry(slow)
    job = _submit(uow, kinds)
    runner = RunJob(uow, kinds, SystemClock(), lease=LeasePolicy(lease_s=0.3, heartbeat_s=0.05))
    assert runner.execute(job.id).state is JobState.SUCCEEDED
    (mid,) = seen
    assert mid.lease_expires_at is not None and mid.started_at is not None
    assert mid.lease_expires_at - mid.started_at > timedelta(seconds=0.5)  # renewed past the first 0.3 s


def test_a_run_past_its_time_limit_is_failed_and_its_late_result_discarded() -> None:
    db = InMemoryDatabase()
    uow = lambda: InMemoryUnitOfWork(db)  # noqa: E731
    kinds = registry(lambda p: time.sleep(0.6) or {"late": True}, time_limit_s=0.2)
    job = _submit(uow, kinds)
    runner = RunJob(uow, kinds, SystemClock(), lease=LeasePolicy(lease_s=5.0, heartbeat_s=0.05))
    done = runner.execute(job.id)
    assert done.state is JobState.FAILED and done.result is None
    assert done.error == "time limit of 0.2 s exceeded"


class OutageSwitch:
    """A unit-of-work factory whose database is down while ``down`` is set."""

    def __init__(self, db: InMemoryDatabase) -> None:
        self.db = db
        self.down = threading.Event()

    def __call__(self) -> InMemoryUnitOfWork:
        if self.down.is_set():
            raise UpstreamUnavailable("database", "connection refused")
        return InMemoryUnitOfWork(self.db)


def test_the_outcome_is_written_once_the_database_is_back() -> None:
    db = InMemoryDatabase()
    uow = OutageSwitch(db)

    def work(params: dict[str, Any]) -> dict[str, Any]:
        uow.down.set()  # the database goes away while the job runs ...
        threading.Timer(0.3, uow.down.clear).start()  # ... and comes back 0.3 s later
        return {"ok": 1}

    kinds = registry(work)
    job = _submit(uow, kinds)
    runner = RunJob(uow, kinds, SystemClock(), lease=LeasePolicy(lease_s=30.0, outcome_retry_s=60.0),
                    sleep=lambda s: time.sleep(s / 10))
    done = runner.execute(job.id)
    assert done.state is JobState.SUCCEEDED and db.jobs[job.id].state is JobState.SUCCEEDED
