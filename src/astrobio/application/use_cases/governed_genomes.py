"""Genome, assembly-summary and 1000 Genomes ingestions behind the quality gate, each recorded as a
dataset version.

Business rules (on top of the plain ingestions'):

* the input is parsed and graded first; below the gate nothing is written to the genome tables,
  the report is kept with a held (``candidate``) version and the ingestion fails naming the grade
  and the version (:class:`QualityGateFailed`); an administrator publishes a held version with
  ``astrobio quality override`` and ingesting that same content again then goes through;
* every ingestion records one version: the source files themselves (checksummed; encrypted at
  rest at RESTRICTED and above) or, above :data:`INLINE_LIMIT_BYTES`, a manifest entry with their
  SHA-256 and size only; re-ingesting the same files yields the same version id and records
  nothing new;
* a genome is versioned as dataset ``genome.<accession>``; its report joins the sequence checks
  of the ``genome_sequence`` validator (alphabet, N fraction, GC, duplicate ids), the GFF3
  annotation consistency and the genome's own QC: an FCS-GX EXCLUDE or a failed ANI taxonomy
  check is an ERROR (held); FCS-GX TRIM/FIX, FCS-adaptor findings, an inconclusive ANI check and
  CheckM/BUSCO below MIMAG medium quality are warnings; CheckM/BUSCO completeness caps the
  completeness metric, CheckM contamination counts as outliers, FCS-GX flagged bases lower
  validity;
* a genome's security level is set by its first version: a later ingestion may not raise it
  (earlier versions were stored at the lower level), so that is refused before anything is
  written.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import asdict
from pathlib import Path
from typing import Any

from astrobio.application.ports.clock import Clock
from astrobio.application.ports.genomes import (
    AssemblySummaryReader,
    GenomeFileParser,
    GenomeRepository,
    GenotypePcaEngine,
    ParsedGenome,
    PopulationDataReader,
    SourceFile,
    SourceFiles,
)
from astrobio.application.ports.governance import GovernanceRepository, QualityValidator
from astrobio.application.ports.unit_of_work import UnitOfWorkFactory
from astrobio.application.use_cases.genomes import (
    GENOME_KIND,
    IngestAssemblies,
    IngestAssembliesCommand,
    IngestGenome,
    IngestGenomeCommand,
    LinkModels,
)
from astrobio.application.use_cases.populations import (
    Ingest1000Genomes,
    Ingest1000GenomesCommand,
    PopulationReport,
)
from astrobio.application.use_cases.record_ingestion import (
    IngestedFile,
    RecordIngestion,
    RecordIngestionCommand,
    gate_failed,
)
from astrobio.domain.dataset_version import DublinCore, ManifestEntry, SecurityLevel, dataset_id_for
from astrobio.domain.errors import InvalidDataset
from astrobio.domain.genome import AssemblyFilter, AssemblyRecord, Genome, QcReport
from astrobio.domain.quality import (
    QualityIssue,
    QualityMetrics,
    QualityReport,
    Severity,
)

ASSEMBLY_KIND = "assembly_summary"
POPULATION_KIND = "population_genotypes"
POPULATION_DATASET = "1000genomes"
#: Source files up to this size are stored with the version; larger ones by checksum and size only.
INLINE_LIMIT_BYTES = 64 * 1024 * 1024
#: Genotype missingness above these shares is a WARNING / an ERROR.
MISSING_WARNING, MISSING_ERROR = 0.05, 0.20


# --- shared ------------------------------------------------------------------------------------


def _version_content(
    sources: Sequence[SourceFile], extra: Sequence[IngestedFile] = ()
) -> tuple[tuple[IngestedFile, ...], tuple[ManifestEntry, ...]]:
    names = [s.name for s in sources] + [f.name for f in extra]
    if dup := [n for n, c in Counter(names).items() if c > 1]:
        raise InvalidDataset(f"two source files are both named {dup[0]!r}", field="paths")
    files = tuple(
        IngestedFile(name=s.name, data=s.data, kind="file", attrs={"role": "source"})
        for s in sources
        if s.data is not None
    ) + tuple(extra)
    arrays = tuple(
        ManifestEntry(
            name=s.name, sha256=s.sha256, size_bytes=s.size_bytes, kind="file", attrs={"stored": "external"}
        )
        for s in sources
        if s.data is None
    )
    return files, arrays


def _issue(
    severity: Severity, code: str, message: str, field: str | None = None, count: int = 1
) -> QualityIssue:
    return QualityIssue(severity=severity, code=code, message=message, field=field, count=count)


# --- genomes -----------------------------------------------------------------------------------


def _qc_issues(qc: QcReport) -> list[QualityIssue]:
    src = f" ({qc.source})" if qc.source else ""
    m = qc.metrics
    if qc.kind == "fcs_gx":
        if m.get("action_exclude", 0) > 0:
            n = int(m["action_exclude"])
            return [
                _issue(
                    Severity.ERROR, "fcs_gx_exclude", f"FCS-GX: {n} sequence(s) to EXCLUDE{src}", "fcs_gx", n
                )
            ]
        if qc.status == "fail":
            return [
                _issue(Severity.WARNING, "fcs_gx_trim", f"FCS-GX: contamination to TRIM/FIX{src}", "fcs_gx")
            ]
        if qc.status == "warn":
            return [_issue(Severity.INFO, "fcs_gx_review", f"FCS-GX: sequences to REVIEW{src}", "fcs_gx")]
    elif qc.kind == "fcs_adaptor" and qc.status != "pass":
        n = int(m.get("flagged_sequences", 1))
        return [
            _issue(
                Severity.WARNING if qc.status == "fail" else Severity.INFO,
                "fcs_adaptor",
                f"FCS-adaptor: {n} sequence(s) with adaptor/vector contamination{src}",
                "fcs_adaptor",
                n,
            )
        ]
    elif qc.kind == "ani":
        if qc.status == "fail":
            return [_issue(Severity.ERROR, "ani_failed", f"ANI taxonomy check failed{src}", "ani")]
        if qc.status == "warn":
            return [
                _issue(Severity.WARNING, "ani_inconclusive", f"ANI taxonomy check inconclusive{src}", "ani")
            ]
    elif qc.kind in ("checkm", "busco") and qc.status != "pass":
        label = "CheckM" if qc.kind == "checkm" else "BUSCO"
        grade = "below MIMAG medium quality" if qc.status == "fail" else "MIMAG medium quality"
        return [
            _issue(
                Severity.WARNING if qc.status == "fail" else Severity.INFO,
                f"{qc.kind}_quality",
                f"{label}: {grade}{src}",
                qc.kind,
            )
        ]
    return []


def genome_quality(parsed: ParsedGenome, sequences: QualityReport | None) -> QualityReport:
    """The report of one genome: sequence checks, annotation consistency and the genome's QC."""
    genome = parsed.genome
    issues: list[QualityIssue] = []
    details: dict[str, float] = {}
    if sequences is not None:
        m = sequences.metrics
        completeness, validity, consistency = m.completeness, m.validity, m.consistency
        uniqueness, outliers = m.uniqueness, m.outlier_fraction
        issues += sequences.issues
        details |= sequences.details
        created_at, rows = sequences.created_at, sequences.rows
    else:
        completeness = validity = consistency = uniqueness = 1.0
        outliers = 0.0
        created_at, rows = None, 0
        issues.append(
            _issue(Severity.INFO, "no_sequence", "annotation only: sequence composition not checked", "paths")
        )
    a = parsed.annotation
    if a.features:
        details["annotation_features"] = float(a.features)
        if a.unknown_seqid:
            issues.append(
                _issue(
                    Severity.WARNING,
                    "annotation_seqid",
                    f"{a.unknown_seqid} of {a.features} features are on sequences absent from the files",
                    "seqid",
                    a.unknown_seqid,
                )
            )
        if a.out_of_bounds:
            issues.append(
                _issue(
                    Severity.WARNING,
                    "annotation_bounds",
                    f"{a.out_of_bounds} sequence(s) have features ending past their end",
                    "end",
                    a.out_of_bounds,
                )
            )
        consistency = min(consistency, 1.0 - a.unknown_seqid / a.features)
    for qc in genome.qc:
        issues += _qc_issues(qc)
        if qc.kind in ("checkm", "busco"):
            key = "completeness" if qc.kind == "checkm" else "complete"
            if key in qc.metrics:
                completeness = min(completeness, max(0.0, min(1.0, qc.metrics[key])))
                details[f"{qc.kind}_completeness"] = qc.metrics[key]
            if "contamination" in qc.metrics:
                outliers = max(outliers, max(0.0, min(1.0, qc.metrics["contamination"])))
        if qc.kind == "fcs_gx" and "flagged_fraction" in qc.metrics:
            flagged = max(0.0, min(1.0, qc.metrics["flagged_fraction"]))
            validity = min(validity, 1.0 - flagged)
            details["fcs_gx_flagged_fraction"] = flagged
    if genome.stats is not None:
        details["total_length_bp"] = float(genome.stats.total_length_bp)
        if genome.stats.n_fraction is not None:
            details["n_fraction"] = genome.stats.n_fraction
    return QualityReport(
        kind=GENOME_KIND,
        subject=genome.accession,
        metrics=QualityMetrics(
            completeness=completeness,
            validity=validity,
            consistency=consistency,
            uniqueness=uniqueness,
            timeliness=1.0,
            outlier_fraction=outliers,
        ),
        issues=tuple(issues),
        rows=rows,
        created_at=created_at,
        validator="GenomeSequenceValidator+genome QC",
        details=details,
    )


