"""SQL repositories over one SQLAlchemy Core connection (the unit of work's)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from astrobio.adapters.sql.tables import catalog_state, jobs, planets
from astrobio.application.ports.repositories import JobRepository, PlanetQuery, PlanetRepository
from astrobio.domain.job import Job, JobState
from astrobio.domain.planet import Planet
from astrobio.domain.star import Star

_PLANET_COLUMNS = tuple(planets.c)
_JOB_COLUMNS = tuple(jobs.c)


def planet_to_row(p: Planet) -> dict[str, Any]:
    """The ``planets`` row of ``p`` (column name -> value)."""
    s = p.star
    return {
        "name": p.name,
        "radius_earth": p.radius_earth,
        "mass_earth": p.mass_earth,
        "mass_is_minimum": p.mass_is_minimum,
        "orbital_period_days": p.orbital_period_days,
        "semi_major_axis_au": p.semi_major_axis_au,
        "eccentricity": p.eccentricity,
        "discovery_method": p.discovery_method,
        "discovery_year": p.discovery_year,
        "transits": p.transits,
        "source": p.source,
        "star_name": s.name,
        "star_teff_k": s.teff_k,
        "star_radius_sun": s.radius_sun,
        "star_mass_sun": s.mass_sun,
        "star_luminosity_sun": s.luminosity_sun,
        "star_j_mag": s.j_mag,
        "star_j_mag_is_derived": s.j_mag_is_derived,
        "star_k_mag": s.k_mag,
        "star_distance_pc": s.distance_pc,
        "star_metallicity_dex": s.metallicity_dex,
        "measurement": {"errors": {k: list(v) for k, v in p.errors.items()}, "ra_deg": p.ra_deg,
                        "dec_deg": p.dec_deg},
    }


def planet_from_row(r: sa.Row[Any]) -> Planet:
    """The :class:`Planet` of a row selected with every ``planets`` column."""
    measurement = getattr(r, "measurement", None) or {}
    star = Star(
        name=r.star_name,
        teff_k=r.star_teff_k,
        radius_sun=r.star_radius_sun,
        mass_sun=r.star_mass_sun,
        luminosity_sun=r.star_luminosity_sun,
        j_mag=r.star_j_mag,
        j_mag_is_derived=r.star_j_mag_is_derived,
        k_mag=r.star_k_mag,
        distance_pc=r.star_distance_pc,
        metallicity_dex=r.star_metallicity_dex,
    )
    return Planet(
        name=r.name,
        star=star,
        radius_earth=r.radius_earth,
        mass_earth=r.mass_earth,
        mass_is_minimum=r.mass_is_minimum,
        orbital_period_days=r.orbital_period_days,
        semi_major_axis_au=r.semi_major_axis_au,
        eccentricity=r.eccentricity,
        discovery_method=r.discovery_method,
        discovery_year=r.discovery_year,
        transits=r.transits,
        source=r.source,
        errors={k: (float(v[0]), float(v[1])) for k, v in (measurement.get("errors") or {}).items()},
        ra_deg=measurement.get("ra_deg"),
        dec_deg=measurement.get("dec_deg"),
    )


def _upsert(conn: sa.Connection, table: sa.Table) -> sa.Executable:
    """``INSERT ... ON CONFLICT (pk) DO UPDATE SET every other column`` for the connection's dialect."""
    dialect = conn.dialect.name
    if dialect == "sqlite":
        ins: Any = sqlite.insert(table)
    elif dialect == "postgresql":
        ins = postgresql.insert(table)
    else:  # pragma: no cover - astrobio supports SQLite and PostgreSQL
        raise NotImplementedError(f"no upsert for SQL dialect {dialect!r}")
    pk = [c.name for c in table.primary_key.columns]
    updates = {c.name: ins.excluded[c.name] for c in table.columns if c.name not in pk}
    return ins.on_conflict_do_update(index_elements=pk, set_=updates)  # type: ignore[no-any-return]


def planet_conditions(q: PlanetQuery, dialect: str) -> list[sa.ColumnElement[bool]]:
    """The WHERE clauses of ``q``, for the SQL ``dialect`` (name as SQLAlchemy spells it)."""
    c = planets.c
    out: list[sa.ColumnElement[bool]] = []
    if q.name_contains is not None:
        name: sa.ColumnElement[str] = c.name
        if dialect == "postgresql":
            # The column sorts with "C", whose lower() folds ASCII only; use the database's.
            name = c.name.collate("default")
        out.append(sa.func.lower(name).contains(q.name_contains.lower(), autoescape=True))
    if q.host_name is not None:
        out.append(c.star_name == q.host_name)
    if q.discovery_method is not None:
        out.append(c.discovery_method == q.discovery_method)
    # SQL comparisons with NULL are never true: a planet without the value fails the bound.
    if q.min_radius_earth is not None:
        out.append(c.radius_earth >= q.min_radius_earth)
    if q.max_radius_earth is not None:
        out.append(c.radius_earth <= q.max_radius_earth)
    if q.max_distance_pc is not None:
        out.append(c.star_distance_pc <= q.max_distance_pc)
    return out


