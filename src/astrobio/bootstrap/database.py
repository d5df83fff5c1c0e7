"""Schema management for the entrypoints (they reach adapters only through bootstrap)."""

from __future__ import annotations

from astrobio.bootstrap.settings import Settings
from astrobio.domain.errors import UpstreamUnavailable


def upgrade_database(settings: Settings, revision: str = "head") -> str | None:
    """Run Alembic migrations up to ``revision``; returns the revision now current."""
    from astrobio.adapters.sql import migrate

    migrate.upgrade(settings.sqlalchemy_url, revision)
    return migrate.current(settings.sqlalchemy_url)


def current_revision(settings: Settings) -> str | None:
    from astrobio.adapters.sql import migrate

    return migrate.current(settings.sqlalchemy_url)


def unavailable_error(exc: BaseException) -> UpstreamUnavailable | None:
    """The "database unavailable" error a driver exception amounts to (busy, locked, shut down,
    connection lost), or None. Entrypoints map it to 503 / exit 3 without importing the driver."""
    import sys

    if "sqlalchemy" not in sys.modules:  # no database was ever used in this process
        return None
    from astrobio.adapters.sql.engine import unavailable_error as classify

    return classify(exc)
