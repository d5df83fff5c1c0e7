"""Schemathesis over the whole OpenAPI schema, in-process (ASGI): no input may cause a 5xx.

A small bounded number of examples per operation keeps it well under a minute. The app runs with
``ASTROBIO_AUTH=off`` over a real (temporary) SQLite database, migrated, with governance data.
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from astrobio.adapters.sql import migrate
from astrobio.application.use_cases.record_ingestion import IngestedFile, RecordIngestionCommand
from astrobio.bootstrap.container import build_container
from astrobio.bootstrap.settings import Settings
from astrobio.domain.dataset_version import SecurityLevel
from astrobio.domain.quality import QualityMetrics, QualityReport
from astrobio.entrypoints.http import create_app

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _app():  # type: ignore[no-untyped-def]
    import tempfile

    root = Path(tempfile.mkdtemp(prefix="astrobio-schemathesis-"))
    s = Settings(data_dir=root, master_key_b64=base64.b64encode(b"k" * 32).decode())
    migrate.upgrade(s.sqlalchemy_url)
    c = build_container(s)
    report = QualityReport(
        kind="t",
        subject="s",
        metrics=QualityMetrics(
            completeness=1.0,
            validity=1.0,
            consistency=1.0,
            uniqueness=1.0,
            timeliness=1.0,
            outlier_fraction=0.0,
        ),
    )
    for level in (SecurityLevel.PUBLIC, SecurityLevel.RESTRICTED):
        c.governance.record_ingestion().execute(
            RecordIngestionCommand(
                kind="table",
                name=level.name.lower(),
                quality=report,
                produced_by="test",
                security_level=level,
                files=(IngestedFile(name="d.txt", data=level.name.encode()),),
            )
        )
    return create_app(c)


#: Server errors found by this suite outside governance, reported, kept visible until fixed.
KNOWN_5XX: dict[tuple[str, str], str] = {}

APP = _app()
schema = schemathesis.openapi.from_asgi("/schema/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=3, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_no_input_causes_a_server_error(case: schemathesis.Case) -> None:
    if case.method.upper() == "POST" and (case.path == "/jobs" or case.path.startswith("/jobs/")):
        # queues background work (GCM runs, training) that would outlive the test; these bodies
        # are validated (422) in the unit suites.
        pytest.skip("queues long-running background work")
    response = case.call()
    known = KNOWN_5XX.get((case.method.upper(), case.path))
    if known and response.status_code >= 500:
        pytest.xfail(known)
    assert response.status_code < 500, (
        case.method,
        case.formatted_path,
        response.status_code,
        response.text[:300],
    )
