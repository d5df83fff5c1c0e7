"""Genome, assembly-summary and 1000 Genomes ingestions behind the quality gate (SQLite, real files)."""

from __future__ import annotations

import base64
import gzip
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient

import astrobio.adapters.sql.genomes_tables  # noqa: F401  (registers the genome tables)
from astrobio.adapters.crypto.keys import ScryptSecretHasher
from astrobio.adapters.sql.tables import metadata
from astrobio.application.use_cases.genomes import IngestAssembliesCommand, IngestGenomeCommand
from astrobio.application.use_cases.governed_genomes import population_quality
from astrobio.application.use_cases.populations import PopulationReport
from astrobio.bootstrap.container import Container, build_container
from astrobio.bootstrap.genomes_container import (
    INGEST_1000G_JOB,
    INGEST_ASSEMBLIES_JOB,
    INGEST_GENOME_JOB,
    bundled_genome_sets,
    ncbi_dir,
)
from astrobio.bootstrap.settings import Settings
from astrobio.domain.access import LOCAL_ADMIN
from astrobio.domain.dataset_version import MAIN_TAG, SecurityLevel
from astrobio.domain.errors import InvalidDataset
from astrobio.domain.quality import QualityGateFailed, Severity
from astrobio.entrypoints.http import create_app

ROOT = Path(__file__).resolve().parents[3]
FASTA = ROOT / "data" / "ncbi" / "fasta" / "NC_005816.fna"
MASTER = base64.b64encode(b"g" * 32).decode()


def make(tmp_path: Path, auth: bool = False) -> Container:
    c = build_container(Settings(data_dir=tmp_path, auth=auth, master_key_b64=MASTER))
    c.governance.hasher.override(ScryptSecretHasher(n=2**10))
    metadata.create_all(c.engine())
    return c


@pytest.fixture
def container(tmp_path: Path) -> Container:
    return make(tmp_path)


def fcs_gx_exclude(tmp_path: Path) -> Path:
    report = tmp_path / "pPCP1_fcs_gx_report.txt"
    report.write_text(
        '##[["FCS genome report", 2, 1], {}]\n'
        "#seq_id\tstart_pos\tend_pos\tseq_len\taction\tdiv\tagg_cont_cov\ttop_tax_name\n"
        "gi|45478711|ref|NC_005816.1|\t1\t9612\t9612\tEXCLUDE\tanml:primates\t100\tHomo sapiens\n"
    )
    return report


def test_bundled_genomes_are_published_as_versions_and_reingesting_changes_nothing(
    container: Container,
) -> None:
    handler = container.genomes.job_handlers()[INGEST_GENOME_JOB]
    accessions = handler({})["accessions"]
    assert len(accessions) == len(bundled_genome_sets(container.settings()))
    gov = container.governance.repository()
    for acc in accessions:
        versions = gov.list_versions(f"genome.{acc}")
        assert len(versions) == 1 and versions[0].published, acc
        assert versions[0].quality.kind == "genome" and versions[0].quality.production_ready
        assert versions[0].lineage.produced_by == "ingest_genome"
    ecoli = gov.get_dataset("genome.GCF_000005845.2")
    assert ecoli is not None and ecoli.metadata.cross_refs["ncbi_taxonomy"] == ("511145",)
    v = gov.list_versions("genome.GCF_000005845.2")[0]
    gff = ncbi_dir(container.settings()) / "gff" / "GCF_000005845.2_ASM584v2_genomic.gff.gz"
    stored = container.governance.read_version_file().execute(
        LOCAL_ADMIN, "genome.GCF_000005845.2", None, gff.name
    )
    assert stored == gff.read_bytes()
    fcs = gov.list_versions("genome.fcsadaptor_prok_test")[0].quality
    assert {i.code for i in fcs.issues} >= {"fcs_adaptor"} and not fcs.errors
    # Same files again: the same version, nothing new recorded.
    assert handler({})["accessions"] == accessions
    assert [x.id for x in gov.list_versions("genome.GCF_000005845.2")] == [v.id]
    assert container.genomes.repository().count_genomes() == len(accessions)


def test_fcs_gx_exclude_is_held_then_published_after_an_override(
    container: Container, tmp_path: Path
) -> None:
    g = container.genomes
    cmd = IngestGenomeCommand(paths=[FASTA, fcs_gx_exclude(tmp_path)])
    with pytest.raises(QualityGateFailed) as err:
        g.ingest_genome().execute(cmd)
    assert "grade" in err.value.message and err.value.report_id[:19] in err.value.message
    assert g.repository().count_genomes() == 0 and g.repository().get_genome("NC_005816.1") is None
    gov = container.governance.repository()
    (held,) = gov.list_versions("genome.NC_005816.1")
    assert not held.published and held.id == err.value.report_id
    assert [i.code for i in held.quality.errors] == ["fcs_gx_exclude"]
    assert MAIN_TAG not in gov.current_tags("genome.NC_005816.1")
    container.governance.override_gate().execute(LOCAL_ADMIN, "genome.NC_005816.1", held.id, "known plasmid")
    genome = g.ingest_genome().execute(cmd)
    assert genome.qc_status == "fail" and g.repository().get_genome("NC_005816.1") is not None
    assert [v.id for v in gov.list_versions("genome.NC_005816.1")] == [held.id]


