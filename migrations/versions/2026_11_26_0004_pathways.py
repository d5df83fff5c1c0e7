"""pathways: KEGG pathway maps (compounds, reactions, relations)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 00:00:03+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_name_type = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "pathways",
        sa.Column("id", _name_type, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("organism", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("n_compounds", sa.Integer, nullable=False),
        sa.Column("n_reactions", sa.Integer, nullable=False),
        sa.Column("document", sa.JSON, nullable=False),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pathways")),
    )


def downgrade() -> None:
    op.drop_table("pathways")
