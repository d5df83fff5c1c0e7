"""IngestCatalog and RankTargets through the in-memory fakes."""

from __future__ import annotations

from dataclasses import replace

import pytest

from astrobio.adapters.memory.repositories import InMemoryDatabase, InMemoryUnitOfWork
from astrobio.application.use_cases.ingest_catalog import IngestCatalog, IngestCatalogCommand
from astrobio.application.use_cases.planets import GetPlanet, ListPlanets, ListPlanetsCommand
from astrobio.application.use_cases.rank_targets import NO_MAGNITUDE, RankTargets, RankTargetsCommand
from astrobio.domain.catalog import CatalogSnapshot, RejectedRow
from astrobio.domain.errors import CatalogUnreadable, InvalidQuantity, NotFound
from astrobio.domain.planet import Planet
from astrobio.domain.star import Star

from .fakes import COLOURS, FakeCatalog, FakeCatalogProvider

STAR = Star(name="K star", teff_k=4500.0, radius_sun=0.7, mass_sun=0.7, k_mag=7.0, distance_pc=20.0)
PLANETS = (
    Planet(name="K star b", star=STAR, radius_earth=1.2, orbital_period_days=120.0),
    Planet(name="K star c", star=STAR, radius_earth=2.5, mass_earth=7.0, orbital_period_days=5.0),
    Planet(name="No radius b", star=STAR, mass_earth=300.0, orbital_period_days=400.0),
    Planet(name="Dark b", star=replace(STAR, name="Dark", k_mag=None), radius_earth=1.0,
           orbital_period_days=30.0),
)
REJECTED = (RejectedRow(line=9, name="Bad b", reason="pl_rade: radius_earth must be > 0, got -1.0"),)


@pytest.fixture
def db() -> InMemoryDatabase:
    return InMemoryDatabase()


def ingest(db: InMemoryDatabase, snapshot: CatalogSnapshot) -> IngestCatalog:
    provider = FakeCatalogProvider({"bundled": FakeCatalog(snapshot)})
    return IngestCatalog(lambda: InMemoryUnitOfWork(db), provider, COLOURS)


def snapshot(planets: tuple[Planet, ...] = PLANETS) -> CatalogSnapshot:
    return CatalogSnapshot(source="fake", planets=planets, rejected=REJECTED, rows_read=len(planets) + 1)


def test_ingest_reports_counts_and_rejections(db: InMemoryDatabase) -> None:
    report = ingest(db, snapshot()).execute(IngestCatalogCommand())
    assert (report.read, report.inserted, report.updated, report.unchanged) == (5, 4, 0, 0)
    assert report.rejected == REJECTED
    assert set(db.planets) == {p.name for p in PLANETS}


def test_reingesting_same_snapshot_changes_nothing(db: InMemoryDatabase) -> None:
    use_case = ingest(db, snapshot())
    use_case.execute(IngestCatalogCommand())
    before = dict(db.planets)
    report = use_case.execute(IngestCatalogCommand())
    assert (report.inserted, report.updated, report.unchanged) == (0, 0, 4)
    assert db.planets == before


def test_changed_rows_are_updated(db: InMemoryDatabase) -> None:
    ingest(db, snapshot()).execute(IngestCatalogCommand())
    changed = (replace(PLANETS[0], radius_earth=1.3), *PLANETS[1:])
    report = ingest(db, snapshot(changed)).execute(IngestCatalogCommand())
    assert (report.inserted, report.updated, report.unchanged) == (0, 1, 3)
    assert db.planets["K star b"].radius_earth == 1.3


def test_missing_j_is_derived_from_ks_at_ingest(db: InMemoryDatabase) -> None:
    ingest(db, snapshot()).execute(IngestCatalogCommand())
    star = db.planets["K star b"].star
    assert star.j_mag_is_derived and star.j_mag == pytest.approx(7.0 + 0.8 - 0.45 * 500 / 2000, abs=1e-9)
    assert db.planets["Dark b"].star.j_mag is None


def test_unreadable_source_writes_nothing(db: InMemoryDatabase) -> None:
    provider = FakeCatalogProvider({"bundled": FakeCatalog(None, CatalogUnreadable("truncated at line 7"))})
    with pytest.raises(CatalogUnreadable):
        IngestCatalog(lambda: InMemoryUnitOfWork(db), provider, COLOURS).execute(IngestCatalogCommand())
    assert db.planets == {}


def test_rank_excludes_with_reasons_and_orders(db: InMemoryDatabase) -> None:
    ingest(db, snapshot()).execute(IngestCatalogCommand())
    ranking = RankTargets(lambda: InMemoryUnitOfWork(db), COLOURS).execute(RankTargetsCommand())
    assert ranking.considered == 4
    assert ranking.excluded == {"missing radius_earth": 1, NO_MAGNITUDE: 1}
    assert [t.assessment.name for t in ranking.targets] == ["K star b", "K star c"]


def test_list_and_get_planets(db: InMemoryDatabase) -> None:
    ingest(db, snapshot()).execute(IngestCatalogCommand())
    page = ListPlanets(lambda: InMemoryUnitOfWork(db)).execute(ListPlanetsCommand(offset=1, limit=2))
    assert page.total == 4 and [p.name for p in page.items] == ["K star b", "K star c"]
    assert GetPlanet(lambda: InMemoryUnitOfWork(db)).execute("K star c").mass_earth == 7.0
    with pytest.raises(NotFound):
        GetPlanet(lambda: InMemoryUnitOfWork(db)).execute("nope")
    with pytest.raises(InvalidQuantity):
        ListPlanets(lambda: InMemoryUnitOfWork(db)).execute(ListPlanetsCommand(limit=0))
