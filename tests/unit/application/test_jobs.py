"""SubmitJob / RunJob / GetJob state machine."""

from __future__ import annotations

from typing import Any

import pytest

from astrobio.adapters.memory.repositories import InMemoryDatabase, InMemoryUnitOfWork
from astrobio.application.use_cases.jobs import GetJob, RunJob, SubmitJob, SubmitJobCommand
from astrobio.domain.errors import CatalogUnreadable, InvalidQuantity, NotFound
from astrobio.domain.job import JobState

from .fakes import CountingIds, ListQueue, StepClock


def setup(handler: Any) -> tuple[SubmitJob, RunJob, GetJob, ListQueue]:
    db = InMemoryDatabase()
    clock, queue = StepClock(), ListQueue()

    def uow() -> InMemoryUnitOfWork:
        return InMemoryUnitOfWork(db)

    submit = SubmitJob(uow, queue, clock, CountingIds(), frozenset({"work"}))
    return submit, RunJob(uow, {"work": handler}, clock), GetJob(uow), queue


def test_job_is_stored_before_it_is_enqueued_then_runs_to_success() -> None:
    submit, run, get, queue = setup(lambda params: {"echo": params["x"]})
    job = submit.execute(SubmitJobCommand(kind="work", params={"x": 1}))
    assert queue.ids == [job.id] and get.execute(job.id).state is JobState.QUEUED
    done = run.execute(job.id)
    assert done.state is JobState.SUCCEEDED and done.result == {"echo": 1}
    assert get.execute(job.id) == done and done.updated_at > done.created_at


def test_domain_error_fails_the_job_with_its_message() -> None:
    def boom(params: dict[str, Any]) -> dict[str, Any]:
        raise CatalogUnreadable("file truncated at line 12")

    submit, run, get, _ = setup(boom)
    job = submit.execute(SubmitJobCommand(kind="work"))
    assert run.execute(job.id).state is JobState.FAILED
    assert get.execute(job.id).error == "file truncated at line 12"


def test_unexpected_error_fails_the_job_and_propagates() -> None:
    def crash(params: dict[str, Any]) -> dict[str, Any]:
        raise RuntimeError("disk on fire")

    submit, run, get, _ = setup(crash)
    job = submit.execute(SubmitJobCommand(kind="work"))
    with pytest.raises(RuntimeError):
        run.execute(job.id)
    assert get.execute(job.id).state is JobState.FAILED
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
    with pytest.raises(InvalidQuantity):
        submit.execute(SubmitJobCommand(kind="nope"))
    with pytest.raises(NotFound):
        get.execute("missing")
    with pytest.raises(NotFound):
        run.execute("missing")
