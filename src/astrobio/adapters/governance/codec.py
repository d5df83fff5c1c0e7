"""JSON forms of the governance values, for the SQL columns (round-trip exact)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from astrobio.domain.dataset_version import DublinCore, Lineage, Manifest, ManifestEntry
from astrobio.domain.quality import QualityIssue, QualityMetrics, QualityReport


def manifest_to_json(m: Manifest) -> list[dict[str, Any]]:
    return [e.to_dict() for e in m.entries]


def manifest_from_json(d: list[dict[str, Any]]) -> Manifest:
    return Manifest(entries=tuple(ManifestEntry.from_dict(e) for e in d))


def lineage_to_json(x: Lineage) -> dict[str, Any]:
    return {
        "derived_from": list(x.derived_from),
        "produced_by": x.produced_by,
        "job_id": x.job_id,
        "parameters": x.parameters,
        "code_version": x.code_version,
        "used_models": list(x.used_models),
    }


def lineage_from_json(d: dict[str, Any]) -> Lineage:
    return Lineage(
        derived_from=tuple(d.get("derived_from", ())),
        produced_by=d.get("produced_by", ""),
        job_id=d.get("job_id"),
        parameters=dict(d.get("parameters", {})),
        code_version=d.get("code_version", ""),
        used_models=tuple(d.get("used_models", ())),
    )


_METRICS = (
    "completeness",
    "validity",
    "consistency",
    "uniqueness",
    "timeliness",
    "outlier_fraction",
    "snr",
    "uncertainty_coverage",
)


def report_to_json(r: QualityReport) -> dict[str, Any]:
    return {
        "kind": r.kind,
        "subject": r.subject,
        "rows": r.rows,
        "validator": r.validator,
        "created_at": r.created_at.isoformat() if r.created_at else None,
        "metrics": {k: getattr(r.metrics, k) for k in _METRICS},
        "issues": [
            {
                "severity": i.severity.value,
                "code": i.code,
                "message": i.message,
                "field": i.field,
                "count": i.count,
            }
            for i in r.issues
        ],
        "details": r.details,
    }


def report_from_json(d: dict[str, Any]) -> QualityReport:
    return QualityReport(
        kind=d["kind"],
        subject=d["subject"],
        rows=d.get("rows", 0),
        validator=d.get("validator", ""),
        created_at=datetime.fromisoformat(d["created_at"]) if d.get("created_at") else None,
        metrics=QualityMetrics(**{k: d["metrics"].get(k) for k in _METRICS}),
        issues=tuple(QualityIssue(**i) for i in d.get("issues", ())),
        details=dict(d.get("details", {})),
    )


def dublin_core_to_json(m: DublinCore) -> dict[str, Any]:
    return {
        "title": m.title,
        "creator": m.creator,
        "subject": list(m.subject),
        "description": m.description,
        "publisher": m.publisher,
        "date": m.date,
        "type": m.type,
        "format": m.format,
        "identifier": m.identifier,
        "source": m.source,
        "language": m.language,
        "rights": m.rights,
        "cross_refs": {k: list(v) for k, v in m.cross_refs.items()},
    }


def dublin_core_from_json(d: dict[str, Any]) -> DublinCore:
    return DublinCore(
        **{
            **d,
            "subject": tuple(d.get("subject", ())),
            "cross_refs": {k: tuple(v) for k, v in d.get("cross_refs", {}).items()},
        }
    )
