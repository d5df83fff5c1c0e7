"""Browsing and curating dataset versions: list, show, quality, diff, tag, rollback, lineage."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from astrobio.application.ports.clock import Clock
from astrobio.application.ports.governance import DatasetPage, GovernanceRepository, ObjectStore, TagMove
from astrobio.domain.access import Principal, Right
from astrobio.domain.audit import AuditEvent
from astrobio.domain.dataset_version import (
    MAIN_TAG,
    Dataset,
    DatasetVersion,
    SecurityLevel,
    VersionDiff,
    check_dataset_id,
    check_tag,
    diff_versions,
)
from astrobio.domain.errors import Conflict, InvalidQuantity, NotFound
from astrobio.domain.provenance import to_prov_json


@dataclass(frozen=True, slots=True, kw_only=True)
class DatasetView:
    dataset: Dataset
    versions: tuple[DatasetVersion, ...]
    tags: dict[str, str]


class _Governed:
    """Shared lookups. A dataset the principal may not read does not exist for it (NotFound)."""

    def __init__(self, repo: GovernanceRepository, clock: Clock | None = None) -> None:
        self._repo = repo
        self._clock = clock

    def _dataset(self, principal: Principal, dataset_id: str) -> Dataset:
        check_dataset_id(dataset_id)
        ds = self._repo.get_dataset(dataset_id)
        if ds is None or not principal.can(Right.READ, ds.security_level):
            raise NotFound(f"no dataset {dataset_id!r}", field="dataset_id")
        return ds

    def _version(self, dataset_id: str, ref: str | None) -> DatasetVersion:
        """``ref``: None/"main" (else latest), any tag, a full ``sha256:`` id or a >= 8-digit prefix."""
        versions = self._repo.list_versions(dataset_id)
        if not versions:
            raise NotFound(f"dataset {dataset_id!r} has no version", field="version")
        tags = self._repo.current_tags(dataset_id)
        if ref is None:
            ref = MAIN_TAG if MAIN_TAG in tags else versions[-1].id
        target = tags.get(ref, ref)
        hexpart = target.removeprefix("sha256:").lower()
        if len(hexpart) < 8 or any(c not in "0123456789abcdef" for c in hexpart):
            raise NotFound(f"no version or tag {ref!r} in {dataset_id!r}", field="version")
        hits = [v for v in versions if v.id[7:].startswith(hexpart)]
        if len(hits) != 1:
            raise NotFound(f"no (unique) version {ref!r} in {dataset_id!r}", field="version")
        return hits[0]

    def _audit(self, principal: Principal, action: str, obj: str, outcome: str = "ok") -> None:
        if self._clock is not None:
            self._repo.append_audit(
                AuditEvent(
                    actor=principal.name, action=action, object=obj, at=self._clock.now(), outcome=outcome
                )
            )


class ListDatasets(_Governed):
    """Datasets the caller may read, filtered by a free-text query over their Dublin Core metadata
    and cross-references (KEGG, GO, ChEBI, NCBI taxonomy ids), ordered by id."""

    def execute(
        self,
        principal: Principal,
        query: str | None = None,
        kind: str | None = None,
        offset: int = 0,
        limit: int = 50,
    ) -> DatasetPage:
        top = _read_ceiling(principal)
        if top is None:
            return DatasetPage(items=(), total=0, offset=offset, limit=limit)
        if offset < 0 or not 1 <= limit <= 1000:
            raise InvalidQuantity("offset must be >= 0 and limit in [1, 1000]", field="limit")
        return self._repo.list_datasets(
            query=query or None, max_level=top, kind=kind, offset=offset, limit=limit
        )


def _read_ceiling(principal: Principal) -> SecurityLevel | None:
    for level in reversed(SecurityLevel):
        if principal.can(Right.READ, level):
            return level
    return None


class GetDataset(_Governed):
    """One dataset with its versions (oldest first) and current tags."""

    def execute(self, principal: Principal, dataset_id: str) -> DatasetView:
        ds = self._dataset(principal, dataset_id)
        return DatasetView(
            dataset=ds, versions=tuple(self._repo.list_versions(ds.id)), tags=self._repo.current_tags(ds.id)
        )


class GetVersion(_Governed):
    """One version of a dataset (default: the ``main`` tag, else the latest), with its quality report."""

    def execute(self, principal: Principal, dataset_id: str, ref: str | None = None) -> DatasetVersion:
        return self._version(self._dataset(principal, dataset_id).id, ref)


class DiffDatasetVersions(_Governed):
    """Entries, rows (tables) and statistics/attributes (arrays) changed between two versions."""

    def execute(self, principal: Principal, dataset_id: str, old: str, new: str) -> VersionDiff:
        ds = self._dataset(principal, dataset_id)
        return diff_versions(self._version(ds.id, old), self._version(ds.id, new))


class TagDatasetVersion(_Governed):
    """Point a tag at a version. Needs write rights at the dataset's level; ``main`` needs a published
    version (an administrator publishes a held version with :class:`OverrideQualityGate`)."""

    def execute(self, principal: Principal, dataset_id: str, ref: str, tag: str, reason: str = "") -> TagMove:
        ds = self._dataset(principal, dataset_id)
        principal.require(Right.WRITE, ds.security_level)
        check_tag(tag)
        version = self._version(ds.id, ref)
        if tag == MAIN_TAG and not version.published:
            raise Conflict(
                f"version {version.id[:19]} failed its quality gate; an administrator must "
                "override it before it can be tagged main",
                field="tag",
            )
        assert self._clock is not None
        move = TagMove(
            dataset_id=ds.id,
            tag=tag,
            version_id=version.id,
            moved_at=self._clock.now(),
            actor=principal.name,
            reason=reason,
        )
        self._repo.move_tag(move)
        self._audit(principal, "dataset.tag", f"{ds.id}:{tag}->{version.id}")
        return move


#: Re-applies a version of a dataset kind to the live tables: ``(dataset_id, version_id, actor=,
#: reason=)``. Registered for the kinds whose content is served from tables (the catalog).
VersionApplier = Callable[..., object]


class RollbackTag(_Governed):
    """Move a tag back to the version it pointed to before its current one (or to ``to``).

    Rolling back ``main`` of a dataset whose content is served from live tables (the planet
    catalog) first makes those tables hold the version rolled back to (in one transaction with
    its ``serving`` tag), so the served data equals the version ``main`` then names.
    """

    def __init__(self, repo: GovernanceRepository, clock: Clock | None = None,
                 appliers: Mapping[str, VersionApplier] | None = None) -> None:
        super().__init__(repo, clock)
        self._appliers = dict(appliers or {})

    def execute(
        self,
        principal: Principal,
        dataset_id: str,
        tag: str = MAIN_TAG,
        to: str | None = None,
        reason: str = "rollback",
    ) -> TagMove:
        ds = self._dataset(principal, dataset_id)
        principal.require(Right.WRITE, ds.security_level)
        check_tag(tag)
        if to is None:
            history = [m.version_id for m in self._repo.tag_history(ds.id, tag)]
            if not history:
                raise NotFound(f"tag {tag!r} was never set on {ds.id!r}", field="tag")
            earlier = [v for v in history if v != history[-1]]
            if not earlier:
                raise Conflict(
                    f"tag {tag!r} of {ds.id!r} has no earlier version to roll back to", field="tag"
                )
            to = earlier[-1]
        applier = self._appliers.get(ds.kind) if tag == MAIN_TAG else None
        if applier is not None:
            applier(ds.id, self._version(ds.id, to).id, actor=principal.name, reason=reason)
        return TagDatasetVersion(self._repo, self._clock).execute(principal, ds.id, to, tag, reason)


class ExportLineage(_Governed):
    """The lineage of a dataset's versions (or one version and its parents) as W3C PROV-JSON."""

    def execute(self, principal: Principal, dataset_id: str, ref: str | None = None) -> dict[str, Any]:
        ds = self._dataset(principal, dataset_id)
        if ref is None:
            return to_prov_json(self._repo.list_versions(ds.id))
        version = self._version(ds.id, ref)
        chain = [version]
        for parent in version.lineage.derived_from:
            pds, _, pid = parent.rpartition("@")
            other = self._repo.get_dataset(pds) if pds else ds
            if other is not None and principal.can(Right.READ, other.security_level):
                found = self._repo.get_version(other.id, pid)
                if found is not None:
                    chain.append(found)
        return to_prov_json(chain)


