"""JobRepository contract (leases): in-memory fake, SQLite and PostgreSQL behave alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from astrobio.application.ports.unit_of_work import UnitOfWorkFactory
from astrobio.domain.job import Job, JobState

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _job(job_id: str = "j1") -> Job:
    return Job(id=job_id, kind="work", params={"x": 1}, created_at=T0, updated_at=T0, max_attempts=3,
               time_limit_s=60.0)


def _store(uow_factory: UnitOfWorkFactory, job: Job) -> None:
    with uow_factory() as uow:
        uow.jobs.add(job)
        uow.commit()


def _swap(uow_factory: UnitOfWorkFactory, old: Job, new: Job) -> bool:
    with uow_factory() as uow:
        won = uow.jobs.swap(old, new)
        uow.commit()
    return won


def test_lease_fields_round_trip(uow_factory: UnitOfWorkFactory) -> None:
    claimed = _job().claimed("host:1", T0, 30.0)
    _store(uow_factory, claimed)
    with uow_factory() as uow:
        got = uow.jobs.get("j1")
    assert got == claimed
    assert got is not None and got.lease_expires_at == T0 + timedelta(seconds=30)


def test_only_one_of_two_claims_of_the_same_job_wins(uow_factory: UnitOfWorkFactory) -> None:
    queued = _job()
    _store(uow_factory, queued)
    assert _swap(uow_factory, queued, queued.claimed("a:1", T0, 30.0))
    assert not _swap(uow_factory, queued, queued.claimed("b:2", T0, 30.0))
    with uow_factory() as uow:
        got = uow.jobs.get("j1")
    assert got is not None and (got.lease_owner, got.attempt, got.state) == ("a:1", 1, JobState.RUNNING)


def test_a_swap_is_not_visible_before_commit_and_lost_on_rollback(uow_factory: UnitOfWorkFactory) -> None:
    queued = _job()
    _store(uow_factory, queued)
    with uow_factory() as uow:
        assert uow.jobs.swap(queued, queued.claimed("a:1", T0, 30.0))
    with uow_factory() as uow:
        got = uow.jobs.get("j1")
    assert got == queued


def test_renewal_keeps_the_owner_and_the_claim_check(uow_factory: UnitOfWorkFactory) -> None:
    queued = _job()
    _store(uow_factory, queued)
    held = queued.claimed("a:1", T0, 30.0)
    assert _swap(uow_factory, queued, held)
    renewed = held.renewed(T0 + timedelta(seconds=10), 30.0)
    assert _swap(uow_factory, held, renewed)
    # The outcome is compared on state, attempt and owner, not on the lease expiry.
    done = held.succeeded({"ok": True}, T0 + timedelta(seconds=20))
    assert _swap(uow_factory, held, done)
    with uow_factory() as uow:
        got = uow.jobs.get("j1")
    assert got is not None and got.state is JobState.SUCCEEDED and got.lease_owner is None


def test_lapsed_lists_running_jobs_whose_lease_expired_oldest_first(uow_factory: UnitOfWorkFactory) -> None:
    a = _job("a").claimed("w:1", T0, 10.0)
    b = _job("b").claimed("w:2", T0 + timedelta(seconds=1), 100.0)
    c = _job("c")
    old = Job(id="d", kind="work", state=JobState.RUNNING, created_at=T0,
              updated_at=T0 - timedelta(seconds=5))
    for job in (a, b, c, old):
        _store(uow_factory, job)
    with uow_factory() as uow:
        lapsed = uow.jobs.lapsed(T0 + timedelta(seconds=11))
    # "d" holds no lease at all (left running before leases existed): lapsed too.
    assert [j.id for j in lapsed] == ["d", "a"]
    with uow_factory() as uow:
        assert [j.id for j in uow.jobs.lapsed(T0 + timedelta(seconds=11), limit=1)] == ["d"]
