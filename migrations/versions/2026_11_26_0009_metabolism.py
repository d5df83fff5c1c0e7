"""metabolism: genome-scale metabolic models and their quality checks

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26 00:00:08+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_name_type = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "metabolic_models",
        sa.Column("id", _name_type, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("organism", sa.Text(), nullable=True),
        sa.Column("ncbi_taxid", sa.BigInteger(), nullable=True),
        sa.Column("organism_class", sa.String(length=32), nullable=False),
        sa.Column("objective", sa.Text(), nullable=False),
        sa.Column("sbml_sha256", sa.String(length=64), nullable=False),
        sa.Column("sbml_uri", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("n_reactions", sa.Integer(), nullable=False),
        sa.Column("n_metabolites", sa.Integer(), nullable=False),
        sa.Column("n_genes", sa.Integer(), nullable=False),
        sa.Column("exchanges", sa.JSON(), nullable=False),
        sa.Column("base_medium", sa.JSON(), nullable=False),
        sa.Column("quality", sa.JSON(), nullable=False),
        sa.Column("license", sa.Text(), nullable=True),
        sa.Column("reference", sa.Text(), nullable=True),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_metabolic_models"),
    )
    op.create_index("ix_metabolic_models_ncbi_taxid", "metabolic_models", ["ncbi_taxid"])


def downgrade() -> None:
    op.drop_index("ix_metabolic_models_ncbi_taxid", table_name="metabolic_models")
    op.drop_table("metabolic_models")
