"""A real arq worker (subprocess) on a real Redis, over a real SQLite file database.

Redis is expected at redis://127.0.0.1:6379 (database 15, a fresh queue name per test;
override with ASTROBIO_TEST_REDIS_URL).
Without it these tests skip, unless ASTROBIO_REQUIRE_SERVICES=1 (CI), where they fail.
The worker's error map (retry / no retry) is also tested in-process, without Redis.
"""

from __future__ import annotations

import asyncio
import csv
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from arq import Retry
from dependency_injector import providers

from astrobio.adapters.memory.repositories import InMemoryDatabase, InMemoryUnitOfWork
from astrobio.adapters.queue.arq_queue import RUN_JOB_FUNCTION as PRODUCER_FUNCTION_NAME
from astrobio.application.use_cases.jobs import SubmitJobCommand
from astrobio.bootstrap.container import INGEST_CATALOG_JOB, Container, build_container
from astrobio.bootstrap.database import upgrade_database
from astrobio.bootstrap.settings import Settings
from astrobio.domain.errors import InvalidQuantity, UpstreamUnavailable
from astrobio.domain.job import Job, JobState
from astrobio.entrypoints import worker

pytestmark = pytest.mark.integration

REDIS_URL = os.environ.get("ASTROBIO_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
# The project's bundled copy of the archive snapshot (from ../shared/data/exoplanet_archive).
ARCHIVE_CSV = Settings().catalog_path
# Well-characterised transiting planets: every field the ingestion needs is present.
PLANETS = [
    "TRAPPIST-1 b", "TRAPPIST-1 c", "TRAPPIST-1 d", "TRAPPIST-1 e", "TRAPPIST-1 f",
    "TRAPPIST-1 g", "TRAPPIST-1 h", "LHS 1140 b", "K2-18 b", "Kepler-442 b",
]
JOB_TIMEOUT_S = 60.0


# --- fixtures -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def redis_url() -> str:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except (redis.RedisError, OSError) as exc:
        message = f"Redis not reachable at {REDIS_URL}: {exc}"
        if os.environ.get("ASTROBIO_REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return REDIS_URL


@pytest.fixture
def settings(tmp_path: Path, redis_url: str) -> Settings:
    s = Settings(
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'astrobio.sqlite3'}",
        redis_url=redis_url,
        queue_name=f"astrobio:test:{uuid.uuid4().hex}",
        log_json=True,
    )
    upgrade_database(s)
    return s


@pytest.fixture
def catalog_csv(tmp_path: Path) -> Path:
    """A PSCompPars-format export holding the archive's rows for :data:`PLANETS`."""
    if not ARCHIVE_CSV.is_file():
        pytest.skip(f"archive snapshot not found: {ARCHIVE_CSV}")
    with ARCHIVE_CSV.open(newline="", encoding="utf-8") as f:
        lines = f.read().splitlines()
    header, rows = lines[0], lines[1:]
    wanted = {row for row in rows if next(csv.reader([row]))[0] in PLANETS}
    assert len(wanted) == len(PLANETS)
    path = tmp_path / "ten_planets.csv"
    path.write_text("\n".join([header, *sorted(wanted)]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def worker_process(settings: Settings, tmp_path: Path, redis_url: str) -> Iterator[subprocess.Popen[bytes]]:
    """``python -m astrobio.entrypoints.worker`` configured only through ASTROBIO_* variables."""
    log_path = tmp_path / "worker.log"
    env = {
        **os.environ,
        "ASTROBIO_REDIS_URL": redis_url,
        "ASTROBIO_DATABASE_URL": settings.database_url,
        "ASTROBIO_QUEUE_NAME": settings.queue_name,
        "ASTROBIO_DATA_DIR": str(tmp_path),
        "ASTROBIO_LOG_JSON": "1",
        "OMP_NUM_THREADS": "1",
    }
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "astrobio.entrypoints.worker"],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        _delete_queue_keys(redis_url, settings.queue_name)


def _delete_queue_keys(redis_url: str, queue_name: str) -> None:
    import redis

    r = redis.Redis.from_url(redis_url)
    try:
        r.delete(queue_name, f"{queue_name}:health-check")
    finally:
        r.close()


def _worker_log(tmp_path: Path) -> str:
    path = tmp_path / "worker.log"
    return path.read_text(errors="replace")[-4000:] if path.exists() else "(no worker log)"


def _wait_until_finished(
    container: Container, job_id: str, proc: subprocess.Popen[bytes], tmp_path: Path
) -> Job:
    deadline = time.monotonic() + JOB_TIMEOUT_S
    while True:
        job = container.get_job().execute(job_id)
        if job.finished:
            return job
        if proc.poll() is not None:
            pytest.fail(f"worker exited with {proc.returncode}:\n{_worker_log(tmp_path)}")
        if time.monotonic() > deadline:
            pytest.fail(
                f"job {job_id} still {job.state.value} after {JOB_TIMEOUT_S} s:\n{_worker_log(tmp_path)}"
            )
        time.sleep(0.1)


def _cleanup_job_keys(redis_url: str, job_id: str) -> None:
    import redis

    r = redis.Redis.from_url(redis_url)
    try:
        for key in r.scan_iter(match=f"arq:*{job_id}"):
            r.delete(key)
    finally:
        r.close()


# --- a real worker --------------------------------------------------------------------------------


def test_worker_ingests_a_catalog_file_submitted_through_the_queue(
    settings: Settings, catalog_csv: Path, worker_process: subprocess.Popen[bytes], tmp_path: Path
) -> None:
    container = build_container(settings)
    assert type(container.task_queue()).__name__ == "ArqTaskQueue"
    submit = container.submit_job()

    first = submit.execute(SubmitJobCommand(kind=INGEST_CATALOG_JOB, params={"source": str(catalog_csv)}))
    assert first.state is JobState.QUEUED
    done = _wait_until_finished(container, first.id, worker_process, tmp_path)
    assert done.state is JobState.SUCCEEDED, done.error
    assert done.result is not None
    counts = {k: done.result[k] for k in ("read", "inserted", "updated", "unchanged", "rejected_count")}
    assert counts == {"read": 10, "inserted": 10, "updated": 0, "unchanged": 0, "rejected_count": 0}
    assert container.get_planet().execute("TRAPPIST-1 e").star.name == "TRAPPIST-1"

    # Re-ingesting the same snapshot, by another job, changes nothing.
    again = submit.execute(SubmitJobCommand(kind=INGEST_CATALOG_JOB, params={"source": str(catalog_csv)}))
    redone = _wait_until_finished(container, again.id, worker_process, tmp_path)
    assert redone.state is JobState.SUCCEEDED, redone.error
    assert redone.result is not None
    assert (redone.result["inserted"], redone.result["unchanged"]) == (0, 10)

    for job_id in (first.id, again.id):
        _cleanup_job_keys(settings.redis_url or "", job_id)


def test_worker_fails_a_job_whose_file_is_missing_naming_the_path(
    settings: Settings, worker_process: subprocess.Popen[bytes], tmp_path: Path
) -> None:
    container = build_container(settings)
    missing = tmp_path / "no_such_export.csv"
    command = SubmitJobCommand(kind=INGEST_CATALOG_JOB, params={"source": str(missing)})
    job = container.submit_job().execute(command)
    done = _wait_until_finished(container, job.id, worker_process, tmp_path)
    assert done.state is JobState.FAILED
    assert done.error is not None and str(missing) in done.error
    assert done.result is None
    _cleanup_job_keys(settings.redis_url or "", job.id)


# --- the worker's error map, in-process (no Redis) ------------------------------------------------


NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _fake_container(tmp_path: Path, db: InMemoryDatabase) -> Container:
    c = build_container(Settings(data_dir=tmp_path))
    c.uow_factory.override(providers.Object(lambda: InMemoryUnitOfWork(db)))
    return c


def _stored_job(db: InMemoryDatabase, kind: str = "no_such_kind") -> Job:
    job = Job(id=uuid.uuid4().hex, kind=kind, created_at=NOW, updated_at=NOW)
    db.jobs[job.id] = job
    return job


def _run(container: Container, job_id: str, job_try: int = 1) -> Any:
    return asyncio.run(worker.run_job({"container": container, "job_try": job_try}, job_id))


def test_worker_registers_the_function_name_producers_enqueue() -> None:
    assert worker.RUN_JOB_FUNCTION == PRODUCER_FUNCTION_NAME
    options = worker.worker_settings(Settings(redis_url="redis://127.0.0.1:6379/3", queue_name="q"))
    (fn,) = options["functions"]
    assert (fn.name, fn.max_tries) == ("run_job", worker.MAX_TRIES)
    # arq's hard stop is the longest kind's own limit plus a lease, not one timeout for every kind.
    assert options["job_timeout"] == 24 * 3600 // 4 + 30  # capped by ASTROBIO_JOB_TIMEOUT_S (6 h)
    assert options["queue_name"] == "q"
    assert options["redis_settings"].database == 3


def test_run_worker_without_a_redis_url_names_the_setting() -> None:
    with pytest.raises(InvalidQuantity) as err:
        worker.run_worker(Settings(redis_url=None))
    assert err.value.field == "ASTROBIO_REDIS_URL"
    assert "ASTROBIO_REDIS_URL" in err.value.message


def test_run_job_returns_the_final_state(tmp_path: Path) -> None:
    db = InMemoryDatabase()
    job = _stored_job(db)  # no handler for this kind: RunJob fails it
    assert _run(_fake_container(tmp_path, db), job.id) == "failed"
    assert db.jobs[job.id].error == "no handler for job kind 'no_such_kind'"


def test_a_finished_job_is_not_run_again(tmp_path: Path) -> None:
    db = InMemoryDatabase()
    job = _stored_job(db)
    db.jobs[job.id] = replace(job, state=JobState.SUCCEEDED, result={"ok": 1})
    assert _run(_fake_container(tmp_path, db), job.id) == "succeeded"


def test_an_unknown_job_id_is_not_retried(tmp_path: Path) -> None:
    assert _run(_fake_container(tmp_path, InMemoryDatabase()), "missing") == "failed"


def test_an_unreachable_database_is_retried_with_backoff_then_given_up(tmp_path: Path) -> None:
    def down() -> Any:
        raise UpstreamUnavailable("database", "connection refused")

    c = build_container(Settings(data_dir=tmp_path))
    c.uow_factory.override(providers.Object(down))
    with pytest.raises(Retry) as first:
        _run(c, "any", job_try=1)
    with pytest.raises(Retry) as second:
        _run(c, "any", job_try=2)
    assert (first.value.defer_score, second.value.defer_score) == (5000, 10000)
    assert _run(c, "any", job_try=worker.MAX_TRIES) == "failed"


def test_an_unexpected_crash_is_logged_and_reported_failed(tmp_path: Path) -> None:
    class Exploding:
        def execute(self, job_id: str) -> Job:
            raise RuntimeError("boom")

    c = _fake_container(tmp_path, InMemoryDatabase())
    c.run_job.override(providers.Object(Exploding()))
    assert _run(c, "any") == "failed"
