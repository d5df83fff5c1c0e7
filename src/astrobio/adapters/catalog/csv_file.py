"""The archive's PSCompPars CSV export on disk as an exoplanet catalog."""

from __future__ import annotations

import os
from pathlib import Path

from astrobio.adapters.catalog.pscomppars import parse_pscomppars_bytes
from astrobio.application.ports.catalogs import ExoplanetCatalog
from astrobio.domain.catalog import CatalogSnapshot
from astrobio.domain.errors import CatalogUnreadable


class CsvExoplanetCatalog(ExoplanetCatalog):
    """A PSCompPars CSV file (the archive's download, ``#`` comment lines allowed).

    Parameters
    ----------
    path:
        The CSV file. It is read whole on each :meth:`fetch` (the full 5,967-planet
        snapshot is 2.7 MB and parses in a few hundred milliseconds at most).
    source:
        Label recorded in the snapshot and on every planet; defaults to ``csv:<file name>``.
    """

    def __init__(self, path: str | os.PathLike[str], *, source: str | None = None) -> None:
        self._path = Path(path)
        self._source = source if source is not None else f"csv:{self._path.name}"

    @property
    def source(self) -> str:
        return self._source

    @property
    def path(self) -> Path:
        return self._path

    def fetch(self) -> CatalogSnapshot:
        """Parse the whole file; :class:`CatalogUnreadable` if missing, unreadable or truncated."""
        try:
            data = self._path.read_bytes()
        except OSError as exc:
            raise CatalogUnreadable(f"cannot read catalog file {self._path}: {exc.strerror or exc}") from exc
        return parse_pscomppars_bytes(data, source=self._source)
