"""Genomes: NCBI assembly records, download plans, sequence statistics, QC, the Genome entity.

Sequence data never lives here: a :class:`Genome` records what was measured on its files
(statistics, QC) and where they came from (paths and SHA-256 checksums).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from astrobio.domain.errors import InvalidDataset, InvalidQuantity

#: NCBI assembly accession: GCA_/GCF_ + 9 digits + version.
ASSEMBLY_ACCESSION = re.compile(r"^GC[AF]_\d{9}\.\d+$")
#: Any accession-like id a genome may be keyed by (assembly or sequence accession, e.g. NC_005816.1).
GENOME_ID = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")

ASSEMBLY_LEVELS = ("Complete Genome", "Chromosome", "Scaffold", "Contig")
#: Suffixes of the files NCBI publishes in every assembly directory (``<dir>/<dir>_<suffix>``).
ASSEMBLY_FILE_SUFFIXES = (
    "genomic.fna.gz",
    "genomic.gbff.gz",
    "genomic.gff.gz",
    "protein.faa.gz",
    "assembly_report.txt",
    "assembly_stats.txt",
    "fcs_report.txt",
    "ani_report.txt",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class AssemblyRecord:
    """One row of an NCBI ``assembly_summary.txt`` (either layout); ``None`` where NCBI has ``na``/empty."""

    accession: str
    taxid: int
    species_taxid: int
    organism_name: str
    infraspecific_name: str | None = None
    refseq_category: str | None = None
    version_status: str = "latest"
    assembly_level: str = "Contig"
    asm_name: str | None = None
    ftp_path: str | None = None
    seq_rel_date: str | None = None
    group: str | None = None
    genome_size_bp: int | None = None
    gc_percent: float | None = None

    def __post_init__(self) -> None:
        if not ASSEMBLY_ACCESSION.match(self.accession):
            raise InvalidDataset(
                f"not an NCBI assembly accession: {self.accession!r}", field="assembly_accession"
            )
        if self.taxid < 1 or self.species_taxid < 1:
            raise InvalidDataset(f"{self.accession}: taxid must be a positive integer", field="taxid")
        if not self.organism_name.strip():
            raise InvalidDataset(f"{self.accession}: empty organism_name", field="organism_name")

    @property
    def strain(self) -> str | None:
        """The ``strain=`` value of ``infraspecific_name`` (``type strain:`` prefix dropped)."""
        name = self.infraspecific_name or ""
        if not name.startswith("strain="):
            return None
        return name.removeprefix("strain=").removeprefix("type strain:").strip() or None

    @property
    def version(self) -> int:
        return int(self.accession.rsplit(".", 1)[1])


@dataclass(frozen=True, slots=True, kw_only=True)
class AssemblyFilter:
    """Which summary rows to keep; every given criterion must hold (``None`` = any)."""

    taxids: frozenset[int] | None = None
    groups: frozenset[str] | None = None
    refseq_categories: frozenset[str] | None = None
    assembly_levels: frozenset[str] | None = None
    latest_only: bool = True

    def __post_init__(self) -> None:
        unknown = sorted((self.assembly_levels or frozenset()) - set(ASSEMBLY_LEVELS))
        if unknown:
            raise InvalidQuantity(
                f"unknown assembly level(s) {unknown}; use {list(ASSEMBLY_LEVELS)}", field="assembly_level"
            )

    def matches(self, r: AssemblyRecord) -> bool:
        """Taxids match either the row's taxid or its species taxid; groups need the current layout."""
        return (
            (not self.latest_only or r.version_status == "latest")
            and (self.taxids is None or r.taxid in self.taxids or r.species_taxid in self.taxids)
            and (self.groups is None or r.group in self.groups)
            and (self.refseq_categories is None or (r.refseq_category or "na") in self.refseq_categories)
            and (self.assembly_levels is None or r.assembly_level in self.assembly_levels)
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class RemoteFile:
    url: str
    name: str


def download_plan(
    record: AssemblyRecord, suffixes: Sequence[str] = ASSEMBLY_FILE_SUFFIXES
) -> tuple[RemoteFile, ...]:
    """The files of an assembly directory, plus its ``md5checksums.txt`` (first), over HTTPS."""
    if not record.ftp_path:
        raise InvalidDataset(f"{record.accession} has no ftp_path (not published)", field="ftp_path")
    base = re.sub(r"^ftp://", "https://", record.ftp_path.rstrip("/"))
    stem = base.rsplit("/", 1)[1]
    files = [RemoteFile(url=f"{base}/md5checksums.txt", name="md5checksums.txt")]
    files += [RemoteFile(url=f"{base}/{stem}_{s}", name=f"{stem}_{s}") for s in suffixes]
    return tuple(files)


@dataclass(frozen=True, slots=True, kw_only=True)
class GenomeStats:
    """Assembly statistics. ``gc_fraction`` is G+C over called (non-N) bases; N50 is the length
    such that contigs at least that long hold half of ``total_length_bp``; L50 their count."""

    total_length_bp: int
    contig_count: int
    gc_fraction: float | None
    n_fraction: float | None
    n50_bp: int
    l50: int
    largest_contig_bp: int

    def __post_init__(self) -> None:
        if self.total_length_bp < 0 or self.contig_count < 0:
            raise InvalidQuantity("lengths and counts must be >= 0", field="total_length_bp")
        if self.gc_fraction is not None and not 0.0 <= self.gc_fraction <= 1.0:
            raise InvalidQuantity("gc_fraction must be in [0, 1]", field="gc_fraction")
        if self.n_fraction is not None and not 0.0 <= self.n_fraction <= 1.0:
            raise InvalidQuantity("n_fraction must be in [0, 1]", field="n_fraction")


def genome_stats(
    lengths_bp: Sequence[int] | np.ndarray, gc_bases: int | None, n_bases: int | None
) -> GenomeStats:
    """Statistics from contig lengths and base counts (``None``: composition unknown, e.g. a GFF alone)."""
    lengths = np.sort(np.asarray(lengths_bp, dtype=np.int64))[::-1]
    if lengths.size == 0 or int(lengths.sum()) == 0:
        raise InvalidDataset("no sequence: nothing to compute statistics on", field="sequence")
    total = int(lengths.sum())
    cum = np.cumsum(lengths)
    i50 = int(np.searchsorted(cum, total / 2.0, side="left"))
    called = total - (n_bases or 0)
    gc = None if gc_bases is None or called <= 0 else gc_bases / called
    return GenomeStats(
        total_length_bp=total,
        contig_count=int(lengths.size),
        gc_fraction=gc,
        n_fraction=None if n_bases is None else n_bases / total,
        n50_bp=int(lengths[i50]),
        l50=i50 + 1,
        largest_contig_bp=int(lengths[0]),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class QcReport:
    """One quality-control result: ``kind`` is ``fcs_gx``, ``fcs_adaptor``, ``ani``, ``checkm`` or ``busco``.

    ``status`` is ``pass``, ``warn`` or ``fail``; ``metrics`` holds the numbers (fractions, not %)
    and ``findings`` one short line per flagged sequence.
    """

    kind: str
    status: str
    metrics: dict[str, float] = field(default_factory=dict)
    findings: tuple[str, ...] = ()
    source: str = ""

    def __post_init__(self) -> None:
        if self.kind not in QC_KINDS:
            raise InvalidQuantity(f"unknown QC kind {self.kind!r}", field="kind")
        if self.status not in ("pass", "warn", "fail"):
            raise InvalidQuantity(f"unknown QC status {self.status!r}", field="status")


QC_KINDS = ("fcs_gx", "fcs_adaptor", "ani", "checkm", "busco")


@dataclass(frozen=True, slots=True, kw_only=True)
class Genome:
    """An ingested genome (or annotation): identity, taxonomy, statistics, QC, provenance."""

    accession: str
    organism_name: str | None = None
    taxid: int | None = None
    strain: str | None = None
    assembly_name: str | None = None
    stats: GenomeStats | None = None
    feature_counts: dict[str, int] = field(default_factory=dict)
    qc: tuple[QcReport, ...] = ()
    source_files: tuple[str, ...] = ()
    source_checksums: tuple[str, ...] = ()
    created_at: datetime | None = None

    def __post_init__(self) -> None:
        if not GENOME_ID.match(self.accession):
            raise InvalidDataset(f"bad genome accession {self.accession!r}", field="accession")
        if self.taxid is not None and self.taxid < 1:
            raise InvalidDataset("taxid must be a positive integer", field="taxid")
        if len(self.source_files) != len(self.source_checksums):
            raise InvalidDataset("one checksum per source file", field="source_checksums")

    @property
    def qc_status(self) -> str | None:
        """The worst status of its QC reports (``None`` when none was recorded)."""
        order = {"pass": 0, "warn": 1, "fail": 2}
        return max((q.status for q in self.qc), key=order.__getitem__, default=None)


def tpm(counts: np.ndarray, lengths_bp: np.ndarray) -> np.ndarray:
    """Transcripts per million from read counts, shape ``(genes,)`` or ``(genes, samples)``.

    ``rate = counts / length_kb``; ``TPM = rate / sum(rate) * 1e6`` per sample (Wagner et al. 2012).
    """
    c = np.asarray(counts, dtype=np.float64)
    lengths = np.asarray(lengths_bp, dtype=np.float64)
    if c.shape[0] != lengths.shape[0]:
        raise InvalidDataset(
            f"{c.shape[0]} count rows but {lengths.shape[0]} feature lengths", field="lengths"
        )
    if np.any(lengths <= 0) or np.any(c < 0) or not np.all(np.isfinite(c)):
        raise InvalidDataset("lengths must be > 0 and counts finite and >= 0", field="counts")
    rate = c / (lengths[:, None] if c.ndim == 2 else lengths) * 1e3
    total = rate.sum(axis=0)
    if np.any(total == 0):
        raise InvalidDataset("a sample has no counts", field="counts")
    return np.asarray(rate / total * 1e6)
