"""One suite for the genomes repository: the in-memory fake, SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL

from astrobio.adapters.memory.genomes import InMemoryGenomeRepository
from astrobio.adapters.sql import make_engine
from astrobio.adapters.sql.genomes_repository import SqlGenomeRepository
from astrobio.application.ports.genomes import GenomeRepository
from astrobio.domain.genome import AssemblyRecord, Genome, GenomeStats, QcReport
from astrobio.domain.genome_links import GenomeModelLink
from astrobio.domain.population import (
    GenotypePca,
    Population,
    PopulationSample,
    SequenceFile,
    VariantFrequency,
)

TABLES = (
    "genome_assemblies",
    "genomes",
    "genome_model_links",
    "population_samples",
    "populations",
    "population_allele_frequencies",
    "genotype_pcas",
    "population_sequence_files",
)


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.integration)])
def repo(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GenomeRepository]:
    if request.param == "memory":
        yield InMemoryGenomeRepository()
        return
    if request.param == "sqlite":
        path = tmp_path / "g.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        engine = make_engine(f"sqlite:///{path}")
    else:
        url: URL = request.getfixturevalue("postgres_url")
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.exec_driver_sql(f"TRUNCATE {', '.join(TABLES)}")
    yield SqlGenomeRepository(engine)
    engine.dispose()


def _asm(acc: str, taxid: int = 511145) -> AssemblyRecord:
    return AssemblyRecord(
        accession=acc,
        taxid=taxid,
        species_taxid=562,
        organism_name="Escherichia coli",
        infraspecific_name="strain=K-12",
        assembly_level="Complete Genome",
        ftp_path="https://ftp.ncbi.nlm.nih.gov/genomes/all/x",
        group="bacteria",
        genome_size_bp=4641652,
        gc_percent=50.8,
    )


GENOME = Genome(
    accession="GCF_000005845.2",
    organism_name="Escherichia coli",
    taxid=511145,
    strain="K-12",
    stats=GenomeStats(
        total_length_bp=4641652,
        contig_count=1,
        gc_fraction=0.5079,
        n_fraction=0.0,
        n50_bp=4641652,
        l50=1,
        largest_contig_bp=4641652,
    ),
    feature_counts={"gene": 4518},
    qc=(
        QcReport(
            kind="fcs_adaptor",
            status="fail",
            metrics={"action_trim": 4.0},
            findings=("c1 TRIM 1..58",),
            source="r.txt",
        ),
    ),
    source_files=("a.gff.gz",),
    source_checksums=("0" * 64,),
    created_at=datetime(2026, 11, 26, tzinfo=UTC),
)


def test_assemblies_round_trip_and_upsert(repo: GenomeRepository) -> None:
    repo.add_assemblies([_asm("GCF_000000002.1"), _asm("GCF_000000001.1")])
    repo.add_assemblies([_asm("GCF_000000001.1", taxid=83333)])
    assert repo.count_assemblies() == 2
    assert [a.accession for a in repo.list_assemblies()] == ["GCF_000000001.1", "GCF_000000002.1"]
    assert repo.get_assembly("GCF_000000001.1") == _asm("GCF_000000001.1", taxid=83333)
    assert repo.get_assembly("GCF_999999999.1") is None


def test_genome_round_trips_exactly(repo: GenomeRepository) -> None:
    repo.add_genome(GENOME)
    assert repo.get_genome(GENOME.accession) == GENOME
    assert repo.count_genomes(taxid=511145) == 1 and repo.count_genomes(taxid=1) == 0
    assert repo.list_genomes(taxid=511145) == [GENOME]


def test_links_are_replaced_per_model(repo: GenomeRepository) -> None:
    a = GenomeModelLink(model_id="iJO1366", accession="GCF_000005845.2", method="taxid", confidence=1.0)
    b = GenomeModelLink(model_id="e_coli_core", accession="GCF_000005845.2", method="taxid", confidence=1.0)
    repo.replace_links("iJO1366", [a])
    repo.replace_links("e_coli_core", [b])
    assert repo.links_for_genome("GCF_000005845.2") == [b, a]
    repo.replace_links("iJO1366", [])
    assert repo.links_for_model("iJO1366") == [] and repo.links_for_model("e_coli_core") == [b]


def test_population_data_is_replaced_whole(repo: GenomeRepository) -> None:
    s = [PopulationSample(sample_id="HG00096", population="GBR", super_population="EUR", sex="male")]
    p = [Population(code="GBR", super_population="EUR", sample_count=1, male_count=1, name="British")]
    f = [
        VariantFrequency(
            variant_id="rs1",
            chrom="1",
            pos=10,
            ref="A",
            alt="G",
            super_population="EUR",
            alt_allele_frequency=0.25,
            allele_number=2,
        )
    ]
    pca = GenotypePca(
        n_samples=1,
        n_variants=1,
        explained_variance_ratio=(0.5, 0.25),
        centroids={"EUR": (0.1, -0.2)},
        spreads={"EUR": (1.0, 2.0)},
    )
    files = [
        SequenceFile(path="b/HG00096.bam", sample_id="HG00096", kind="bam", md5="a" * 32),
        SequenceFile(path="a/HG00096_1.fastq.gz", sample_id="HG00096", kind="fastq", population="GBR"),
    ]
    repo.replace_population_data(s, p, f, pca, files)
    assert repo.list_populations() == p and repo.list_frequencies("EUR") == f and repo.get_pca() == pca
    assert repo.list_sequence_files("HG00096") == sorted(files, key=lambda x: x.path)
    with pytest.raises((ValueError, sa.exc.IntegrityError)):
        repo.replace_population_data(s + s, p, f, None)  # duplicate sample: nothing changes
    assert repo.list_populations() == p and repo.get_pca() == pca and len(repo.list_sequence_files()) == 2
    repo.replace_population_data([], [], [], None)
    assert repo.list_populations() == [] and repo.get_pca() is None and repo.list_sequence_files() == []
