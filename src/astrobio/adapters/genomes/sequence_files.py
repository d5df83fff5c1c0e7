"""Streaming readers: FASTA (Biopython ``SimpleFastaParser``), GenBank (``SeqIO``), GFF3; gzip transparent.

Each reader returns plain summaries (lengths, base counts, feature counts, taxonomy hints); whole
sequences are never kept. Every failure is an ``InvalidDataset`` naming the file and line/record.
"""

from __future__ import annotations

import gzip
import io
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from urllib.parse import unquote

from astrobio.domain.errors import InvalidDataset

#: IUPAC nucleotide codes (plus gap); anything else in a nucleotide FASTA is refused.
NUCLEOTIDE = b"ACGTURYSWKMBDHVN-acgturyswkmbdhvn"
#: IUPAC amino-acid codes, stop and gap.
PROTEIN = b"ACDEFGHIKLMNPQRSTVWYBZXJUOacdefghiklmnpqrstvwybzxjuo*-"
#: Bases whose G+C content is known (S = G|C, W = A|T): the denominator of GC fractions.
UNAMBIGUOUS = b"ACGTUSWacgtusw"


@contextmanager
def open_text(path: Path) -> Iterator[IO[str]]:
    """Text handle over a plain or gzip file (detected by its magic bytes, not its name).

    A truncated or corrupt gzip stream raises ``InvalidDataset`` when the reader hits it.
    """
    try:
        with open(path, "rb") as raw:
            gz = raw.read(2) == b"\x1f\x8b"
        # closed by the ``with fh`` below
        fh: IO[str] = (
            io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", errors="strict")  # noqa: SIM115
            if gz
            else open(path, encoding="utf-8")  # noqa: SIM115
        )
    except OSError as exc:
        raise InvalidDataset(f"{path.name}: cannot open ({exc.strerror or exc})", field="path") from None
    try:
        with fh:
            yield fh
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise InvalidDataset(f"{path.name}: truncated or corrupt gzip stream ({exc})", field="path") from None
    except UnicodeDecodeError as exc:
        raise InvalidDataset(f"{path.name}: not UTF-8 text at byte {exc.start}", field="path") from None


@dataclass
class SequenceSummary:
    lengths: list[int] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    gc_bases: int = 0
    n_bases: int = 0
    nbytes: int = 0
    #: per record (same order as ``ids``): G+C(+S), N and unambiguous (A C G T U S W) base counts
    record_gc: list[int] = field(default_factory=list)
    record_n: list[int] = field(default_factory=list)
    record_acgt: list[int] = field(default_factory=list)


def fasta_summary(path: Path, *, protein: bool = False) -> SequenceSummary:
    """Lengths, G+C and N counts of every record (the hot path: ``SimpleFastaParser`` + bytes ops)."""
    import numpy as np
    from Bio.SeqIO.FastaIO import SimpleFastaParser

    valid = np.zeros(256, dtype=bool)
    valid[np.frombuffer(PROTEIN if protein else NUCLEOTIDE, dtype=np.uint8)] = True
    gc = np.frombuffer(b"GCSgcs", dtype=np.uint8)
    nn = np.frombuffer(b"Nn", dtype=np.uint8)
    acgt = np.frombuffer(UNAMBIGUOUS, dtype=np.uint8)
    out = SequenceSummary()
    with open_text(path) as fh:
        for title, seq in SimpleFastaParser(fh):  # type: ignore[no-untyped-call]
            b = seq.encode("utf-8")
            # One pass: a byte histogram gives the alphabet check and the G+C / N counts.
            counts = np.bincount(np.frombuffer(b, dtype=np.uint8), minlength=256)
            if counts[~valid].any():
                bad = chr(int(np.flatnonzero(counts * ~valid)[0]))
                alphabet = "amino-acid" if protein else "nucleotide"
                raise InvalidDataset(
                    f"{path.name}: record {title.split(None, 1)[0] if title else '?'} has non-IUPAC "
                    f"{alphabet} character {bad!r}",
                    field="sequence",
                )
            out.ids.append(title.split(None, 1)[0] if title else "")
            out.lengths.append(len(b))
            out.nbytes += len(b)
            if not protein:
                n_gc, n_n = int(counts[gc].sum()), int(counts[nn].sum())
                out.gc_bases += n_gc
                out.n_bases += n_n
                out.record_gc.append(n_gc)
                out.record_n.append(n_n)
                out.record_acgt.append(int(counts[acgt].sum()))
    if not out.lengths:
        raise InvalidDataset(f"{path.name}: no FASTA records", field="path")
    return out


