"""Ports of the genomes feature: the NCBI source, file readers, the model-organism table, storage."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from astrobio.domain.genome import AssemblyFilter, AssemblyRecord, Genome
from astrobio.domain.genome_links import GenomeModelLink, ModelOrganism
from astrobio.domain.population import (
    GenotypePca,
    Population,
    PopulationSample,
    ReadStats,
    SequenceFile,
    VariantFrequency,
)

#: ``progress(done_bytes, total_bytes_or_None)``.
Progress = Callable[[int, int | None], None]


@dataclass(frozen=True, slots=True, kw_only=True)
class DownloadedFile:
    path: Path
    size_bytes: int
    md5: str
    resumed_from_bytes: int = 0


class GenomeSource(Protocol):
    """NCBI genomes over HTTPS, rate-limited (3 requests/s, 10 with an API key) with retries.

    ``download`` writes ``<dest>.part`` and resumes it with a Range request when it exists; the
    file is renamed into place only once complete and, when ``expected_md5`` is given, matching it
    (a mismatch deletes the part file and raises ``InvalidDataset``). Unreachable or failing
    upstream raises ``UpstreamUnavailable``.
    """

    def fetch_text(self, url: str) -> str: ...

    def download(
        self, url: str, dest: Path, *, expected_md5: str | None = None, progress: Progress | None = None
    ) -> DownloadedFile: ...


class AssemblySummaryReader(Protocol):
    """Streams the rows of an ``assembly_summary.txt`` (layout detected from its header) that pass
    the filter; an unknown layout raises ``InvalidDataset`` before any row is yielded."""

    def read(self, path: Path, flt: AssemblyFilter) -> Iterator[AssemblyRecord]: ...


class GenomeReader(Protocol):
    """Reads sequence (FASTA / GenBank), annotation (GFF3) and QC report files of one genome.

    Gzip is transparent. Bad input (truncated gzip, non-IUPAC characters, broken GFF3 parent
    links, an unrecognised file) raises ``InvalidDataset`` naming the file.
    """

    def read(self, paths: Sequence[Path], *, accession: str | None = None) -> Genome: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class SequenceComposition:
    """Base counts of one nucleotide record: what the ``genome_sequence`` validator needs."""

    id: str
    length: int
    gc_bases: int
    n_bases: int
    unambiguous_bases: int  # A C G T U S W: the denominator of the GC fraction


@dataclass(frozen=True, slots=True, kw_only=True)
class AnnotationCheck:
    """Consistency of GFF3 annotation with the sequences it annotates (zeros when not checked)."""

    features: int = 0
    unknown_seqid: int = 0  # features on a sequence absent from the sequence files and regions
    out_of_bounds: int = 0  # sequences with a feature ending past their end


@dataclass(frozen=True, slots=True, kw_only=True)
class ParsedGenome:
    genome: Genome
    records: tuple[SequenceComposition, ...] = ()
    annotation: AnnotationCheck = AnnotationCheck()


class GenomeFileParser(GenomeReader, Protocol):
    """A :class:`GenomeReader` that also returns per-record composition and annotation checks."""

    def parse(self, paths: Sequence[Path], *, accession: str | None = None) -> ParsedGenome: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceFile:
    """A source file as a dataset version records it: ``data`` is None above the inline limit."""

    name: str
    sha256: str
    size_bytes: int
    data: bytes | None


class SourceFiles(Protocol):
    """Checksums (and, up to ``inline_limit_bytes``, the bytes) of local source files."""

    def describe(self, path: Path, *, inline_limit_bytes: int) -> SourceFile: ...


class ModelOrganismCatalog(Protocol):
    """The organism behind each known metabolic model id."""

    def get(self, model_id: str) -> ModelOrganism | None: ...

    def all(self) -> Sequence[ModelOrganism]: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class Genotypes:
    """Biallelic variants: ids ``(variants,)`` and alt-allele dosage ``(variants, samples)`` (-1 missing)."""

    variant_ids: Sequence[str]
    chroms: Sequence[str]
    positions: Sequence[int]
    refs: Sequence[str]
    alts: Sequence[str]
    sample_ids: Sequence[str]
    dosage: np.ndarray


class PopulationDataReader(Protocol):
    """1000 Genomes tables: the sample panel / IGSR sample table, and a VCF of genotypes."""

    def read_samples(self, path: Path) -> list[PopulationSample]: ...

    def population_names(self, path: Path) -> dict[str, str]: ...

    def read_genotypes(self, path: Path) -> Genotypes: ...

    def read_index(self, path: Path) -> list[SequenceFile]:
        """Rows of a sequence index (FASTQ) or alignment index (BAM/CRAM + BAI/CRAI), header detected."""
        ...


class ReadFileInspector(Protocol):
    """Counts of a local FASTQ (reads, bases) or indexed BAM/CRAM (mapped/unmapped from the index)."""

    def inspect(self, path: Path) -> ReadStats: ...


class GenotypePcaEngine(Protocol):
    def fit(self, dosage: np.ndarray, groups: np.ndarray, n_components: int) -> GenotypePca: ...


class GenomeRepository(Protocol):
    """Storage of assemblies, genomes, genome-model links and population data.

    Every method is one transaction: ``replace_population_data`` swaps samples, frequencies and
    the PCA together or not at all.
    """

    def add_assemblies(self, records: Sequence[AssemblyRecord]) -> int: ...

    def get_assembly(self, accession: str) -> AssemblyRecord | None: ...

    def list_assemblies(self, *, offset: int = 0, limit: int = 100) -> list[AssemblyRecord]: ...

    def count_assemblies(self) -> int: ...

    def add_genome(self, genome: Genome) -> None: ...

    def get_genome(self, accession: str) -> Genome | None: ...

    def list_genomes(
        self,
        *,
        offset: int = 0,
        limit: int = 100,
        taxid: int | None = None,
        exclude: Collection[str] = (),
    ) -> list[Genome]:
        """Ordered by accession, leaving out the accessions in ``exclude``."""
        ...

    def count_genomes(self, *, taxid: int | None = None, exclude: Collection[str] = ()) -> int: ...

    def replace_links(self, model_id: str, links: Sequence[GenomeModelLink]) -> None: ...

    def links_for_model(self, model_id: str) -> list[GenomeModelLink]: ...

    def links_for_genome(self, accession: str) -> list[GenomeModelLink]: ...

    def replace_population_data(
        self,
        samples: Sequence[PopulationSample],
        populations: Sequence[Population],
        frequencies: Sequence[VariantFrequency],
        pca: GenotypePca | None,
        sequence_files: Sequence[SequenceFile] = (),
    ) -> None: ...

    def list_populations(self) -> list[Population]: ...

    def list_frequencies(self, super_population: str | None = None) -> list[VariantFrequency]: ...

    def get_pca(self) -> GenotypePca | None: ...

    def list_sequence_files(self, sample_id: str | None = None) -> list[SequenceFile]: ...


class ExpressionReader(Protocol):
    """RNA-seq count tables (tab-separated: feature id, then one column per sample) and GFF3 lengths."""

    def counts(self, path: Path) -> tuple[list[str], list[str], np.ndarray]:
        """``(feature ids, sample names, counts (features, samples))``."""
        ...

    def feature_lengths(self, gff: Path, feature_type: str) -> dict[str, int]: ...
