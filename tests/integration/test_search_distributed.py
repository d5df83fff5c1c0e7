"""A tiny distributed Optuna study: two arq jobs on two worker processes on loopback Redis, the study in
PostgreSQL (schema ``optuna`` of the project's database), the best trial registered, not activated.

The objective is the graph VAE's validation AUROC (3 epochs per trial on the bundled KEGG maps):
the cheapest real training here. ``astrobio train gvae --search 4 --workers 2`` creates the study,
queues two ``search_trials`` jobs, waits and registers the best trial.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from astrobio.adapters.sql import make_engine, migrate
from tests.contract.conftest import create_postgres_database, drop_postgres_database

pytest.importorskip("optuna")
pytest.importorskip("torch_geometric")
pytestmark = [pytest.mark.integration, pytest.mark.slow]
REDIS_URL = os.environ.get("ASTROBIO_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def env(tmp_path: Path) -> Iterator[dict[str, str]]:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except (redis.RedisError, OSError) as exc:
        if os.environ.get("ASTROBIO_REQUIRE_SERVICES") == "1":
            pytest.fail(f"Redis not reachable: {exc}")
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {exc}")
    url, admin = create_postgres_database("astrobio_search")
    try:
        migrate.upgrade(url, "head")
        e = {k: v for k, v in os.environ.items() if not k.startswith("ASTROBIO_")}
        yield e | {"ASTROBIO_DATABASE_URL": url.render_as_string(hide_password=False),
                   "ASTROBIO_REDIS_URL": REDIS_URL,
                   "ASTROBIO_QUEUE_NAME": f"astrobio:search:{uuid.uuid4().hex}",
                   "ASTROBIO_DATA_DIR": str(tmp_path / "var"),
                   "ASTROBIO_MODELS_DIR": str(tmp_path / "models"),
                   "ASTROBIO_LOG_LEVEL": "warning", "OMP_NUM_THREADS": "1"}
    finally:
        drop_postgres_database(url, admin)


@pytest.fixture
def workers(env: dict[str, str], tmp_path: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    procs = []
    for k in range(2):
        with (tmp_path / f"worker-{k}.log").open("wb") as log:
            procs.append(subprocess.Popen([sys.executable, "-m", "astrobio.entrypoints.worker"], env=env,
                                          stdout=log, stderr=subprocess.STDOUT))
    try:
        yield procs
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=10)


def test_two_workers_share_one_study_and_the_best_trial_is_registered_inactive(
        env: dict[str, str], workers: list[subprocess.Popen[bytes]], tmp_path: Path) -> None:
    cli = [sys.executable, "-m", "astrobio.entrypoints.cli.main"]
    r = subprocess.run([*cli, "train", "gvae", "--search", "4", "--workers", "2", "--epochs", "3", "--json"],
                       env=env, capture_output=True, text=True, timeout=600)
    logs = "\n".join((tmp_path / f"worker-{k}.log").read_text(errors="replace")[-1500:] for k in range(2))
    assert r.returncode == 0, r.stderr[-3000:] + logs
    out = json.loads(r.stdout)
    # Each worker stops once the study holds 4 finished trials; one already running may still finish.
    assert 4 <= sum(out["counts"].get(s, 0) for s in ("complete", "pruned")) <= 5, out["counts"]
    assert len(out["jobs"]) == 2
    reg = out["registered"]
    assert reg["kind"] == "gvae" and reg["active"] is False
    assert reg["study"]["study_id"] == out["study"] and reg["study"]["storage"] == "postgresql"
    assert 0.5 < out["best"]["value"] <= 1.0  # validation AUROC of the best trial

    # The study lives in the project's PostgreSQL database, schema "optuna"; both workers ran trials.
    engine = make_engine(env["ASTROBIO_DATABASE_URL"])
    with engine.connect() as conn:
        ran_by = conn.execute(sa.text(
            "SELECT a.value_json FROM optuna.trial_user_attributes a JOIN optuna.trials t USING (trial_id) "
            "JOIN optuna.studies s USING (study_id) WHERE s.study_name = :n AND a.key = 'worker'"),
            {"n": out["study"]}).scalars().all()
        states = conn.execute(sa.text("SELECT state FROM jobs WHERE kind = 'search_trials'")).scalars().all()
    engine.dispose()
    # host:pid:job: arq may hand both jobs to one worker process (it runs several jobs at once), so
    # the unit of parallelism checked is the job: both queued workers ran trials of the one study.
    jobs_ran = {json.loads(w).rsplit(":", 1)[1] for w in ran_by}
    assert 4 <= len(ran_by) <= 5 and jobs_ran == set(out["jobs"]), ran_by
    assert states == ["succeeded", "succeeded"]

    # Registered with its study in the card, not active: the shipped graph VAE is still served.
    listed = subprocess.run([*cli, "models", "list", "--kind", "gvae", "--json"],
                            env=env, capture_output=True, text=True, timeout=120)
    (model,) = json.loads(listed.stdout)
    assert model["id"] == reg["id"] and not model["active"] and model["study"]["study_id"] == out["study"]
    assert model["training_curves"].endswith("curves.csv")
    curves = (tmp_path / "models" / model["training_curves"]).read_text().splitlines()
    assert {"grad_norm", "lr", "loss"} <= set(curves[0].split(",")) and len(curves) > 3
