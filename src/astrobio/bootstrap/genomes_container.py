"""Providers for NCBI assemblies and genomes, genome-model links, 1000 Genomes.

Wired into :class:`astrobio.bootstrap.container.Container` as ``genomes``, with the governance
providers (``record_ingestion``, ``governance_repository``, ``validators``) passed in: the three
ingestions go through the quality gate and record a dataset version each. Adapter modules are
imported inside factory functions so building the container stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from dependency_injector import containers, providers

from astrobio.application.ports.clock import SystemClock
from astrobio.application.ports.genomes import (
    AssemblySummaryReader,
    ExpressionReader,
    GenomeFileParser,
    GenomeRepository,
    GenomeSource,
    GenotypePcaEngine,
    ModelOrganismCatalog,
    PopulationDataReader,
    ReadFileInspector,
    SourceFiles,
)
from astrobio.application.ports.governance import QualityValidator
from astrobio.application.use_cases.expression import ComputeTpm
from astrobio.application.use_cases.genomes import (
    DownloadAssembly,
    DownloadAssemblyCommand,
    GenomeVisibility,
    GetGenome,
    GetModelGenome,
    IngestAssembliesCommand,
    IngestGenomeCommand,
    LinkModels,
    ListGenomes,
)
from astrobio.application.use_cases.governed_genomes import (
    GovernedIngest1000Genomes,
    GovernedIngestAssemblies,
    GovernedIngestGenome,
)
from astrobio.application.use_cases.jobs import JobHandler
from astrobio.application.use_cases.populations import (
    Ingest1000GenomesCommand,
    InspectReads,
    ListPopulations,
)
from astrobio.bootstrap.settings import Settings
from astrobio.domain.dataset_version import SecurityLevel
from astrobio.domain.genome import ASSEMBLY_LEVELS, AssemblyFilter

INGEST_GENOME_JOB = "ingest_genome"
INGEST_ASSEMBLIES_JOB = "ingest_assemblies"
DOWNLOAD_ASSEMBLY_JOB = "download_assembly"
INGEST_1000G_JOB = "ingest_1000g"


def ncbi_dir(settings: Settings) -> Path:
    return settings.bundled_data_dir / "ncbi"


def thousand_genomes_dir(settings: Settings) -> Path:
    return settings.bundled_data_dir / "1000genomes"


def bundled_genome_sets(settings: Settings) -> list[tuple[str | None, list[Path]]]:
    """The bundled genomes as ``(accession or None: read from the files, files ingested together)``."""
    d = ncbi_dir(settings)
    return [
        (None, [d / "gff" / "GCF_000005845.2_ASM584v2_genomic.gff.gz"]),
        (None, [d / "genbank" / "NC_005816.gb", d / "fasta" / "NC_005816.faa"]),
        (None, [d / "genbank" / "NC_000932.gb"]),
        (None, [d / "genbank" / "NC_001422.gbk"]),
        (
            "fcsadaptor_prok_test",
            [d / "fasta" / "fcsadaptor_prok_test.fa.gz", d / "fcs" / "fcsadaptor_prok_test_output.txt"],
        ),
    ]


def bundled_assembly_summaries(settings: Settings) -> list[Path]:
    d = ncbi_dir(settings) / "assembly_reports"
    return [
        d / "assembly_summary_genbank_Staphylococcus_aureus_2019.txt.gz",
        d / "ngd_new_format_summary.txt",
        d / "ngd_partial_summary.txt",
        d / "ngd_type_material.txt",
        d / "ngd_viral_summary.txt",
    ]


def bundled_1000g(settings: Settings) -> Ingest1000GenomesCommand:
    d = thousand_genomes_dir(settings)
    return Ingest1000GenomesCommand(
        panel=d / "integrated_call_samples_v3.20130502.ALL.panel",
        vcf=d / "phase3_2504samples_subset_demo.vcf.gz",
        sample_table=d / "igsr_samples.tsv.gz",
    )


def _repo(engine: Any) -> GenomeRepository:
    from astrobio.adapters.sql.genomes_repository import SqlGenomeRepository

    return SqlGenomeRepository(engine)


def _catalog(settings: Settings) -> ModelOrganismCatalog:
    from astrobio.adapters.genomes.model_organisms import StaticModelOrganismCatalog

    models = settings.bundled_data_dir / "metabolic_models"
    return StaticModelOrganismCatalog(models if models.is_dir() else None)


def _summary_reader() -> AssemblySummaryReader:
    from astrobio.adapters.genomes.assembly_summary import TsvAssemblySummaryReader

    return TsvAssemblySummaryReader()


def _genome_reader() -> GenomeFileParser:
    from astrobio.adapters.genomes.reader import BiopythonGenomeReader

    return BiopythonGenomeReader()


def _source_files() -> SourceFiles:
    from astrobio.adapters.genomes.reader import LocalSourceFiles

    return LocalSourceFiles()


def _sequence_validator(validators: dict[str, QualityValidator]) -> QualityValidator:
    return validators["genome_sequence"]


def _job_id() -> str | None:
    """The running job's id (bound by the worker and the in-process queue) for lineage."""
    import structlog

    job_id = structlog.contextvars.get_contextvars().get("job_id")
    return None if job_id is None else str(job_id)


