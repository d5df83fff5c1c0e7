"""``astrobio ingest assemblies|genome|1000g`` (registered by :mod:`astrobio.entrypoints.cli.genomes`)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer

from astrobio.entrypoints.cli import context
from astrobio.entrypoints.cli.errors import EXIT_INPUT, cli_errors, fail
from astrobio.entrypoints.cli.render import JsonOpt, emit_json, fmt, table


def _g() -> Any:
    return context.container().genomes


def ingest_assemblies(
    files: Annotated[
        list[Path] | None, typer.Argument(help="assembly_summary.txt files (default: the bundled)")
    ] = None,
    taxid: Annotated[
        list[int] | None, typer.Option("--taxid", help="taxid or species taxid; repeatable")
    ] = None,
    level: Annotated[
        list[str] | None, typer.Option("--level", help="complete|chromosome|scaffold|contig")
    ] = None,
    refseq_category: Annotated[
        list[str] | None,
        typer.Option("--refseq-category", help="e.g. 'reference genome', 'representative genome', na"),
    ] = None,
    group: Annotated[
        list[str] | None,
        typer.Option("--group", help="domain group (current layout): bacteria, archaea, viral ..."),
    ] = None,
    all_versions: Annotated[bool, typer.Option(help="keep replaced/suppressed versions too")] = False,
    json: JsonOpt = False,
) -> None:
    """Parse NCBI assembly summaries (either layout), filter, store; print the planned downloads."""
    with cli_errors():
        from astrobio.application.use_cases.genomes import IngestAssembliesCommand
        from astrobio.bootstrap.genomes_container import assembly_filter, bundled_assembly_summaries
        from astrobio.domain.genome import download_plan
        from astrobio.entrypoints.genomes_schemas import AssemblyRead

        flt = assembly_filter(
            {
                "taxids": taxid,
                "assembly_levels": level,
                "refseq_categories": refseq_category,
                "groups": group,
                "latest_only": not all_versions,
            }
        )
        paths = files or bundled_assembly_summaries(context.settings())
        records = []
        for p in paths:
            records += _g().ingest_assemblies().execute(IngestAssembliesCommand(path=p, filter=flt))
        if json:
            emit_json(
                {
                    "count": len(records),
                    "assemblies": [AssemblyRead.from_domain(r) for r in records],
                    "downloads": {
                        r.accession: [f.url for f in download_plan(r)] for r in records[:100] if r.ftp_path
                    },
                }
            )
            return
        rows = [
            [
                r.accession,
                r.organism_name,
                r.strain or "—",
                str(r.taxid),
                r.assembly_level,
                r.refseq_category or "—",
            ]
            for r in records[:50]
        ]
        table(
            f"{len(records)} assemblies stored",
            ["accession", "organism", "strain", "taxid", "level", "refseq category"],
            rows,
            caption="first 50 shown; `astrobio genomes download ACCESSION` fetches one"
            if len(records) > 50
            else None,
        )


def ingest_genome(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="FASTA/GenBank/GFF3 (+ QC reports) of ONE genome")
    ] = None,
    accession: Annotated[str | None, typer.Option(help="accession to record it under")] = None,
    bundled: Annotated[bool, typer.Option(help="ingest the bundled NCBI samples instead")] = False,
    security_level: Annotated[
        str,
        typer.Option(
            help="public|internal|restricted|confidential|secret: restricted and above are stored "
            "encrypted and hidden from callers without that clearance (unpublished genomes)"
        ),
    ] = "public",
    json: JsonOpt = False,
) -> None:
    """Parse a genome's files, grade them (quality gate), store the genome, link it to metabolic models
    and record a dataset version ``genome.<accession>``; below the gate nothing is stored (exit 2)."""
    with cli_errors():
        from astrobio.application.use_cases.genomes import IngestGenomeCommand
        from astrobio.bootstrap.genomes_container import bundled_genome_sets
        from astrobio.domain.dataset_version import SecurityLevel
        from astrobio.entrypoints.genomes_schemas import GenomeSummaryRead

        if not paths and not bundled:
            fail("give the genome's files, or --bundled", EXIT_INPUT)
        level = SecurityLevel.parse(security_level)
        sets = bundled_genome_sets(context.settings()) if bundled else [(accession, list(paths or []))]
        out = [
            _g().ingest_genome().execute(IngestGenomeCommand(paths=s, accession=acc, security_level=level))
            for acc, s in sets
        ]
        genome_table([GenomeSummaryRead.from_domain(g) for g in out], "ingested", json)


def ingest_1000g(
    panel: Annotated[Path | None, typer.Option(help="sample panel or IGSR sample table")] = None,
    vcf: Annotated[Path | None, typer.Option(help="VCF (plain or gzip) of biallelic genotypes")] = None,
    sample_table: Annotated[Path | None, typer.Option(help="IGSR sample table (population names)")] = None,
    index: Annotated[
        list[Path] | None, typer.Option("--index", help="sequence/alignment index file; repeatable")
    ] = None,
    json: JsonOpt = False,
) -> None:
    """Ingest 1000 Genomes samples, super-population allele frequencies, genotype PCA (default: bundled)."""
    with cli_errors():
        from astrobio.application.use_cases.populations import Ingest1000GenomesCommand
        from astrobio.bootstrap.genomes_container import bundled_1000g

        indexes = tuple(index or ())
        cmd = (
            replace(bundled_1000g(context.settings()), indexes=indexes)
            if panel is None
            else Ingest1000GenomesCommand(panel=panel, vcf=vcf, sample_table=sample_table, indexes=indexes)
        )
        r = _g().ingest_1000g().execute(cmd)
        summary = {
            "samples": r.n_samples,
            "populations": len(r.populations),
            "variants": r.n_variants,
            "frequencies": r.n_frequencies,
            "unknown_vcf_samples": r.unknown_vcf_samples,
            "sequence_files": r.n_sequence_files,
            "unknown_index_samples": r.unknown_index_samples,
        }
        if json:
            emit_json(summary)
        else:
            table("1000 Genomes ingested", list(summary), [[str(v) for v in summary.values()]])


def genome_table(items: list[Any], title: str, json: bool) -> None:
    if json:
        emit_json(items)
        return
    table(
        f"{len(items)} genome(s) {title}",
        ["accession", "organism", "taxid", "strain", "length [bp]", "GC", "QC"],
        [
            [
                g.accession,
                g.organism_name or "—",
                str(g.taxid or "—"),
                g.strain or "—",
                str(g.total_length_bp or "—"),
                fmt(g.gc_fraction),
                g.qc_status or "—",
            ]
            for g in items
        ],
    )