class GovernedIngestGenome(IngestGenome):
    """Ingest one genome only if it passes the quality gate, and record it as a dataset version
    (rules in the module docstring)."""

    def __init__(
        self,
        reader: GenomeFileParser,
        repo: GenomeRepository,
        link: LinkModels,
        clock: Clock,
        files: SourceFiles,
        validator: QualityValidator,
        record: RecordIngestion,
        governance: GovernanceRepository,
        inline_limit_bytes: int = INLINE_LIMIT_BYTES,
        *,
        uow_factory: UnitOfWorkFactory | None = None,
    ) -> None:
        super().__init__(reader, repo, link, clock)
        self._parser = reader
        self._files = files
        self._validator = validator
        self._record = record
        self._governance = governance
        self._inline = inline_limit_bytes
        self._uow_factory = uow_factory

    def execute(
        self, command: IngestGenomeCommand, *, job_id: str | None = None, actor: str = "system"
    ) -> Genome:
        if not command.paths:
            raise InvalidDataset("no files given", field="paths")
        level = SecurityLevel.parse(command.security_level)
        parsed = self._parser.parse(command.paths, accession=command.accession)
        genome = self._with_assembly(parsed.genome)
        dataset_id = dataset_id_for(GENOME_KIND, genome.accession)
        existing = self._governance.get_dataset(dataset_id)
        if existing is not None and level > existing.security_level:
            raise InvalidDataset(
                f"genome {genome.accession} is recorded at {existing.security_level.name}; its earlier "
                f"versions were stored at that level, so it cannot be re-ingested as {level.name}",
                field="security_level",
            )
        sources = [self._files.describe(p, inline_limit_bytes=self._inline) for p in command.paths]
        files, arrays = _version_content(sources)
        sequences = self._validator.validate(genome.accession, parsed.records) if parsed.records else None
        report = genome_quality(parsed, sequences)
        publishable = self._record.would_publish(GENOME_KIND, genome.accession, report, files, arrays)
        # The genome, its version and audit entry in one transaction (the repositories join the
        # unit of work's connection).
        with self._uow_factory() if self._uow_factory is not None else nullcontext() as uow:
            if publishable:
                genome = self._store(genome)
            recorded = self._record.execute(
                RecordIngestionCommand(
                    kind=GENOME_KIND,
                    name=genome.accession,
                    quality=report,
                    produced_by="ingest_genome",
                    files=files,
                    arrays=arrays,
                    security_level=level,
                    job_id=job_id,
                    actor=actor,
                    parameters={
                        "paths": [str(p) for p in command.paths],
                        "accession": command.accession,
                        "security_level": level.name,
                    },
                    metadata=_genome_metadata(genome, sources),
                )
            )
            if uow is not None:
                uow.commit()
        if not publishable:
            raise gate_failed(f"genome {genome.accession!r}", recorded)
        return genome


