"""Schema migrations: alembic's command API, driven from Python.

Where the migrations live
-------------------------
The Alembic environment is the top-level ``migrations/`` directory of the repository (the
design card puts it there, next to ``alembic.ini``, so ``alembic upgrade head`` works from the
repository root too). :func:`migrations_dir` finds it:

1. ``$ASTROBIO_MIGRATIONS_DIR`` when set (read at call time, never at import) — for deployments
   that install the package as a regular wheel and ship ``migrations/`` elsewhere;
2. otherwise ``<repo>/migrations``, found relative to this file (``src/astrobio/adapters/sql/``
   is four levels below the repository root). That holds for a source checkout and for an
   editable install (``pip install -e .``), where this module is imported from ``src/``.

The database URL is handed to ``migrations/env.py`` through ``Config.attributes`` (not through
the ini option, whose ``%`` interpolation would mangle URL-encoded passwords).
"""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import URL
from sqlalchemy.pool import NullPool

from astrobio.adapters.sql.engine import make_engine, normalize_url

MIGRATIONS_DIR_ENV = "ASTROBIO_MIGRATIONS_DIR"
_REPO_ROOT = Path(__file__).resolve().parents[4]


def migrations_dir() -> Path:
    """The Alembic script directory (see the module docstring for the lookup order)."""
    override = os.environ.get(MIGRATIONS_DIR_ENV)
    path = Path(override) if override else _REPO_ROOT / "migrations"
    if not (path / "env.py").is_file():
        raise FileNotFoundError(
            f"no Alembic environment (env.py) in {path}; set {MIGRATIONS_DIR_ENV} to the migrations directory"
        )
    return path


def alembic_config(url: str | URL | None = None) -> Config:
    """An Alembic :class:`~alembic.config.Config` for the migrations, bound to ``url`` if given."""
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    if url is not None:
        cfg.attributes["url"] = normalize_url(url)
    return cfg


def revisions() -> list[str]:
    """Every revision id, oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def upgrade(url: str | URL, revision: str = "head") -> None:
    """Migrate the database at ``url`` up to ``revision`` (default: the newest)."""
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str | URL, revision: str) -> None:
    """Migrate the database at ``url`` down to ``revision`` (``"-1"``, ``"base"``, an id)."""
    command.downgrade(alembic_config(url), revision)


def current(url: str | URL) -> str | None:
    """The revision the database at ``url`` is at, or None when it was never migrated."""
    engine = make_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()
