"""SQL tables of this feature, on the shared :data:`~astrobio.adapters.sql.tables.metadata`."""

from __future__ import annotations

from astrobio.adapters.sql.tables import metadata  # noqa: F401
