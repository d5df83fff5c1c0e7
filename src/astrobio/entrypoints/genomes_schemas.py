"""msgspec DTOs of the genomes API (HTTP and CLI ``--json``)."""

from __future__ import annotations

from typing import Any, ClassVar

import msgspec

from astrobio.application.use_cases.genomes import GenomeView, LinkedGenome, ModelGenomeView
from astrobio.application.use_cases.populations import PopulationsView
from astrobio.domain.genome import AssemblyRecord, Genome, GenomeStats, QcReport
from astrobio.domain.genome_links import GenomeModelLink


class GenomeStatsRead(msgspec.Struct):
    total_length_bp: int
    contig_count: int
    gc_fraction: float | None
    n_fraction: float | None
    n50_bp: int
    l50: int
    largest_contig_bp: int

    @classmethod
    def from_domain(cls, s: GenomeStats) -> GenomeStatsRead:
        return cls(
            total_length_bp=s.total_length_bp,
            contig_count=s.contig_count,
            gc_fraction=s.gc_fraction,
            n_fraction=s.n_fraction,
            n50_bp=s.n50_bp,
            l50=s.l50,
            largest_contig_bp=s.largest_contig_bp,
        )


class QcRead(msgspec.Struct):
    kind: str
    status: str
    metrics: dict[str, float]
    findings: list[str]
    source: str

    @classmethod
    def from_domain(cls, q: QcReport) -> QcRead:
        return cls(
            kind=q.kind, status=q.status, metrics=dict(q.metrics), findings=list(q.findings), source=q.source
        )


class ModelLinkRead(msgspec.Struct):
    model_id: str
    accession: str
    method: str
    confidence: float

    @classmethod
    def from_domain(cls, link: GenomeModelLink) -> ModelLinkRead:
        return cls(
            model_id=link.model_id, accession=link.accession, method=link.method, confidence=link.confidence
        )


class GenomeSummaryRead(msgspec.Struct):
    accession: str
    organism_name: str | None
    taxid: int | None
    strain: str | None
    total_length_bp: int | None
    gc_fraction: float | None
    qc_status: str | None

    @classmethod
    def from_domain(cls, g: Genome) -> GenomeSummaryRead:
        return cls(
            accession=g.accession,
            organism_name=g.organism_name,
            taxid=g.taxid,
            strain=g.strain,
            total_length_bp=None if g.stats is None else g.stats.total_length_bp,
            gc_fraction=None if g.stats is None else g.stats.gc_fraction,
            qc_status=g.qc_status,
        )


class GenomeRead(msgspec.Struct):
    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("E. coli K-12 MG1655",
         {
             "accession": "GCF_000005845.2",
             "organism_name": "Escherichia coli str. K-12 substr. MG1655",
             "taxid": 511145,
             "strain": "K-12 substr. MG1655",
             "assembly_name": "ASM584v2",
             "stats": {
                 "total_length_bp": 4641652,
                 "contig_count": 1,
                 "gc_fraction": 0.508,
                 "n_fraction": 0.0,
                 "n50_bp": 4641652,
                 "l50": 1,
                 "largest_contig_bp": 4641652,
             },
             "feature_counts": {"gene": 4651, "CDS": 4298},
             "qc_status": "pass",
             "qc": [
                 {
                     "kind": "assembly",
                     "status": "pass",
                     "metrics": {"n50_bp": 4641652, "gc_fraction": 0.508},
                     "findings": [],
                     "source": "assembly statistics",
                 },
             ],
             "source_files": ["GCF_000005845.2_ASM584v2_genomic.fna.gz"],
             "source_checksums": ["12a91462821411c261f9391379f4236ceeeb1e78287b01bd43b1f8a721f388a1"],
             "created_at": "2026-12-04T09:00:00Z",
         }),
    ]

    accession: str
    organism_name: str | None
    taxid: int | None
    strain: str | None
    assembly_name: str | None
    stats: GenomeStatsRead | None
    feature_counts: dict[str, int]
    qc_status: str | None
    qc: list[QcRead]
    source_files: list[str]
    source_checksums: list[str]
    created_at: str | None
    models: list[ModelLinkRead] = []

    @classmethod
    def from_domain(cls, g: Genome, links: list[GenomeModelLink] | None = None) -> GenomeRead:
        return cls(
            accession=g.accession,
            organism_name=g.organism_name,
            taxid=g.taxid,
            strain=g.strain,
            assembly_name=g.assembly_name,
            stats=None if g.stats is None else GenomeStatsRead.from_domain(g.stats),
            feature_counts=dict(g.feature_counts),
            qc_status=g.qc_status,
            qc=[QcRead.from_domain(q) for q in g.qc],
            source_files=list(g.source_files),
            source_checksums=list(g.source_checksums),
            created_at=None if g.created_at is None else g.created_at.isoformat(),
            models=[ModelLinkRead.from_domain(link) for link in links or []],
        )

    @classmethod
    def from_view(cls, v: GenomeView) -> GenomeRead:
        return cls.from_domain(v.genome, list(v.models))


