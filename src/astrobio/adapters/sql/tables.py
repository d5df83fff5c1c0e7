"""The relational schema, as SQLAlchemy Core tables (imperative: the domain stays ORM-free).

One ``planets`` row holds a :class:`~astrobio.domain.planet.Planet` and its host
:class:`~astrobio.domain.star.Star`; column names are the dataclass field names (units
included), star fields prefixed ``star_``. ``jobs`` holds :class:`~astrobio.domain.job.Job`.
``sweeps``, ``runs`` and ``cubes`` hold the climate entities of :mod:`astrobio.domain.climate`,
their nested values (parameters, ranges, grid, variables) as JSON.

This metadata is the target that ``alembic upgrade head`` must reproduce exactly
(``tests/integration/test_migrations.py`` checks it with alembic's ``compare_metadata``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# PostgreSQL compares and sorts with the database locale unless told otherwise; "C" makes
# ``ORDER BY name`` code-point order everywhere (as Python's ``sorted`` and SQLite do), and lets
# the primary-key index serve it.
NameText: sa.types.TypeEngine[str] = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")


class UtcDateTime(sa.TypeDecorator[datetime]):
    """``DateTime(timezone=True)`` that only accepts aware datetimes and always returns UTC.

    SQLite has no time zone type: it would silently drop the offset of an aware value. Binding
    converts to UTC first; reading attaches UTC to SQLite's naive values and converts
    PostgreSQL's (session-zone) values to UTC.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} refused: pass a timezone-aware value")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)  # type: ignore[no-any-return]
        return value.astimezone(UTC)  # type: ignore[no-any-return]


planets = sa.Table(
    "planets",
    metadata,
    sa.Column("name", NameText, primary_key=True),
    sa.Column("radius_earth", sa.Double, nullable=True),
    sa.Column("mass_earth", sa.Double, nullable=True),
    sa.Column("mass_is_minimum", sa.Boolean, nullable=False),
    sa.Column("orbital_period_days", sa.Double, nullable=True),
    sa.Column("semi_major_axis_au", sa.Double, nullable=True),
    sa.Column("eccentricity", sa.Double, nullable=True),
    sa.Column("discovery_method", sa.Text, nullable=True),
    sa.Column("discovery_year", sa.Integer, nullable=True),
    sa.Column("transits", sa.Boolean, nullable=True),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("star_name", sa.Text, nullable=False),
    sa.Column("star_teff_k", sa.Double, nullable=True),
    sa.Column("star_radius_sun", sa.Double, nullable=True),
    sa.Column("star_mass_sun", sa.Double, nullable=True),
    sa.Column("star_luminosity_sun", sa.Double, nullable=True),
    sa.Column("star_j_mag", sa.Double, nullable=True),
    sa.Column("star_j_mag_is_derived", sa.Boolean, nullable=False),
    sa.Column("star_k_mag", sa.Double, nullable=True),
    sa.Column("star_distance_pc", sa.Double, nullable=True),
    sa.Column("star_metallicity_dex", sa.Double, nullable=True),
    # Catalog 1-sigma errors {field: [minus, plus]} and host coordinates {"ra_deg", "dec_deg"} (0013).
    sa.Column("measurement", sa.JSON(none_as_null=True), nullable=True),
    # The host name is the query filter of "all planets of this star" (revision 0001).
    sa.Index(None, "star_name"),
    # Revision 0002: the catalog browser filters by method, and by radius range.
    sa.Index(None, "discovery_method"),
    sa.Index(None, "radius_earth"),
)

#: One row (id 1): ``generation`` grows with every write to ``planets`` (revision 0011), so a
#: reader can tell in one primary-key lookup whether derived data (stored assessments) is stale.
catalog_state = sa.Table(
    "catalog_state",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("generation", sa.BigInteger, nullable=False),
)

