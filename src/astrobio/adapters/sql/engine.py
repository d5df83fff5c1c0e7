"""Engine construction: the one place that knows each database's connection settings.

* SQLite (the embedded default): the file's parent directory is created; every connection gets
  WAL journaling (readers never block the writer), ``synchronous=NORMAL`` (safe with WAL),
  foreign keys on, a busy timeout, and a Unicode-aware ``lower()`` (SQLite's built-in one only
  folds ASCII; Python's ``str.lower`` is what the in-memory fake uses). pysqlite's own
  transaction handling is switched off and ``BEGIN`` is emitted when SQLAlchemy begins, so one
  unit of work is one real SQLite transaction, reads included (SQLAlchemy's documented recipe).
* PostgreSQL: ``postgresql://`` (and ``postgres://``) URLs are rewritten to the psycopg 3
  driver, ``postgresql+psycopg://``; connections are pinged before use.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine, make_url

SQLITE_BUSY_TIMEOUT_MS = 10_000


def normalize_url(url: str | URL) -> URL:
    """Parse ``url`` and pick the driver astrobio uses for its dialect (psycopg 3 for PostgreSQL)."""
    u = make_url(url)
    if u.drivername in ("postgresql", "postgres"):
        u = u.set(drivername="postgresql+psycopg")
    return u


def _sqlite_file(u: URL) -> Path | None:
    """The database file of a SQLite URL, or None for an in-memory database."""
    db = u.database
    if not db or db == ":memory:" or db.startswith("file:") or u.query.get("mode") == "memory":
        return None
    return Path(db)


def _unicode_lower(value: str | None) -> str | None:
    return None if value is None else value.lower()


def _configure_sqlite(engine: Engine) -> None:
    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves, see below
        dbapi_conn.create_function("lower", 1, _unicode_lower, deterministic=True)
        cur = dbapi_conn.cursor()
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        finally:
            cur.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        conn.exec_driver_sql("BEGIN")


def make_engine(url: str | URL, **kwargs: Any) -> Engine:
    """Create the :class:`~sqlalchemy.engine.Engine` for ``url`` with astrobio's settings.

    Parameters
    ----------
    url:
        ``sqlite:///path/to/file.db`` or ``postgresql://user@host/db`` (any SQLAlchemy URL).
    **kwargs:
        Passed to :func:`sqlalchemy.create_engine` (e.g. ``poolclass``, ``echo``).
    """
    u = normalize_url(url)
    if u.get_backend_name() == "sqlite":
        path = _sqlite_file(u)
        if path is not None:
            path.resolve().parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(u, **kwargs)
        _configure_sqlite(engine)
        return engine
    if u.get_backend_name() == "postgresql":
        kwargs.setdefault("pool_pre_ping", True)
    return sa.create_engine(u, **kwargs)