class GenomePageRead(msgspec.Struct):
    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("one assembly",
         {
             "items": [
                 {
                     "accession": "GCF_000005845.2",
                     "organism_name": "Escherichia coli str. K-12 substr. MG1655",
                     "taxid": 511145,
                     "strain": "K-12 substr. MG1655",
                     "total_length_bp": 4641652,
                     "gc_fraction": 0.508,
                     "qc_status": "pass",
                 },
             ],
             "total": 1,
             "offset": 0,
             "limit": 20,
         }),
    ]

    items: list[GenomeSummaryRead]
    total: int
    offset: int
    limit: int


class GenomeQcRead(msgspec.Struct):
    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("a passing assembly",
         {
             "accession": "GCF_000005845.2",
             "qc_status": "pass",
             "qc": [
                 {
                     "kind": "assembly",
                     "status": "pass",
                     "metrics": {"n50_bp": 4641652, "gc_fraction": 0.508},
                     "findings": [],
                     "source": "assembly statistics",
                 },
             ],
         }),
    ]

    accession: str
    qc_status: str | None
    qc: list[QcRead]


class AssemblyRead(msgspec.Struct):
    accession: str
    organism_name: str
    taxid: int
    species_taxid: int
    strain: str | None
    assembly_level: str
    refseq_category: str | None
    ftp_path: str | None

    @classmethod
    def from_domain(cls, r: AssemblyRecord) -> AssemblyRead:
        return cls(
            accession=r.accession,
            organism_name=r.organism_name,
            taxid=r.taxid,
            species_taxid=r.species_taxid,
            strain=r.strain,
            assembly_level=r.assembly_level,
            refseq_category=r.refseq_category,
            ftp_path=r.ftp_path,
        )


class LinkedGenomeRead(msgspec.Struct):
    accession: str
    method: str
    confidence: float
    genome: GenomeRead | None
    assembly: AssemblyRead | None

    @classmethod
    def from_domain(cls, x: LinkedGenome) -> LinkedGenomeRead:
        return cls(
            accession=x.link.accession,
            method=x.link.method,
            confidence=x.link.confidence,
            genome=None if x.genome is None else GenomeRead.from_domain(x.genome),
            assembly=None if x.assembly is None else AssemblyRead.from_domain(x.assembly),
        )


class ModelGenomeRead(msgspec.Struct):
    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("the genome behind e_coli_core",
         {
             "model_id": "e_coli_core",
             "organism_name": "Escherichia coli str. K-12 substr. MG1655",
             "strain": "K-12 substr. MG1655",
             "taxid": 511145,
             "organism_source": "model annotation",
             "genomes": [
                 {
                     "accession": "GCF_000005845.2",
                     "method": "taxid",
                     "confidence": 1.0,
                     "genome": None,
                     "assembly": None,
                 },
             ],
         }),
    ]

    model_id: str
    organism_name: str
    strain: str | None
    taxid: int | None
    organism_source: str
    genomes: list[LinkedGenomeRead]

    @classmethod
    def from_view(cls, v: ModelGenomeView) -> ModelGenomeRead:
        o = v.organism
        return cls(
            model_id=o.model_id,
            organism_name=o.organism_name,
            strain=o.strain,
            taxid=o.taxid,
            organism_source=o.source,
            genomes=[LinkedGenomeRead.from_domain(x) for x in v.genomes],
        )


class PopulationRead(msgspec.Struct):
    code: str
    super_population: str
    name: str | None
    sample_count: int
    female_count: int
    male_count: int


class PcaRead(msgspec.Struct):
    n_samples: int
    n_variants: int
    explained_variance_ratio: list[float]
    centroids: dict[str, list[float]]
    spreads: dict[str, list[float]]


class PopulationsRead(msgspec.Struct):
    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("1000 Genomes populations",
         {
             "populations": [
                 {
                     "code": "YRI",
                     "super_population": "AFR",
                     "name": "Yoruba in Ibadan, Nigeria",
                     "sample_count": 108,
                     "female_count": 58,
                     "male_count": 50,
                 },
             ],
             "super_populations": {"AFR": 661},
             "pca": None,
         }),
    ]

    populations: list[PopulationRead]
    super_populations: dict[str, int]
    pca: PcaRead | None
    sequence_files_by_kind: dict[str, int] = {}

    @classmethod
    def from_view(cls, v: PopulationsView) -> PopulationsRead:
        sup: dict[str, int] = {}
        for p in v.populations:
            sup[p.super_population] = sup.get(p.super_population, 0) + p.sample_count
        pca = (
            None
            if v.pca is None
            else PcaRead(
                n_samples=v.pca.n_samples,
                n_variants=v.pca.n_variants,
                explained_variance_ratio=list(v.pca.explained_variance_ratio),
                centroids={k: list(c) for k, c in v.pca.centroids.items()},
                spreads={k: list(c) for k, c in v.pca.spreads.items()},
            )
        )
        return cls(
            populations=[
                PopulationRead(
                    code=p.code,
                    super_population=p.super_population,
                    name=p.name,
                    sample_count=p.sample_count,
                    female_count=p.female_count,
                    male_count=p.male_count,
                )
                for p in v.populations
            ],
            super_populations=sup,
            pca=pca,
            sequence_files_by_kind=dict(v.sequence_files_by_kind),
        )