def _source(settings: Settings) -> GenomeSource:
    from astrobio.adapters.genomes.ncbi_client import HttpxGenomeSource

    return HttpxGenomeSource(
        base_url=settings.ncbi_url, api_key=settings.ncbi_api_key, timeout_s=settings.http_timeout_s
    )


def _population_reader() -> PopulationDataReader:
    from astrobio.adapters.genomes.thousand_genomes import PysamPopulationReader

    return PysamPopulationReader()


def _expression() -> ExpressionReader:
    from astrobio.adapters.genomes.expression import TsvExpressionReader

    return TsvExpressionReader()


def _read_inspector() -> ReadFileInspector:
    from astrobio.adapters.genomes.thousand_genomes import PysamReadInspector

    return PysamReadInspector()


def _pca() -> GenotypePcaEngine:
    from astrobio.adapters.genomes.thousand_genomes import SklearnGenotypePca

    return SklearnGenotypePca()


def assembly_filter(params: dict[str, Any]) -> AssemblyFilter:
    """An :class:`AssemblyFilter` from job / CLI parameters (lists or comma-separated strings)."""

    def _set(key: str) -> frozenset[str] | None:
        v = params.get(key)
        if not v:
            return None
        items = v.split(",") if isinstance(v, str) else v
        return frozenset(str(x).strip() for x in items if str(x).strip())

    taxids = _set("taxids")
    levels = _set("assembly_levels")
    if levels is not None:  # accept "complete" for "Complete Genome", any case
        by_lower = {lv.lower(): lv for lv in ASSEMBLY_LEVELS} | {"complete": "Complete Genome"}
        levels = frozenset(by_lower.get(lv.lower(), lv) for lv in levels)
    return AssemblyFilter(
        taxids=None if taxids is None else frozenset(int(t) for t in taxids),
        groups=_set("groups"),
        refseq_categories=_set("refseq_categories"),
        assembly_levels=levels,
        latest_only=bool(params.get("latest_only", True)),
    )


