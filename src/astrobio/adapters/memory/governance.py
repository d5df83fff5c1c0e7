"""In-memory governance store (the fake of the contract suite) and object store."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from astrobio.application.ports.governance import (
    DatasetPage,
    GovernanceRepository,
    ObjectStore,
    StoredObject,
    TagMove,
)
from astrobio.domain.access import ApiKey
from astrobio.domain.audit import GENESIS_HASH, AuditEntry, AuditEvent, chain
from astrobio.domain.dataset_version import Dataset, DatasetVersion, SecurityLevel
from astrobio.domain.errors import InvalidDataset, NotFound


class InMemoryGovernanceRepository(GovernanceRepository):
    def __init__(self) -> None:
        self.datasets: dict[str, Dataset] = {}
        self.versions: dict[str, list[DatasetVersion]] = {}
        self.tags: list[TagMove] = []
        self.keys: dict[str, ApiKey] = {}
        self.audit: list[AuditEntry] = []
        self.head: tuple[int, str] | None = None
        self._lock = threading.Lock()

    def save_version(self, dataset: Dataset, version: DatasetVersion, tags: Sequence[TagMove]) -> bool:
        with self._lock:
            if any(v.id == version.id for v in self.versions.get(dataset.id, [])):
                return False
            old = self.datasets.get(dataset.id)
            self.datasets[dataset.id] = dataset if old is None else replace(old, metadata=dataset.metadata)
            self.versions.setdefault(dataset.id, []).append(version)
            self.tags.extend(tags)
            return True

    def get_dataset(self, dataset_id: str) -> Dataset | None:
        return self.datasets.get(dataset_id)

    def list_datasets(
        self, *, query: str | None, max_level: SecurityLevel, kind: str | None, offset: int, limit: int
    ) -> DatasetPage:
        hits = [
            d
            for _, d in sorted(self.datasets.items())
            if d.security_level <= max_level
            and (not kind or d.kind == kind)
            and (not query or query.lower() in d.metadata.search_text())
        ]
        return DatasetPage(
            items=tuple(hits[offset : offset + limit]), total=len(hits), offset=offset, limit=limit
        )

    def get_version(self, dataset_id: str, version_id: str) -> DatasetVersion | None:
        return next((v for v in self.versions.get(dataset_id, []) if v.id == version_id), None)

    def list_versions(self, dataset_id: str) -> list[DatasetVersion]:
        return list(self.versions.get(dataset_id, []))

    def set_published(self, dataset_id: str, version_id: str, override_reason: str) -> None:
        vs = self.versions.get(dataset_id, [])
        for i, v in enumerate(vs):
            if v.id == version_id:
                vs[i] = replace(v, published=True, override_reason=override_reason)

    def move_tag(self, move: TagMove) -> None:
        self.tags.append(move)

    def tag_history(self, dataset_id: str, tag: str) -> list[TagMove]:
        return [m for m in self.tags if m.dataset_id == dataset_id and m.tag == tag]

    def current_tags(self, dataset_id: str) -> dict[str, str]:
        return {m.tag: m.version_id for m in self.tags if m.dataset_id == dataset_id}

    def add_api_key(self, key: ApiKey) -> None:
        self.keys[key.id] = key

    def get_api_key(self, key_id: str) -> ApiKey | None:
        return self.keys.get(key_id)

    def list_api_keys(self) -> list[ApiKey]:
        return sorted(self.keys.values(), key=lambda k: (k.created_at, k.id))

    def revoke_api_key(self, key_id: str, at: datetime) -> bool:
        key = self.keys.get(key_id)
        if key is None or not key.active:
            return False
        self.keys[key_id] = replace(key, revoked_at=at)
        return True

    def append_audit(self, event: AuditEvent) -> AuditEntry:
        with self._lock:
            seq, prev = self.head or (0, GENESIS_HASH)
            entry = chain(seq + 1, event, prev)
            self.audit.append(entry)
            self.head = (entry.seq, entry.hash)
            return entry

    def audit_entries(self) -> list[AuditEntry]:
        return list(self.audit)

    def audit_head(self) -> tuple[int, str] | None:
        return self.head


class InMemoryObjectStore(ObjectStore):
    """Plain bytes in a dict (no encryption: unit tests of the use cases only)."""

    def __init__(self) -> None:
        self.objects: dict[tuple[str, str, str], bytes] = {}
        self.encrypted: set[tuple[str, str, str]] = set()

    def put(self, dataset_id: str, version_id: str, name: str, data: bytes, *, encrypt: bool) -> StoredObject:
        self.objects[(dataset_id, version_id, name)] = data
        if encrypt:
            self.encrypted.add((dataset_id, version_id, name))
        return StoredObject(sha256=hashlib.sha256(data).hexdigest(), size_bytes=len(data), encrypted=encrypt)

    def get(self, dataset_id: str, version_id: str, name: str, *, expected_sha256: str) -> bytes:
        data = self.objects.get((dataset_id, version_id, name))
        if data is None:
            raise NotFound(f"no stored object {name!r}", field="name")
        if hashlib.sha256(data).hexdigest() != expected_sha256:
            raise InvalidDataset(f"{name}: checksum mismatch")
        return data

    def exists(self, dataset_id: str, version_id: str, name: str) -> bool:
        return (dataset_id, version_id, name) in self.objects
