"""``SqlGenomeRepository``: the genomes port on SQLAlchemy Core, one transaction per method."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import asdict
from typing import Any

import sqlalchemy as sa

from astrobio.adapters.sql.genomes_tables import (
    genome_assemblies,
    genome_model_links,
    genomes,
    genotype_pcas,
    population_allele_frequencies,
    population_samples,
    population_sequence_files,
    populations,
)
from astrobio.adapters.sql.repositories import _upsert
from astrobio.adapters.sql.transaction import begin, connect
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

_BATCH = 5000


def assembly_to_row(r: AssemblyRecord) -> dict[str, Any]:
    row = asdict(r)
    row["asm_group"] = row.pop("group")
    return row


def assembly_from_row(row: sa.Row[Any]) -> AssemblyRecord:
    d = dict(row._mapping)
    d["group"] = d.pop("asm_group")
    return AssemblyRecord(**d)


def genome_to_row(g: Genome) -> dict[str, Any]:
    return {
        "accession": g.accession,
        "organism_name": g.organism_name,
        "taxid": g.taxid,
        "strain": g.strain,
        "assembly_name": g.assembly_name,
        "stats": None if g.stats is None else asdict(g.stats),
        "feature_counts": dict(g.feature_counts),
        "qc": [
            {
                "kind": q.kind,
                "status": q.status,
                "metrics": q.metrics,
                "findings": list(q.findings),
                "source": q.source,
            }
            for q in g.qc
        ],
        "source_files": list(g.source_files),
        "source_checksums": list(g.source_checksums),
        "created_at": g.created_at,
    }


def genome_from_row(r: sa.Row[Any]) -> Genome:
    return Genome(
        accession=r.accession,
        organism_name=r.organism_name,
        taxid=r.taxid,
        strain=r.strain,
        assembly_name=r.assembly_name,
        stats=None if r.stats is None else GenomeStats(**r.stats),
        feature_counts=dict(r.feature_counts),
        qc=tuple(
            QcReport(
                kind=q["kind"],
                status=q["status"],
                metrics=q["metrics"],
                findings=tuple(q["findings"]),
                source=q["source"],
            )
            for q in r.qc
        ),
        source_files=tuple(r.source_files),
        source_checksums=tuple(r.source_checksums),
        created_at=r.created_at,
    )


def _link(r: sa.Row[Any]) -> GenomeModelLink:
    return GenomeModelLink(
        model_id=r.model_id, accession=r.accession, method=r.method, confidence=r.confidence
    )


class SqlGenomeRepository(GenomeRepository):
    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine

    def add_assemblies(self, records: Sequence[AssemblyRecord]) -> int:
        with begin(self._engine) as conn:
            stmt = _upsert(conn, genome_assemblies)
            for i in range(0, len(records), _BATCH):
                conn.execute(stmt, [assembly_to_row(r) for r in records[i : i + _BATCH]])
        return len(records)

    def get_assembly(self, accession: str) -> AssemblyRecord | None:
        with connect(self._engine) as conn:
            row = conn.execute(
                sa.select(genome_assemblies).where(genome_assemblies.c.accession == accession)
            ).first()
        return None if row is None else assembly_from_row(row)

    def list_assemblies(self, *, offset: int = 0, limit: int = 100) -> list[AssemblyRecord]:
        q = sa.select(genome_assemblies).order_by(genome_assemblies.c.accession).offset(offset).limit(limit)
        with connect(self._engine) as conn:
            return [assembly_from_row(r) for r in conn.execute(q)]

    def count_assemblies(self) -> int:
        with connect(self._engine) as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(genome_assemblies)).scalar_one())

    def add_genome(self, genome: Genome) -> None:
        with begin(self._engine) as conn:
            conn.execute(_upsert(conn, genomes), genome_to_row(genome))

    def get_genome(self, accession: str) -> Genome | None:
        with connect(self._engine) as conn:
            row = conn.execute(sa.select(genomes).where(genomes.c.accession == accession)).first()
        return None if row is None else genome_from_row(row)

    def list_genomes(
        self,
        *,
        offset: int = 0,
        limit: int = 100,
        taxid: int | None = None,
        exclude: Collection[str] = (),
    ) -> list[Genome]:
        q = sa.select(genomes).order_by(genomes.c.accession).offset(offset).limit(limit)
        if taxid is not None:
            q = q.where(genomes.c.taxid == taxid)
        if exclude:
            q = q.where(genomes.c.accession.not_in(list(exclude)))
        with connect(self._engine) as conn:
            return [genome_from_row(r) for r in conn.execute(q)]

    def count_genomes(self, *, taxid: int | None = None, exclude: Collection[str] = ()) -> int:
        q = sa.select(sa.func.count()).select_from(genomes)
        if taxid is not None:
            q = q.where(genomes.c.taxid == taxid)
        if exclude:
            q = q.where(genomes.c.accession.not_in(list(exclude)))
        with connect(self._engine) as conn:
            return int(conn.execute(q).scalar_one())

    def replace_links(self, model_id: str, links: Sequence[GenomeModelLink]) -> None:
        with begin(self._engine) as conn:
            conn.execute(sa.delete(genome_model_links).where(genome_model_links.c.model_id == model_id))
            if links:
                conn.execute(sa.insert(genome_model_links), [asdict(link) for link in links])

    def links_for_model(self, model_id: str) -> list[GenomeModelLink]:
        c = genome_model_links.c
        q = (
            sa.select(genome_model_links)
            .where(c.model_id == model_id)
            .order_by(c.confidence.desc(), c.accession)
        )
        with connect(self._engine) as conn:
            return [_link(r) for r in conn.execute(q)]

    def links_for_genome(self, accession: str) -> list[GenomeModelLink]:
        c = genome_model_links.c
        q = (
            sa.select(genome_model_links)
            .where(c.accession == accession)
            .order_by(c.confidence.desc(), c.model_id)
        )
        with connect(self._engine) as conn:
            return [_link(r) for r in conn.execute(q)]

    def replace_population_data(
        self,
        samples: Sequence[PopulationSample],
        populations_: Sequence[Population],
        frequencies: Sequence[VariantFrequency],
        pca: GenotypePca | None,
        sequence_files: Sequence[SequenceFile] = (),
    ) -> None:
        with begin(self._engine) as conn:
            for t in (
                population_samples,
                populations,
                population_allele_frequencies,
                genotype_pcas,
                population_sequence_files,
            ):
                conn.execute(sa.delete(t))
            for table, rows in (
                (population_samples, samples),
                (populations, populations_),
                (population_allele_frequencies, frequencies),
                (population_sequence_files, sequence_files),
            ):
                dicts = [asdict(r) for r in rows]
                for i in range(0, len(dicts), _BATCH):
                    conn.execute(sa.insert(table), dicts[i : i + _BATCH])
            if pca is not None:
                conn.execute(
                    sa.insert(genotype_pcas),
                    {
                        "id": 1,
                        "n_samples": pca.n_samples,
                        "n_variants": pca.n_variants,
                        "explained_variance_ratio": list(pca.explained_variance_ratio),
                        "centroids": {k: list(v) for k, v in pca.centroids.items()},
                        "spreads": {k: list(v) for k, v in pca.spreads.items()},
                    },
                )

    def list_populations(self) -> list[Population]:
        q = sa.select(populations).order_by(populations.c.super_population, populations.c.code)
        with connect(self._engine) as conn:
            return [Population(**r._mapping) for r in conn.execute(q)]

    def list_frequencies(self, super_population: str | None = None) -> list[VariantFrequency]:
        c = population_allele_frequencies.c
        q = sa.select(population_allele_frequencies).order_by(
            c.chrom, c.pos, c.variant_id, c.super_population
        )
        if super_population is not None:
            q = q.where(c.super_population == super_population)
        with connect(self._engine) as conn:
            return [VariantFrequency(**r._mapping) for r in conn.execute(q)]

    def get_pca(self) -> GenotypePca | None:
        with connect(self._engine) as conn:
            r = conn.execute(sa.select(genotype_pcas).where(genotype_pcas.c.id == 1)).first()
        if r is None:
            return None
        return GenotypePca(
            n_samples=r.n_samples,
            n_variants=r.n_variants,
            explained_variance_ratio=tuple(r.explained_variance_ratio),
            centroids={k: tuple(v) for k, v in r.centroids.items()},
            spreads={k: tuple(v) for k, v in r.spreads.items()},
        )

    def list_sequence_files(self, sample_id: str | None = None) -> list[SequenceFile]:
        c = population_sequence_files.c
        q = sa.select(population_sequence_files).order_by(c.sample_id, c.path)
        if sample_id is not None:
            q = q.where(c.sample_id == sample_id)
        with connect(self._engine) as conn:
            return [SequenceFile(**r._mapping) for r in conn.execute(q)]
