"""job leases: attempts, per-kind time limit and the lease (owner, expiry) of the running worker

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 00:00:12+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("attempt", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("max_attempts", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("time_limit_s", sa.Double(), nullable=True))
        batch.add_column(sa.Column("lease_owner", sa.Text(), nullable=True))
        batch.add_column(sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("started_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_jobs_state_lease_expires_at", "jobs", ["state", "lease_expires_at"])


def downgrade() -> None:
    op.drop_index("ix_jobs_state_lease_expires_at", table_name="jobs")
    with op.batch_alter_table("jobs") as batch:
        for name in ("started_at", "lease_expires_at", "lease_owner", "time_limit_s", "max_attempts",
                     "attempt"):
            batch.drop_column(name)
