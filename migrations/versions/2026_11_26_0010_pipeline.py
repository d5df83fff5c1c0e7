"""pipeline: end-to-end pipeline runs and their per-planet results

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26 00:00:09+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_name_type = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "pipeline_runs",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("planets", sa.JSON(), nullable=True),
        sa.Column("n_planets", sa.Integer(), nullable=False),
        sa.Column("n_done", sa.Integer(), nullable=False),
        sa.Column("n_failed", sa.Integer(), nullable=False),
        sa.Column("provenance", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_pipeline_runs"),
    )
    op.create_index("ix_pipeline_runs_status_updated_at", "pipeline_runs", ["status", "updated_at"])
    op.create_table(
        "pipeline_results",
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("planet_name", _name_type, nullable=False),
        sa.Column("verdict", sa.String(length=32), nullable=False),
        sa.Column("potential", sa.Float(), nullable=True),
        sa.Column("habitability", sa.Float(), nullable=True),
        sa.Column("detectability", sa.Float(), nullable=True),
        sa.Column("certainty", sa.Float(), nullable=True),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("stages", sa.JSON(), nullable=False),
        sa.Column("provenance", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["pipeline_runs.id"],
            name="fk_pipeline_results_run_id_pipeline_runs",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("run_id", "planet_name", name="pk_pipeline_results"),
    )
    op.create_index(
        "ix_pipeline_results_run_id_verdict_potential", "pipeline_results", ["run_id", "verdict", "potential"]
    )


def downgrade() -> None:
    op.drop_index("ix_pipeline_results_run_id_verdict_potential", table_name="pipeline_results")
    op.drop_table("pipeline_results")
    op.drop_index("ix_pipeline_runs_status_updated_at", table_name="pipeline_runs")
    op.drop_table("pipeline_runs")
