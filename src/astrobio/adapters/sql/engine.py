"""Engine construction: the one place that knows each database's connection settings.

* SQLite (the embedded default): the file's parent directory is created; every connection gets
  WAL journaling (readers never block the writer), ``synchronous=NORMAL`` (safe with WAL),
  foreign keys on, a busy timeout, and a Unicode-aware ``lower()`` (SQLite's built-in one only
  folds ASCII; Python's ``str.lower`` is what the in-memory fake uses). pysqlite's own
  transaction handling is switched off and ``BEGIN`` is emitted when SQLAlchemy begins, so one
  unit of work is one real SQLite transaction, reads included (SQLAlchemy's documented recipe).
* PostgreSQL: ``postgresql://`` (and ``postgres://``) URLs are rewritten to the psycopg 3
  driver, ``postgresql+psycopg://``; connections are pinged before use.

Driver errors that are the caller's fault leave every engine as :class:`ValueOutOfRange` (a
value the database cannot hold: an integer beyond 64 bits, a NUL in a string); errors that say
"the database cannot answer now" (busy, locked, shut down, connection lost) are recognised by
:func:`unavailable_error`, which the entrypoints use to answer 503 with a retry hint.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine, make_url

from astrobio.domain.errors import InvalidQuantity, UpstreamUnavailable

SQLITE_BUSY_TIMEOUT_MS = 10_000

#: PostgreSQL SQLSTATE classes/codes meaning "try again later" (connection exceptions,
#: insufficient resources, operator intervention: admin shutdown, crash shutdown, cannot
#: connect now, serialization/deadlock, lock not available).
_PG_UNAVAILABLE_PREFIXES = ("08", "53", "57P")
_PG_RETRY_CODES = frozenset({"40001", "40P01", "55P03"})
_SQLITE_BUSY_WORDS = ("database is locked", "database table is locked", "database is busy",
                      "unable to open database", "disk i/o error")


class ValueOutOfRange(InvalidQuantity):
    """A value the database cannot store or compare (e.g. an integer outside 64 bits)."""


class DatabaseUnavailable(UpstreamUnavailable):
    """The database is busy, locked, shutting down or unreachable; ``retry_after_s`` is a hint."""

    def __init__(self, detail: str, retry_after_s: int = 1) -> None:
        super().__init__("database", detail)
        self.retry_after_s = retry_after_s


def _sqlstate(exc: BaseException) -> str:
    return str(getattr(exc, "sqlstate", None) or getattr(exc, "pgcode", None) or "")


def unavailable_error(exc: BaseException) -> DatabaseUnavailable | None:
    """The :class:`DatabaseUnavailable` ``exc`` (a SQLAlchemy or driver error) amounts to, or None.

    Integrity and programming errors are not "unavailable": they stay what they are.
    """
    if isinstance(exc, DatabaseUnavailable):
        return exc
    if isinstance(exc, sa.exc.IntegrityError | sa.exc.ProgrammingError | sa.exc.DataError):
        return None
    orig = exc.orig if isinstance(exc, sa.exc.DBAPIError) else exc
    if orig is None:
        return None
    detail = str(orig).splitlines()[0] if str(orig) else type(orig).__name__
    if isinstance(exc, sa.exc.DBAPIError) and exc.connection_invalidated:
        return DatabaseUnavailable(detail, retry_after_s=2)
    code = _sqlstate(orig)
    if code.startswith(_PG_UNAVAILABLE_PREFIXES):
        return DatabaseUnavailable(detail, retry_after_s=5)
    if code in _PG_RETRY_CODES:
        return DatabaseUnavailable(detail, retry_after_s=1)
    lowered = detail.lower()
    if type(orig).__module__.startswith("sqlite3") and any(w in lowered for w in _SQLITE_BUSY_WORDS):
        return DatabaseUnavailable(detail, retry_after_s=1)
    if isinstance(exc, sa.exc.OperationalError | sa.exc.InterfaceError) or type(orig).__name__ in (
        "OperationalError", "InterfaceError"
    ):
        return DatabaseUnavailable(detail, retry_after_s=2)
    return None


def _on_error(ctx: sa.engine.ExceptionContext) -> None:
    """Raise :class:`ValueOutOfRange` for a value the database refuses as data (SQLSTATE 22xxx)."""
    orig = ctx.original_exception
    if isinstance(orig, OverflowError) or (
        isinstance(ctx.sqlalchemy_exception, sa.exc.DataError) and _sqlstate(orig).startswith("22")
    ) or (isinstance(orig, ValueError) and "NUL" in str(orig)):
        raise ValueOutOfRange(f"a value is outside what the database can store: {str(orig).splitlines()[0]}")


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


def private_sqlite_file(path: Path) -> None:
    """Create ``path``'s missing directories 0700 and the database file 0600 (tightened if looser).

    SQLite gives its ``-wal`` and ``-shm`` files the database file's mode, so they follow.
    """
    missing = [p for p in (path.parent, *path.parent.parents) if not p.exists()]
    for d in reversed(missing):
        d.mkdir(mode=0o700, exist_ok=True)
        os.chmod(d, 0o700)  # mkdir's mode is filtered by the umask
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            if p.stat().st_mode & 0o077:
                os.chmod(p, 0o600)
        except (FileNotFoundError, PermissionError):  # absent, or not ours to change
            continue


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
            private_sqlite_file(path.resolve())
        engine = sa.create_engine(u, **kwargs)
        _configure_sqlite(engine)
    else:
        if u.get_backend_name() == "postgresql":
            kwargs.setdefault("pool_pre_ping", True)
        engine = sa.create_engine(u, **kwargs)
    sa.event.listen(engine, "handle_error", _on_error)
    return engine
