"""Exoplanet catalog adapters: the archive's PSCompPars CSV, its TAP service, the colour table.

``ArchiveTapCatalog`` is imported lazily so that using the bundled CSV never imports httpx.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from astrobio.adapters.catalog.colours import load_colour_sequence
from astrobio.adapters.catalog.csv_file import CsvExoplanetCatalog
from astrobio.adapters.catalog.provider import DefaultCatalogProvider

if TYPE_CHECKING:
    from astrobio.adapters.catalog.archive_tap import ArchiveTapCatalog

__all__ = ["ArchiveTapCatalog", "CsvExoplanetCatalog", "DefaultCatalogProvider", "load_colour_sequence"]


def __getattr__(name: str) -> Any:
    if name == "ArchiveTapCatalog":
        from astrobio.adapters.catalog.archive_tap import ArchiveTapCatalog

        return ArchiveTapCatalog
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
