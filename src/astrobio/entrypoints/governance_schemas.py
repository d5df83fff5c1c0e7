"""msgspec DTOs of data governance (HTTP and CLI ``--json``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

import msgspec

from astrobio.application.ports.governance import DatasetPage, TagMove
from astrobio.application.use_cases.datasets import DatasetView
from astrobio.domain.access import ApiKey
from astrobio.domain.audit import AuditVerification
from astrobio.domain.dataset_version import Dataset, DatasetVersion, ManifestEntry, VersionDiff
from astrobio.domain.quality import QualityReport


class IssueRead(msgspec.Struct):
    severity: str
    code: str
    message: str
    field: str | None
    count: int


class QualityReportRead(msgspec.Struct):
    """Quality of one version: grade (A+ ... F), overall score, metrics (fractions) and issues."""

    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("a catalog graded A",
         {
             "kind": "catalog",
             "subject": "exoplanet_table.pscomppars",
             "grade": "A",
             "overall": 0.97,
             "production_ready": True,
             "rows": 5930,
             "metrics": {"completeness": 0.95, "validity": 0.999},
             "issues": [
                 {
                     "severity": "warning",
                     "code": "missing_mass",
                     "message": "planet mass missing",
                     "field": "mass_earth",
                     "count": 212,
                 },
             ],
             "details": {"rows_rejected": 1.0},
             "created_at": "2026-12-04T10:15:00Z",
             "version": "v-20261204-01",
         }),
    ]

    kind: str
    subject: str
    grade: str
    overall: float
    production_ready: bool
    rows: int
    metrics: dict[str, float | None]
    issues: list[IssueRead]
    details: dict[str, float]
    created_at: datetime | None
    version: str | None = None

    @classmethod
    def from_domain(cls, r: QualityReport, version: str | None = None) -> QualityReportRead:
        m = r.metrics
        return cls(
            kind=r.kind,
            subject=r.subject,
            grade=r.grade,
            overall=r.overall,
            production_ready=r.production_ready,
            rows=r.rows,
            created_at=r.created_at,
            version=version,
            metrics={
                "completeness": m.completeness,
                "validity": m.validity,
                "consistency": m.consistency,
                "uniqueness": m.uniqueness,
                "timeliness": m.timeliness,
                "outlier_fraction": m.outlier_fraction,
                "snr": m.snr,
                "uncertainty_coverage": m.uncertainty_coverage,
            },
            issues=[
                IssueRead(
                    severity=i.severity.value, code=i.code, message=i.message, field=i.field, count=i.count
                )
                for i in r.issues
            ],
            details=dict(r.details),
        )


class EntryRead(msgspec.Struct):
    name: str
    sha256: str
    size_bytes: int
    kind: str
    shape: list[int]
    dtype: str
    stats: dict[str, float]
    attrs: dict[str, str]

    @classmethod
    def from_domain(cls, e: ManifestEntry) -> EntryRead:
        return cls(
            name=e.name,
            sha256=e.sha256,
            size_bytes=e.size_bytes,
            kind=e.kind,
            shape=list(e.shape),
            dtype=e.dtype,
            stats=dict(e.stats),
            attrs=dict(e.attrs),
        )


class LineageRead(msgspec.Struct):
    derived_from: list[str]
    produced_by: str
    job_id: str | None
    parameters: dict[str, Any]
    code_version: str
    used_models: list[str]


class VersionRead(msgspec.Struct):
    """An immutable version; ``id`` is the SHA-256 of its canonical manifest."""

    id: str
    dataset_id: str
    created_at: datetime
    published: bool
    grade: str
    overall: float
    override_reason: str | None
    lineage: LineageRead
    entries: list[EntryRead]
    tags: list[str]

    @classmethod
    def from_domain(cls, v: DatasetVersion, tags: dict[str, str] | None = None) -> VersionRead:
        x = v.lineage
        return cls(
            id=v.id,
            dataset_id=v.dataset_id,
            created_at=v.created_at,
            published=v.published,
            grade=v.quality.grade,
            overall=v.quality.overall,
            override_reason=v.override_reason,
            lineage=LineageRead(
                derived_from=list(x.derived_from),
                produced_by=x.produced_by,
                job_id=x.job_id,
                parameters=dict(x.parameters),
                code_version=x.code_version,
                used_models=list(x.used_models),
            ),
            entries=[EntryRead.from_domain(e) for e in v.manifest.entries],
            tags=sorted(t for t, vid in (tags or {}).items() if vid == v.id),
        )


class DublinCoreRead(msgspec.Struct):
    title: str
    creator: str
    subject: list[str]
    description: str
    publisher: str
    date: str
    type: str
    format: str
    identifier: str
    source: str
    language: str
    rights: str
    cross_refs: dict[str, list[str]]


#: One dataset version and one dataset, shared by the examples of the answers that embed them.
_VERSION_EXAMPLE: dict[str, Any] = {
    "id": "v-20261204-01",
    "dataset_id": "exoplanet_table.pscomppars",
    "created_at": "2026-12-04T10:15:00Z",
    "published": True,
    "grade": "A",
    "overall": 0.97,
    "override_reason": None,
    "lineage": {
        "derived_from": [],
        "produced_by": "ingest_catalog",
        "job_id": "job-3f2a",
        "parameters": {"source": "bundled"},
        "code_version": "0.1.0",
        "used_models": [],
    },
    "entries": [
        {
            "name": "planets.csv",
            "sha256": "fb8e4608988811cbae7fec4fa257a81d0127e2fa66b18efc713b39851c871e88",
            "size_bytes": 1843212,
            "kind": "table",
            "shape": [5930, 24],
            "dtype": "mixed",
            "stats": {"radius_earth.mean": 5.87},
            "attrs": {},
        },
    ],
    "tags": ["latest"],
}

_DATASET_EXAMPLE: dict[str, Any] = {
    "id": "exoplanet_table.pscomppars",
    "kind": "catalog",
    "security_level": "public",
    "metadata": {
        "title": "NASA Exoplanet Archive PSCompPars",
        "creator": "NASA Exoplanet Science Institute",
        "subject": ["exoplanets", "planetary systems"],
        "description": "Composite planet parameters, one row per planet.",
        "publisher": "astrobio",
        "date": "2026-12-04",
        "type": "Dataset",
        "format": "text/csv",
        "identifier": "exoplanet_table.pscomppars",
        "source": "https://exoplanetarchive.ipac.caltech.edu/",
        "language": "en",
        "rights": "public domain",
        "cross_refs": {},
    },
    "created_at": "2026-12-04T10:15:00Z",
    "tags": {"latest": "v-20261204-01"},
    "versions": 1,
    "latest": _VERSION_EXAMPLE,
}


class DatasetRead(msgspec.Struct):
    """A dataset: FAIR (Dublin Core) metadata, security level, current tags, latest version."""

    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("the planet catalog",
         _DATASET_EXAMPLE),
    ]

    id: str
    kind: str
    security_level: str
    metadata: DublinCoreRead
    created_at: datetime | None
    tags: dict[str, str] = {}
    versions: int = 0
    latest: VersionRead | None = None

    @classmethod
    def from_domain(cls, d: Dataset, view: DatasetView | None = None) -> DatasetRead:
        m = d.metadata
        meta = DublinCoreRead(
            title=m.title,
            creator=m.creator,
            subject=list(m.subject),
            description=m.description,
            publisher=m.publisher,
            date=m.date,
            type=m.type,
            format=m.format,
            identifier=m.identifier or d.id,
            source=m.source,
            language=m.language,
            rights=m.rights,
            cross_refs={k: list(v) for k, v in m.cross_refs.items()},
        )
        if view is None:
            return cls(
                id=d.id,
                kind=d.kind,
                security_level=d.security_level.name,
                metadata=meta,
                created_at=d.created_at,
            )
        latest = VersionRead.from_domain(view.versions[-1], view.tags) if view.versions else None
        return cls(
            id=d.id,
            kind=d.kind,
            security_level=d.security_level.name,
            metadata=meta,
            created_at=d.created_at,
            tags=dict(view.tags),
            versions=len(view.versions),
            latest=latest,
        )


class DatasetPageRead(msgspec.Struct):
    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("one dataset",
         {
             "items": [_DATASET_EXAMPLE],
             "total": 1,
             "offset": 0,
             "limit": 20,
         }),
    ]

    items: list[DatasetRead]
    total: int
    offset: int
    limit: int

    @classmethod
    def from_domain(cls, page: DatasetPage) -> DatasetPageRead:
        return cls(
            items=[DatasetRead.from_domain(d) for d in page.items],
            total=page.total,
            offset=page.offset,
            limit=page.limit,
        )


class VersionListRead(msgspec.Struct):
    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("one published version",
         {
             "dataset_id": "exoplanet_table.pscomppars",
             "tags": {"latest": "v-20261204-01"},
             "versions": [_VERSION_EXAMPLE],
         }),
    ]

    dataset_id: str
    tags: dict[str, str]
    versions: list[VersionRead]


class DiffRead(msgspec.Struct):
    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("a refreshed catalog",
         {
             "old": "v-20261204-01",
             "new": "v-20261204-02",
             "entries_added": [],
             "entries_removed": [],
             "entries_changed": ["planets.csv"],
             "rows_added": ["TOI-700 e"],
             "rows_removed": [],
             "rows_changed": ["TRAPPIST-1 e"],
             "stats_changed": {"planets.csv": {"rows": [5930.0, 5931.0]}},
             "attrs_changed": {},
         }),
    ]

    old: str
    new: str
    entries_added: list[str]
    entries_removed: list[str]
    entries_changed: list[str]
    rows_added: list[str]
    rows_removed: list[str]
    rows_changed: list[str]
    stats_changed: dict[str, dict[str, list[float | None]]]
    attrs_changed: dict[str, dict[str, list[str | None]]]

    @classmethod
    def from_domain(cls, d: VersionDiff) -> DiffRead:
        return cls(
            old=d.old,
            new=d.new,
            entries_added=list(d.entries_added),
            entries_removed=list(d.entries_removed),
            entries_changed=list(d.entries_changed),
            rows_added=list(d.rows_added),
            rows_removed=list(d.rows_removed),
            rows_changed=list(d.rows_changed),
            stats_changed={k: {s: list(v) for s, v in x.items()} for k, x in d.stats_changed.items()},
            attrs_changed={k: {s: list(v) for s, v in x.items()} for k, x in d.attrs_changed.items()},
        )


class TagMoveRead(msgspec.Struct):
    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("tag moved to a new version",
         {
             "dataset_id": "exoplanet_table.pscomppars",
             "tag": "production",
             "version_id": "v-20261204-01",
             "moved_at": "2026-12-04T13:00:00Z",
             "actor": "curator",
             "reason": "graded A",
         }),
    ]

    dataset_id: str
    tag: str
    version_id: str
    moved_at: datetime
    actor: str
    reason: str

    @classmethod
    def from_domain(cls, m: TagMove) -> TagMoveRead:
        return cls(
            dataset_id=m.dataset_id,
            tag=m.tag,
            version_id=m.version_id,
            moved_at=m.moved_at,
            actor=m.actor,
            reason=m.reason,
        )


class ApiKeyRead(msgspec.Struct):
    id: str
    name: str
    role: str
    created_at: datetime
    revoked_at: datetime | None
    token: str | None = None

    @classmethod
    def from_domain(cls, k: ApiKey, token: str | None = None) -> ApiKeyRead:
        return cls(
            id=k.id,
            name=k.name,
            role=k.role.value,
            created_at=k.created_at,
            revoked_at=k.revoked_at,
            token=token,
        )


class AuditVerificationRead(msgspec.Struct):
    ok: bool
    checked: int
    first_bad_seq: int | None
    reason: str

    @classmethod
    def from_domain(cls, v: AuditVerification) -> AuditVerificationRead:
        return cls(ok=v.ok, checked=v.checked, first_bad_seq=v.first_bad_seq, reason=v.reason)
