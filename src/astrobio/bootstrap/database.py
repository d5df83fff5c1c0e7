"""Schema management for the entrypoints (they reach adapters only through bootstrap)."""

from __future__ import annotations

from astrobio.bootstrap.settings import Settings


def upgrade_database(settings: Settings, revision: str = "head") -> str | None:
    """Run Alembic migrations up to ``revision``; returns the revision now current."""
    from astrobio.adapters.sql import migrate

    migrate.upgrade(settings.sqlalchemy_url, revision)
    return migrate.current(settings.sqlalchemy_url)


def current_revision(settings: Settings) -> str | None:
    from astrobio.adapters.sql import migrate

    return migrate.current(settings.sqlalchemy_url)