def _genome_metadata(genome: Genome, sources: Sequence[SourceFile]) -> DublinCore:
    refs: dict[str, tuple[str, ...]] = {}
    if genome.taxid is not None:
        refs["ncbi_taxonomy"] = (str(genome.taxid),)
    refs["insdc"] = (genome.accession,)
    stats = genome.stats
    parts = [f"{len(sources)} file(s)"]
    if stats is not None:
        parts.append(f"{stats.total_length_bp} bp in {stats.contig_count} sequence(s)")
    if genome.qc_status is not None:
        parts.append(f"QC {genome.qc_status}")
    return DublinCore(
        title=f"Genome {genome.accession}" + (f" ({genome.organism_name})" if genome.organism_name else ""),
        creator="NCBI" if genome.accession.startswith(("GCF_", "GCA_", "NC_", "NZ_")) else "",
        subject=tuple(s for s in ("genome", genome.organism_name or "", genome.strain or "") if s),
        description=", ".join(parts),
        publisher="NCBI" if genome.accession.startswith(("GCF_", "GCA_", "NC_", "NZ_")) else "",
        type="Dataset",
        format="FASTA/GenBank/GFF3",
        identifier=genome.accession,
        source=", ".join(s.name for s in sources)[:500],
        cross_refs=refs,
    )


