"""Fault injection: ``kill -9`` of an arq worker during each kind of ingestion, Redis down at submit,
and a database outage under the in-process queue.

Each kill trial, on a fresh SQLite database: a worker (lease 2 s, reaper every 1 s) picks the job
up; at a random point of the run (uniform over the duration of an undisturbed run) it is killed
with SIGKILL; a second worker is started. The job must reach a final state within 60 s of that
start, succeed, and leave exactly the rows an undisturbed run leaves (no partial, no duplicate
data), and the audit chain must verify.

``ASTROBIO_FAULT_TRIALS`` sets the trials per kind (default 2, which keeps the suite near three
minutes on two cores; docs/operations.md records a 20-trial run). Needs Redis (database 15);
skips without it unless ``ASTROBIO_REQUIRE_SERVICES=1``.
"""

from __future__ import annotations

import csv
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from dependency_injector import providers

from astrobio.application.use_cases.jobs import SubmitJobCommand
from astrobio.bootstrap.container import Container, build_container
from astrobio.bootstrap.database import upgrade_database
from astrobio.bootstrap.settings import Settings
from astrobio.domain.errors import UpstreamUnavailable
from astrobio.domain.job import Job, JobState

pytestmark = [pytest.mark.integration, pytest.mark.slow]

REDIS_URL = os.environ.get("ASTROBIO_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
TRIALS = int(os.environ.get("ASTROBIO_FAULT_TRIALS", "2"))
SEED = int(os.environ.get("ASTROBIO_FAULT_SEED", "0")) or random.SystemRandom().randrange(1, 2**31)
LEASE_S, REAP_S = 2, 1
RECOVERY_BOUND_S = 60.0
DATA = Path(__file__).resolve().parents[2] / "data"
# Tables whose rows are bookkeeping of the runs themselves, not ingested data.
NOT_DATA = {"jobs", "alembic_version", "governance_audit", "governance_audit_head", "governance_api_keys"}
TEN_PLANETS = ["TRAPPIST-1 b", "TRAPPIST-1 c", "TRAPPIST-1 d", "TRAPPIST-1 e", "TRAPPIST-1 f",
               "TRAPPIST-1 g", "TRAPPIST-1 h", "LHS 1140 b", "K2-18 b", "Kepler-442 b"]


@pytest.fixture(scope="module")
def redis_url() -> str:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except (redis.RedisError, OSError) as exc:
        if os.environ.get("ASTROBIO_REQUIRE_SERVICES") == "1":
            pytest.fail(f"Redis not reachable at {REDIS_URL}: {exc}")
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {exc}")
    return REDIS_URL


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled data, with a one-run GCM set (so a cube ingestion takes seconds)."""
    root = tmp_path_factory.mktemp("bundled")
    for entry in DATA.iterdir():
        if entry.name != "gcm":
            (root / entry.name).symlink_to(entry)
    gcm = root / "gcm"
    gcm.mkdir()
    header, first = (DATA / "gcm" / "runs.csv").read_text().splitlines()[:2]
    (gcm / "runs.csv").write_text(f"{header}\n{first}\n")
    run = first.split(",")[0]
    (gcm / f"{run}.nc").symlink_to(DATA / "gcm" / f"{run}.nc")
    # A ten-planet export of the archive snapshot (rows unmodified).
    lines = Settings(bundled_data_dir=DATA).catalog_path.read_text(encoding="utf-8").splitlines()
    rows = [r for r in lines[1:] if next(csv.reader([r]))[0] in TEN_PLANETS]
    assert len(rows) == len(TEN_PLANETS)
    (root / "imports").mkdir()
    (root / "imports" / "ten_planets.csv").write_text("\n".join([lines[0], *rows]) + "\n", encoding="utf-8")
    return root


def _ten_planets(bundled: Path) -> Path:
    return bundled / "imports" / "ten_planets.csv"


KINDS: dict[str, tuple[str, Callable[[Path], dict[str, Any]]]] = {
    "catalog": ("ingest_catalog", lambda b: {"source": str(_ten_planets(b))}),
    "kegg": ("ingest_kegg", lambda b: {"source": "bundled", "pathway_ids": ["ko00010"]}),
    "sbml": ("ingest_sbml", lambda b: {"paths": [str(b / "metabolic_models" / "e_coli_core.xml.gz")]}),
    "genome": ("ingest_genome", lambda b: {"paths": [str(b / "ncbi" / "genbank" / "NC_001422.gbk")]}),
    "cube": ("ingest_bundled_cubes", lambda b: {}),
}


@dataclass
class Deployment:
    """One fresh database + queue, and the worker processes started on them."""

    root: Path
    settings: Settings
    env: dict[str, str]
    workers: list[subprocess.Popen[bytes]]

    def start_worker(self) -> subprocess.Popen[bytes]:
        log = (self.root / f"worker{len(self.workers)}.log").open("wb")
        proc = subprocess.Popen([sys.executable, "-m", "astrobio.entrypoints.worker"], env=self.env,
                                stdout=log, stderr=subprocess.STDOUT)
        self.workers.append(proc)
        return proc

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace")[-3000:] for p in sorted(self.root.glob("worker*.log")))

    def stop(self) -> None:
        for proc in self.workers:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=10)


def _deployment(root: Path, redis_url: str, bundled: Path) -> Deployment:
    root.mkdir(parents=True, exist_ok=True)
    settings = Settings(data_dir=root, database_url=f"sqlite:///{root / 'astrobio.sqlite3'}",
                        redis_url=redis_url, queue_name=f"astrobio:fault:{uuid.uuid4().hex}",
                        bundled_data_dir=bundled, job_lease_s=LEASE_S, job_reap_interval_s=REAP_S,
                        log_json=True)
    upgrade_database(settings)
    env = {**os.environ, "ASTROBIO_REDIS_URL": redis_url,
           "ASTROBIO_DATABASE_URL": settings.database_url or "",
           "ASTROBIO_QUEUE_NAME": settings.queue_name, "ASTROBIO_DATA_DIR": str(root),
           "ASTROBIO_BUNDLED_DATA_DIR": str(bundled), "ASTROBIO_JOB_LEASE_S": str(LEASE_S),
           "ASTROBIO_JOB_REAP_INTERVAL_S": str(REAP_S), "ASTROBIO_LOG_JSON": "1", "OMP_NUM_THREADS": "1"}
    return Deployment(root=root, settings=settings, env=env, workers=[])


def _data_counts(settings: Settings) -> dict[str, int]:
    engine = sa.create_engine(settings.sqlalchemy_url)
    try:
        with engine.connect() as conn:
            names = sorted(set(sa.inspect(conn).get_table_names()) - NOT_DATA)
            return {n: conn.execute(sa.text(f'SELECT count(*) FROM "{n}"')).scalar_one() for n in names}
    finally:
        engine.dispose()


def _wait_final(c: Container, job_id: str, bound_s: float, dep: Deployment) -> Job:
    deadline = time.monotonic() + bound_s
    while True:
        job = c.get_job().execute(job_id)
        if job.finished:
            return job
        if dep.workers and dep.workers[-1].poll() is not None:
            pytest.fail(f"the worker exited with {dep.workers[-1].returncode}:\n{dep.logs()}")
        if time.monotonic() > deadline:
            pytest.fail(f"job {job_id} still {job.state.value} {bound_s:.0f} s after the restart "
                        f"(attempt {job.attempt}):\n{dep.logs()}")
        time.sleep(0.05)


@dataclass
class Reference:
    counts: dict[str, int]
    run_s: float


@pytest.fixture(scope="module")
def references(
    tmp_path_factory: pytest.TempPathFactory, redis_url: str, bundled: Path
) -> dict[str, Reference]:
    """Each kind run once, undisturbed, on a fresh database: the rows it must leave, its duration."""
    out: dict[str, Reference] = {}
    root = tmp_path_factory.mktemp("reference")
    for name, (kind, params) in KINDS.items():
        # One fresh database per kind, as in the trials.
        dep = _deployment(root / name, redis_url, bundled)
        dep.start_worker()
        try:
            c = build_container(dep.settings)
            job = c.submit_job().execute(SubmitJobCommand(kind=kind, params=params(bundled)))
            done = _wait_final(c, job.id, 180.0, dep)
            assert done.state is JobState.SUCCEEDED, f"{name}: {done.error}\n{dep.logs()}"
            assert done.started_at is not None
            out[name] = Reference(counts=_data_counts(dep.settings),
                                  run_s=(done.updated_at - done.started_at).total_seconds())
            assert sum(out[name].counts.values()) > 0, name
        finally:
            dep.stop()
    return out


@pytest.mark.parametrize("name", list(KINDS))
def test_kill_9_during_ingestion_leaves_no_partial_or_duplicate_data_and_the_job_finishes(
    name: str, references: dict[str, Reference], tmp_path: Path, redis_url: str, bundled: Path
) -> None:
    kind, params = KINDS[name]
    ref = references[name]
    rng = random.Random(f"{SEED}:{name}")
    killed_while_running = 0
    for trial in range(TRIALS):
        dep = _deployment(tmp_path / f"trial{trial}", redis_url, bundled)
        try:
            c = build_container(dep.settings)
            first = dep.start_worker()
            job = c.submit_job().execute(SubmitJobCommand(kind=kind, params=params(bundled)))
            while c.get_job().execute(job.id).state is JobState.QUEUED:  # wait for the claim
                assert first.poll() is None, dep.logs()
                time.sleep(0.01)
            time.sleep(rng.uniform(0.0, ref.run_s))
            killed_while_running += c.get_job().execute(job.id).state is JobState.RUNNING
            os.kill(first.pid, signal.SIGKILL)
            first.wait(timeout=10)
            dep.start_worker()
            done = _wait_final(c, job.id, RECOVERY_BOUND_S, dep)
            assert done.state is JobState.SUCCEEDED, f"trial {trial}: {done.error}\n{dep.logs()}"
            assert _data_counts(dep.settings) == ref.counts, f"trial {trial} (seed {SEED})"
            verdict = c.governance.verify_audit().execute()
            assert verdict.ok, verdict.reason
        finally:
            dep.stop()
    print(f"{name}: {TRIALS} trials, {killed_while_running} killed mid-run, seed {SEED}")


def test_redis_down_at_submit_leaves_no_queued_row(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, redis_url="redis://127.0.0.1:1/0", queue_name="astrobio:down")
    upgrade_database(settings)
    c = build_container(settings)
    with pytest.raises(UpstreamUnavailable) as err:
        c.submit_job().execute(SubmitJobCommand(kind="ingest_catalog", params={"source": "bundled"}))
    assert err.value.service == "redis"
    engine = sa.create_engine(settings.sqlalchemy_url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT state, error FROM jobs")).all()
    engine.dispose()
    assert [r.state for r in rows] == ["failed"] and rows[0].error.startswith("not queued:")


class _Outage:
    """Wraps the real unit-of-work factory: raises "database unavailable" while ``down`` is set."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.down = threading.Event()

    def __call__(self) -> Any:
        if self.down.is_set():
            raise UpstreamUnavailable("database", "connection refused")
        return self.real()


def test_an_in_process_job_survives_a_database_outage(tmp_path: Path, bundled: Path) -> None:
    settings = Settings(data_dir=tmp_path, bundled_data_dir=bundled, job_lease_s=LEASE_S,
                        job_reap_interval_s=REAP_S)
    upgrade_database(settings)
    c = build_container(settings)
    outage = _Outage(c.uow_factory())
    c.uow_factory.override(providers.Object(outage))
    catalog = _ten_planets(bundled)
    handlers = c.job_handlers()
    real_handler = handlers["ingest_catalog"]

    def slow_ingest(params: dict[str, Any]) -> dict[str, Any]:
        result = real_handler(params)
        outage.down.set()  # the database goes away 1 s into the job, before its outcome is written
        threading.Timer(3.0, outage.down.clear).start()
        time.sleep(1.0)
        return result

    c.job_handlers.override(providers.Object({**handlers, "ingest_catalog": slow_ingest}))
    job = c.submit_job().execute(SubmitJobCommand(kind="ingest_catalog", params={"source": str(catalog)}))
    c.task_queue().drain(timeout_s=60)
    done = c.get_job().execute(job.id)
    assert done.state is JobState.SUCCEEDED, done.error
    assert done.result is not None and done.result["read"] == 10
