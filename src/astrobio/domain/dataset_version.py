"""Datasets and their immutable, content-addressed versions (lineage, tags, diffs).

A version's id is ``sha256:<hex>`` over the canonical JSON of its manifest (entries sorted by
name, keys sorted, no whitespace): the same content always gets the same id, whatever produced
it, and any change of any file or array gives a new id.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum
from typing import Any

from astrobio.domain.errors import InvalidQuantity
from astrobio.domain.quality import QualityReport

_DATASET_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
_ENTRY_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_VERSION_ID = re.compile(r"^sha256:[0-9a-f]{64}$")
_TAG = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
MAIN_TAG = "main"
CANDIDATE_TAG = "candidate"


class SecurityLevel(IntEnum):
    """Ordered: a role that may read a level may read every level below it."""

    PUBLIC = 0
    INTERNAL = 1
    RESTRICTED = 2  # and above: stored encrypted
    CONFIDENTIAL = 3
    SECRET = 4

    @classmethod
    def parse(cls, text: str | int) -> SecurityLevel:
        try:
            return cls[text.upper()] if isinstance(text, str) else cls(text)
        except (KeyError, ValueError):
            raise InvalidQuantity(
                f"unknown security level {text!r} (use {', '.join(cls.__members__)})", field="security_level"
            ) from None

    @property
    def encrypted_at_rest(self) -> bool:
        return self >= SecurityLevel.RESTRICTED


def dataset_id_for(kind: str, name: str) -> str:
    """A path-safe dataset id from a data kind and a free-text name (``catalog.pscomppars``)."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", f"{kind}.{name}").strip("-._")
    slug = re.sub(r"\.{2,}", ".", slug)[:128]
    return check_dataset_id(slug)


def check_dataset_id(value: str) -> str:
    if not isinstance(value, str) or not _DATASET_ID.match(value) or ".." in value:
        raise InvalidQuantity(f"invalid dataset id {value!r}", field="dataset_id")
    return value


def check_version_id(value: str) -> str:
    if not isinstance(value, str) or not _VERSION_ID.match(value):
        raise InvalidQuantity(f"invalid version id {value!r} (expected sha256:<64 hex>)", field="version")
    return value


def check_tag(value: str) -> str:
    if not isinstance(value, str) or not _TAG.match(value):
        raise InvalidQuantity(f"invalid tag {value!r} (lowercase letters, digits, _ or -)", field="tag")
    return value


@dataclass(frozen=True, slots=True, kw_only=True)
class ManifestEntry:
    """One file, table or array of a version: its checksum and a summary for diffs.

    ``stats`` holds summary statistics (``mean``, ``min``, ``max``, ``nan_fraction`` ...) and
    ``attrs`` descriptive attributes (units, dims); both enter the checksum of the version.
    """

    name: str
    sha256: str
    size_bytes: int
    kind: str = "file"  # file | table | array
    shape: tuple[int, ...] = ()
    dtype: str = ""
    stats: dict[str, float] = field(default_factory=dict)
    attrs: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not _ENTRY_NAME.match(self.name) or ".." in self.name:
            raise InvalidQuantity(f"invalid manifest entry name {self.name!r}", field="name")
        if not _SHA256.match(self.sha256):
            raise InvalidQuantity(f"{self.name}: sha256 must be 64 lowercase hex digits", field="sha256")
        if self.size_bytes < 0:
            raise InvalidQuantity(f"{self.name}: size_bytes must be >= 0", field="size_bytes")
        if self.kind not in {"file", "table", "array"}:
            raise InvalidQuantity(f"{self.name}: kind must be file, table or array", field="kind")
        for k, v in self.stats.items():
            if not math.isfinite(v):
                raise InvalidQuantity(f"{self.name}: statistic {k} is not finite", field="stats")
        object.__setattr__(self, "shape", tuple(int(s) for s in self.shape))

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "sha256": self.sha256,
            "size_bytes": self.size_bytes,
            "kind": self.kind,
            "shape": list(self.shape),
            "dtype": self.dtype,
            "stats": dict(sorted(self.stats.items())),
            "attrs": dict(sorted(self.attrs.items())),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ManifestEntry:
        return cls(
            name=d["name"],
            sha256=d["sha256"],
            size_bytes=d["size_bytes"],
            kind=d.get("kind", "file"),
            shape=tuple(d.get("shape", ())),
            dtype=d.get("dtype", ""),
            stats=dict(d.get("stats", {})),
            attrs=dict(d.get("attrs", {})),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Manifest:
    """The entries of a version, sorted by name; names are unique."""

    entries: tuple[ManifestEntry, ...]

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.entries, key=lambda e: e.name))
        names = [e.name for e in ordered]
        if len(set(names)) != len(names):
            raise InvalidQuantity("manifest entry names must be unique", field="entries")
        if not ordered:
            raise InvalidQuantity("a manifest needs at least one entry", field="entries")
        object.__setattr__(self, "entries", ordered)

    def canonical_json(self) -> bytes:
        body = {"entries": [e.to_dict() for e in self.entries], "format": 1}
        return json.dumps(body, sort_keys=True, separators=(",", ":"), allow_nan=False).encode()

    def version_id(self) -> str:
        return "sha256:" + hashlib.sha256(self.canonical_json()).hexdigest()

    def entry(self, name: str) -> ManifestEntry | None:
        return next((e for e in self.entries if e.name == name), None)