# --- assembly summaries ------------------------------------------------------------------------

#: Columns every useful assembly row has (the parser already requires accession, taxids, organism).
EXPECTED_ASSEMBLY_FIELDS = ("asm_name", "ftp_path", "seq_rel_date", "assembly_level")


def assembly_quality(subject: str, records: Sequence[AssemblyRecord]) -> QualityReport:
    """Completeness of the expected columns, duplicate accessions, several *latest* versions of
    one assembly, malformed FTP paths."""
    n = len(records)
    issues: list[QualityIssue] = []
    missing = 0
    for f in EXPECTED_ASSEMBLY_FIELDS:
        k = sum(1 for r in records if getattr(r, f) in (None, "", "na"))
        missing += k
        if k:
            issues.append(_issue(Severity.WARNING, "missing_values", f"{k} rows without {f}", f, k))
    dups = n - len({r.accession for r in records})
    if dups:
        issues.append(
            _issue(Severity.WARNING, "duplicate_accession", f"{dups} duplicate accessions", "accession", dups)
        )
    latest = Counter(r.accession.split(".")[0] for r in records if r.version_status == "latest")
    multi = sum(c - 1 for c in latest.values() if c > 1)
    if multi:
        issues.append(
            _issue(
                Severity.WARNING,
                "multiple_latest",
                f"{multi} extra 'latest' versions of one assembly",
                "version_status",
                multi,
            )
        )
    bad_ftp = sum(
        1 for r in records if r.ftp_path and not r.ftp_path.startswith(("https://", "http://", "ftp://"))
    )
    if bad_ftp:
        issues.append(
            _issue(Severity.WARNING, "ftp_path", f"{bad_ftp} malformed FTP paths", "ftp_path", bad_ftp)
        )
    denom = max(n, 1)
    return QualityReport(
        kind=ASSEMBLY_KIND,
        subject=subject,
        metrics=QualityMetrics(
            completeness=1.0 - missing / (denom * len(EXPECTED_ASSEMBLY_FIELDS)),
            validity=1.0 - bad_ftp / denom,
            consistency=1.0 - multi / denom,
            uniqueness=1.0 - dups / denom,
            timeliness=1.0,
            outlier_fraction=0.0,
        ),
        issues=tuple(issues),
        rows=n,
        validator="assembly_quality",
    )


def _filter_params(flt: AssemblyFilter) -> dict[str, Any]:
    def _sorted(v: frozenset[Any] | None) -> list[Any] | None:
        return None if v is None else sorted(v)

    return {
        "taxids": _sorted(flt.taxids),
        "groups": _sorted(flt.groups),
        "refseq_categories": _sorted(flt.refseq_categories),
        "assembly_levels": _sorted(flt.assembly_levels),
        "latest_only": flt.latest_only,
    }


