"""``BiopythonGenomeReader``: one genome from its sequence, annotation and QC files."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TypeVar

from astrobio.adapters.genomes.qc_reports import READERS, qc_kind
from astrobio.adapters.genomes.sequence_files import (
    AnnotationSummary,
    SequenceSummary,
    fasta_summary,
    genbank_summary,
    gff3_summary,
)
from astrobio.application.ports.genomes import (
    AnnotationCheck,
    GenomeFileParser,
    ParsedGenome,
    SequenceComposition,
    SourceFile,
    SourceFiles,
)
from astrobio.domain.errors import InvalidDataset
from astrobio.domain.genome import ASSEMBLY_ACCESSION, Genome, QcReport, genome_stats

T = TypeVar("T")
_GZ = re.compile(r"\.gz$")
FASTA_NT = (".fna", ".fa", ".fasta", ".ffn", ".fas", ".frn", ".fsa")
FASTA_AA = (".faa",)
GENBANK = (".gb", ".gbk", ".gbff", ".gbwithparts", ".genbank")
GFF = (".gff", ".gff3")
_ASM_IN_NAME = re.compile(r"(GC[AF]_\d{9}\.\d+)")


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def file_kind(path: Path) -> str:
    """``fasta``, ``protein``, ``genbank``, ``gff3`` or a QC kind; ``InvalidDataset`` when unknown."""
    if (q := qc_kind(path)) is not None:
        return q
    suffix = Path(_GZ.sub("", path.name)).suffix.lower()
    for kind, suffixes in (("fasta", FASTA_NT), ("protein", FASTA_AA), ("genbank", GENBANK), ("gff3", GFF)):
        if suffix in suffixes:
            return kind
    raise InvalidDataset(
        f"{path.name}: unrecognised genome file (expected FASTA, GenBank, GFF3 or a "
        "FCS/ANI/CheckM/BUSCO report)",
        field="paths",
    )


class LocalSourceFiles(SourceFiles):
    def describe(self, path: Path, *, inline_limit_bytes: int) -> SourceFile:
        if not path.is_file():
            raise InvalidDataset(f"{path}: no such file", field="paths")
        size = path.stat().st_size
        if size <= inline_limit_bytes:
            data = path.read_bytes()
            return SourceFile(
                name=path.name, sha256=hashlib.sha256(data).hexdigest(), size_bytes=len(data), data=data
            )
        return SourceFile(name=path.name, sha256=sha256_of(path), size_bytes=size, data=None)


class BiopythonGenomeReader(GenomeFileParser):
    """Nucleotide FASTA and GenBank give statistics; GFF3 gives features, taxonomy and (without a
    sequence) lengths from its regions; protein FASTA counts proteins; reports become QC."""

    def read(self, paths: Sequence[Path], *, accession: str | None = None) -> Genome:
        return self.parse(paths, accession=accession).genome

    def parse(self, paths: Sequence[Path], *, accession: str | None = None) -> ParsedGenome:
        seq = SequenceSummary()
        notes: list[AnnotationSummary] = []
        features: Counter[str] = Counter()
        qc: list[QcReport] = []
        kinds = [(p, file_kind(p)) for p in paths]  # every name checked before any parsing
        for path, kind in kinds:
            if not path.is_file():
                raise InvalidDataset(f"{path}: no such file", field="paths")
            if kind == "fasta":
                s = fasta_summary(path)
                _merge(seq, s)
            elif kind == "protein":
                features["protein"] += len(fasta_summary(path, protein=True).lengths)
            elif kind == "genbank":
                a = genbank_summary(path)
                notes.append(a)
                _merge(seq, a.sequences)
                features.update(a.features)
            elif kind == "gff3":
                a, _ = gff3_summary(path)
                notes.append(a)
                features.update(a.features)
            else:
                qc.append(READERS[kind](path))
        stats = None
        if seq.lengths:
            stats = genome_stats(seq.lengths, seq.gc_bases, seq.n_bases)
        else:
            regions = {k: v for a in notes for k, v in a.region_lengths.items()}
            if regions:
                stats = genome_stats(list(regions.values()), None, None)
        if stats is not None:
            qc = [_with_fraction(q, stats.total_length_bp) for q in qc]
        acc = (
            accession
            or _pick(a.assembly_accession for a in notes)
            or _from_names(paths)
            or (_seq_accession(seq.ids[0]) if seq.ids else None)
        )
        if acc is None:
            raise InvalidDataset("cannot tell the genome's accession: pass one", field="accession")
        genome = Genome(
            accession=acc,
            organism_name=_pick(a.organism_name for a in notes),
            taxid=_pick(a.taxid for a in notes),
            strain=_pick(a.strain for a in notes),
            assembly_name=_pick(a.assembly_name for a in notes),
            stats=stats,
            feature_counts=dict(features),
            qc=tuple(qc),
            source_files=tuple(str(p) for p in paths),
            source_checksums=tuple(sha256_of(p) for p in paths),
        )
        records = tuple(
            SequenceComposition(id=i, length=n, gc_bases=gc, n_bases=nn, unambiguous_bases=u)
            for i, n, gc, nn, u in zip(
                seq.ids, seq.lengths, seq.record_gc, seq.record_n, seq.record_acgt, strict=True
            )
        )
        return ParsedGenome(genome=genome, records=records, annotation=_annotation_check(seq, notes))


def _annotation_check(seq: SequenceSummary, notes: Sequence[AnnotationSummary]) -> AnnotationCheck:
    """GFF3 features on unknown sequences or past their sequence's end (GenBank is self-consistent)."""
    lengths = {k: v for a in notes for k, v in a.region_lengths.items()}
    lengths |= {_seq_accession(i): n for i, n in zip(seq.ids, seq.lengths, strict=True)}
    lengths |= dict(zip(seq.ids, seq.lengths, strict=True))
    features = unknown = beyond = 0
    for a in notes:
        for seqid, count in a.seqid_features.items():
            features += count
            if seqid not in lengths:
                unknown += count
            elif a.seqid_max_end.get(seqid, 0) > lengths[seqid]:
                beyond += 1
    if not lengths:  # nothing to check against
        return AnnotationCheck(features=features)
    return AnnotationCheck(features=features, unknown_seqid=unknown, out_of_bounds=beyond)


def _merge(into: SequenceSummary, s: SequenceSummary) -> None:
    into.lengths += s.lengths
    into.ids += s.ids
    into.record_gc += s.record_gc
    into.record_n += s.record_n
    into.record_acgt += s.record_acgt
    into.gc_bases += s.gc_bases
    into.n_bases += s.n_bases


def _pick(values: Iterable[T | None]) -> T | None:
    for v in values:
        if v is not None:
            return v
    return None


def _from_names(paths: Sequence[Path]) -> str | None:
    for p in paths:
        if (m := _ASM_IN_NAME.search(p.name)) and ASSEMBLY_ACCESSION.match(m.group(1)):
            return m.group(1)
    return None


def _seq_accession(seq_id: str) -> str:
    """``gi|45478711|ref|NC_005816.1|`` -> ``NC_005816.1``; ``lcl|ctg1`` -> ``ctg1``."""
    parts = [p for p in seq_id.split("|") if p]
    return parts[-1] if parts else seq_id


def _with_fraction(q: QcReport, total_bp: int) -> QcReport:
    if q.kind != "fcs_gx" or "flagged_bp" not in q.metrics:
        return q
    return QcReport(
        kind=q.kind,
        status=q.status,
        findings=q.findings,
        source=q.source,
        metrics={**q.metrics, "flagged_fraction": q.metrics["flagged_bp"] / total_bp},
    )
