"""Backends for the contract suite: the in-memory fake, SQLite, PostgreSQL.

Every test gets an empty database. SQLite: a template file migrated once with
``alembic upgrade head``, copied per test. PostgreSQL (``$ASTROBIO_TEST_POSTGRES_URL``, default
``postgresql://postgres@127.0.0.1:5432/postgres``): a fresh uniquely named database per session,
migrated once, truncated per test, dropped at the end. When PostgreSQL is unreachable its tests
are skipped, or fail when ``ASTROBIO_REQUIRE_SERVICES=1``.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

from astrobio.adapters.memory.repositories import InMemoryDatabase, InMemoryUnitOfWork
from astrobio.adapters.sql import SqlUnitOfWorkFactory, make_engine, migrate
from astrobio.application.ports.unit_of_work import UnitOfWorkFactory

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def postgres_admin_url() -> URL:
    return make_url(os.environ.get("ASTROBIO_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL))


def unavailable(reason: str) -> None:
    """Skip, or fail where the services are required (CI)."""
    if os.environ.get("ASTROBIO_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason} (ASTROBIO_REQUIRE_SERVICES=1)", pytrace=False)
    pytest.skip(reason)


def create_postgres_database(prefix: str) -> tuple[URL, sa.Engine]:
    """Create a fresh database; return its URL and the AUTOCOMMIT admin engine to drop it with."""
    admin = make_engine(postgres_admin_url(), isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            # UTF-8 with a Unicode-aware ctype whatever the cluster default: lower() must fold "É".
            conn.exec_driver_sql(
                f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' "
                "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
            )
    except sa.exc.OperationalError as exc:
        admin.dispose()
        unavailable(f"PostgreSQL unreachable at {postgres_admin_url().render_as_string()}: {exc.orig}")
    return postgres_admin_url().set(database=name), admin


def drop_postgres_database(url: URL, admin: sa.Engine) -> None:
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "astrobio.db"
    migrate.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[URL]:
    url, admin = create_postgres_database("astrobio_contract")
    try:
        migrate.upgrade(url)
        yield url
    finally:
        drop_postgres_database(url, admin)


@pytest.fixture(scope="session")
def postgres_factory(postgres_url: URL) -> Iterator[SqlUnitOfWorkFactory]:
    factory = SqlUnitOfWorkFactory(make_engine(postgres_url))
    yield factory
    factory.dispose()


@pytest.fixture
def sqlite_factory(sqlite_template: Path, tmp_path: Path) -> Iterator[SqlUnitOfWorkFactory]:
    path = tmp_path / "astrobio.db"
    shutil.copyfile(sqlite_template, path)
    factory = SqlUnitOfWorkFactory(make_engine(f"sqlite:///{path}"))
    yield factory
    factory.dispose()


@pytest.fixture(
    params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.integration)],
)
def uow_factory(request: pytest.FixtureRequest) -> UnitOfWorkFactory:
    """A factory of units of work over an empty database, for each backend."""
    if request.param == "memory":
        db = InMemoryDatabase()
        return lambda: InMemoryUnitOfWork(db)
    factory: SqlUnitOfWorkFactory = request.getfixturevalue(f"uow_factory_for_{request.param}")
    return factory


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.integration)])
def sql_factory(request: pytest.FixtureRequest) -> SqlUnitOfWorkFactory:
    """The SQL backends only, for what the SQL adapter offers beyond the port."""
    factory: SqlUnitOfWorkFactory = request.getfixturevalue(f"uow_factory_for_{request.param}")
    return factory


@pytest.fixture
def uow_factory_for_sqlite(sqlite_factory: SqlUnitOfWorkFactory) -> SqlUnitOfWorkFactory:
    return sqlite_factory


@pytest.fixture
def uow_factory_for_postgres(postgres_factory: SqlUnitOfWorkFactory) -> SqlUnitOfWorkFactory:
    with postgres_factory.engine.begin() as conn:
        conn.exec_driver_sql("TRUNCATE planets, jobs, sweeps, runs, cubes")
    return postgres_factory
