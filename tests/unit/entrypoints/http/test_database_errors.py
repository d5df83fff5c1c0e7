"""A database that cannot answer now (busy, locked, shut down) is a 503 with Retry-After."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa
from dependency_injector import providers
from litestar.testing import TestClient

from astrobio.adapters.sql import engine as engine_module
from astrobio.adapters.sql.engine import DatabaseUnavailable, unavailable_error
from astrobio.entrypoints.http import create_app
from tests.unit.entrypoints.http.conftest import build


def _sa(orig: Exception, cls: type[sa.exc.DBAPIError] = sa.exc.OperationalError) -> sa.exc.DBAPIError:
    return cls("SELECT 1", {}, orig)


@pytest.mark.parametrize(
    ("exc", "retry_after"),
    [
        (_sa(sqlite3.OperationalError("database is locked")), 1),
        (_sa(sqlite3.OperationalError("database table is locked")), 1),
        (_sa(psycopg.errors.AdminShutdown("terminating connection due to administrator command")), 5),
        (_sa(psycopg.errors.CannotConnectNow("the database system is starting up")), 5),
        (_sa(psycopg.errors.LockNotAvailable("could not obtain lock"), sa.exc.OperationalError), 1),
        (_sa(psycopg.OperationalError("connection refused")), 2),
    ],
)
def test_busy_locked_and_shut_down_databases_are_unavailable(exc: Exception, retry_after: int) -> None:
    mapped = unavailable_error(exc)
    assert isinstance(mapped, DatabaseUnavailable) and mapped.retry_after_s == retry_after


@pytest.mark.parametrize(
    "exc",
    [
        _sa(sqlite3.IntegrityError("UNIQUE constraint failed"), sa.exc.IntegrityError),
        _sa(psycopg.errors.UndefinedTable("no such table"), sa.exc.ProgrammingError),
        ValueError("not a database error"),
    ],
)
def test_other_errors_are_not_called_unavailable(exc: Exception) -> None:
    assert unavailable_error(exc) is None


class _Recorded:
    def execute(self, *args: Any, **kwargs: Any) -> None:
        return None


@pytest.fixture
def locked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """An app over a SQLite file another process holds the write lock of (busy timeout 50 ms)."""
    monkeypatch.setattr(engine_module, "SQLITE_BUSY_TIMEOUT_MS", 50)
    container, settings = build(tmp_path, auth=False)
    holder = sqlite3.connect(settings.sqlalchemy_url.removeprefix("sqlite:///"), isolation_level=None)
    with TestClient(app=create_app(container)) as client:
        holder.execute("BEGIN IMMEDIATE")  # the write lock, held until rollback
        try:
            yield client, container
        finally:
            holder.execute("ROLLBACK")
            holder.close()


def test_a_mutation_on_a_locked_database_is_503_with_retry_after(locked: Any) -> None:
    client, _ = locked
    r = client.post("/datasets/table.catalog/rollback", json={})
    assert r.status_code == 503, r.text
    assert int(r.headers["retry-after"]) >= 1
    assert r.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize(
    ("path", "body"),
    [("/datasets/table.catalog/tags", {"version": "main", "tag": "review"}),
     ("/datasets/table.catalog/rollback", {})],
)
def test_tag_and_rollback_on_a_locked_database_are_503_not_500(locked: Any, path: str, body: Any) -> None:
    client, container = locked
    container.governance.record_audit.override(providers.Object(_Recorded()))  # reach the use case
    r = client.post(path, json=body)
    assert r.status_code == 503, r.text
    assert int(r.headers["retry-after"]) >= 1


def test_reads_go_on_while_a_writer_holds_the_lock(locked: Any) -> None:
    client, _ = locked
    assert client.get("/planets").status_code == 200
    assert client.get("/health/ready").status_code == 200
