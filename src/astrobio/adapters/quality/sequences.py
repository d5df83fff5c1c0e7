"""Quality of nucleotide sequences (FASTA text or ``{id: sequence}``): alphabet, N fraction, GC.

* validity: share of characters in the IUPAC nucleotide alphabet;
* completeness: 1 - fraction of ``N`` (unknown bases);
* uniqueness: distinct record ids;
* consistency: each record's GC content within the plausible range of known genomes (13-75 %,
  *Carsonella ruddii* to *Anaeromyxobacter*), and within 10 points of the sample's median.
"""

from __future__ import annotations

import statistics
from datetime import UTC, datetime
from typing import Any

from astrobio.application.ports.governance import QualityValidator
from astrobio.domain.quality import QualityIssue, QualityMetrics, QualityReport, Severity

IUPAC = frozenset("ACGTURYSWKMBDHVN-")
GC_RANGE = (0.13, 0.75)


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
        if isinstance(data, str):
            parsed = parse_fasta(data)
            ids = parsed.pop("__ids__").split("\x00") if parsed.get("__ids__") else []
        else:
            parsed, ids = (
                {str(k): str(v).upper() for k, v in dict(data).items()},
                [str(k) for k in dict(data)],
            )
        issues: list[QualityIssue] = []
        total = sum(len(s) for s in parsed.values())
        if total == 0:
            issues.append(QualityIssue(severity=Severity.ERROR, code="empty", message="no sequence data"))
        invalid = sum(1 for s in parsed.values() for c in s if c not in IUPAC)
        n_count = sum(s.count("N") for s in parsed.values())
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
            issues.append(
                QualityIssue(
                    severity=Severity.INFO,
                    code="n_bases",
                    count=n_count,
                    message=f"{n_count / max(total, 1):.2%} unknown bases (N)",
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
        gcs = {k: g for k, s in parsed.items() if (g := gc_fraction(s)) is not None}
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
            rows=len(parsed),
            created_at=datetime.now(UTC),
            validator=type(self).__name__,
            details=details,
        )