def test_a_mostly_unknown_sequence_is_held(container: Container, tmp_path: Path) -> None:
    fasta = tmp_path / "gappy.fna.gz"
    seq = "N" * 6000 + "ACGTTGCA" * 500
    fasta.write_bytes(gzip.compress(f">GAPPY_1 sixty percent N\n{seq}\n".encode()))
    with pytest.raises(QualityGateFailed, match="grade"):
        container.genomes.ingest_genome().execute(IngestGenomeCommand(paths=[fasta]))
    (v,) = container.governance.repository().list_versions("genome.GAPPY_1")
    n_issue = next(i for i in v.quality.issues if i.code == "n_bases")
    assert n_issue.severity is Severity.ERROR and v.quality.metrics.completeness == pytest.approx(0.4)
    assert container.genomes.repository().count_genomes() == 0


def test_a_restricted_genome_is_encrypted_at_rest_and_its_level_cannot_be_raised_later(
    container: Container, tmp_path: Path
) -> None:
    container.genomes.ingest_genome().execute(
        IngestGenomeCommand(paths=[FASTA], security_level=SecurityLevel.RESTRICTED)
    )
    (on_disk,) = (tmp_path / "datasets" / "genome.NC_005816.1").rglob(FASTA.name)
    plain = FASTA.read_bytes()
    assert on_disk.read_bytes() != plain and plain[:40] not in on_disk.read_bytes()
    assert on_disk.with_name(FASTA.name + ".key.json").is_file()
    read = container.governance.read_version_file().execute(
        LOCAL_ADMIN, "genome.NC_005816.1", None, FASTA.name
    )
    assert read == plain
    # A public genome cannot later be re-ingested as restricted (its files were stored in clear).
    gb = ROOT / "data" / "ncbi" / "genbank" / "NC_001422.gbk"
    container.genomes.ingest_genome().execute(IngestGenomeCommand(paths=[gb]))
    with pytest.raises(InvalidDataset, match="cannot be re-ingested as RESTRICTED"):
        container.genomes.ingest_genome().execute(
            IngestGenomeCommand(paths=[gb], security_level=SecurityLevel.RESTRICTED)
        )


@pytest.fixture
def secured(tmp_path: Path) -> Iterator[tuple[TestClient[Litestar], str]]:
    c = make(tmp_path, auth=True)
    c.genomes.ingest_genome().execute(
        IngestGenomeCommand(paths=[FASTA], security_level=SecurityLevel.RESTRICTED)
    )
    c.genomes.ingest_genome().execute(IngestGenomeCommand(paths=[ROOT / "data/ncbi/genbank/NC_001422.gbk"]))
    admin = c.governance.create_api_key().execute("admin-user", "admin").token
    with TestClient(app=create_app(c)) as client:
        yield client, admin


def test_a_restricted_genome_is_invisible_without_rights(secured: tuple[TestClient[Litestar], str]) -> None:
    client, admin = secured
    routes = ("/datasets/genome.NC_005816.1", "/genomes/NC_005816.1", "/genomes/NC_005816.1/qc")
    for path in routes:
        assert client.get(path).status_code == 404, path
        assert client.get(path, headers={"X-API-Key": admin}).status_code == 200, path
    missing = client.get("/genomes/NOPE_1").json()["detail"]
    assert client.get("/genomes/NC_005816.1").json()["detail"].replace("NC_005816.1", "NOPE_1") == missing
    anonymous = client.get("/genomes").json()
    assert [g["accession"] for g in anonymous["items"]] == ["NC_001422.1"] and anonymous["total"] == 1
    assert client.get("/genomes", headers={"X-API-Key": admin}).json()["total"] == 2


def test_assembly_summary_and_1000g_ingestions_record_versions_with_tabular_reports(
    container: Container,
) -> None:
    handlers = container.genomes.job_handlers()
    viral = ROOT / "data" / "ncbi" / "assembly_reports" / "ngd_viral_summary.txt"
    handlers[INGEST_ASSEMBLIES_JOB]({"path": str(viral)})
    gov = container.governance.repository()
    (v,) = gov.list_versions("assembly_summary.ngd_viral_summary.txt")
    assert v.published and {"duplicate_accession", "missing_values"} <= {i.code for i in v.quality.issues}
    assert v.manifest.entry("assemblies.jsonl") is not None and v.row_digests
    container.genomes.ingest_assemblies().execute(IngestAssembliesCommand(path=viral))
    assert len(gov.list_versions("assembly_summary.ngd_viral_summary.txt")) == 1

    assert handlers[INGEST_1000G_JOB]({})["samples"] == 2535
    (p,) = gov.list_versions("population_genotypes.1000genomes")
    assert p.published and p.quality.details["missing_genotype_fraction"] == 0.0
    assert {e.name for e in p.manifest.entries} == {
        "integrated_call_samples_v3.20130502.ALL.panel",
        "phase3_2504samples_subset_demo.vcf.gz",
        "igsr_samples.tsv.gz",
    }


def test_population_quality_holds_heavy_genotype_missingness_and_duplicate_samples() -> None:
    r = PopulationReport(
        populations=[],
        n_samples=10,
        n_variants=5,
        n_frequencies=0,
        pca=None,
        unknown_vcf_samples=2,
        n_vcf_samples=10,
        missing_genotype_fraction=0.3,
    )
    q = population_quality(10, 1, 0, r)
    assert {i.code for i in q.errors} == {"genotype_missingness", "duplicate_sample"}
    assert not q.production_ready and q.metrics.completeness == pytest.approx(0.7)
