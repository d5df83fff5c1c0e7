"""genomes: tables for NCBI assemblies and genomes, genome-model links, 1000 Genomes

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 00:00:07+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_id = sa.String(length=64).with_variant(sa.String(length=64, collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "genome_assemblies",
        sa.Column("accession", _id, nullable=False),
        sa.Column("taxid", sa.Integer(), nullable=False),
        sa.Column("species_taxid", sa.Integer(), nullable=False),
        sa.Column("organism_name", sa.Text(), nullable=False),
        sa.Column("infraspecific_name", sa.Text(), nullable=True),
        sa.Column("refseq_category", sa.Text(), nullable=True),
        sa.Column("version_status", sa.String(length=16), nullable=False),
        sa.Column("assembly_level", sa.String(length=32), nullable=False),
        sa.Column("asm_name", sa.Text(), nullable=True),
        sa.Column("ftp_path", sa.Text(), nullable=True),
        sa.Column("seq_rel_date", sa.String(length=16), nullable=True),
        sa.Column("asm_group", sa.Text(), nullable=True),
        sa.Column("genome_size_bp", sa.BigInteger(), nullable=True),
        sa.Column("gc_percent", sa.Double(), nullable=True),
        sa.PrimaryKeyConstraint("accession", name="pk_genome_assemblies"),
    )
    op.create_index("ix_genome_assemblies_taxid", "genome_assemblies", ["taxid"])
    op.create_index("ix_genome_assemblies_species_taxid", "genome_assemblies", ["species_taxid"])
    op.create_table(
        "genomes",
        sa.Column("accession", _id, nullable=False),
        sa.Column("organism_name", sa.Text(), nullable=True),
        sa.Column("taxid", sa.Integer(), nullable=True),
        sa.Column("strain", sa.Text(), nullable=True),
        sa.Column("assembly_name", sa.Text(), nullable=True),
        sa.Column("stats", sa.JSON(), nullable=True),
        sa.Column("feature_counts", sa.JSON(), nullable=False),
        sa.Column("qc", sa.JSON(), nullable=False),
        sa.Column("source_files", sa.JSON(), nullable=False),
        sa.Column("source_checksums", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("accession", name="pk_genomes"),
    )
    op.create_index("ix_genomes_taxid", "genomes", ["taxid"])
    op.create_table(
        "genome_model_links",
        sa.Column("model_id", _id, nullable=False),
        sa.Column("accession", _id, nullable=False),
        sa.Column("method", sa.String(length=32), nullable=False),
        sa.Column("confidence", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("model_id", "accession", name="pk_genome_model_links"),
    )
    op.create_index("ix_genome_model_links_accession", "genome_model_links", ["accession"])
    op.create_table(
        "population_samples",
        sa.Column("sample_id", _id, nullable=False),
        sa.Column("population", sa.String(length=16), nullable=False),
        sa.Column("super_population", sa.String(length=16), nullable=False),
        sa.Column("sex", sa.String(length=8), nullable=True),
        sa.PrimaryKeyConstraint("sample_id", name="pk_population_samples"),
    )
    op.create_table(
        "populations",
        sa.Column("code", _id, nullable=False),
        sa.Column("super_population", sa.String(length=16), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("sample_count", sa.Integer(), nullable=False),
        sa.Column("female_count", sa.Integer(), nullable=False),
        sa.Column("male_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_populations"),
    )
    op.create_table(
        "population_allele_frequencies",
        sa.Column("variant_id", _id, nullable=False),
        sa.Column("super_population", _id, nullable=False),
        sa.Column("chrom", sa.String(length=16), nullable=False),
        sa.Column("pos", sa.BigInteger(), nullable=False),
        sa.Column("ref", sa.Text(), nullable=False),
        sa.Column("alt", sa.Text(), nullable=False),
        sa.Column("alt_allele_frequency", sa.Double(), nullable=False),
        sa.Column("allele_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("variant_id", "super_population", name="pk_population_allele_frequencies"),
    )
    op.create_table(
        "genotype_pcas",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("n_samples", sa.Integer(), nullable=False),
        sa.Column("n_variants", sa.Integer(), nullable=False),
        sa.Column("explained_variance_ratio", sa.JSON(), nullable=False),
        sa.Column("centroids", sa.JSON(), nullable=False),
        sa.Column("spreads", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_genotype_pcas"),
    )
    op.create_table(
        "population_sequence_files",
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("sample_id", _id, nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("md5", sa.String(length=32), nullable=True),
        sa.Column("population", sa.String(length=16), nullable=True),
        sa.PrimaryKeyConstraint("path", name="pk_population_sequence_files"),
    )
    op.create_index("ix_population_sequence_files_sample_id", "population_sequence_files", ["sample_id"])


def downgrade() -> None:
    op.drop_index("ix_population_sequence_files_sample_id", table_name="population_sequence_files")
    op.drop_table("population_sequence_files")
    for table in ("genotype_pcas", "population_allele_frequencies", "populations", "population_samples"):
        op.drop_table(table)
    op.drop_index("ix_genome_model_links_accession", table_name="genome_model_links")
    op.drop_table("genome_model_links")
    op.drop_index("ix_genomes_taxid", table_name="genomes")
    op.drop_table("genomes")
    op.drop_index("ix_genome_assemblies_species_taxid", table_name="genome_assemblies")
    op.drop_index("ix_genome_assemblies_taxid", table_name="genome_assemblies")
    op.drop_table("genome_assemblies")
