"""RecordIngestion: the port every ingestion calls to publish a quality-gated dataset version."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from astrobio.application.ports.clock import Clock
from astrobio.application.ports.governance import GovernanceRepository, ObjectStore, TagMove
from astrobio.domain.audit import AuditEvent
from astrobio.domain.dataset_version import (
    CANDIDATE_TAG,
    MAIN_TAG,
    Dataset,
    DatasetVersion,
    DublinCore,
    Lineage,
    Manifest,
    ManifestEntry,
    SecurityLevel,
    dataset_id_for,
)
from astrobio.domain.quality import GateDecision, QualityGateFailed, QualityReport, quality_gate

#: The tag naming the version of a dataset whose content is in the live tables (the planets a
#: pipeline run reads): moved by an applied ingestion and by a rollback, never by hand.
SERVING_TAG = "serving"


@dataclass(frozen=True, slots=True, kw_only=True)
class IngestedFile:
    """Content to store with the version (checksummed; encrypted at RESTRICTED and above)."""

    name: str
    data: bytes
    kind: str = "file"
    shape: tuple[int, ...] = ()
    dtype: str = ""
    stats: Mapping[str, float] = field(default_factory=dict)
    attrs: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordIngestionCommand:
    """What an ingestion produced.

    ``files`` are stored by the governance object store; ``arrays`` are manifest entries of
    content stored elsewhere (a Zarr cube: its checksum and summary statistics).
    ``derived_from`` holds parent versions as ``"<dataset id>@sha256:..."``.
    """

    kind: str
    name: str
    quality: QualityReport
    produced_by: str
    files: tuple[IngestedFile, ...] = ()
    arrays: tuple[ManifestEntry, ...] = ()
    metadata: DublinCore | None = None
    security_level: SecurityLevel = SecurityLevel.PUBLIC
    job_id: str | None = None
    parameters: Mapping[str, Any] = field(default_factory=dict)
    derived_from: tuple[str, ...] = ()
    used_models: tuple[str, ...] = ()
    row_digests: Mapping[str, str] = field(default_factory=dict)
    override_reason: str | None = None
    actor: str = "system"


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordedVersion:
    version: DatasetVersion
    created: bool
    decision: GateDecision


def file_entry(f: IngestedFile) -> ManifestEntry:
    return ManifestEntry(
        name=f.name,
        sha256=hashlib.sha256(f.data).hexdigest(),
        size_bytes=len(f.data),
        kind=f.kind,
        shape=f.shape,
        dtype=f.dtype,
        stats=dict(f.stats),
        attrs=dict(f.attrs),
    )


def gate_failed(
    what: str, recorded: RecordedVersion, *, verb: str = "published", detail: str = ""
) -> QualityGateFailed:
    """The error of an ingestion held by the quality gate: grade reason, and where the report is kept."""
    return QualityGateFailed(
        f"{what} not {verb}: {recorded.decision.reason}; {detail + '; ' if detail else ''}report kept with "
        f"version {recorded.version.id[:19]} of {recorded.version.dataset_id}",
        report_id=recorded.version.id,
    )


class RecordIngestion:
    """Record one ingestion as an immutable, content-addressed dataset version.

    Business rules:

    * the version id is the SHA-256 of the canonical manifest: recording the same content again
      returns the existing version and writes nothing;
    * the quality gate decides publication: production-ready data (overall > 80 %, no ERROR
      issue) moves the ``main`` tag; anything else is kept, with its report, under ``candidate``
      only, unless an override reason is given (recorded with the version);
    * files are checksummed and, for datasets at RESTRICTED and above, stored encrypted;
    * the dataset row, the version and its tag moves are written in one transaction: a crash
      leaves no partial version (stored files without a version are unreachable and harmless);
    * every recorded version is audited.
    """

    def __init__(
        self, repo: GovernanceRepository, objects: ObjectStore, clock: Clock, code_version: str = ""
    ) -> None:
        self._repo = repo
        self._objects = objects
        self._clock = clock
        self._code_version = code_version

    def would_publish(
        self,
        kind: str,
        name: str,
        report: QualityReport,
        files: Sequence[IngestedFile] = (),
        arrays: Sequence[ManifestEntry] = (),
    ) -> bool:
        """Whether :meth:`execute` would publish this content, asked before the data is written:
        production-ready, or the very same content was held before and an admin has since
        overridden the gate (``astrobio quality override``)."""
        if report.production_ready:
            return True
        earlier = self._repo.get_version(dataset_id_for(kind, name), _manifest(files, arrays).version_id())
        return earlier is not None and earlier.published

    def execute(self, command: RecordIngestionCommand) -> RecordedVersion:
        dataset_id = dataset_id_for(command.kind, command.name)
        manifest = _manifest(command.files, command.arrays)
        version_id = manifest.version_id()
        decision = quality_gate(command.quality, command.override_reason)
        existing = self._repo.get_version(dataset_id, version_id)
        if existing is not None:
            return RecordedVersion(
                version=existing,
                created=False,
                decision=GateDecision(
                    published=existing.published, reason="unchanged", override_reason=existing.override_reason
                ),
            )
        now = self._clock.now()
        previous = self._repo.get_dataset(dataset_id)
        level = (
            previous.security_level if previous is not None else SecurityLevel.parse(command.security_level)
        )
        metadata = command.metadata or DublinCore(title=command.name, type=command.kind)
        dataset = Dataset(
            id=dataset_id,
            kind=command.kind,
            metadata=metadata,
            security_level=level,
            created_at=previous.created_at if previous is not None else now,
        )
        for f in command.files:
            self._objects.put(dataset_id, version_id, f.name, f.data, encrypt=level.encrypted_at_rest)
        version = DatasetVersion(
            dataset_id=dataset_id,
            manifest=manifest,
            quality=command.quality,
            published=decision.published,
            created_at=now,
            override_reason=decision.override_reason,
            row_digests=dict(command.row_digests),
            lineage=Lineage(
                derived_from=command.derived_from,
                produced_by=command.produced_by,
                job_id=command.job_id,
                parameters=dict(command.parameters),
                code_version=self._code_version,
                used_models=command.used_models,
            ),
        )
        tags = [
            TagMove(
                dataset_id=dataset_id,
                tag=CANDIDATE_TAG,
                version_id=version_id,
                moved_at=now,
                actor=command.actor,
                reason=decision.reason,
            )
        ]
        if decision.published:
            tags.append(
                TagMove(
                    dataset_id=dataset_id,
                    tag=MAIN_TAG,
                    version_id=version_id,
                    moved_at=now,
                    actor=command.actor,
                    reason=decision.reason,
                )
            )
        created = self._repo.save_version(dataset, version, tags)
        outcome = "published" if decision.published else "held: " + decision.reason
        self._repo.append_audit(
            AuditEvent(
                actor=command.actor,
                action="dataset.version.record",
                object=f"{dataset_id}@{version_id}",
                at=now,
                outcome=outcome,
            )
        )
        return RecordedVersion(version=version, created=created, decision=decision)


    def serving(self, dataset_id: str) -> str | None:
        """The version whose content the live tables hold (the ``serving`` tag), if any."""
        return self._repo.current_tags(dataset_id).get(SERVING_TAG)

    def mark_serving(self, dataset_id: str, version_id: str, *, actor: str = "system",
                     reason: str = "ingested") -> bool:
        """Record that the live tables now hold ``version_id`` of ``dataset_id`` (move the
        ``serving`` tag, audited); False when it already pointed there. Called in the same unit of
        work as the write to the live tables, so the tag never names content that is not there."""
        if self.serving(dataset_id) == version_id:
            return False
        now = self._clock.now()
        self._repo.move_tag(TagMove(dataset_id=dataset_id, tag=SERVING_TAG, version_id=version_id,
                                    moved_at=now, actor=actor, reason=reason))
        self._repo.append_audit(AuditEvent(actor=actor, action="dataset.serve",
                                           object=f"{dataset_id}@{version_id}", at=now, outcome=reason))
        return True


def _manifest(files: Sequence[IngestedFile], arrays: Sequence[ManifestEntry]) -> Manifest:
    return Manifest(entries=tuple(file_entry(f) for f in files) + tuple(arrays))
