"""SQL tables of the genomes feature (revision 0008), on the shared ``tables.metadata``.

``genome_assemblies`` holds NCBI assembly-summary rows, ``genomes`` the ingested
:class:`~astrobio.domain.genome.Genome` (statistics and QC as JSON), ``genome_model_links`` the
model <-> genome matches, and the ``population*`` / ``genotype_pcas`` tables the 1000 Genomes data.
"""

from __future__ import annotations

import sqlalchemy as sa

from astrobio.adapters.sql.tables import IdString, UtcDateTime, metadata

genome_assemblies = sa.Table(
    "genome_assemblies",
    metadata,
    sa.Column("accession", IdString, primary_key=True),
    sa.Column("taxid", sa.Integer, nullable=False),
    sa.Column("species_taxid", sa.Integer, nullable=False),
    sa.Column("organism_name", sa.Text, nullable=False),
    sa.Column("infraspecific_name", sa.Text, nullable=True),
    sa.Column("refseq_category", sa.Text, nullable=True),
    sa.Column("version_status", sa.String(16), nullable=False),
    sa.Column("assembly_level", sa.String(32), nullable=False),
    sa.Column("asm_name", sa.Text, nullable=True),
    sa.Column("ftp_path", sa.Text, nullable=True),
    sa.Column("seq_rel_date", sa.String(16), nullable=True),
    sa.Column("asm_group", sa.Text, nullable=True),
    sa.Column("genome_size_bp", sa.BigInteger, nullable=True),
    sa.Column("gc_percent", sa.Double, nullable=True),
    sa.Index(None, "taxid"),
    sa.Index(None, "species_taxid"),
)

genomes = sa.Table(
    "genomes",
    metadata,
    sa.Column("accession", IdString, primary_key=True),
    sa.Column("organism_name", sa.Text, nullable=True),
    sa.Column("taxid", sa.Integer, nullable=True),
    sa.Column("strain", sa.Text, nullable=True),
    sa.Column("assembly_name", sa.Text, nullable=True),
    sa.Column("stats", sa.JSON(none_as_null=True), nullable=True),
    sa.Column("feature_counts", sa.JSON(none_as_null=True), nullable=False),
    sa.Column("qc", sa.JSON(none_as_null=True), nullable=False),
    sa.Column("source_files", sa.JSON(none_as_null=True), nullable=False),
    sa.Column("source_checksums", sa.JSON(none_as_null=True), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=True),
    sa.Index(None, "taxid"),
)

genome_model_links = sa.Table(
    "genome_model_links",
    metadata,
    sa.Column("model_id", IdString, primary_key=True),
    sa.Column("accession", IdString, primary_key=True),
    sa.Column("method", sa.String(32), nullable=False),
    sa.Column("confidence", sa.Double, nullable=False),
    # "the models built from this genome"
    sa.Index(None, "accession"),
)

population_samples = sa.Table(
    "population_samples",
    metadata,
    sa.Column("sample_id", IdString, primary_key=True),
    sa.Column("population", sa.String(16), nullable=False),
    sa.Column("super_population", sa.String(16), nullable=False),
    sa.Column("sex", sa.String(8), nullable=True),
)

populations = sa.Table(
    "populations",
    metadata,
    sa.Column("code", IdString, primary_key=True),
    sa.Column("super_population", sa.String(16), nullable=False),
    sa.Column("name", sa.Text, nullable=True),
    sa.Column("sample_count", sa.Integer, nullable=False),
    sa.Column("female_count", sa.Integer, nullable=False),
    sa.Column("male_count", sa.Integer, nullable=False),
)

population_allele_frequencies = sa.Table(
    "population_allele_frequencies",
    metadata,
    sa.Column("variant_id", IdString, primary_key=True),
    sa.Column("super_population", IdString, primary_key=True),
    sa.Column("chrom", sa.String(16), nullable=False),
    sa.Column("pos", sa.BigInteger, nullable=False),
    sa.Column("ref", sa.Text, nullable=False),
    sa.Column("alt", sa.Text, nullable=False),
    sa.Column("alt_allele_frequency", sa.Double, nullable=False),
    sa.Column("allele_number", sa.Integer, nullable=False),
)

# One row (id 1): the latest genotype PCA; per-group values as JSON objects.
genotype_pcas = sa.Table(
    "genotype_pcas",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("n_samples", sa.Integer, nullable=False),
    sa.Column("n_variants", sa.Integer, nullable=False),
    sa.Column("explained_variance_ratio", sa.JSON(none_as_null=True), nullable=False),
    sa.Column("centroids", sa.JSON(none_as_null=True), nullable=False),
    sa.Column("spreads", sa.JSON(none_as_null=True), nullable=False),
)

# Files listed by 1000 Genomes sequence / alignment indexes (the index rows, not the files).
population_sequence_files = sa.Table(
    "population_sequence_files",
    metadata,
    sa.Column("path", sa.Text, primary_key=True),
    sa.Column("sample_id", IdString, nullable=False),
    sa.Column("kind", sa.String(8), nullable=False),
    sa.Column("md5", sa.String(32), nullable=True),
    sa.Column("population", sa.String(16), nullable=True),
    sa.Index(None, "sample_id"),
)
