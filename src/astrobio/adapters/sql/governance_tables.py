"""SQL tables of data governance, on the shared :data:`~astrobio.adapters.sql.tables.metadata`.

``governance_versions`` holds immutable dataset versions (manifest, lineage and quality report
as JSON); ``governance_tag_moves`` the history of every tag (its last row is where the tag
points; rollback walks it back); ``governance_audit`` the hash-chained audit log and
``governance_audit_head`` its last sequence number and hash, updated in the same transaction.
"""

from __future__ import annotations

import sqlalchemy as sa

from astrobio.adapters.sql.tables import NameText, UtcDateTime, metadata

governance_datasets = sa.Table(
    "governance_datasets",
    metadata,
    sa.Column("id", NameText, primary_key=True),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("security_level", sa.Integer, nullable=False),
    sa.Column("dublin_core", sa.JSON(none_as_null=True), nullable=False),
    sa.Column("search_text", sa.Text, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Index(None, "security_level"),
)

governance_versions = sa.Table(
    "governance_versions",
    metadata,
    sa.Column("dataset_id", NameText, sa.ForeignKey("governance_datasets.id"), primary_key=True),
    sa.Column("id", sa.String(71), primary_key=True),
    sa.Column("ordinal", sa.Integer, nullable=False),
    sa.Column("manifest", sa.JSON(none_as_null=True), nullable=False),
    sa.Column("lineage", sa.JSON(none_as_null=True), nullable=False),
    sa.Column("quality", sa.JSON(none_as_null=True), nullable=False),
    sa.Column("published", sa.Boolean, nullable=False),
    sa.Column("override_reason", sa.Text, nullable=True),
    sa.Column("row_digests", sa.JSON(none_as_null=True), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("dataset_id", "ordinal"),
)

governance_tag_moves = sa.Table(
    "governance_tag_moves",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("dataset_id", NameText, sa.ForeignKey("governance_datasets.id"), nullable=False),
    sa.Column("tag", sa.String(32), nullable=False),
    sa.Column("version_id", sa.String(71), nullable=False),
    sa.Column("moved_at", UtcDateTime, nullable=False),
    sa.Column("actor", sa.Text, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Index(None, "dataset_id", "tag", "id"),
)

governance_api_keys = sa.Table(
    "governance_api_keys",
    metadata,
    sa.Column("id", sa.String(12), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("salt", sa.LargeBinary, nullable=False),
    sa.Column("secret_hash", sa.LargeBinary, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("revoked_at", UtcDateTime, nullable=True),
)

governance_audit = sa.Table(
    "governance_audit",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("actor", sa.Text, nullable=False),
    sa.Column("action", sa.Text, nullable=False),
    sa.Column("object", sa.Text, nullable=False),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("client", sa.Text, nullable=False),
    sa.Column("outcome", sa.Text, nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
)

governance_audit_head = sa.Table(
    "governance_audit_head",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
)

GOVERNANCE_TABLES = (
    governance_datasets,
    governance_versions,
    governance_tag_moves,
    governance_api_keys,
    governance_audit,
    governance_audit_head,
)
