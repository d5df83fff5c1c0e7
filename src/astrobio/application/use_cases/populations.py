"""1000 Genomes: Ingest1000Genomes, ListPopulations, InspectReads."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from astrobio.application.ports.genomes import (
    GenomeRepository,
    GenotypePcaEngine,
    PopulationDataReader,
    ReadFileInspector,
)
from astrobio.domain.errors import InvalidDataset
from astrobio.domain.population import (
    GenotypePca,
    Population,
    PopulationSample,
    ReadStats,
    SequenceFile,
    VariantFrequency,
    allele_frequencies,
    populations_of,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Ingest1000GenomesCommand:
    panel: Path
    vcf: Path | None = None
    sample_table: Path | None = None
    indexes: tuple[Path, ...] = ()
    n_components: int = 4


@dataclass(frozen=True, slots=True, kw_only=True)
class PopulationReport:
    populations: list[Population]
    n_samples: int
    n_variants: int
    n_frequencies: int
    pca: GenotypePca | None
    unknown_vcf_samples: int
    n_sequence_files: int = 0
    unknown_index_samples: int = 0
    n_vcf_samples: int = 0
    #: share of missing genotype calls over the panel samples of the VCF (None without a VCF)
    missing_genotype_fraction: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PreparedPopulationData:
    """Everything an ingestion computed, before it is stored."""

    samples: list[PopulationSample]
    frequencies: list[VariantFrequency]
    sequence_files: list[SequenceFile]
    report: PopulationReport


class Ingest1000Genomes:
    """Load the sample panel, optionally a VCF and sequence/alignment indexes, into populations, allele
    frequencies, a PCA and the list of each sample's FASTQ/BAM/CRAM files.

    Rules: the panel gives population, super-population and sex; the IGSR sample table (if given)
    adds population names. VCF samples missing from the panel are left out (and counted); a VCF
    sharing no sample with the panel is refused. Frequencies are alt-allele frequencies of each
    biallelic variant per super-population; the PCA runs over alt-allele dosages of all panel
    samples. Everything is replaced in one transaction.
    """

    def __init__(self, reader: PopulationDataReader, pca: GenotypePcaEngine, repo: GenomeRepository) -> None:
        self._reader, self._pca, self._repo = reader, pca, repo

    def execute(self, command: Ingest1000GenomesCommand) -> PopulationReport:
        return self._store(self._prepare(command))

    def _prepare(self, command: Ingest1000GenomesCommand) -> PreparedPopulationData:
        """Read and compute everything; nothing is stored yet."""
        samples = self._reader.read_samples(command.panel)
        names = self._reader.population_names(command.sample_table) if command.sample_table else {}
        populations = populations_of(samples, names)
        frequencies: list[VariantFrequency] = []
        pca: GenotypePca | None = None
        n_variants = unknown = vcf_samples = 0
        missing: float | None = None
        if command.vcf is not None:
            g = self._reader.read_genotypes(command.vcf)
            sup = {s.sample_id: s.super_population for s in samples}
            keep = np.array([sid in sup for sid in g.sample_ids], dtype=bool)
            vcf_samples = len(g.sample_ids)
            unknown = int((~keep).sum())
            if not keep.any():
                raise InvalidDataset(f"{command.vcf.name}: none of its samples is in the panel", field="vcf")
            dosage = g.dosage[:, keep]
            missing = float((dosage < 0).mean()) if dosage.size else 0.0
            groups = np.array([sup[s] for s, k in zip(g.sample_ids, keep, strict=True) if k])
            n_variants = dosage.shape[0]
            for group, af in allele_frequencies(dosage, groups).items():
                n_called = (dosage[:, groups == group] >= 0).sum(axis=1) * 2
                frequencies += [
                    VariantFrequency(
                        variant_id=g.variant_ids[i],
                        chrom=g.chroms[i],
                        pos=g.positions[i],
                        ref=g.refs[i],
                        alt=g.alts[i],
                        super_population=group,
                        alt_allele_frequency=float(af[i]),
                        allele_number=int(n_called[i]),
                    )
                    for i in range(n_variants)
                    if np.isfinite(af[i])
                ]
            if n_variants >= 2:
                pca = self._pca.fit(dosage, groups, min(command.n_components, n_variants, dosage.shape[1]))
        files: dict[str, SequenceFile] = {}
        for index in command.indexes:
            for f in self._reader.read_index(index):
                files.setdefault(f.path, f)
        known = {s.sample_id for s in samples}
        report = PopulationReport(
            n_sequence_files=len(files),
            unknown_index_samples=len({f.sample_id for f in files.values()} - known),
            populations=populations,
            n_samples=len(samples),
            n_variants=n_variants,
            n_frequencies=len(frequencies),
            pca=pca,
            unknown_vcf_samples=unknown,
            n_vcf_samples=vcf_samples,
            missing_genotype_fraction=missing,
        )
        return PreparedPopulationData(
            samples=samples, frequencies=frequencies, sequence_files=list(files.values()), report=report
        )

    def _store(self, p: PreparedPopulationData) -> PopulationReport:
        r = p.report
        self._repo.replace_population_data(p.samples, r.populations, p.frequencies, r.pca, p.sequence_files)
        return r


@dataclass(frozen=True, slots=True, kw_only=True)
class PopulationsView:
    populations: list[Population]
    pca: GenotypePca | None
    sequence_files_by_kind: dict[str, int]


class ListPopulations:
    """Populations (ordered by super-population, code), the stored genotype PCA if any, and how many
    FASTQ/BAM/CRAM files the ingested indexes list."""

    def __init__(self, repo: GenomeRepository) -> None:
        self._repo = repo

    def execute(self) -> PopulationsView:
        kinds: dict[str, int] = {}
        for f in self._repo.list_sequence_files():
            kinds[f.kind] = kinds.get(f.kind, 0) + 1
        return PopulationsView(
            populations=self._repo.list_populations(), pca=self._repo.get_pca(), sequence_files_by_kind=kinds
        )


class InspectReads:
    """Read and base counts of a local FASTQ, or mapped/unmapped counts of an indexed BAM/CRAM."""

    def __init__(self, inspector: ReadFileInspector) -> None:
        self._inspector = inspector

    def execute(self, path: Path) -> ReadStats:
        if not path.is_file():
            raise InvalidDataset(f"{path}: no such file", field="path")
        return self._inspector.inspect(path)
