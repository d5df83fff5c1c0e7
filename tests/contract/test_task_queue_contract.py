"""TaskQueue contract: the in-process queue and arq on Redis deliver the same way.

A delivery is observed through a probe per adapter: the in-process runner's calls, or the job
arq stored in Redis (its function, argument and scheduled time). The arq cases need Redis
(database 15); they skip without it unless ``ASTROBIO_REQUIRE_SERVICES=1``.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import pytest

from astrobio.adapters.queue.arq_queue import RUN_JOB_FUNCTION, ArqTaskQueue
from astrobio.adapters.queue.in_process import InProcessTaskQueue
from astrobio.application.ports.queue import TaskQueue
from astrobio.domain.errors import UpstreamUnavailable
from astrobio.domain.job import Job, JobState

REDIS_URL = os.environ.get("ASTROBIO_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


class Probe(Protocol):
    @property
    def queue(self) -> TaskQueue: ...

    def deliveries(self) -> list[tuple[str, float]]:
        """(job id, seconds from now until it may run) of every delivery so far."""
        ...


@dataclass
class InProcessProbe:
    seen: list[tuple[str, float]] = field(default_factory=list)
    t0: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        def runner(job_id: str) -> Job:
            self.seen.append((job_id, time.monotonic() - self.t0))
            now = datetime.now(UTC)
            return Job(id=job_id, kind="k", state=JobState.SUCCEEDED, created_at=now, updated_at=now)

        self.queue = InProcessTaskQueue(runner, max_workers=2)

    def deliveries(self) -> list[tuple[str, float]]:
        self.queue.drain(timeout_s=10)
        return [(job_id, ran_at) for job_id, ran_at in self.seen]


@dataclass
class ArqProbe:
    queue_name: str

    def __post_init__(self) -> None:
        self.queue = ArqTaskQueue(REDIS_URL, self.queue_name)

    def deliveries(self) -> list[tuple[str, float]]:
        async def read() -> list[tuple[str, float]]:
            from arq import create_pool
            from arq.connections import RedisSettings

            pool = await create_pool(RedisSettings.from_dsn(REDIS_URL), default_queue_name=self.queue_name)
            try:
                out = []
                now_ms = time.time() * 1000
                for job in await pool.queued_jobs(queue_name=self.queue_name):
                    assert job.function == RUN_JOB_FUNCTION
                    score = await pool.zscore(self.queue_name, job.job_id or "")
                    out.append((str(job.args[0]), max(((score or now_ms) - now_ms) / 1000, 0.0)))
                await pool.delete(self.queue_name)
                return sorted(out, key=lambda d: d[1])
            finally:
                await pool.aclose()

        return asyncio.run(read())


@pytest.fixture(params=["in_process", pytest.param("arq", marks=pytest.mark.integration)])
def probe(request: pytest.FixtureRequest) -> Iterator[Probe]:
    if request.param == "in_process":
        p = InProcessProbe()
        yield p
        p.queue.shutdown()
        return
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except (redis.RedisError, OSError) as exc:
        if os.environ.get("ASTROBIO_REQUIRE_SERVICES") == "1":
            pytest.fail(f"Redis not reachable at {REDIS_URL}: {exc}")
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {exc}")
    yield ArqProbe(queue_name=f"astrobio:contract:{uuid.uuid4().hex}")


def _id() -> str:
    return uuid.uuid4().hex  # arq remembers job ids (and results) for a while: fresh ones per test


def test_an_enqueued_job_is_delivered(probe: Probe) -> None:
    job = _id()
    probe.queue.enqueue(job)
    assert [d[0] for d in probe.deliveries()] == [job]


def test_a_later_attempt_is_a_new_delivery_not_a_duplicate(probe: Probe) -> None:
    job = _id()
    probe.queue.enqueue(job)
    probe.queue.enqueue(job, attempt=1)
    assert [d[0] for d in probe.deliveries()] == [job, job]


def test_a_deferred_delivery_waits(probe: Probe) -> None:
    later, now = _id(), _id()
    probe.queue.enqueue(later, defer_s=0.6)
    probe.queue.enqueue(now)
    (first, _), (second, wait_s) = probe.deliveries()
    assert (first, second) == (now, later)
    assert wait_s >= 0.3  # arq: still scheduled ahead; in-process: ran after the delay


def test_drain_returns(probe: Probe) -> None:
    probe.queue.drain(timeout_s=1)


def test_an_unreachable_broker_is_upstream_unavailable() -> None:
    queue = ArqTaskQueue("redis://127.0.0.1:1/0", "astrobio:nowhere")
    started = time.monotonic()
    with pytest.raises(UpstreamUnavailable) as err:
        queue.enqueue("job-1")
    assert err.value.service == "redis"
    assert time.monotonic() - started < 10  # a submit does not hang on a dead broker


def test_the_in_process_reaper_runs_periodically() -> None:
    calls = threading.Event()
    q = InProcessTaskQueue(lambda job_id: Any)  # type: ignore[arg-type,return-value]
    q.start_reaper(calls.set, 0.05, now=True)
    assert calls.wait(2)
    q.shutdown()
