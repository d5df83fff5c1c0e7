"""The SQL unit of work: one connection, one transaction, begun lazily."""

from __future__ import annotations

from contextlib import ExitStack
from types import TracebackType
from typing import Self

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from astrobio.adapters.sql import transaction
from astrobio.adapters.sql.climate_repositories import (
    SqlCubeRepository,
    SqlRunRepository,
    SqlSweepRepository,
)
from astrobio.adapters.sql.repositories import SqlJobRepository, SqlPlanetRepository
from astrobio.application.ports.unit_of_work import UnitOfWork
from astrobio.domain.errors import UpstreamUnavailable


class SqlUnitOfWork(UnitOfWork):
    """``with SqlUnitOfWork(engine) as uow: ...; uow.commit()``.

    ``__enter__`` checks a connection out of the engine's pool (an unreachable database raises
    :class:`~astrobio.domain.errors.UpstreamUnavailable` there); the transaction begins with the
    first statement. Leaving the block rolls back whatever was not committed and returns the
    connection. After :meth:`commit` or :meth:`rollback` the next statement begins a new
    transaction on the same connection.

    For its block the connection is the engine's *current* one
    (:mod:`astrobio.adapters.sql.transaction`): the engine-level repositories (governance,
    pathways, metabolism, genomes, pipeline) called inside the block join it and are committed
    or rolled back with it. Another unit of work opened inside the block is independent (its own
    connection; it is current for its own block).
    """

    planets: SqlPlanetRepository
    jobs: SqlJobRepository
    sweeps: SqlSweepRepository
    runs: SqlRunRepository
    cubes: SqlCubeRepository

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._conn: sa.Connection | None = None
        self._binding: ExitStack | None = None

    def __enter__(self) -> Self:
        if self._conn is not None:
            raise RuntimeError("this unit of work is already in use; create one per `with` block")
        try:
            conn = self._engine.connect()
        except OperationalError as exc:
            raise UpstreamUnavailable("database", str(exc.orig or exc)) from exc
        self._binding = ExitStack()
        self._binding.enter_context(transaction.bind(self._engine, conn))
        self._conn = conn
        self.planets = SqlPlanetRepository(conn)
        self.jobs = SqlJobRepository(conn)
        self.sweeps = SqlSweepRepository(conn)
        self.runs = SqlRunRepository(conn)
        self.cubes = SqlCubeRepository(conn)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        conn, self._conn = self._conn, None
        binding, self._binding = self._binding, None
        if conn is not None:
            try:
                conn.rollback()
            finally:
                conn.close()
                if binding is not None:
                    binding.close()
        if isinstance(exc, DBAPIError) and not isinstance(exc, IntegrityError):
            # Driver errors leave the adapter as the domain's "service unavailable", with a hint
            # for the commonest cause on a fresh install.
            detail = str(exc.orig or exc).splitlines()[0]
            if "no such table" in detail or "does not exist" in detail:
                detail += " (schema missing: run `astrobio db upgrade`)"
            raise UpstreamUnavailable("database", detail) from exc

    @property
    def connection(self) -> sa.Connection:
        """The connection of the open block (for adapter-level code that needs raw SQL)."""
        if self._conn is None:
            raise RuntimeError("unit of work used outside its `with` block")
        return self._conn

    def commit(self) -> None:
        try:
            self.connection.commit()
        except OperationalError as exc:
            raise UpstreamUnavailable("database", str(exc.orig or exc)) from exc

    def rollback(self) -> None:
        self.connection.rollback()


class SqlUnitOfWorkFactory:
    """The :data:`~astrobio.application.ports.unit_of_work.UnitOfWorkFactory` over one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __call__(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine)

    def dispose(self) -> None:
        """Close every pooled connection (at shutdown, or in tests before dropping a database)."""
        self.engine.dispose()