def _dataset_name(path: Path) -> str:
    return path.name.removesuffix(".gz")


class GovernedIngestAssemblies(IngestAssemblies):
    """Store an assembly summary's rows only if they pass the gate; one version per ingestion
    (the source file and the stored rows, one JSON line per assembly, with row checksums).
    A filter keeping no row stores and records nothing."""

    def __init__(
        self,
        reader: AssemblySummaryReader,
        repo: GenomeRepository,
        link: LinkModels,
        files: SourceFiles,
        record: RecordIngestion,
        inline_limit_bytes: int = INLINE_LIMIT_BYTES,
    ) -> None:
        super().__init__(reader, repo, link)
        self._files = files
        self._record = record
        self._inline = inline_limit_bytes

    def execute(
        self, command: IngestAssembliesCommand, *, job_id: str | None = None, actor: str = "system"
    ) -> list[AssemblyRecord]:
        records = list(self._reader.read(command.path, command.filter))
        if not records:
            return records
        name = _dataset_name(command.path)
        report = assembly_quality(name, records)
        ordered = sorted(records, key=lambda r: r.accession)
        rows = [json.dumps(asdict(r), sort_keys=True, separators=(",", ":")).encode() for r in ordered]
        table = IngestedFile(
            name="assemblies.jsonl",
            data=b"\n".join(rows) + b"\n",
            kind="table",
            shape=(len(rows),),
            dtype="jsonl",
            attrs={"key": "accession"},
        )
        files, arrays = _version_content(
            [self._files.describe(command.path, inline_limit_bytes=self._inline)], [table]
        )
        publishable = self._record.would_publish(ASSEMBLY_KIND, name, report, files, arrays)
        if publishable:
            self._repo.add_assemblies(records)
            self._link.execute()
        recorded = self._record.execute(
            RecordIngestionCommand(
                kind=ASSEMBLY_KIND,
                name=name,
                quality=report,
                produced_by="ingest_assemblies",
                files=files,
                arrays=arrays,
                job_id=job_id,
                actor=actor,
                parameters={"path": str(command.path), "filter": _filter_params(command.filter)},
                row_digests={
                    r.accession: hashlib.sha256(row).hexdigest()[:16]
                    for r, row in zip(ordered, rows, strict=True)
                },
                metadata=DublinCore(
                    title=f"NCBI assembly summary {name}",
                    creator="NCBI",
                    publisher="NCBI",
                    subject=("genome assemblies",),
                    format="text/tab-separated-values",
                    source=command.path.name,
                    description=f"{len(records)} assemblies kept by the filter",
                    cross_refs={
                        "ncbi_taxonomy": tuple(sorted({str(r.species_taxid) for r in records}))[:200]
                    },
                ),
            )
        )
        if not publishable:
            raise gate_failed(f"assembly summary {name!r}", recorded)
        return records


# --- 1000 Genomes ------------------------------------------------------------------------------


