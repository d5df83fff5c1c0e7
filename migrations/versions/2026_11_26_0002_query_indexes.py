"""query indexes: planets by discovery method and radius, jobs by state

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 00:00:01+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_planets_discovery_method", "planets", ["discovery_method"])
    op.create_index("ix_planets_radius_earth", "planets", ["radius_earth"])
    op.create_index("ix_jobs_state", "jobs", ["state"])


def downgrade() -> None:
    op.drop_index("ix_jobs_state", table_name="jobs")
    op.drop_index("ix_planets_radius_earth", table_name="planets")
    op.drop_index("ix_planets_discovery_method", table_name="planets")
