"""planets and jobs

Revision ID: 0001
Revises:
Create Date: 2026-11-26 00:00:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Code-point ordering of planet names on PostgreSQL (SQLite's default BINARY already is).
_name_type = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "planets",
        sa.Column("name", _name_type, nullable=False),
        sa.Column("radius_earth", sa.Double(), nullable=True),
        sa.Column("mass_earth", sa.Double(), nullable=True),
        sa.Column("mass_is_minimum", sa.Boolean(), nullable=False),
        sa.Column("orbital_period_days", sa.Double(), nullable=True),
        sa.Column("semi_major_axis_au", sa.Double(), nullable=True),
        sa.Column("eccentricity", sa.Double(), nullable=True),
        sa.Column("discovery_method", sa.Text(), nullable=True),
        sa.Column("discovery_year", sa.Integer(), nullable=True),
        sa.Column("transits", sa.Boolean(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("star_name", sa.Text(), nullable=False),
        sa.Column("star_teff_k", sa.Double(), nullable=True),
        sa.Column("star_radius_sun", sa.Double(), nullable=True),
        sa.Column("star_mass_sun", sa.Double(), nullable=True),
        sa.Column("star_luminosity_sun", sa.Double(), nullable=True),
        sa.Column("star_j_mag", sa.Double(), nullable=True),
        sa.Column("star_j_mag_is_derived", sa.Boolean(), nullable=False),
        sa.Column("star_k_mag", sa.Double(), nullable=True),
        sa.Column("star_distance_pc", sa.Double(), nullable=True),
        sa.Column("star_metallicity_dex", sa.Double(), nullable=True),
        sa.PrimaryKeyConstraint("name", name="pk_planets"),
    )
    op.create_index("ix_planets_star_name", "planets", ["star_name"])
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_jobs"),
    )


def downgrade() -> None:
    op.drop_table("jobs")
    op.drop_index("ix_planets_star_name", table_name="planets")
    op.drop_table("planets")
