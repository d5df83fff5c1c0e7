"""governance: dataset versions, tag history, API keys, hash-chained audit log

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 00:00:05+00:00

Tables that already exist are left alone: the embedded SQLite default creates the governance
tables on first use when the database was never migrated.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_name_type = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")
_TABLES = (
    "governance_audit_head",
    "governance_audit",
    "governance_api_keys",
    "governance_tag_moves",
    "governance_versions",
    "governance_datasets",
)


def _absent(name: str) -> bool:
    return not sa.inspect(op.get_bind()).has_table(name)


def upgrade() -> None:
    if _absent("governance_datasets"):
        op.create_table(
            "governance_datasets",
            sa.Column("id", _name_type, nullable=False),
            sa.Column("kind", sa.Text(), nullable=False),
            sa.Column("security_level", sa.Integer(), nullable=False),
            sa.Column("dublin_core", sa.JSON(), nullable=False),
            sa.Column("search_text", sa.Text(), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("id", name="pk_governance_datasets"),
        )
        op.create_index("ix_governance_datasets_security_level", "governance_datasets", ["security_level"])
    if _absent("governance_versions"):
        op.create_table(
            "governance_versions",
            sa.Column("dataset_id", _name_type, nullable=False),
            sa.Column("id", sa.String(length=71), nullable=False),
            sa.Column("ordinal", sa.Integer(), nullable=False),
            sa.Column("manifest", sa.JSON(), nullable=False),
            sa.Column("lineage", sa.JSON(), nullable=False),
            sa.Column("quality", sa.JSON(), nullable=False),
            sa.Column("published", sa.Boolean(), nullable=False),
            sa.Column("override_reason", sa.Text(), nullable=True),
            sa.Column("row_digests", sa.JSON(), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.ForeignKeyConstraint(
                ["dataset_id"],
                ["governance_datasets.id"],
                name="fk_governance_versions_dataset_id_governance_datasets",
            ),
            sa.PrimaryKeyConstraint("dataset_id", "id", name="pk_governance_versions"),
            sa.UniqueConstraint("dataset_id", "ordinal", name="uq_governance_versions_dataset_id_ordinal"),
        )
    if _absent("governance_tag_moves"):
        op.create_table(
            "governance_tag_moves",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("dataset_id", _name_type, nullable=False),
            sa.Column("tag", sa.String(length=32), nullable=False),
            sa.Column("version_id", sa.String(length=71), nullable=False),
            sa.Column("moved_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("actor", sa.Text(), nullable=False),
            sa.Column("reason", sa.Text(), nullable=False),
            sa.ForeignKeyConstraint(
                ["dataset_id"],
                ["governance_datasets.id"],
                name="fk_governance_tag_moves_dataset_id_governance_datasets",
            ),
            sa.PrimaryKeyConstraint("id", name="pk_governance_tag_moves"),
        )
        op.create_index(
            "ix_governance_tag_moves_dataset_id_tag_id", "governance_tag_moves", ["dataset_id", "tag", "id"]
        )
    if _absent("governance_api_keys"):
        op.create_table(
            "governance_api_keys",
            sa.Column("id", sa.String(length=12), nullable=False),
            sa.Column("name", sa.Text(), nullable=False),
            sa.Column("role", sa.String(length=16), nullable=False),
            sa.Column("salt", sa.LargeBinary(), nullable=False),
            sa.Column("secret_hash", sa.LargeBinary(), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
            sa.PrimaryKeyConstraint("id", name="pk_governance_api_keys"),
        )
    if _absent("governance_audit"):
        op.create_table(
            "governance_audit",
            sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
            sa.Column("actor", sa.Text(), nullable=False),
            sa.Column("action", sa.Text(), nullable=False),
            sa.Column("object", sa.Text(), nullable=False),
            sa.Column("at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("client", sa.Text(), nullable=False),
            sa.Column("outcome", sa.Text(), nullable=False),
            sa.Column("prev_hash", sa.String(length=64), nullable=False),
            sa.Column("hash", sa.String(length=64), nullable=False),
            sa.PrimaryKeyConstraint("seq", name="pk_governance_audit"),
        )
    if _absent("governance_audit_head"):
        op.create_table(
            "governance_audit_head",
            sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
            sa.Column("seq", sa.Integer(), nullable=False),
            sa.Column("hash", sa.String(length=64), nullable=False),
            sa.PrimaryKeyConstraint("id", name="pk_governance_audit_head"),
        )


def downgrade() -> None:
    for name in _TABLES:
        if not _absent(name):
            op.drop_table(name)