def population_quality(
    samples_total: int, duplicate_samples: int, missing_sex: int, report: PopulationReport
) -> QualityReport:
    """Panel completeness (sex), duplicate sample ids, VCF genotype missingness and VCF samples
    unknown to the panel."""
    issues: list[QualityIssue] = []
    denom = max(samples_total, 1)
    if missing_sex:
        issues.append(
            _issue(Severity.INFO, "missing_values", f"{missing_sex} samples without sex", "sex", missing_sex)
        )
    if duplicate_samples:
        issues.append(
            _issue(
                Severity.ERROR,
                "duplicate_sample",
                f"{duplicate_samples} duplicate sample ids in the panel",
                "sample_id",
                duplicate_samples,
            )
        )
    completeness = 1.0 - missing_sex / denom
    details: dict[str, float] = {"samples": float(samples_total), "variants": float(report.n_variants)}
    missing = report.missing_genotype_fraction
    if missing is not None:
        details["missing_genotype_fraction"] = missing
        completeness = min(completeness, 1.0 - missing)
        if missing > 0:
            issues.append(
                _issue(
                    Severity.ERROR
                    if missing > MISSING_ERROR
                    else Severity.WARNING
                    if missing > MISSING_WARNING
                    else Severity.INFO,
                    "genotype_missingness",
                    f"{missing:.2%} of genotype calls missing",
                    "GT",
                )
            )
    unknown = report.unknown_vcf_samples
    if unknown:
        issues.append(
            _issue(
                Severity.WARNING,
                "unknown_vcf_samples",
                f"{unknown} VCF samples not in the panel",
                "vcf",
                unknown,
            )
        )
    if report.unknown_index_samples:
        issues.append(
            _issue(
                Severity.INFO,
                "unknown_index_samples",
                f"{report.unknown_index_samples} indexed samples not in the panel",
                "indexes",
                report.unknown_index_samples,
            )
        )
    return QualityReport(
        kind=POPULATION_KIND,
        subject=POPULATION_DATASET,
        metrics=QualityMetrics(
            completeness=completeness,
            validity=1.0,
            consistency=1.0 - unknown / max(report.n_vcf_samples, 1),
            uniqueness=1.0 - duplicate_samples / denom,
            timeliness=1.0,
            outlier_fraction=0.0,
        ),
        issues=tuple(issues),
        rows=samples_total,
        validator="population_quality",
        details=details,
    )


class GovernedIngest1000Genomes(Ingest1000Genomes):
    """Replace the population data only if it passes the gate; one version of dataset
    ``population_genotypes.1000genomes`` per ingestion (its panel, VCF, sample table, indexes)."""

    def __init__(
        self,
        reader: PopulationDataReader,
        pca: GenotypePcaEngine,
        repo: GenomeRepository,
        files: SourceFiles,
        record: RecordIngestion,
        inline_limit_bytes: int = INLINE_LIMIT_BYTES,
    ) -> None:
        super().__init__(reader, pca, repo)
        self._files = files
        self._record = record
        self._inline = inline_limit_bytes

    def execute(
        self, command: Ingest1000GenomesCommand, *, job_id: str | None = None, actor: str = "system"
    ) -> PopulationReport:
        prepared = self._prepare(command)
        ids = [s.sample_id for s in prepared.samples]
        report = population_quality(
            len(ids),
            len(ids) - len(set(ids)),
            sum(1 for s in prepared.samples if not s.sex),
            prepared.report,
        )
        paths = [command.panel, command.vcf, command.sample_table, *command.indexes]
        sources = [self._files.describe(p, inline_limit_bytes=self._inline) for p in paths if p is not None]
        files, arrays = _version_content(sources)
        publishable = self._record.would_publish(POPULATION_KIND, POPULATION_DATASET, report, files, arrays)
        result = self._store(prepared) if publishable else prepared.report
        r = prepared.report
        recorded = self._record.execute(
            RecordIngestionCommand(
                kind=POPULATION_KIND,
                name=POPULATION_DATASET,
                quality=report,
                produced_by="ingest_1000g",
                files=files,
                arrays=arrays,
                job_id=job_id,
                actor=actor,
                parameters={
                    "panel": str(command.panel),
                    "vcf": None if command.vcf is None else str(command.vcf),
                    "sample_table": None if command.sample_table is None else str(command.sample_table),
                    "indexes": [str(p) for p in command.indexes],
                    "n_components": command.n_components,
                },
                metadata=DublinCore(
                    title="1000 Genomes samples, populations and genotypes",
                    creator="International Genome Sample Resource (IGSR)",
                    publisher="IGSR",
                    subject=("human genetic variation", "populations", "genotypes"),
                    format="panel/VCF",
                    source=", ".join(s.name for s in sources)[:500],
                    rights="1000 Genomes data: free to use (IGSR data reuse policy)",
                    description=(
                        f"{r.n_samples} samples, {len(r.populations)} populations, {r.n_variants} variants"
                    ),
                    cross_refs={"ncbi_taxonomy": ("9606",)},
                ),
            )
        )
        if not publishable:
            raise gate_failed("1000 Genomes data", recorded)
        return result
