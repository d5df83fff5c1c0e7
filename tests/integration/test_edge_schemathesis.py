"""Schemathesis over every operation, with every check, as three callers: no auth (local
administrator), anonymous (``ASTROBIO_AUTH=on``, no key) and an administrator key.

In-process (ASGI) over a real, migrated SQLite database holding PUBLIC and RESTRICTED datasets.
Operations that queue background work (training, GCM sweeps, pipeline runs) get their bodies
checked but nothing is queued: the task queue is replaced by one that drops jobs. A few examples
per operation keep the three runs at about a minute each on a 2-core machine.
"""

from __future__ import annotations

import base64
import tempfile
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from dependency_injector import providers
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from astrobio.adapters.crypto.keys import ScryptSecretHasher
from astrobio.adapters.sql import migrate
from astrobio.application.use_cases.record_ingestion import IngestedFile, RecordIngestionCommand
from astrobio.bootstrap.container import build_container
from astrobio.bootstrap.settings import Settings
from astrobio.domain.dataset_version import SecurityLevel
from astrobio.domain.quality import QualityMetrics, QualityReport
from astrobio.entrypoints.http import create_app

pytestmark = [pytest.mark.integration, pytest.mark.slow]

REPORT = QualityReport(
    kind="t", subject="s",
    metrics=QualityMetrics(completeness=1.0, validity=1.0, consistency=1.0, uniqueness=1.0,
                           timeliness=1.0, outlier_fraction=0.0),
)


class _DroppingQueue:
    """Accepts every job and runs none (nothing outlives the test)."""

    def enqueue(self, job_id: str, *args: Any, **kwargs: Any) -> None:
        return None

    def shutdown(self) -> None:
        return None


def _app(auth: bool) -> tuple[Any, str]:
    root = Path(tempfile.mkdtemp(prefix="astrobio-edge-schemathesis-"))
    s = Settings(data_dir=root / "var", auth=auth, master_key_b64=base64.b64encode(b"s" * 32).decode())
    migrate.upgrade(s.sqlalchemy_url, "head")
    c = build_container(s)
    c.governance.hasher.override(providers.Object(ScryptSecretHasher(n=2**10)))
    c.task_queue.override(providers.Object(_DroppingQueue()))
    for level in (SecurityLevel.PUBLIC, SecurityLevel.RESTRICTED):
        c.governance.record_ingestion().execute(RecordIngestionCommand(
            kind="table", name=level.name.lower(), quality=REPORT, produced_by="test", security_level=level,
            files=(IngestedFile(name="d.txt", data=level.name.encode()),),
        ))
    token = c.governance.create_api_key().execute("schemathesis-admin", "admin").token if auth else ""
    return create_app(c), token


#: Schema-valid requests that break a rule the schema cannot state (an orbit inside its star,
#: low > high, "exactly one of a or b", an unknown pathway id) are refused with 422 naming the
#: field: an accepted answer to valid-looking data, next to 2xx, 401, 403, 404 and 409.
CONFIG = SchemathesisConfig.from_dict({"checks": {"positive_data_acceptance": {
    "expected-statuses": ["2xx", "401", "403", "404", "409", "422", "429"],
}}})
OPEN_APP, _ = _app(auth=False)
SECURED_APP, ADMIN_TOKEN = _app(auth=True)
open_schema = schemathesis.openapi.from_asgi("/schema/openapi.json", OPEN_APP, config=CONFIG)
secured_schema = schemathesis.openapi.from_asgi("/schema/openapi.json", SECURED_APP, config=CONFIG)
#: The first prediction loads the surrogate (torch) in-process: more than the default 10 s on CI.
TIMEOUT_S = 120
EXAMPLES = settings(max_examples=2, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))


@open_schema.parametrize()
@EXAMPLES
def test_auth_off(case: schemathesis.Case) -> None:
    case.call_and_validate(timeout=TIMEOUT_S)


@secured_schema.parametrize()
@EXAMPLES
def test_anonymous(case: schemathesis.Case) -> None:
    case.call_and_validate(timeout=TIMEOUT_S)


@secured_schema.parametrize()
@EXAMPLES
def test_admin_key(case: schemathesis.Case) -> None:
    case.call_and_validate(headers={"X-API-Key": ADMIN_TOKEN}, timeout=TIMEOUT_S)