class OverrideQualityGate(_Governed):
    """Publish a version held by its quality gate (administrators only; the reason is recorded)."""

    def execute(self, principal: Principal, dataset_id: str, ref: str, reason: str) -> DatasetVersion:
        principal.require_admin()
        if not reason.strip():
            raise InvalidQuantity("an override needs a reason", field="reason")
        ds = self._dataset(principal, dataset_id)
        version = self._version(ds.id, ref)
        self._repo.set_published(ds.id, version.id, reason)
        self._audit(principal, "dataset.quality.override", f"{ds.id}@{version.id}", reason)
        TagDatasetVersion(self._repo, self._clock).execute(principal, ds.id, version.id, MAIN_TAG, reason)
        return self._version(ds.id, version.id)


class ReadVersionFile(_Governed):
    """A stored file of a version, decrypted if needed; its SHA-256 is verified on every read."""

    def __init__(self, repo: GovernanceRepository, objects: ObjectStore) -> None:
        super().__init__(repo)
        self._objects = objects

    def execute(self, principal: Principal, dataset_id: str, ref: str | None, name: str) -> bytes:
        ds = self._dataset(principal, dataset_id)
        version = self._version(ds.id, ref)
        entry = version.manifest.entry(name)
        if entry is None or not self._objects.exists(ds.id, version.id, name):
            raise NotFound(f"no stored file {name!r} in {ds.id}@{version.id[:19]}", field="name")
        return self._objects.get(ds.id, version.id, name, expected_sha256=entry.sha256)