@dataclass(frozen=True, slots=True, kw_only=True)
class Lineage:
    """Where a version comes from: parent versions, the job that produced it and its parameters."""

    derived_from: tuple[str, ...] = ()
    produced_by: str = ""  # job kind or use case, e.g. "ingest_catalog"
    job_id: str | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    code_version: str = ""
    used_models: tuple[str, ...] = ()  # model checkpoints (id or sha256)

    def __post_init__(self) -> None:
        object.__setattr__(self, "derived_from", tuple(self.derived_from))
        for v in self.derived_from:
            check_version_id(v.split("@", 1)[-1])


@dataclass(frozen=True, slots=True, kw_only=True)
class DublinCore:
    """FAIR descriptive metadata (Dublin Core terms) plus cross-references to other databases.

    ``cross_refs`` maps a namespace (``kegg``, ``go``, ``chebi``, ``ncbi_taxonomy``) to ids.
    """

    title: str
    creator: str = ""
    subject: tuple[str, ...] = ()
    description: str = ""
    publisher: str = ""
    date: str = ""
    type: str = "Dataset"
    format: str = ""
    identifier: str = ""
    source: str = ""
    language: str = "en"
    rights: str = ""
    cross_refs: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.title.strip():
            raise InvalidQuantity("a dataset needs a title", field="title")
        object.__setattr__(self, "subject", tuple(self.subject))
        object.__setattr__(self, "cross_refs", {k: tuple(v) for k, v in self.cross_refs.items()})

    def search_text(self) -> str:
        refs = " ".join(f"{k}:{i}" for k, ids in sorted(self.cross_refs.items()) for i in ids)
        return " ".join((self.title, self.description, " ".join(self.subject), self.source, refs)).lower()


@dataclass(frozen=True, slots=True, kw_only=True)
class Dataset:
    """A named, kind-typed dataset at a security level; its content lives in versions."""

    id: str
    kind: str
    metadata: DublinCore
    security_level: SecurityLevel = SecurityLevel.PUBLIC
    created_at: datetime | None = None

    def __post_init__(self) -> None:
        check_dataset_id(self.id)
        object.__setattr__(self, "security_level", SecurityLevel.parse(self.security_level))


@dataclass(frozen=True, slots=True, kw_only=True)
class DatasetVersion:
    """An immutable version: manifest (its id), lineage, quality report, publication state.

    ``row_digests`` (tables only) maps a row key to the digest of the row, for row diffs.
    """

    dataset_id: str
    manifest: Manifest
    lineage: Lineage
    quality: QualityReport
    published: bool
    created_at: datetime
    override_reason: str | None = None
    row_digests: dict[str, str] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        check_dataset_id(self.dataset_id)

    @property
    def id(self) -> str:
        return self.manifest.version_id()


@dataclass(frozen=True, slots=True, kw_only=True)
class VersionDiff:
    """What changed from ``old`` to ``new``: entries, table rows, array statistics and attributes."""

    old: str
    new: str
    entries_added: tuple[str, ...] = ()
    entries_removed: tuple[str, ...] = ()
    entries_changed: tuple[str, ...] = ()
    rows_added: tuple[str, ...] = ()
    rows_removed: tuple[str, ...] = ()
    rows_changed: tuple[str, ...] = ()
    stats_changed: dict[str, dict[str, tuple[float | None, float | None]]] = field(default_factory=dict)
    attrs_changed: dict[str, dict[str, tuple[str | None, str | None]]] = field(default_factory=dict)


def diff_versions(old: DatasetVersion, new: DatasetVersion) -> VersionDiff:
    """Entries added/removed/changed; rows by key (tables); statistics and attributes (arrays)."""
    a = {e.name: e for e in old.manifest.entries}
    b = {e.name: e for e in new.manifest.entries}
    changed = sorted(n for n in a.keys() & b.keys() if a[n].sha256 != b[n].sha256 or a[n] != b[n])
    stats: dict[str, dict[str, tuple[float | None, float | None]]] = {}
    attrs: dict[str, dict[str, tuple[str | None, str | None]]] = {}
    for n in changed:
        s = {
            k: (a[n].stats.get(k), b[n].stats.get(k))
            for k in a[n].stats.keys() | b[n].stats.keys()
            if a[n].stats.get(k) != b[n].stats.get(k)
        }
        t = {
            k: (a[n].attrs.get(k), b[n].attrs.get(k))
            for k in a[n].attrs.keys() | b[n].attrs.keys()
            if a[n].attrs.get(k) != b[n].attrs.get(k)
        }
        if s:
            stats[n] = dict(sorted(s.items()))
        if t:
            attrs[n] = dict(sorted(t.items()))
    ra, rb = old.row_digests, new.row_digests
    return VersionDiff(
        old=old.id,
        new=new.id,
        entries_added=tuple(sorted(b.keys() - a.keys())),
        entries_removed=tuple(sorted(a.keys() - b.keys())),
        entries_changed=tuple(changed),
        rows_added=tuple(sorted(rb.keys() - ra.keys())),
        rows_removed=tuple(sorted(ra.keys() - rb.keys())),
        rows_changed=tuple(sorted(k for k in ra.keys() & rb.keys() if ra[k] != rb[k])),
        stats_changed=stats,
        attrs_changed=attrs,
    )
