"""Quality of nucleotide sequences: alphabet, N fraction, GC.

The data is FASTA text, ``{id: sequence}``, or -- for genomes too large to hold as text -- a
sequence of per-record base counts (objects with ``id``, ``length``, ``gc_bases``, ``n_bases``,
``unambiguous_bases`` and optionally ``invalid_bases``, e.g.
:class:`~astrobio.application.ports.genomes.SequenceComposition`).

* validity: share of characters in the IUPAC nucleotide alphabet;
* completeness: 1 - fraction of ``N`` (unknown bases); an N fraction above 50 % is an ERROR
  (blocks publication), above 10 % a WARNING, otherwise INFO;
* uniqueness: distinct record ids;
* consistency: each record's GC content within the plausible range of known genomes (13-75 %,
  *Carsonella ruddii* to *Anaeromyxobacter*), and within 10 points of the sample's median.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from astrobio.application.ports.governance import QualityValidator
from astrobio.domain.quality import QualityIssue, QualityMetrics, QualityReport, Severity

IUPAC = frozenset("ACGTURYSWKMBDHVN-")
GC_RANGE = (0.13, 0.75)
N_ERROR_FRACTION = 0.50
N_WARNING_FRACTION = 0.10


@dataclass(frozen=True, slots=True)
class _Counts:
    id: str
    length: int
    gc: int
    n: int
    unambiguous: int
    invalid: int


def _counts_of(seq_id: str, seq: str) -> _Counts:
    return _Counts(
        id=seq_id,
        length=len(seq),
        gc=sum(seq.count(c) for c in "GCS"),
        n=seq.count("N"),
        unambiguous=sum(seq.count(c) for c in "ACGTUSW"),
        invalid=sum(1 for c in seq if c not in IUPAC),
    )


def _records(data: Any) -> tuple[list[_Counts], list[str]]:
    if isinstance(data, str):
        parsed = parse_fasta(data)
        ids = parsed.pop("__ids__").split("\x00") if parsed.get("__ids__") else []
        return [_counts_of(k, s) for k, s in parsed.items()], ids
    if isinstance(data, Mapping):
        items = {str(k): str(v).upper() for k, v in data.items()}
        return [_counts_of(k, s) for k, s in items.items()], list(items)
    rows = [
        _Counts(
            id=str(r.id),
            length=int(r.length),
            gc=int(r.gc_bases),
            n=int(r.n_bases),
            unambiguous=int(r.unambiguous_bases),
            invalid=int(getattr(r, "invalid_bases", 0)),
        )
        for r in data
    ]
    return rows, [r.id for r in rows]


def parse_fasta(text: str) -> dict[str, str]:
    records: dict[str, list[str]] = {}
    order: list[str] = []
    current: str | None = None
    for line in text.splitlines():
        if line.startswith(">"):
            current = line[1:].split()[0] if line[1:].strip() else f"record{len(order) + 1}"
            order.append(current)
            records.setdefault(current, [])
        elif current is not None and line.strip():
            records[current].append(line.strip().upper())
    return {k: "".join(records[k]) for k in dict.fromkeys(order)} | {"__ids__": "\x00".join(order)}


def gc_fraction(seq: str) -> float | None:
    """(G + C + S) / (A + C + G + T + U + S + W) over unambiguous bases (S = G|C, W = A|T)."""
    acgt = sum(seq.count(c) for c in "ACGTUSW")
    return None if acgt == 0 else sum(seq.count(c) for c in "GCS") / acgt


class GenomeSequenceValidator(QualityValidator):
    kind = "genome_sequence"

    def validate(self, subject: str, data: Any) -> QualityReport:
        records, ids = _records(data)
        issues: list[QualityIssue] = []
        total = sum(r.length for r in records)
        if total == 0:
            issues.append(QualityIssue(severity=Severity.ERROR, code="empty", message="no sequence data"))
        invalid = sum(r.invalid for r in records)
        n_count = sum(r.n for r in records)
        if invalid:
            issues.append(
                QualityIssue(
                    severity=Severity.ERROR if invalid > 0.01 * max(total, 1) else Severity.WARNING,
                    code="alphabet",
                    count=invalid,
                    message=f"{invalid} characters outside the IUPAC nucleotide alphabet",
                )
            )
        if n_count:
            n_fraction = n_count / max(total, 1)
            issues.append(
                QualityIssue(
                    severity=Severity.ERROR
                    if n_fraction > N_ERROR_FRACTION
                    else Severity.WARNING
                    if n_fraction > N_WARNING_FRACTION
                    else Severity.INFO,
                    code="n_bases",
                    count=n_count,
                    message=f"{n_fraction:.2%} unknown bases (N)",
                )
            )
        dups = len(ids) - len(set(ids))
        if dups:
            issues.append(
                QualityIssue(
                    severity=Severity.ERROR,
                    code="duplicate_id",
                    count=dups,
                    message=f"{dups} duplicate record ids",
                )
            )
        gcs = {r.id: r.gc / r.unambiguous for r in records if r.unambiguous}
        odd = 0
        if gcs:
            med = statistics.median(gcs.values())
            odd = sum(1 for g in gcs.values() if not GC_RANGE[0] <= g <= GC_RANGE[1] or abs(g - med) > 0.10)
            if odd:
                issues.append(
                    QualityIssue(
                        severity=Severity.WARNING,
                        code="gc_content",
                        count=odd,
                        message=f"{odd} records have implausible or atypical GC content",
                    )
                )
        metrics = QualityMetrics(
            completeness=1.0 - n_count / max(total, 1) if total else 0.0,
            validity=1.0 - invalid / max(total, 1) if total else 0.0,
            consistency=1.0 - odd / max(len(gcs), 1),
            uniqueness=1.0 - dups / max(len(ids), 1),
            timeliness=1.0,
            outlier_fraction=0.0,
        )
        details = {"gc_fraction": statistics.fmean(gcs.values())} if gcs else {}
        return QualityReport(
            kind=self.kind,
            subject=subject,
            metrics=metrics,
            issues=tuple(issues),
            rows=len(records),
            created_at=datetime.now(UTC),
            validator=type(self).__name__,
            details=details,
        )
