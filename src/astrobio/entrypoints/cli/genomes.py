"""``astrobio genomes ...`` and ``astrobio ingest assemblies|genome|1000g``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from astrobio.entrypoints.cli import context
from astrobio.entrypoints.cli.errors import cli_errors
from astrobio.entrypoints.cli.genomes_ingest import (
    genome_table,
    ingest_1000g,
    ingest_assemblies,
    ingest_genome,
)
from astrobio.entrypoints.cli.render import JsonOpt, emit_json, fmt, table

genomes_app = typer.Typer(
    help="Genomes: NCBI assemblies, statistics and QC, model links, 1000 Genomes.", no_args_is_help=True
)


def _g() -> Any:
    return context.container().genomes


def _clearance() -> Any:
    """The highest security level the CLI user may read: everything with ``ASTROBIO_AUTH=off``,
    else the role of ``ASTROBIO_API_KEY`` (PUBLIC without one, like an anonymous HTTP read)."""
    import os

    from astrobio.application.use_cases.access import clearance

    # the HTTP API's rule too: one resolver, clearance failing closed
    token = os.environ.get("ASTROBIO_API_KEY", "") or None
    return clearance(context.container().governance.resolve_principal().execute(token))


@genomes_app.command("list")
def genomes_list(
    offset: int = 0,
    limit: int = 100,
    taxid: Annotated[int | None, typer.Option(help="NCBI taxid")] = None,
    json: JsonOpt = False,
) -> None:
    """Ingested genomes, by accession."""
    with cli_errors():
        from astrobio.entrypoints.genomes_schemas import GenomePageRead, GenomeSummaryRead

        page = _g().list_genomes().execute(offset, limit, taxid, _clearance())
        items = [GenomeSummaryRead.from_domain(g) for g in page.items]
        if json:
            emit_json(GenomePageRead(items=items, total=page.total, offset=page.offset, limit=page.limit))
        else:
            genome_table(items, f"of {page.total}", False)


@genomes_app.command("show")
def genomes_show(accession: str, json: JsonOpt = False) -> None:
    """One genome: statistics, QC reports, linked metabolic models."""
    with cli_errors():
        from astrobio.entrypoints.genomes_schemas import GenomeRead

        g = GenomeRead.from_view(_g().get_genome().execute(accession, _clearance()))
        if json:
            emit_json(g)
            return
        s = g.stats
        rows = [["organism", f"{g.organism_name or '—'} (taxid {g.taxid or '—'}, strain {g.strain or '—'})"]]
        if s is not None:
            rows += [
                ["length [bp]", str(s.total_length_bp)],
                ["contigs", str(s.contig_count)],
                ["GC", fmt(s.gc_fraction, 4)],
                ["N fraction", fmt(s.n_fraction)],
                ["N50 / L50", f"{s.n50_bp} / {s.l50}"],
            ]
        rows += [["features", ", ".join(f"{k}: {v}" for k, v in sorted(g.feature_counts.items())) or "—"]]
        rows += [
            [f"QC {q.kind}", f"{q.status}  " + ", ".join(f"{k}={fmt(v)}" for k, v in q.metrics.items())]
            for q in g.qc
        ]
        rows += [["model", f"{m.model_id} ({m.method}, confidence {m.confidence})"] for m in g.models]
        table(f"genome {g.accession}", ["field", "value"], rows)


@genomes_app.command("model")
def genomes_model(model_id: str, json: JsonOpt = False) -> None:
    """The organism of a metabolic model and the genome(s) it links to."""
    with cli_errors():
        from astrobio.entrypoints.genomes_schemas import ModelGenomeRead

        v = ModelGenomeRead.from_view(_g().get_model_genome().execute(model_id, _clearance()))
        if json:
            emit_json(v)
            return
        table(
            f"{v.model_id}: {v.organism_name} {v.strain or ''} (taxid {v.taxid})",
            ["accession", "method", "confidence", "ingested", "QC"],
            [
                [
                    x.accession,
                    x.method,
                    str(x.confidence),
                    "yes" if x.genome else "assembly record",
                    (x.genome.qc_status or "—") if x.genome else "—",
                ]
                for x in v.genomes
            ],
            caption=None if v.genomes else "no genome of this organism is known yet",
        )


@genomes_app.command("download")
def genomes_download(
    accession: str,
    dest: Annotated[Path | None, typer.Option(help="target directory (default <data dir>/genomes)")] = None,
    json: JsonOpt = False,
) -> None:
    """Download a stored assembly's files (checksums verified; interrupted downloads resume)."""
    with cli_errors():
        from rich.progress import Progress

        from astrobio.application.use_cases.genomes import DownloadAssemblyCommand

        with Progress(transient=True, disable=json) as bar:
            task = bar.add_task(accession, total=None)
            files = (
                _g()
                .download_assembly()
                .execute(
                    DownloadAssemblyCommand(
                        accession=accession, dest_dir=dest or context.settings().data_dir / "genomes"
                    ),
                    lambda done, total: bar.update(task, completed=done, total=total),
                )
            )
        out = [
            {
                "path": str(f.path),
                "bytes": f.size_bytes,
                "md5": f.md5,
                "resumed_from_bytes": f.resumed_from_bytes,
            }
            for f in files
        ]
        if json:
            emit_json(out)
        else:
            table(
                f"{accession}: {len(out)} file(s)",
                ["path", "bytes", "md5"],
                [[o["path"], str(o["bytes"]), str(o["md5"])] for o in out],
            )


