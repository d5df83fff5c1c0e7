"""The edge over PostgreSQL: values out of range are 422, a terminated backend is 503.

A fresh database per test on ``$ASTROBIO_TEST_POSTGRES_URL`` (default
``postgresql://postgres@127.0.0.1:5432/postgres``); skipped when unreachable, failed instead
when ``ASTROBIO_REQUIRE_SERVICES=1``.
"""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from litestar.testing import TestClient

from astrobio.adapters.sql import make_engine, migrate
from astrobio.adapters.sql.engine import ValueOutOfRange
from astrobio.application.ports.repositories import PlanetQuery
from astrobio.bootstrap.container import build_container
from astrobio.bootstrap.settings import Settings
from astrobio.entrypoints.http import create_app
from tests.integration.test_migrations import fresh_postgres_url  # noqa: F401  (fixture)

pytestmark = pytest.mark.integration


@pytest.fixture
def pg_app(fresh_postgres_url: sa.URL, tmp_path: Path) -> Iterator[tuple[TestClient[Any], Any, str]]:  # noqa: F811
    url = fresh_postgres_url.render_as_string(hide_password=False)
    migrate.upgrade(url, "head")
    master = base64.b64encode(b"p" * 32).decode()
    settings = Settings(data_dir=tmp_path, database_url=url, master_key_b64=master)
    container = build_container(settings)
    with TestClient(app=create_app(container)) as client:
        yield client, container, url
    container.engine().dispose()


def test_offsets_beyond_bigint_are_422_not_an_outage(pg_app: Any) -> None:
    client, container, _ = pg_app
    for path, param in (("/planets", "offset"), ("/metabolic-models", "taxid"), ("/datasets", "offset")):
        r = client.get(path, params={param: str(2**63)})
        assert r.status_code == 422 and r.json()["field"] == param, (path, r.text)
    # below the edge, the adapter says the same thing instead of "database unavailable"
    with container.uow_factory()() as uow, pytest.raises(ValueOutOfRange):
        uow.planets.list(PlanetQuery(), offset=2**63, limit=1)


def test_a_backend_terminated_mid_request_is_503_with_retry_after(pg_app: Any) -> None:
    client, _, url = pg_app
    assert client.get("/planets").status_code == 200  # the pool holds a live connection
    admin = make_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    result: dict[str, Any] = {}
    with admin.connect() as locker:
        locker.exec_driver_sql("BEGIN")
        locker.exec_driver_sql("LOCK TABLE planets IN ACCESS EXCLUSIVE MODE")
        request = threading.Thread(target=lambda: result.update(r=client.get("/planets")))
        request.start()
        with admin.connect() as watcher:
            pid = None
            for _ in range(200):  # wait until the request's backend blocks on the lock
                pid = watcher.exec_driver_sql(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
                ).scalar()
                if pid is not None:
                    break
                time.sleep(0.05)
            assert pid is not None, "the request never reached the database"
            watcher.exec_driver_sql(f"SELECT pg_terminate_backend({int(pid)})")
        locker.exec_driver_sql("ROLLBACK")
    request.join(timeout=30)
    admin.dispose()
    r = result["r"]
    assert r.status_code == 503, r.text
    assert int(r.headers["retry-after"]) >= 1
    assert client.get("/planets").status_code == 200  # and the next request is served again
