"""SQL adapters (SQLAlchemy Core): SQLite as the embedded default, PostgreSQL when scaled.

Public API: :func:`make_engine`, :class:`SqlUnitOfWork`, :class:`SqlUnitOfWorkFactory`,
:class:`SqlPlanetRepository` (with the extra :meth:`~SqlPlanetRepository.add_many`),
:class:`SqlJobRepository`; schema migrations live in :mod:`astrobio.adapters.sql.migrate`
(imported on demand: alembic is not needed to serve requests).
"""

from astrobio.adapters.sql.engine import make_engine
from astrobio.adapters.sql.repositories import SqlJobRepository, SqlPlanetRepository
from astrobio.adapters.sql.unit_of_work import SqlUnitOfWork, SqlUnitOfWorkFactory

__all__ = [
    "SqlJobRepository",
    "SqlPlanetRepository",
    "SqlUnitOfWork",
    "SqlUnitOfWorkFactory",
    "make_engine",
]
