"""GET /metrics over a real PostgreSQL database: every named series is present with the right values.

The database holds jobs (queued, running, failed, succeeded), GCM runs on SLURM, and dataset
versions (one published, one held by the quality gate); requests go through the real app, and the
scrape is parsed with prometheus-client's own text parser.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
import structlog
from dependency_injector import providers
from litestar import Litestar
from litestar.testing import TestClient
from prometheus_client.parser import text_string_to_metric_families

from astrobio.adapters.governance.codec import report_to_json
from astrobio.adapters.sql import make_engine, migrate
from astrobio.adapters.sql.governance_tables import governance_datasets, governance_versions
from astrobio.adapters.sql.tables import jobs, runs
from astrobio.bootstrap.container import build_container
from astrobio.bootstrap.logging import configure_logging
from astrobio.bootstrap.settings import Settings
from astrobio.domain.quality import QualityMetrics, QualityReport
from astrobio.entrypoints.http import create_app
from tests.contract.conftest import create_postgres_database, drop_postgres_database
from tests.unit.application.surrogate_fakes import default_registry

pytestmark = pytest.mark.integration
T0 = datetime(2026, 12, 1, tzinfo=UTC)


def _quality(score: float) -> dict[str, object]:
    m = QualityMetrics(completeness=score, validity=score, consistency=score, uniqueness=score,
                       timeliness=score, outlier_fraction=0.0)
    return report_to_json(QualityReport(kind="exoplanet_table", subject="test", metrics=m, rows=10))


def _seed(url: sa.URL) -> None:
    engine = make_engine(url)
    job = {"params": {}, "created_at": T0, "updated_at": T0, "started_at": T0}  # same keys in every row
    with engine.begin() as conn:
        conn.execute(jobs.insert(), [
            {**job, "id": "j1", "kind": "ingest_catalog", "state": "queued", "started_at": None},
            {**job, "id": "j2", "kind": "ingest_catalog", "state": "running"},
            {**job, "id": "j3", "kind": "train_climate", "state": "failed",
             "updated_at": T0 + timedelta(seconds=30)},
            {**job, "id": "j4", "kind": "train_climate", "state": "succeeded",
             "updated_at": T0 + timedelta(seconds=90)},
        ])
        run = {"parameters": {}, "attempts": 1, "backend": "slurm", "output_files": [], "log_excerpt": "",
               "created_at": T0, "updated_at": T0}
        conn.execute(runs.insert(), [{"id": "r1", "state": "running", **run},
                                     {"id": "r2", "state": "succeeded", **run},
                                     {"id": "r3", "state": "succeeded", **run}])
        conn.execute(governance_datasets.insert(), [{
            "id": "exoplanet_table.test", "kind": "exoplanet_table", "security_level": 0, "dublin_core": {},
            "search_text": "", "created_at": T0}])
        version = {"dataset_id": "exoplanet_table.test", "manifest": {}, "lineage": {}, "row_digests": {},
                   "created_at": T0}
        conn.execute(governance_versions.insert(), [
            {**version, "id": "v1", "ordinal": 1, "quality": _quality(1.0), "published": True},
            {**version, "id": "v2", "ordinal": 2, "quality": _quality(0.2), "published": False},
        ])
    engine.dispose()


@pytest.fixture
def client(tmp_path: object) -> Iterator[TestClient[Litestar]]:
    url, admin = create_postgres_database("astrobio_metrics")
    try:
        migrate.upgrade(url, "head")
        _seed(url)
        settings = Settings(data_dir=tmp_path, database_url=url.render_as_string(hide_password=False))
        c = build_container(settings)
        c.surrogate_registry.override(providers.Object(default_registry()))
        with TestClient(app=create_app(c)) as tc:
            yield tc
        c.engine().dispose()
    finally:
        drop_postgres_database(url, admin)


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def test_metrics_expose_every_named_series(client: TestClient[Litestar]) -> None:
    configure_logging("warning", json=True)
    before = _samples(client.get("/metrics").text)  # in-process series are per process: compare deltas
    assert client.get("/health").status_code == 200
    assert client.get("/no/such/route").status_code == 404
    assert client.post("/predict", json={"planets": [{}]}).status_code == 200
    assert client.post("/predict", json={"mode": "all", "planets": [{}]}).status_code == 200
    structlog.get_logger("astrobio.http").error("audit.append_failed", path="/x", error="test")

    r = client.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    s = _samples(r.text)

    def value(name: str, **labels: str) -> float:
        return s[(name, tuple(sorted(labels.items())))]

    def delta(name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return s[key] - before.get(key, 0.0)

    assert value("astrobio_metrics_database_up") == 1.0
    # Request latency per route template (never the raw path).
    assert delta("astrobio_http_request_duration_seconds_count", method="GET", route="/health",
                 status="200") == 1
    assert delta("astrobio_http_request_duration_seconds_count", method="POST", route="/predict",
                 status="200") == 2
    assert delta("astrobio_http_request_duration_seconds_count", method="GET", route="<unmatched>",
                 status="404") == 1
    assert not any("/no/such/route" in str(k) for k in s)
    # Jobs per kind and state, and the run time of finished ones.
    assert value("astrobio_jobs", kind="ingest_catalog", state="queued") == 1
    assert value("astrobio_jobs", kind="ingest_catalog", state="running") == 1
    assert value("astrobio_jobs", kind="train_climate", state="failed") == 1
    assert value("astrobio_job_duration_seconds_count", kind="train_climate", state="succeeded") == 1
    assert value("astrobio_job_duration_seconds_sum", kind="train_climate", state="succeeded") == 90.0
    assert value("astrobio_job_duration_seconds_sum", kind="train_climate", state="failed") == 30.0
    # Ingestion grades and held ingestions (the F-grade version is held back).
    assert value("astrobio_dataset_versions", kind="exoplanet_table", grade="A+") == 1
    assert value("astrobio_dataset_versions", kind="exoplanet_table", grade="F") == 1
    assert value("astrobio_ingestions_held", kind="exoplanet_table") == 1
    # SLURM run states.
    assert value("astrobio_simulation_runs", backend="slurm", state="running") == 1
    assert value("astrobio_simulation_runs", backend="slurm", state="succeeded") == 2
    # Inference latency per model, audit append failures.
    assert delta("astrobio_inference_duration_seconds_count", model="scalar") == 2
    assert delta("astrobio_inference_duration_seconds_count", model="datacube") == 1
    assert delta("astrobio_audit_append_failures_total") == 1


def test_scrape_answers_when_the_database_is_gone(tmp_path: object) -> None:
    c = build_container(Settings(data_dir=tmp_path, database_url="postgresql://postgres@127.0.0.1:1/none"))
    with TestClient(app=create_app(c)) as tc:
        r = tc.get("/metrics")
    assert r.status_code == 200
    assert _samples(r.text)[("astrobio_metrics_database_up", ())] == 0.0