@dataclass
class AnnotationSummary:
    """What a GenBank or GFF3 file says about its genome."""

    sequences: SequenceSummary = field(default_factory=SequenceSummary)
    has_sequence: bool = False
    features: Counter[str] = field(default_factory=Counter)
    organism_name: str | None = None
    taxid: int | None = None
    strain: str | None = None
    assembly_accession: str | None = None
    assembly_name: str | None = None
    region_lengths: dict[str, int] = field(default_factory=dict)
    #: features per sequence id, and the largest end coordinate annotated on each (GFF3 only)
    seqid_features: Counter[str] = field(default_factory=Counter)
    seqid_max_end: dict[str, int] = field(default_factory=dict)


def genbank_summary(path: Path) -> AnnotationSummary:
    """Organism, taxon, strain, feature counts and (when defined) sequence composition per record."""
    from Bio import SeqIO
    from Bio.Seq import UndefinedSequenceError

    out = AnnotationSummary()
    with open_text(path) as fh:
        try:
            for rec in SeqIO.parse(fh, "genbank"):  # type: ignore[no-untyped-call]
                out.organism_name = out.organism_name or rec.annotations.get("organism")
                for x in rec.dbxrefs:
                    if x.startswith("Assembly:"):
                        out.assembly_accession = out.assembly_accession or x.split(":", 1)[1]
                for feat in rec.features:
                    out.features[feat.type] += 1
                    if feat.type == "source":
                        _source_qualifiers(out, feat.qualifiers)
                try:
                    b = bytes(rec.seq)
                except UndefinedSequenceError:
                    continue
                if rec.annotations.get("molecule_type", "DNA") == "protein":
                    continue
                out.has_sequence = True
                s = out.sequences
                s.ids.append(rec.id)
                s.lengths.append(len(b))
                up = b.upper()
                n_gc = up.count(b"G") + up.count(b"C") + up.count(b"S")
                n_n = up.count(b"N")
                s.gc_bases += n_gc
                s.n_bases += n_n
                s.record_gc.append(n_gc)
                s.record_n.append(n_n)
                s.record_acgt.append(n_gc + sum(up.count(c) for c in (b"A", b"T", b"U", b"W")))
        except ValueError as exc:
            raise InvalidDataset(f"{path.name}: not a valid GenBank file ({exc})", field="path") from None
    if not out.features and not out.has_sequence:
        raise InvalidDataset(f"{path.name}: no GenBank records", field="path")
    return out


def _source_qualifiers(out: AnnotationSummary, q: dict[str, list[str]]) -> None:
    for x in q.get("db_xref", []):
        if x.startswith("taxon:") and x[6:].isdigit():
            out.taxid = out.taxid or int(x[6:])
    strain = next(iter(q.get("strain", [])), None)
    sub = next(iter(q.get("sub_strain", []) or q.get("substrain", [])), None)
    if strain:
        out.strain = out.strain or (f"{strain} substr. {sub}" if sub else strain)


def _attributes(text: str, path: Path, n: int) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for part in text.strip().strip(";").split(";"):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        if not sep:
            raise InvalidDataset(
                f"{path.name} line {n}: attribute {part[:40]!r} is not key=value", field="attributes"
            )
        attrs[key.strip()] = unquote(value)
    return attrs


