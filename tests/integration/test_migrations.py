"""Alembic migrations: the stairway test, and head == ``tables.metadata``.

Runs against SQLite (a tmp file) and PostgreSQL (a fresh database per test on
``$ASTROBIO_TEST_POSTGRES_URL``, default ``postgresql://postgres@127.0.0.1:5432/postgres``;
skipped when unreachable, failed instead when ``ASTROBIO_REQUIRE_SERVICES=1``).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import URL, make_url

from astrobio.adapters.sql import make_engine, migrate
from astrobio.adapters.sql.tables import metadata

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


@pytest.fixture
def fresh_postgres_url() -> Iterator[URL]:
    admin_url = make_url(os.environ.get("ASTROBIO_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL))
    admin = make_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    name = f"astrobio_migrations_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.OperationalError as exc:
        admin.dispose()
        reason = f"PostgreSQL unreachable at {admin_url.render_as_string()}: {exc.orig}"
        if os.environ.get("ASTROBIO_REQUIRE_SERVICES") == "1":
            pytest.fail(f"{reason} (ASTROBIO_REQUIRE_SERVICES=1)", pytrace=False)
        pytest.skip(reason)
    try:
        yield admin_url.set(database=name)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.integration)])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> URL:
    if request.param == "sqlite":
        return make_url(f"sqlite:///{tmp_path / 'migrations.db'}")
    url: URL = request.getfixturevalue("fresh_postgres_url")
    return url


def test_revisions_form_a_single_line_starting_at_0001() -> None:
    revs = migrate.revisions()
    assert revs[0] == "0001"
    assert len(revs) == len(set(revs))


def test_stairway_every_revision_upgrades_downgrades_and_upgrades_again(empty_database_url: URL) -> None:
    previous: str | None = None
    for rev in migrate.revisions():
        migrate.upgrade(empty_database_url, rev)
        assert migrate.current(empty_database_url) == rev
        migrate.downgrade(empty_database_url, "-1")
        assert migrate.current(empty_database_url) == previous
        migrate.upgrade(empty_database_url, rev)
        assert migrate.current(empty_database_url) == rev
        previous = rev


def test_downgrade_to_base_leaves_no_tables(empty_database_url: URL) -> None:
    migrate.upgrade(empty_database_url)
    migrate.downgrade(empty_database_url, "base")
    engine = make_engine(empty_database_url, poolclass=sa.pool.NullPool)
    try:
        assert set(sa.inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_head_matches_the_table_metadata(empty_database_url: URL) -> None:
    migrate.upgrade(empty_database_url)
    engine = make_engine(empty_database_url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(
                conn, opts={"compare_type": True, "compare_server_default": True}
            )
            assert compare_metadata(ctx, metadata) == []
    finally:
        engine.dispose()


def test_migrations_dir_can_be_overridden_by_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(migrate.MIGRATIONS_DIR_ENV, str(tmp_path))
    with pytest.raises(FileNotFoundError, match="ASTROBIO_MIGRATIONS_DIR"):
        migrate.migrations_dir()
    monkeypatch.setenv(migrate.MIGRATIONS_DIR_ENV, str(Path(__file__).parents[2] / "migrations"))
    assert migrate.migrations_dir() == Path(__file__).parents[2] / "migrations"
