"""IngestCatalog: load an exoplanet catalog snapshot into the planet repository."""

from __future__ import annotations

from dataclasses import dataclass, replace

from astrobio.application.ports.catalogs import CatalogProvider
from astrobio.application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from astrobio.domain.catalog import CatalogSnapshot, IngestReport
from astrobio.domain.photometry import ColourSequence
from astrobio.domain.planet import Planet


@dataclass(frozen=True, slots=True, kw_only=True)
class IngestCatalogCommand:
    """``source``: ``"bundled"``, ``"archive"`` or a path to an archive CSV export."""

    source: str = "bundled"


class IngestCatalog:
    """Upsert every valid planet of a catalog snapshot, by planet name, in one transaction.

    Business rules:

    * rows the source rejects (bad values, duplicates) are reported with a reason and
      skipped; the rest is ingested;
    * a source that is unreadable or truncated as a whole fails the ingestion and writes
      nothing (one transaction, committed only at the end);
    * a missing J magnitude is derived from Ks and Teff with the main-sequence colour
      sequence, and flagged as derived;
    * re-ingesting the same snapshot changes nothing: identical planets count as
      ``unchanged`` and are not written.
    """

    def __init__(
        self, uow_factory: UnitOfWorkFactory, catalogs: CatalogProvider, colours: ColourSequence
    ) -> None:
        self._uow_factory = uow_factory
        self._catalogs = catalogs
        self._colours = colours

    def _with_j(self, planet: Planet) -> Planet:
        star = planet.star
        if star.j_mag is not None or star.k_mag is None or star.teff_k is None:
            return planet
        j = self._colours.derive_j_mag(star.k_mag, star.teff_k)
        if j is None:
            return planet
        return replace(planet, star=replace(star, j_mag=j, j_mag_is_derived=True))

    def execute(self, command: IngestCatalogCommand) -> IngestReport:
        catalog = self._catalogs.open(command.source)
        snapshot = catalog.fetch()
        with self._uow_factory() as uow:
            report = self.store(uow, snapshot)
            uow.commit()
        return report

    def store(self, uow: UnitOfWork, snapshot: CatalogSnapshot) -> IngestReport:
        """Write ``snapshot``'s changed planets through ``uow`` (the caller commits)."""
        inserted = updated = unchanged = 0
        existing = {p.name: p for p in uow.planets.iter_all()}
        changed: list[Planet] = []
        for raw in snapshot.planets:
            planet = self._with_j(raw)
            old = existing.get(planet.name)
            if old is None:
                inserted += 1
            elif old == planet:
                unchanged += 1
                continue
            else:
                updated += 1
            changed.append(planet)
        uow.planets.add_many(changed)
        return IngestReport(
            source=snapshot.source,
            read=snapshot.rows_read,
            inserted=inserted,
            updated=updated,
            unchanged=unchanged,
            rejected=snapshot.rejected,
        )