def gff3_summary(path: Path, *, lengths_of: str | None = None) -> tuple[AnnotationSummary, dict[str, int]]:
    """Features, taxonomy and region lengths of a GFF3 file; checks every ``Parent`` names an ``ID``.

    With ``lengths_of`` (e.g. ``"gene"``) also returns that feature type's span lengths keyed by
    ``locus_tag``, ``Name`` and ``ID`` (for TPM).
    """
    out = AnnotationSummary()
    ids: set[str] = set()
    parents: dict[str, int] = {}
    lengths: dict[str, int] = {}
    with open_text(path) as fh:
        n = 0
        for n, line in enumerate(fh, 1):
            if line.startswith("#"):
                _directive(out, line)
                if line.startswith("##FASTA"):
                    break
                continue
            if not line.strip():
                continue
            f = line.rstrip("\n").split("\t")
            if len(f) != 9:
                raise InvalidDataset(f"{path.name} line {n}: {len(f)} columns, GFF3 has 9", field="columns")
            if not (f[3].isdigit() and f[4].isdigit()) or int(f[4]) < int(f[3]):
                raise InvalidDataset(f"{path.name} line {n}: bad start/end {f[3]!r}..{f[4]!r}", field="start")
            attrs = _attributes(f[8], path, n)
            out.features[f[2]] += 1
            out.seqid_features[f[0]] += 1
            if int(f[4]) > out.seqid_max_end.get(f[0], 0):
                out.seqid_max_end[f[0]] = int(f[4])
            if "ID" in attrs:
                ids.add(attrs["ID"])
            for p in attrs.get("Parent", "").split(","):
                if p:
                    parents.setdefault(p, n)
            if f[2] == "region":
                _region(out, f, attrs)
            if lengths_of is not None and f[2] == lengths_of:
                span = int(f[4]) - int(f[3]) + 1
                for key in ("ID", "Name", "locus_tag"):
                    if key in attrs:
                        lengths[attrs[key]] = span
    broken = sorted(((line_no, p) for p, line_no in parents.items() if p not in ids))
    if broken:
        line_no, p = broken[0]
        raise InvalidDataset(
            f"{path.name} line {line_no}: Parent={p} names no feature ID "
            f"({len(broken)} broken parent link(s))",
            field="Parent",
        )
    if not out.features:
        raise InvalidDataset(f"{path.name}: no GFF3 features", field="path")
    return out, lengths


def _directive(out: AnnotationSummary, line: str) -> None:
    parts = line.split()
    if parts[0] == "##sequence-region" and len(parts) == 4 and parts[3].isdigit():
        out.region_lengths[parts[1]] = int(parts[3]) - int(parts[2]) + 1
    elif parts[0] == "##species" and len(parts) > 1 and "id=" in parts[1]:
        tid = parts[1].rsplit("id=", 1)[1]
        out.taxid = out.taxid or (int(tid) if tid.isdigit() else None)
    elif parts[0] == "#!genome-build-accession" and len(parts) > 1:
        out.assembly_accession = parts[1].rsplit(":", 1)[-1]
    elif parts[0] == "#!genome-build" and len(parts) > 1:
        out.assembly_name = parts[1]


def _region(out: AnnotationSummary, f: list[str], attrs: dict[str, str]) -> None:
    out.region_lengths.setdefault(f[0], int(f[4]) - int(f[3]) + 1)
    for x in attrs.get("Dbxref", "").split(","):
        if x.startswith("taxon:") and x[6:].isdigit():
            out.taxid = out.taxid or int(x[6:])
    if "strain" in attrs and out.strain is None:
        sub = attrs.get("substrain") or attrs.get("sub-strain")
        out.strain = f"{attrs['strain']} substr. {sub}" if sub else attrs["strain"]
    if "organism" in attrs:
        out.organism_name = out.organism_name or attrs["organism"]