@genomes_app.command("populations")
def genomes_populations(json: JsonOpt = False) -> None:
    """1000 Genomes populations and the genotype PCA centroids per super-population."""
    with cli_errors():
        from astrobio.entrypoints.genomes_schemas import PopulationsRead

        v = PopulationsRead.from_view(_g().list_populations().execute())
        if json:
            emit_json(v)
            return
        table(
            "populations",
            ["code", "super", "name", "samples", "female", "male"],
            [
                [
                    p.code,
                    p.super_population,
                    p.name or "—",
                    str(p.sample_count),
                    str(p.female_count),
                    str(p.male_count),
                ]
                for p in v.populations
            ],
        )
        if v.pca is not None:
            table(
                f"genotype PCA ({v.pca.n_samples} samples x {v.pca.n_variants} variants; variance ratio "
                f"{', '.join(fmt(x) for x in v.pca.explained_variance_ratio)})",
                ["super", "PC1", "PC2"],
                [[k, fmt(c[0]), fmt(c[1] if len(c) > 1 else None)] for k, c in v.pca.centroids.items()],
            )


@genomes_app.command("tpm")
def genomes_tpm(
    counts: Annotated[Path, typer.Argument(help="counts table: feature id, then one column per sample")],
    gff: Annotated[Path, typer.Option(help="GFF3 giving the feature lengths")],
    feature_type: Annotated[str, typer.Option(help="GFF3 feature type whose span is the length")] = "gene",
    json: JsonOpt = False,
) -> None:
    """RNA-seq counts -> TPM, with feature lengths from a GFF3."""
    with cli_errors():
        from astrobio.application.use_cases.expression import ComputeTpmCommand

        t = _g().compute_tpm().execute(ComputeTpmCommand(counts=counts, gff=gff, feature_type=feature_type))
        rows = [
            [fid, str(int(n)), *(fmt(float(v)) for v in t.tpm[i])]
            for i, (fid, n) in enumerate(zip(t.feature_ids, t.lengths_bp, strict=True))
        ]
        if json:
            emit_json(
                {
                    "samples": t.samples,
                    "features": [
                        {"id": fid, "length_bp": int(n), "tpm": [float(v) for v in t.tpm[i]]}
                        for i, (fid, n) in enumerate(zip(t.feature_ids, t.lengths_bp, strict=True))
                    ],
                }
            )
        else:
            table("TPM", ["feature", "length [bp]", *t.samples], rows)


@genomes_app.command("reads")
def genomes_reads(path: Path, json: JsonOpt = False) -> None:
    """Reads and bases of a FASTQ, or mapped/unmapped reads of a BAM/CRAM from its index (pysam)."""
    with cli_errors():
        import dataclasses

        stats = dataclasses.asdict(_g().inspect_reads().execute(path))
        if json:
            emit_json(stats)
        else:
            table(path.name, ["field", "value"], [[k, str(v)] for k, v in stats.items() if v is not None])


def register(root: typer.Typer, ingest: typer.Typer, train: typer.Typer) -> None:
    """Add this feature's commands to the root app and to the ``ingest`` / ``train`` groups."""
    root.add_typer(genomes_app, name="genomes")
    ingest.command("assemblies")(ingest_assemblies)
    ingest.command("genome")(ingest_genome)
    ingest.command("1000g")(ingest_1000g)
