"""planet measurement details: catalog 1-sigma errors and host coordinates (one JSON column)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 00:00:13+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("planets") as batch:
        batch.add_column(sa.Column("measurement", sa.JSON(none_as_null=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("planets") as batch:
        batch.drop_column("measurement")
