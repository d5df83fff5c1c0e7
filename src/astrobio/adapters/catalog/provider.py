"""Resolve a user's catalog source (``bundled``, ``archive`` or a file path) to a catalog."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from astrobio.adapters.catalog.csv_file import CsvExoplanetCatalog
from astrobio.application.ports.catalogs import CatalogProvider, ExoplanetCatalog
from astrobio.domain.errors import CatalogUnreadable


class DefaultCatalogProvider(CatalogProvider):
    """``"bundled"`` → the snapshot shipped in ``data/``; ``"archive"`` → a live archive
    catalog from ``archive_factory`` (built only when asked for); anything else → a
    PSCompPars CSV file at that path.

    Parameters
    ----------
    bundled_path:
        The bundled PSCompPars CSV (``data/exoplanet_archive/PSCompPars_2025-08.csv``).
    archive_factory:
        Builds the archive catalog (e.g. an ``ArchiveTapCatalog`` with the configured cache).
    """

    def __init__(
        self, bundled_path: str | os.PathLike[str], archive_factory: Callable[[], ExoplanetCatalog]
    ) -> None:
        self._bundled_path = Path(bundled_path)
        self._archive_factory = archive_factory

    def open(self, source: str) -> ExoplanetCatalog:
        """The catalog for ``source``; :class:`CatalogUnreadable` naming the path if no such file."""
        if source == "bundled":
            return CsvExoplanetCatalog(self._bundled_path, source=f"bundled:{self._bundled_path.name}")
        if source == "archive":
            return self._archive_factory()
        path = Path(source).expanduser()
        if not path.is_file():
            raise CatalogUnreadable(f"catalog file not found: {path}", field="source")
        return CsvExoplanetCatalog(path)
