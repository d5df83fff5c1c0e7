"""Alembic environment for astrobio (online mode, and offline SQL scripts with ``--sql``).

The URL comes from, in order: ``Config.attributes["url"]`` (set by
``astrobio.adapters.sql.migrate``), ``-x url=...``, ``$ASTROBIO_DATABASE_URL``, the ini's
``sqlalchemy.url``. Engines are made with astrobio's ``make_engine`` so SQLite gets the same
pragmas and transaction handling as the application.
"""

from __future__ import annotations

import os
from logging.config import fileConfig
from typing import Any

from alembic import context
from sqlalchemy.engine import URL
from sqlalchemy.pool import NullPool

from astrobio.adapters.sql.engine import make_engine, normalize_url
from astrobio.adapters.sql.tables import metadata

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = metadata


def _url() -> URL:
    url = (
        config.attributes.get("url")
        or context.get_x_argument(as_dictionary=True).get("url")
        or os.environ.get("ASTROBIO_DATABASE_URL")
        or config.get_main_option("sqlalchemy.url")
    )
    if not url:
        raise RuntimeError("no database URL: pass -x url=..., or set ASTROBIO_DATABASE_URL")
    return normalize_url(url)


def _configure_kwargs(url: URL) -> dict[str, Any]:
    # SQLite cannot ALTER most things in place: batch mode copies the table instead.
    return {"target_metadata": target_metadata, "render_as_batch": url.get_backend_name() == "sqlite"}


def run_migrations_offline() -> None:
    url = _url()
    context.configure(
        url=url, literal_binds=True, dialect_opts={"paramstyle": "named"}, **_configure_kwargs(url)
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    url = _url()
    engine = make_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            context.configure(connection=connection, **_configure_kwargs(url))
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