def _job_handlers(
    settings: Settings,
    ingest_genome: Callable[[], GovernedIngestGenome],
    ingest_assemblies: Callable[[], GovernedIngestAssemblies],
    download: Callable[[], DownloadAssembly],
    ingest_1000g: Callable[[], GovernedIngest1000Genomes],
) -> dict[str, JobHandler]:
    import structlog

    log = structlog.get_logger("astrobio.genomes")

    def genome(params: dict[str, Any]) -> dict[str, Any]:
        sets = (
            [(params.get("accession"), [Path(p) for p in params["paths"]])]
            if params.get("paths")
            else bundled_genome_sets(settings)
        )
        level = SecurityLevel.parse(params.get("security_level") or "public")
        done = []
        for i, (acc, paths) in enumerate(sets, 1):
            g = ingest_genome().execute(
                IngestGenomeCommand(paths=paths, accession=acc, security_level=level), job_id=_job_id()
            )
            log.info(
                "genomes.progress", job=INGEST_GENOME_JOB, done=i, total=len(sets), accession=g.accession
            )
            done.append(g.accession)
        return {"accessions": done}

    def assemblies(params: dict[str, Any]) -> dict[str, Any]:
        paths = [Path(params["path"])] if params.get("path") else bundled_assembly_summaries(settings)
        n = 0
        for i, p in enumerate(paths, 1):
            n += len(
                ingest_assemblies().execute(
                    IngestAssembliesCommand(path=p, filter=assembly_filter(params)), job_id=_job_id()
                )
            )
            log.info("genomes.progress", job=INGEST_ASSEMBLIES_JOB, done=i, total=len(paths), assemblies=n)
        return {"assemblies": n}

    def download_assembly(params: dict[str, Any]) -> dict[str, Any]:
        def progress(done: int, total: int | None) -> None:
            log.debug("genomes.progress", job=DOWNLOAD_ASSEMBLY_JOB, done_bytes=done, total_bytes=total)

        dest = Path(params.get("dest_dir") or settings.data_dir / "genomes")
        files = download().execute(
            DownloadAssemblyCommand(accession=params["accession"], dest_dir=dest), progress
        )
        return {
            "files": [
                {
                    "path": str(f.path),
                    "bytes": f.size_bytes,
                    "md5": f.md5,
                    "resumed_from_bytes": f.resumed_from_bytes,
                }
                for f in files
            ]
        }

    def thousand_genomes(params: dict[str, Any]) -> dict[str, Any]:
        cmd = bundled_1000g(settings)
        if params.get("panel"):
            cmd = Ingest1000GenomesCommand(
                panel=Path(params["panel"]),
                vcf=Path(params["vcf"]) if params.get("vcf") else None,
                sample_table=Path(params["sample_table"]) if params.get("sample_table") else None,
                indexes=tuple(Path(p) for p in params.get("indexes") or ()),
            )
        r = ingest_1000g().execute(cmd, job_id=_job_id())
        return {
            "samples": r.n_samples,
            "populations": len(r.populations),
            "sequence_files": r.n_sequence_files,
            "variants": r.n_variants,
            "frequencies": r.n_frequencies,
            "unknown_vcf_samples": r.unknown_vcf_samples,
        }

    return {
        INGEST_GENOME_JOB: genome,
        INGEST_ASSEMBLIES_JOB: assemblies,
        DOWNLOAD_ASSEMBLY_JOB: download_assembly,
        INGEST_1000G_JOB: thousand_genomes,
    }


class GenomesContainer(containers.DeclarativeContainer):
    """NCBI assemblies and genomes, genome-model links, 1000 Genomes."""

    settings = providers.Dependency(instance_of=Settings)
    uow_factory: providers.Dependency[Any] = providers.Dependency()
    engine: providers.Dependency[Any] = providers.Dependency()
    #: From the governance container: RecordIngestion factory, its repository, validators by kind.
    record_ingestion: providers.Dependency[Any] = providers.Dependency()
    governance_repository: providers.Dependency[Any] = providers.Dependency()
    validators: providers.Dependency[Any] = providers.Dependency()

    repository = providers.Singleton(_repo, engine)
    visibility = providers.Factory(GenomeVisibility, governance_repository)
    source_files = providers.Singleton(_source_files)
    model_organisms = providers.Singleton(_catalog, settings)
    clock = providers.Singleton(SystemClock)
    source = providers.Singleton(_source, settings)

    link_models = providers.Factory(LinkModels, repository, model_organisms)
    ingest_assemblies = providers.Factory(
        GovernedIngestAssemblies,
        providers.Factory(_summary_reader),
        repository,
        link_models,
        source_files,
        record_ingestion,
    )
    download_assembly = providers.Factory(DownloadAssembly, repository, source)
    ingest_genome = providers.Factory(
        GovernedIngestGenome,
        providers.Factory(_genome_reader),
        repository,
        link_models,
        clock,
        source_files,
        providers.Factory(_sequence_validator, validators),
        record_ingestion,
        governance_repository,
        uow_factory=uow_factory,
    )
    list_genomes = providers.Factory(ListGenomes, repository, visibility)
    get_genome = providers.Factory(GetGenome, repository, visibility)
    get_model_genome = providers.Factory(GetModelGenome, repository, model_organisms, visibility)
    ingest_1000g = providers.Factory(
        GovernedIngest1000Genomes,
        providers.Factory(_population_reader),
        providers.Factory(_pca),
        repository,
        source_files,
        record_ingestion,
    )
    list_populations = providers.Factory(ListPopulations, repository)
    compute_tpm = providers.Factory(ComputeTpm, providers.Factory(_expression))
    inspect_reads = providers.Factory(InspectReads, providers.Factory(_read_inspector))

    #: Job kind -> handler, merged into the worker's handlers by the root container.
    job_handlers = providers.Singleton(
        _job_handlers,
        settings,
        ingest_genome.provider,
        ingest_assemblies.provider,
        download_assembly.provider,
        ingest_1000g.provider,
    )
