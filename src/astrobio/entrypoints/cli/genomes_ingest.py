"""``astrobio ingest assemblies|genome|1000g`` (registered by :mod:`astrobio.entrypoints.cli.genomes`)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer

from astrobio.entrypoints.cli import context
from astrobio.entrypoints.cli.errors import EXIT_INPUT, cli_errors, fail
from astrobio.entrypoints.cli.render import JsonOpt, emit_json, fmt, table, track


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
            for acc, s in track(sets, "ingesting genomes", json=json, unit="genomes")
        ]
        genome_table([GenomeSummaryRead.from_domain(g) for g in out], "ingested", json,
                     labels=None if json else genome_labels(out))


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


def _screen_label(q: Any) -> str:
    """One QC report in words: ``fcs_adaptor TRIM×2`` / ``ani OK`` / ``checkm pass``."""
    actions = {k.removeprefix("action_").upper(): int(v)
               for k, v in q.metrics.items() if k.startswith("action_")}
    if actions:
        return f"{q.kind} " + " ".join(f"{a}×{n}" for a, n in sorted(actions.items()))
    return f"{q.kind} {q.status}"


def genome_labels(genomes: list[Any]) -> dict[str, tuple[str, str, str | None]]:
    """Per accession: (quality grade of its dataset version, QC screens in words, organism by taxid).

    The grade is the verdict (the quality gate: A+ … F, published or held); an NCBI screen's own
    status ("fail" for an FCS TRIM) is shown as the action it asks for, never as a bare "fail".
    """
    from astrobio.domain.access import LOCAL_ADMIN

    gov = context.container().governance
    organisms = _organisms_by_taxid()
    labels: dict[str, tuple[str, str, str | None]] = {}
    for g in genomes:
        try:
            v = gov.get_version().execute(LOCAL_ADMIN, f"genome.{g.accession}")
            grade = f"{v.quality.grade} ({'published' if v.published else 'held'})"
        except Exception:  # a missing version must not hide the table
            grade = "—"
        screens = ", ".join(_screen_label(q) for q in g.qc) or "none"
        labels[g.accession] = (grade, screens, organisms.get(g.taxid) if g.taxid else None)
    return labels


def _organisms_by_taxid() -> dict[int, str]:
    """NCBI taxid -> organism name from the bundled model catalog (GFF3 files name no organism)."""
    import json as _json

    path = context.settings().bundled_data_dir / "metabolic_models" / "catalog.json"
    try:
        models = _json.loads(path.read_text())["models"]
    except (OSError, ValueError, KeyError):
        return {}
    return {int(m["ncbi_taxid"]): str(m["organism"]) for m in models if m.get("ncbi_taxid")}


def genome_table(items: list[Any], title: str, json: bool,
                 labels: dict[str, tuple[str, str, str | None]] | None = None) -> None:
    if json:
        emit_json(items)
        return
    labels = labels or {}

    def organism(g: Any) -> str:
        by_taxid = labels.get(g.accession, ("", "", None))[2]
        return g.organism_name or (f"{by_taxid} (by taxid)" if by_taxid else "—")

    def gc(g: Any) -> str:
        if g.gc_fraction is not None:
            return fmt(g.gc_fraction)
        return "n/a (no sequence)" if g.total_length_bp else "—"

    columns = ["accession", "organism", "taxid", "strain", "length [bp]", "GC"]
    columns += ["grade", "QC screens"] if labels else ["QC"]
    table(
        f"{len(items)} genome(s) {title}",
        columns,
        [
            [
                g.accession,
                organism(g),
                str(g.taxid or "—"),
                g.strain or "—",
                str(g.total_length_bp or "—"),
                gc(g),
                *(labels[g.accession][:2] if g.accession in labels else [g.qc_status or "—"]),
            ]
            for g in items
        ],
        caption="grade: the quality gate's verdict (A+ … F); QC screens: NCBI FCS / ANI / CheckM / BUSCO "
                "findings, e.g. TRIM = adaptor to trim before submission (a warning, not a failure)"
        if labels else None,
    )