jobs = sa.Table(
    "jobs",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("params", sa.JSON(none_as_null=True), nullable=False),
    sa.Column("result", sa.JSON(none_as_null=True), nullable=True),
    sa.Column("error", sa.Text, nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    # Revision 0002: workers and the API list jobs by state.
    sa.Index(None, "state"),
    # Revision 0012: attempts, the per-kind time limit, and the lease of the worker running the job.
    sa.Column("attempt", sa.Integer, nullable=False, server_default="0"),
    sa.Column("max_attempts", sa.Integer, nullable=False, server_default="1"),
    sa.Column("time_limit_s", sa.Double, nullable=True),
    sa.Column("lease_owner", sa.Text, nullable=True),
    sa.Column("lease_expires_at", UtcDateTime, nullable=True),
    sa.Column("started_at", UtcDateTime, nullable=True),
    # Revision 0012: the reaper looks for running jobs whose lease lapsed.
    sa.Index(None, "state", "lease_expires_at"),
)

# --- climate (revision 0003) -------------------------------------------------------------------
# Ids are listed in order (runs of a sweep by id, cubes by name then id): code-point order on
# PostgreSQL too, as for planet names.
IdString: sa.types.TypeEngine[str] = sa.String(64).with_variant(sa.String(64, collation="C"), "postgresql")

# A :class:`~astrobio.domain.climate.ParameterSweep`; ``ranges`` maps a parameter name to
# ``{"low", "high", "log"}``, ``base`` is ``ClimateParameters.to_dict()``.
sweeps = sa.Table(
    "sweeps",
    metadata,
    sa.Column("id", IdString, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("ranges", sa.JSON(none_as_null=True), nullable=False),
    sa.Column("base", sa.JSON(none_as_null=True), nullable=False),
    sa.Column("method", sa.String(16), nullable=False),
    sa.Column("samples", sa.Integer, nullable=False),
    sa.Column("seed", sa.BigInteger, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=True),
    # ``list`` is newest first.
    sa.Index(None, "created_at"),
)

# A :class:`~astrobio.domain.climate.SimulationRun`. No foreign key to ``sweeps``: a run may be
# recorded before (or without) its sweep, as the in-memory fake allows.
runs = sa.Table(
    "runs",
    metadata,
    sa.Column("id", IdString, primary_key=True),
    sa.Column("sweep_id", IdString, nullable=True),
    sa.Column("parameters", sa.JSON(none_as_null=True), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("backend", sa.Text, nullable=False),
    sa.Column("backend_job_id", sa.Text, nullable=True),
    sa.Column("workdir", sa.Text, nullable=True),
    sa.Column("output_files", sa.JSON(none_as_null=True), nullable=False),
    sa.Column("log_excerpt", sa.Text, nullable=False),
    sa.Column("cube_id", sa.String(64), nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    # "The runs of this sweep" (ordered by id: the composite index serves the ORDER BY).
    sa.Index(None, "sweep_id", "id"),
)

# A published :class:`~astrobio.domain.climate.ClimateCube` (its metadata; the arrays live in
# the cube store at ``uri``). ``grid`` and ``variables`` are the dataclasses as JSON objects.
cubes = sa.Table(
    "cubes",
    metadata,
    sa.Column("id", IdString, primary_key=True),
    sa.Column("name", NameText, nullable=False),
    sa.Column("uri", sa.Text, nullable=False),
    sa.Column("grid", sa.JSON(none_as_null=True), nullable=False),
    sa.Column("variables", sa.JSON(none_as_null=True), nullable=False),
    sa.Column("parameters", sa.JSON(none_as_null=True), nullable=True),
    sa.Column("time_units", sa.Text, nullable=False),
    sa.Column("checksum", sa.String(64), nullable=False),
    sa.Column("source_files", sa.JSON(none_as_null=True), nullable=False),
    sa.Column("source_checksums", sa.JSON(none_as_null=True), nullable=False),
    sa.Column("source_format", sa.String(32), nullable=False),
    sa.Column("run_id", sa.String(64), nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("attributes", sa.JSON(none_as_null=True), nullable=False),
    # ``list`` orders by name, then id.
    sa.Index(None, "name", "id"),
)

# Feature tables register themselves on ``metadata``; imported here so ``metadata`` is complete.
from astrobio.adapters.sql import (  # noqa: E402, F401
    genomes_tables,
    governance_tables,
    jwst_tables,
    metabolism_tables,
    pathways_tables,
    pipeline_tables,
    spectra_tables,
)
