"""Ports of data governance: the governance store, object storage, key hashing, quality validators."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from astrobio.domain.access import ApiKey
from astrobio.domain.audit import AuditEntry, AuditEvent
from astrobio.domain.dataset_version import Dataset, DatasetVersion, ManifestEntry, SecurityLevel
from astrobio.domain.quality import QualityReport


@dataclass(frozen=True, slots=True, kw_only=True)
class TagMove:
    """One move of a tag (its history is what a rollback walks back)."""

    dataset_id: str
    tag: str
    version_id: str
    moved_at: datetime
    actor: str
    reason: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class DatasetPage:
    items: tuple[Dataset, ...]
    total: int
    offset: int
    limit: int


class GovernanceRepository(Protocol):
    """Datasets, versions, tags, API keys and the audit chain. Each method is one transaction."""

    def save_version(self, dataset: Dataset, version: DatasetVersion, tags: Sequence[TagMove]) -> bool:
        """Upsert ``dataset``, insert ``version`` and move ``tags``, atomically.

        Returns False (and writes nothing) when that version of that dataset already exists.
        """
        ...

    def get_dataset(self, dataset_id: str) -> Dataset | None: ...

    def list_datasets(
        self, *, query: str | None, max_level: SecurityLevel, kind: str | None, offset: int, limit: int
    ) -> DatasetPage:
        """Datasets at or below ``max_level`` whose metadata contains ``query`` (case-insensitive)."""
        ...

    def get_version(self, dataset_id: str, version_id: str) -> DatasetVersion | None: ...

    def list_versions(self, dataset_id: str) -> list[DatasetVersion]:
        """Oldest first."""
        ...

    def set_published(self, dataset_id: str, version_id: str, override_reason: str) -> None: ...

    def move_tag(self, move: TagMove) -> None: ...

    def tag_history(self, dataset_id: str, tag: str) -> list[TagMove]:
        """Oldest first; the last move is the current position."""
        ...

    def current_tags(self, dataset_id: str) -> dict[str, str]: ...

    def add_api_key(self, key: ApiKey) -> None: ...

    def get_api_key(self, key_id: str) -> ApiKey | None: ...

    def list_api_keys(self) -> list[ApiKey]: ...

    def revoke_api_key(self, key_id: str, at: datetime) -> bool: ...

    def append_audit(self, event: AuditEvent) -> AuditEntry:
        """Chain ``event`` after the last entry (serialised: concurrent appends never fork)."""
        ...

    def audit_entries(self) -> list[AuditEntry]: ...

    def audit_head(self) -> tuple[int, str] | None: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredObject:
    sha256: str
    size_bytes: int
    encrypted: bool


class ObjectStore(Protocol):
    """Version content (files), checksummed, encrypted at rest when the dataset level requires it."""

    def put(
        self, dataset_id: str, version_id: str, name: str, data: bytes, *, encrypt: bool
    ) -> StoredObject: ...

    def get(self, dataset_id: str, version_id: str, name: str, *, expected_sha256: str) -> bytes:
        """The plaintext; raises ``InvalidDataset`` if its checksum (or authentication tag) fails."""
        ...

    def exists(self, dataset_id: str, version_id: str, name: str) -> bool: ...


class SecretHasher(Protocol):
    """Salted KDF hashing of API key secrets."""

    def hash(self, secret: str) -> tuple[bytes, bytes]:
        """(salt, hash)."""
        ...

    def verify(self, secret: str, salt: bytes, expected: bytes) -> bool: ...


class QualityValidator(Protocol):
    """Validates one data kind's content into a :class:`QualityReport`."""

    kind: str

    def validate(self, subject: str, data: Any) -> QualityReport: ...


class CubeInspector(Protocol):
    """Quality report and manifest entries (per-variable checksums and statistics) of cube sources."""

    def inspect(
        self, sources: Sequence[str], subject: str
    ) -> tuple[QualityReport, tuple[ManifestEntry, ...]]:
        """Raises ``InvalidDataset`` naming the file when a source cannot be read."""
        ...
