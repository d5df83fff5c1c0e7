"""Data quality: metrics, issues, a letter grade and the publication gate.

Grading thresholds (documented, tested):

=====  ==============================================================================
grade  rule (``overall`` = mean of the six scored metrics, all fractions in [0, 1])
=====  ==============================================================================
A+     completeness > 0.95 and validity (accuracy) > 0.95 and overall > 0.95
A      overall >= 0.90
B      overall >= 0.80
C      overall >= 0.70
D      overall >= 0.60
F      otherwise
=====  ==============================================================================

A dataset is *production ready* when ``overall > 0.80`` and it has no ``ERROR`` issue; only
production-ready data is published by an ingestion unless an administrator overrides the gate
with a recorded reason.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from astrobio.domain.errors import DomainError, InvalidDataset, InvalidQuantity

#: (grade, minimum overall score), best first; "A+" has extra conditions (module docstring).
GRADE_THRESHOLDS: tuple[tuple[str, float], ...] = (("A", 0.90), ("B", 0.80), ("C", 0.70), ("D", 0.60))
A_PLUS_THRESHOLD = 0.95
PRODUCTION_READY_THRESHOLD = 0.80


class Severity(StrEnum):
    ERROR = "ERROR"  # blocks publication
    WARNING = "WARNING"
    INFO = "INFO"


class QualityGateFailed(InvalidDataset):
    """An ingestion produced data below the publication threshold; the report is kept."""

    def __init__(self, message: str, *, report_id: str) -> None:
        super().__init__(message)
        self.report_id = report_id


@dataclass(frozen=True, slots=True, kw_only=True)
class QualityIssue:
    """One finding: a stable ``code``, a message, the field concerned and how many rows/cells."""

    severity: Severity
    code: str
    message: str
    field: str | None = None
    count: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "severity", Severity(self.severity))
        if not self.code or self.count < 0:
            raise InvalidQuantity("issue needs a code and a count >= 0", field="code")


def _fraction(value: float | None, name: str) -> float | None:
    if value is None:
        return None
    if not (isinstance(value, int | float) and math.isfinite(value) and 0.0 <= value <= 1.0):
        raise InvalidQuantity(f"{name} must be a fraction in [0, 1], got {value!r}", field=name)
    return float(value)


@dataclass(frozen=True, slots=True, kw_only=True)
class QualityMetrics:
    """Fractions in [0, 1]. ``outlier_fraction``: share of rows flagged as outliers.

    ``snr`` (signal-to-noise, arrays only) and ``uncertainty_coverage`` (share of values with an
    uncertainty) are reported but not scored: many sources carry neither.
    """

    completeness: float
    validity: float
    consistency: float
    uniqueness: float
    timeliness: float
    outlier_fraction: float
    snr: float | None = None
    uncertainty_coverage: float | None = None

    def __post_init__(self) -> None:
        for name in (
            "completeness",
            "validity",
            "consistency",
            "uniqueness",
            "timeliness",
            "outlier_fraction",
            "uncertainty_coverage",
        ):
            _fraction(getattr(self, name), name)
        if self.snr is not None and not math.isfinite(self.snr):
            raise InvalidQuantity("snr must be finite", field="snr")

    @property
    def overall(self) -> float:
        """Mean of completeness, validity, consistency, uniqueness, timeliness and 1 - outliers."""
        parts = (
            self.completeness,
            self.validity,
            self.consistency,
            self.uniqueness,
            self.timeliness,
            1.0 - self.outlier_fraction,
        )
        return sum(parts) / len(parts)


def grade_for(metrics: QualityMetrics) -> str:
    """The letter grade of ``metrics`` (thresholds in the module docstring)."""
    overall = metrics.overall
    if (
        metrics.completeness > A_PLUS_THRESHOLD
        and metrics.validity > A_PLUS_THRESHOLD
        and overall > A_PLUS_THRESHOLD
    ):
        return "A+"
    for grade, minimum in GRADE_THRESHOLDS:
        if overall >= minimum:
            return grade
    return "F"


@dataclass(frozen=True, slots=True, kw_only=True)
class QualityReport:
    """The quality of one dataset snapshot, from the validator of its ``kind``."""

    kind: str
    subject: str
    metrics: QualityMetrics
    issues: tuple[QualityIssue, ...] = ()
    rows: int = 0
    created_at: datetime | None = None
    validator: str = ""
    details: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.kind:
            raise InvalidQuantity("quality report needs a data kind", field="kind")
        if self.rows < 0:
            raise InvalidQuantity("rows must be >= 0", field="rows")

    @property
    def overall(self) -> float:
        return self.metrics.overall

    @property
    def grade(self) -> str:
        return grade_for(self.metrics)

    @property
    def errors(self) -> tuple[QualityIssue, ...]:
        return tuple(i for i in self.issues if i.severity is Severity.ERROR)

    @property
    def production_ready(self) -> bool:
        """``overall > 0.80`` and zero ``ERROR`` issues."""
        return self.overall > PRODUCTION_READY_THRESHOLD and not self.errors


@dataclass(frozen=True, slots=True, kw_only=True)
class GateDecision:
    """Whether an ingestion may publish, and why."""

    published: bool
    reason: str
    override_reason: str | None = None


def quality_gate(report: QualityReport, override_reason: str | None = None) -> GateDecision:
    """Publish production-ready data; otherwise only with a non-empty recorded override reason."""
    if report.production_ready:
        return GateDecision(published=True, reason=f"grade {report.grade}, production ready")
    why = (
        f"grade {report.grade} (overall {report.overall:.1%}, {len(report.errors)} error issue(s)) "
        f"is below the publication threshold (> {PRODUCTION_READY_THRESHOLD:.0%}, no errors)"
    )
    if override_reason is not None:
        if not override_reason.strip():
            raise DomainError("an override needs a reason", field="reason")
        return GateDecision(published=True, reason=f"{why}; overridden", override_reason=override_reason)
    return GateDecision(published=False, reason=why)
