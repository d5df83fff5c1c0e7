"""Exoplanet catalog sources."""

from __future__ import annotations

from typing import Protocol

from astrobio.domain.catalog import CatalogSnapshot


class ExoplanetCatalog(Protocol):
    """A source of planets (a CSV export, the archive's TAP service ...).

    ``fetch`` returns the whole snapshot or raises: ``CatalogUnreadable`` when the source
    is truncated or malformed as a whole, ``UpstreamUnavailable`` when a service fails.
    Individual bad rows are returned in ``CatalogSnapshot.rejected``, never raised.
    """

    @property
    def source(self) -> str: ...

    def fetch(self) -> CatalogSnapshot: ...


class CatalogProvider(Protocol):
    """Resolves a user's ``--source`` (``bundled``, ``archive`` or a file path) to a catalog."""

    def open(self, source: str) -> ExoplanetCatalog: ...
