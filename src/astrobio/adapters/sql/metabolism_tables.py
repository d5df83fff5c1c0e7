"""SQL tables of the metabolism feature, on the shared :data:`~astrobio.adapters.sql.tables.metadata`.

``metabolic_models`` holds one :class:`~astrobio.domain.metabolism.MetabolicModel` per id: its
metadata, exchange map, base medium and ingest quality check (JSON); the SBML itself lives in
the content-addressed store at ``sbml_uri`` (``sbml_sha256`` of its uncompressed bytes).
``ncbi_taxid`` is indexed: genomes are linked to models by taxid or model id.
"""

from __future__ import annotations

import sqlalchemy as sa

from astrobio.adapters.sql.tables import NameText, UtcDateTime, metadata

metabolic_models = sa.Table(
    "metabolic_models",
    metadata,
    sa.Column("id", NameText, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("organism", sa.Text, nullable=True),
    sa.Column("ncbi_taxid", sa.BigInteger, nullable=True),
    sa.Column("organism_class", sa.String(32), nullable=False),
    sa.Column("objective", sa.Text, nullable=False),
    sa.Column("sbml_sha256", sa.String(64), nullable=False),
    sa.Column("sbml_uri", sa.Text, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("n_reactions", sa.Integer, nullable=False),
    sa.Column("n_metabolites", sa.Integer, nullable=False),
    sa.Column("n_genes", sa.Integer, nullable=False),
    sa.Column("exchanges", sa.JSON(none_as_null=True), nullable=False),
    sa.Column("base_medium", sa.JSON(none_as_null=True), nullable=False),
    sa.Column("quality", sa.JSON(none_as_null=True), nullable=False),
    sa.Column("license", sa.Text, nullable=True),
    sa.Column("reference", sa.Text, nullable=True),
    sa.Column("ingested_at", UtcDateTime, nullable=False),
    sa.Index(None, "ncbi_taxid"),
)
