"""The open unit of work's connection, which every SQL repository of the same engine joins.

A :class:`~astrobio.adapters.sql.unit_of_work.SqlUnitOfWork` makes its connection *current* for
its ``with`` block (per thread / asyncio task: a context variable). Repositories built on the
engine rather than on a connection (governance, pathways, metabolism, genomes, pipeline) open
their transactions through :func:`begin` / :func:`connect`: inside such a block they run on
that connection and the unit of work's ``commit`` commits them with everything else (data,
dataset version and audit entry together or not at all); outside one they open their own
transaction as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import sqlalchemy as sa

_CURRENT: ContextVar[tuple[sa.Engine, sa.Connection] | None] = ContextVar("astrobio_sql_uow", default=None)


def current(engine: sa.Engine) -> sa.Connection | None:
    """The connection of the unit of work open on ``engine`` in this context, if any."""
    held = _CURRENT.get()
    return held[1] if held is not None and held[0] is engine else None


@contextmanager
def bind(engine: sa.Engine, conn: sa.Connection) -> Iterator[None]:
    """Make ``conn`` the current connection of ``engine`` for the block."""
    token = _CURRENT.set((engine, conn))
    try:
        yield
    finally:
        _CURRENT.reset(token)


@contextmanager
def begin(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A writing transaction: the current unit of work's (committed by it), else a new one."""
    conn = current(engine)
    if conn is not None:
        yield conn
        return
    with engine.begin() as own:
        yield own


@contextmanager
def connect(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A reading connection: the current unit of work's (sees its uncommitted writes), else a new one."""
    conn = current(engine)
    if conn is not None:
        yield conn
        return
    with engine.connect() as own:
        yield own
