"""climate: parameter sweeps, simulation runs, climate cubes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 00:00:02+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Code-point ordering of listed ids and cube names on PostgreSQL (SQLite's BINARY already is).
_id_type = sa.String(length=64).with_variant(sa.String(length=64, collation="C"), "postgresql")
_name_type = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "sweeps",
        sa.Column("id", _id_type, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("ranges", sa.JSON(), nullable=False),
        sa.Column("base", sa.JSON(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("samples", sa.Integer(), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_sweeps"),
    )
    op.create_index("ix_sweeps_created_at", "sweeps", ["created_at"])
    op.create_table(
        "runs",
        sa.Column("id", _id_type, nullable=False),
        sa.Column("sweep_id", _id_type, nullable=True),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("backend", sa.Text(), nullable=False),
        sa.Column("backend_job_id", sa.Text(), nullable=True),
        sa.Column("workdir", sa.Text(), nullable=True),
        sa.Column("output_files", sa.JSON(), nullable=False),
        sa.Column("log_excerpt", sa.Text(), nullable=False),
        sa.Column("cube_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_runs"),
    )
    op.create_index("ix_runs_sweep_id_id", "runs", ["sweep_id", "id"])
    op.create_table(
        "cubes",
        sa.Column("id", _id_type, nullable=False),
        sa.Column("name", _name_type, nullable=False),
        sa.Column("uri", sa.Text(), nullable=False),
        sa.Column("grid", sa.JSON(), nullable=False),
        sa.Column("variables", sa.JSON(), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=True),
        sa.Column("time_units", sa.Text(), nullable=False),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("source_files", sa.JSON(), nullable=False),
        sa.Column("source_checksums", sa.JSON(), nullable=False),
        sa.Column("source_format", sa.String(length=32), nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_cubes"),
    )
    op.create_index("ix_cubes_name_id", "cubes", ["name", "id"])


def downgrade() -> None:
    op.drop_index("ix_cubes_name_id", table_name="cubes")
    op.drop_table("cubes")
    op.drop_index("ix_runs_sweep_id_id", table_name="runs")
    op.drop_table("runs")
    op.drop_index("ix_sweeps_created_at", table_name="sweeps")
    op.drop_table("sweeps")
