"""The repository + unit-of-work contract, run against every backend (see conftest.py)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields, replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa

from astrobio.adapters.sql import SqlUnitOfWork, SqlUnitOfWorkFactory, make_engine
from astrobio.adapters.sql.engine import normalize_url
from astrobio.application.ports.repositories import PlanetQuery
from astrobio.application.ports.unit_of_work import UnitOfWorkFactory
from astrobio.domain.errors import UpstreamUnavailable
from astrobio.domain.job import Job, JobState
from astrobio.domain.planet import Planet
from astrobio.domain.star import Star

T0 = datetime(2026, 11, 26, 14, 30, 15, 123456, tzinfo=UTC)


def full_planet(name: str = "TRAPPIST-1 e") -> Planet:
    star = Star(
        name="TRAPPIST-1",
        teff_k=2566.0,
        radius_sun=0.1192,
        mass_sun=0.0898,
        luminosity_sun=0.000553,
        j_mag=11.354,
        j_mag_is_derived=True,
        k_mag=10.296,
        distance_pc=12.429888,
        metallicity_dex=0.0535,
    )
    return Planet(
        name=name,
        star=star,
        radius_earth=0.920,
        mass_earth=0.692,
        mass_is_minimum=True,
        orbital_period_days=6.101013,
        semi_major_axis_au=0.02925,
        eccentricity=0.00510,
        discovery_method="Transit",
        discovery_year=2017,
        transits=True,
        source="pscomppars-2026-11",
    )


def planet(
    name: str,
    *,
    host: str = "Host",
    radius: float | None = None,
    distance: float | None = None,
    method: str | None = None,
) -> Planet:
    return Planet(
        name=name, star=Star(name=host, distance_pc=distance), radius_earth=radius, discovery_method=method
    )


def store(factory: UnitOfWorkFactory, *planets: Planet) -> None:
    with factory() as uow:
        for p in planets:
            uow.planets.add(p)
        uow.commit()


def names(planets: Iterable[Planet]) -> list[str]:
    return [p.name for p in planets]


@pytest.fixture
def catalog(uow_factory: UnitOfWorkFactory) -> UnitOfWorkFactory:
    """A small catalog that every filter splits differently."""
    store(
        uow_factory,
        planet("Kepler-22 b", host="Kepler-22", radius=2.1, distance=190.0, method="Transit"),
        planet("Kepler-186 f", host="Kepler-186", radius=1.17, distance=177.6, method="Transit"),
        planet("Proxima Cen b", host="Proxima Cen", radius=None, distance=1.30, method="Radial Velocity"),
        planet("GJ 1214 b", host="GJ 1214", radius=2.74, distance=None, method="Transit"),
        planet("LHS 1140 b", host="LHS 1140", radius=1.73, distance=15.0, method="Transit"),
        planet("kepler-1649 c", host="Kepler-1649", radius=1.06, distance=92.9, method="Transit"),
        planet("HD 10180 c", host="HD 10180", radius=None, distance=39.0, method="Radial Velocity"),
        planet("Kepler-186 e", host="Kepler-186", radius=1.27, distance=177.6, method=None),
    )
    return uow_factory


# --- planets --------------------------------------------------------------------------------


def test_round_trips_fully_populated_planet(uow_factory: UnitOfWorkFactory) -> None:
    p = full_planet()
    store(uow_factory, p)
    with uow_factory() as uow:
        assert uow.planets.get(p.name) == p


def test_round_trips_planet_whose_optional_fields_are_none(uow_factory: UnitOfWorkFactory) -> None:
    p = Planet(name="Lonely b", star=Star(name="Lonely"))
    store(uow_factory, p)
    with uow_factory() as uow:
        loaded = uow.planets.get("Lonely b")
    assert loaded == p
    assert loaded is not None and loaded.radius_earth is None and loaded.star.teff_k is None


def test_floats_survive_exactly(uow_factory: UnitOfWorkFactory) -> None:
    p = replace(
        full_planet(),
        radius_earth=1.0000000000000002,
        mass_earth=0.1 + 0.2,
        orbital_period_days=6.02214076e23,
        semi_major_axis_au=5e-324,
        star=replace(full_planet().star, metallicity_dex=-0.12345678901234568, teff_k=1 / 3),
    )
    store(uow_factory, p)
    with uow_factory() as uow:
        loaded = uow.planets.get(p.name)
    assert loaded == p
    assert loaded is not None and loaded.radius_earth == 1.0000000000000002


def test_adding_a_planet_with_an_existing_name_replaces_it(uow_factory: UnitOfWorkFactory) -> None:
    store(uow_factory, full_planet())
    newer = replace(full_planet(), radius_earth=0.91, discovery_method=None, source="newer")
    store(uow_factory, newer)
    with uow_factory() as uow:
        assert uow.planets.get(newer.name) == newer
        assert uow.planets.count(PlanetQuery()) == 1


def test_get_unknown_planet_returns_none(uow_factory: UnitOfWorkFactory) -> None:
    store(uow_factory, full_planet())
    with uow_factory() as uow:
        assert uow.planets.get("Nowhere b") is None


def test_list_orders_by_name_with_offset_and_limit(catalog: UnitOfWorkFactory) -> None:
    expected = sorted(
        [
            "Kepler-22 b",
            "Kepler-186 f",
            "Proxima Cen b",
            "GJ 1214 b",
            "LHS 1140 b",
            "kepler-1649 c",
            "HD 10180 c",
            "Kepler-186 e",
        ]
    )  # code-point order: upper case before lower case
    with catalog() as uow:
        assert names(uow.planets.list(PlanetQuery())) == expected
        assert names(uow.planets.list(PlanetQuery(), limit=3)) == expected[:3]
        assert names(uow.planets.list(PlanetQuery(), offset=2, limit=3)) == expected[2:5]
        assert names(uow.planets.list(PlanetQuery(), offset=6)) == expected[6:]
        assert names(uow.planets.list(PlanetQuery(), offset=20)) == []
        assert names(uow.planets.list(PlanetQuery(), limit=0)) == []


def test_name_contains_matches_case_insensitively(catalog: UnitOfWorkFactory) -> None:
    with catalog() as uow:
        got = names(uow.planets.list(PlanetQuery(name_contains="KEPLER-1")))
    assert got == ["Kepler-186 e", "Kepler-186 f", "kepler-1649 c"]


def test_name_contains_folds_non_ascii_case(uow_factory: UnitOfWorkFactory) -> None:
    store(uow_factory, planet("Ériu b"), planet("Eriu c"))
    with uow_factory() as uow:
        assert names(uow.planets.list(PlanetQuery(name_contains="éRIU"))) == ["Ériu b"]


def test_name_contains_treats_wildcards_literally(uow_factory: UnitOfWorkFactory) -> None:
    store(uow_factory, planet("A_1 b"), planet("AX1 b"), planet("B%2 b"), planet("BX2 b"))
    with uow_factory() as uow:
        assert names(uow.planets.list(PlanetQuery(name_contains="a_1"))) == ["A_1 b"]
        assert names(uow.planets.list(PlanetQuery(name_contains="%"))) == ["B%2 b"]


def test_host_name_filter_matches_exact_host(catalog: UnitOfWorkFactory) -> None:
    with catalog() as uow:
        assert names(uow.planets.list(PlanetQuery(host_name="Kepler-186"))) == [
            "Kepler-186 e",
            "Kepler-186 f",
        ]
        assert names(uow.planets.list(PlanetQuery(host_name="Kepler"))) == []


def test_radius_bounds_are_inclusive_and_exclude_planets_without_radius(catalog: UnitOfWorkFactory) -> None:
    with catalog() as uow:
        assert names(uow.planets.list(PlanetQuery(min_radius_earth=2.1))) == ["GJ 1214 b", "Kepler-22 b"]
        assert names(uow.planets.list(PlanetQuery(max_radius_earth=1.17))) == [
            "Kepler-186 f",
            "kepler-1649 c",
        ]
        both = PlanetQuery(min_radius_earth=1.1, max_radius_earth=1.8)
        assert names(uow.planets.list(both)) == ["Kepler-186 e", "Kepler-186 f", "LHS 1140 b"]
        wide = names(uow.planets.list(PlanetQuery(min_radius_earth=0.0001)))
        assert "Proxima Cen b" not in wide and "HD 10180 c" not in wide and len(wide) == 6


def test_max_distance_excludes_planets_with_unknown_distance(catalog: UnitOfWorkFactory) -> None:
    with catalog() as uow:
        got = names(uow.planets.list(PlanetQuery(max_distance_pc=39.0)))
        assert got == ["HD 10180 c", "LHS 1140 b", "Proxima Cen b"]
        assert "GJ 1214 b" not in names(uow.planets.list(PlanetQuery(max_distance_pc=1e9)))


def test_discovery_method_filter_matches_exactly(catalog: UnitOfWorkFactory) -> None:
    with catalog() as uow:
        got = names(uow.planets.list(PlanetQuery(discovery_method="Radial Velocity")))
        assert got == ["HD 10180 c", "Proxima Cen b"]
        assert names(uow.planets.list(PlanetQuery(discovery_method="transit"))) == []


@pytest.mark.parametrize(
    "query",
    [
        PlanetQuery(),
        PlanetQuery(name_contains="kepler"),
        PlanetQuery(host_name="Kepler-186"),
        PlanetQuery(min_radius_earth=1.2),
        PlanetQuery(max_radius_earth=2.0),
        PlanetQuery(max_distance_pc=100.0),
        PlanetQuery(discovery_method="Transit"),
        PlanetQuery(
            name_contains="b", discovery_method="Transit", min_radius_earth=1.5, max_distance_pc=200.0
        ),
        PlanetQuery(name_contains="no such planet"),
    ],
    ids=lambda q: ",".join(f"{k}={v}" for k, v in vars_of(q).items()) or "all",
)
def test_count_agrees_with_list(catalog: UnitOfWorkFactory, query: PlanetQuery) -> None:
    with catalog() as uow:
        assert uow.planets.count(query) == len(uow.planets.list(query))


def vars_of(q: PlanetQuery) -> dict[str, object]:
    return {f.name: getattr(q, f.name) for f in fields(q) if getattr(q, f.name) is not None}


def test_filters_combine_with_and(catalog: UnitOfWorkFactory) -> None:
    q = PlanetQuery(name_contains="kepler", discovery_method="Transit", max_radius_earth=1.5)
    with catalog() as uow:
        assert names(uow.planets.list(q)) == ["Kepler-186 f", "kepler-1649 c"]
        assert uow.planets.count(q) == 2


def test_iter_all_yields_every_planet_ordered_by_name(catalog: UnitOfWorkFactory) -> None:
    with catalog() as uow:
        everything = list(uow.planets.iter_all())
        assert everything == list(uow.planets.list(PlanetQuery()))
    assert names(everything) == sorted(names(everything)) and len(everything) == 8


# --- unit of work ---------------------------------------------------------------------------


def test_unit_of_work_sees_its_own_uncommitted_writes(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        uow.planets.add(full_planet())
        assert uow.planets.get(full_planet().name) == full_planet()
        assert uow.planets.count(PlanetQuery()) == 1


def test_uncommitted_work_is_rolled_back_on_leaving_the_block(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        uow.planets.add(full_planet())
        uow.jobs.add(Job(id="j1", kind="ingest", created_at=T0, updated_at=T0))
    with uow_factory() as uow:
        assert uow.planets.get(full_planet().name) is None
        assert uow.jobs.get("j1") is None


def test_work_is_rolled_back_on_exception(uow_factory: UnitOfWorkFactory) -> None:
    store(uow_factory, planet("Kept b"))
    with pytest.raises(RuntimeError, match="boom"), uow_factory() as uow:
        uow.planets.add(planet("Lost b"))
        uow.planets.add(replace(planet("Kept b"), source="changed"))
        raise RuntimeError("boom")
    with uow_factory() as uow:
        assert names(uow.planets.iter_all()) == ["Kept b"]
        assert uow.planets.get("Kept b") == planet("Kept b")


def test_commit_makes_work_visible_to_a_new_unit_of_work(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        uow.planets.add(full_planet())
        uow.commit()
        uow.planets.add(planet("After commit b"))  # not committed: rolled back on exit
    with uow_factory() as uow:
        assert names(uow.planets.iter_all()) == [full_planet().name]


def test_concurrent_unit_of_work_does_not_see_uncommitted_writes(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as writer:
        writer.planets.add(planet("Pending b"))
        with uow_factory() as reader:
            assert reader.planets.get("Pending b") is None
            assert reader.planets.count(PlanetQuery()) == 0
        writer.commit()
    with uow_factory() as reader:
        assert reader.planets.get("Pending b") == planet("Pending b")


def test_explicit_rollback_discards_work_since_last_commit(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        uow.planets.add(planet("First b"))
        uow.commit()
        uow.planets.add(planet("Second b"))
        uow.rollback()
        assert names(uow.planets.iter_all()) == ["First b"]
        uow.planets.add(planet("Third b"))
        uow.commit()
    with uow_factory() as uow:
        assert names(uow.planets.iter_all()) == ["First b", "Third b"]


# --- jobs -----------------------------------------------------------------------------------


def test_round_trips_job_with_params_result_state_and_utc_datetimes(uow_factory: UnitOfWorkFactory) -> None:
    params = {
        "catalog": "pscomppars",
        "limit": 6000,
        "ratio": 1.0000000000000002,
        "tags": ["a", "b"],
        "nested": {"ok": True, "none": None},
    }
    job = Job(id="job-1", kind="ingest_catalog", params=params, created_at=T0, updated_at=T0)
    done = job.started(T0 + timedelta(seconds=1)).succeeded(
        {"ingested": 5967, "skipped": [{"name": "X b", "why": "no star"}]}, T0 + timedelta(minutes=3)
    )
    with uow_factory() as uow:
        uow.jobs.add(job)
        uow.commit()
    with uow_factory() as uow:
        assert uow.jobs.get("job-1") == job
        uow.jobs.add(done)
        uow.commit()
    with uow_factory() as uow:
        loaded = uow.jobs.get("job-1")
    assert loaded == done
    assert loaded is not None and loaded.state is JobState.SUCCEEDED
    for t in (loaded.created_at, loaded.updated_at):
        assert t.utcoffset() == timedelta(0)
    assert loaded.updated_at == T0 + timedelta(minutes=3)


def test_failed_job_keeps_error_and_has_no_result(uow_factory: UnitOfWorkFactory) -> None:
    job = Job(id="job-2", kind="run_gcm", created_at=T0, updated_at=T0).failed("diverged", T0)
    with uow_factory() as uow:
        uow.jobs.add(job)
        uow.commit()
    with uow_factory() as uow:
        loaded = uow.jobs.get("job-2")
    assert loaded == job
    assert loaded is not None and loaded.result is None and loaded.params == {}


def test_job_datetime_in_another_zone_keeps_its_instant(uow_factory: UnitOfWorkFactory) -> None:
    cest = T0.astimezone(timezone(timedelta(hours=2)))
    job = Job(id="job-3", kind="k", created_at=cest, updated_at=cest)
    with uow_factory() as uow:
        uow.jobs.add(job)
        uow.commit()
    with uow_factory() as uow:
        loaded = uow.jobs.get("job-3")
    assert loaded is not None and loaded.created_at == T0 and loaded.created_at.utcoffset() is not None


def test_get_unknown_job_returns_none(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        assert uow.jobs.get("nope") is None


def test_add_many_upserts_like_add_in_turn(uow_factory: UnitOfWorkFactory) -> None:
    store(uow_factory, planet("Old b", radius=1.0))
    batch = [planet(f"P{i:04d} b", radius=1.0 + i) for i in range(25)]
    batch += [planet("Old b", radius=2.0), planet("P0003 b", radius=99.0)]  # the later one wins
    with uow_factory() as uow:
        uow.planets.add_many(batch)
        uow.planets.add_many([])
        uow.commit()
    with uow_factory() as uow:
        assert uow.planets.count(PlanetQuery()) == 26
        assert uow.planets.get("Old b") == planet("Old b", radius=2.0)
        assert uow.planets.get("P0003 b") == planet("P0003 b", radius=99.0)


# --- beyond the port: the SQL adapter ---------------------------------------------------------


def test_add_many_batches_keep_the_last_write_of_each_name(sql_factory: SqlUnitOfWorkFactory) -> None:
    batch = [planet(f"P{i:04d} b", radius=1.0 + i) for i in range(25)]
    batch += [planet("P0003 b", radius=99.0), planet("P0024 b", radius=98.0), planet("P0003 b", radius=97.0)]
    with sql_factory() as uow:
        uow.planets.add_many(batch, batch_size=10)
        uow.commit()
    with sql_factory() as uow:
        assert uow.planets.count(PlanetQuery()) == 25
        assert uow.planets.get("P0003 b") == planet("P0003 b", radius=97.0)
        assert uow.planets.get("P0024 b") == planet("P0024 b", radius=98.0)


def test_unreachable_database_raises_upstream_unavailable() -> None:
    engine = make_engine("postgresql://postgres@127.0.0.1:1/none", connect_args={"connect_timeout": 2})
    try:
        with pytest.raises(UpstreamUnavailable) as err, SqlUnitOfWork(engine):
            pass
        assert err.value.service == "database"
    finally:
        engine.dispose()


def test_postgres_urls_use_the_psycopg3_driver() -> None:
    assert normalize_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
    assert normalize_url("postgres://u@h/db").drivername == "postgresql+psycopg"
    assert normalize_url("sqlite:///x.db").drivername == "sqlite"


def test_sqlite_engine_creates_parent_directory_and_uses_wal(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "dir" / "a.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
        assert path.parent.is_dir()
    finally:
        engine.dispose()


def test_sql_unit_of_work_refuses_naive_datetimes(sql_factory: SqlUnitOfWorkFactory) -> None:
    naive = datetime(2026, 1, 1)
    with sql_factory() as uow, pytest.raises(sa.exc.StatementError, match="naive datetime"):
        uow.jobs.add(Job(id="n", kind="k", created_at=naive, updated_at=naive))


def test_unmigrated_database_is_reported_as_unavailable_with_a_hint(tmp_path: Path) -> None:
    from astrobio.adapters.sql.engine import make_engine
    from astrobio.adapters.sql.unit_of_work import SqlUnitOfWork
    from astrobio.domain.errors import UpstreamUnavailable

    engine = make_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    with pytest.raises(UpstreamUnavailable) as err, SqlUnitOfWork(engine) as uow:
        uow.planets.get("anything")
    assert "astrobio db upgrade" in str(err.value)
    engine.dispose()