class SqlPlanetRepository(PlanetRepository):
    """Planets in the ``planets`` table. Reads see this unit of work's own uncommitted writes."""

    def __init__(self, conn: sa.Connection) -> None:
        self._conn = conn
        self._upsert_stmt = _upsert(conn, planets)

    def get(self, name: str) -> Planet | None:
        row = self._conn.execute(sa.select(*_PLANET_COLUMNS).where(planets.c.name == name)).first()
        return None if row is None else planet_from_row(row)

    def add(self, planet: Planet) -> None:
        self._conn.execute(self._upsert_stmt, planet_to_row(planet))
        self._bump_version()

    def remove(self, names: Iterable[str]) -> int:
        wanted = sorted(set(names))
        deleted = 0
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            deleted += self._conn.execute(sa.delete(planets).where(planets.c.name.in_(chunk))).rowcount
        if deleted:
            self._bump_version()
        return deleted

    def _bump_version(self) -> None:
        """Count this write in ``catalog_state`` (same transaction): readers see a new version."""
        bumped = self._conn.execute(
            sa.update(catalog_state).where(catalog_state.c.id == 1)
            .values(generation=catalog_state.c.generation + 1)
        )
        if bumped.rowcount == 0:
            self._conn.execute(sa.insert(catalog_state).values(id=1, generation=1))

    def version(self) -> str:
        generation = self._conn.execute(
            sa.select(catalog_state.c.generation).where(catalog_state.c.id == 1)
        ).scalar_one_or_none()
        return f"g{generation or 0}"

    def add_many(self, planets: Iterable[Planet], *, batch_size: int = 1000) -> None:
        """Upsert every planet, ``batch_size`` rows per executemany round trip.

        Same result as :meth:`add` for each in turn (a later planet of the same name wins),
        several times faster for catalog ingests.
        """
        batch: dict[str, dict[str, Any]] = {}
        for p in planets:
            # ON CONFLICT cannot touch one row twice in one statement on PostgreSQL: keep the
            # last (re-inserting moves it to the end, so a batch keeps the order of last writes).
            batch.pop(p.name, None)
            batch[p.name] = planet_to_row(p)
            if len(batch) >= batch_size:
                self._conn.execute(self._upsert_stmt, [*batch.values()])
                batch.clear()
        if batch:
            self._conn.execute(self._upsert_stmt, [*batch.values()])
        self._bump_version()

    def list(self, query: PlanetQuery, *, offset: int = 0, limit: int | None = None) -> Sequence[Planet]:
        stmt = (
            sa.select(*_PLANET_COLUMNS)
            .where(*planet_conditions(query, self._conn.dialect.name))
            .order_by(planets.c.name)
        )
        if offset:
            stmt = stmt.offset(offset)
        if limit is not None:
            stmt = stmt.limit(limit)
        return [planet_from_row(r) for r in self._conn.execute(stmt)]

    def count(self, query: PlanetQuery) -> int:
        stmt = (
            sa.select(sa.func.count())
            .select_from(planets)
            .where(*planet_conditions(query, self._conn.dialect.name))
        )
        return int(self._conn.execute(stmt).scalar_one())

    def iter_all(self) -> Iterator[Planet]:
        # One query, fetched whole before yielding: the caller may write through this same
        # connection while iterating.
        rows = self._conn.execute(sa.select(*_PLANET_COLUMNS).order_by(planets.c.name)).all()
        return map(planet_from_row, rows)


def job_to_row(j: Job) -> dict[str, Any]:
    return {
        "id": j.id,
        "kind": j.kind,
        "state": j.state.value,
        "params": j.params,
        "result": j.result,
        "error": j.error,
        "created_at": j.created_at,
        "updated_at": j.updated_at,
        "attempt": j.attempt,
        "max_attempts": j.max_attempts,
        "time_limit_s": j.time_limit_s,
        "lease_owner": j.lease_owner,
        "lease_expires_at": j.lease_expires_at,
        "started_at": j.started_at,
    }


def job_from_row(r: sa.Row[Any]) -> Job:
    return Job(
        id=r.id,
        kind=r.kind,
        params=r.params,
        state=JobState(r.state),
        result=r.result,
        error=r.error,
        created_at=r.created_at,
        updated_at=r.updated_at,
        attempt=r.attempt,
        max_attempts=r.max_attempts,
        time_limit_s=r.time_limit_s,
        lease_owner=r.lease_owner,
        lease_expires_at=r.lease_expires_at,
        started_at=r.started_at,
    )


class SqlJobRepository(JobRepository):
    """Jobs in the ``jobs`` table; datetimes come back timezone-aware, in UTC."""

    def __init__(self, conn: sa.Connection) -> None:
        self._conn = conn
        self._upsert_stmt = _upsert(conn, jobs)

    def get(self, job_id: str) -> Job | None:
        row = self._conn.execute(sa.select(*_JOB_COLUMNS).where(jobs.c.id == job_id)).first()
        return None if row is None else job_from_row(row)

    def add(self, job: Job) -> None:
        self._conn.execute(self._upsert_stmt, job_to_row(job))

    def swap(self, expected: Job, new: Job) -> bool:
        if new.id != expected.id:
            raise ValueError(f"swap of job {expected.id} with job {new.id}")
        owner = (jobs.c.lease_owner.is_(None) if expected.lease_owner is None
                 else jobs.c.lease_owner == expected.lease_owner)
        row = job_to_row(new)
        del row["id"], row["created_at"]
        result = self._conn.execute(
            sa.update(jobs)
            .where(jobs.c.id == expected.id, jobs.c.state == expected.state.value,
                   jobs.c.attempt == expected.attempt, owner)
            .values(**row)
        )
        return result.rowcount == 1

    def lapsed(self, now: datetime, *, limit: int = 100) -> Sequence[Job]:
        rows = self._conn.execute(
            sa.select(*_JOB_COLUMNS)
            .where(jobs.c.state == JobState.RUNNING.value,
                   sa.or_(jobs.c.lease_expires_at.is_(None), jobs.c.lease_expires_at <= now))
            .order_by(jobs.c.updated_at, jobs.c.id)
            .limit(limit)
        )
        return [job_from_row(r) for r in rows]
