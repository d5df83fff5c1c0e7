"""The governance store on SQLAlchemy Core: one transaction per call, or the open unit of work's.

Inside a :class:`~astrobio.adapters.sql.unit_of_work.SqlUnitOfWork` block every call joins its
connection (:mod:`astrobio.adapters.sql.transaction`), so a dataset version, its tag moves and
its audit entry commit with the data they describe.

Audit appends are serialised by the sequence number being the primary key: two writers that
read the same last entry cannot both insert the next one; the loser retries on the new head.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from astrobio.adapters.governance.codec import (
    dublin_core_from_json,
    dublin_core_to_json,
    lineage_from_json,
    lineage_to_json,
    manifest_from_json,
    manifest_to_json,
    report_from_json,
    report_to_json,
)
from astrobio.adapters.sql.governance_tables import (
    GOVERNANCE_TABLES,
)
from astrobio.adapters.sql.governance_tables import (
    governance_api_keys as keys_t,
)
from astrobio.adapters.sql.governance_tables import (
    governance_audit as audit_t,
)
from astrobio.adapters.sql.governance_tables import (
    governance_audit_head as head_t,
)
from astrobio.adapters.sql.governance_tables import (
    governance_datasets as ds_t,
)
from astrobio.adapters.sql.governance_tables import (
    governance_tag_moves as tags_t,
)
from astrobio.adapters.sql.governance_tables import (
    governance_versions as ver_t,
)
from astrobio.adapters.sql.transaction import begin, current
from astrobio.application.ports.governance import DatasetPage, GovernanceRepository, TagMove
from astrobio.domain.access import ApiKey, Role
from astrobio.domain.audit import GENESIS_HASH, AuditEntry, AuditEvent, chain
from astrobio.domain.dataset_version import Dataset, DatasetVersion, SecurityLevel
from astrobio.domain.errors import UpstreamUnavailable

_AUDIT_RETRIES = 200


def _dataset(r: Any) -> Dataset:
    return Dataset(
        id=r.id,
        kind=r.kind,
        security_level=SecurityLevel(r.security_level),
        metadata=dublin_core_from_json(r.dublin_core),
        created_at=r.created_at,
    )


def _version(r: Any) -> DatasetVersion:
    return DatasetVersion(
        dataset_id=r.dataset_id,
        manifest=manifest_from_json(r.manifest),
        lineage=lineage_from_json(r.lineage),
        quality=report_from_json(r.quality),
        published=r.published,
        created_at=r.created_at,
        override_reason=r.override_reason,
        row_digests=dict(r.row_digests),
    )


def _key(r: Any) -> ApiKey:
    return ApiKey(
        id=r.id,
        name=r.name,
        role=Role(r.role),
        salt=bytes(r.salt),
        secret_hash=bytes(r.secret_hash),
        created_at=r.created_at,
        revoked_at=r.revoked_at,
    )


def _tag(r: Any) -> TagMove:
    return TagMove(
        dataset_id=r.dataset_id,
        tag=r.tag,
        version_id=r.version_id,
        moved_at=r.moved_at,
        actor=r.actor,
        reason=r.reason,
    )


class SqlGovernanceRepository(GovernanceRepository):
    """``ensure_schema``: create the governance tables when absent (the embedded SQLite default
    before ``astrobio db upgrade``); migrations create them too and skip existing ones."""

    def __init__(self, engine: sa.Engine, *, ensure_schema: bool = True) -> None:
        self._engine = engine
        if ensure_schema:
            _ensure_schema(engine)

    # ------------------------------------------------------------------ datasets and versions
    def save_version(self, dataset: Dataset, version: DatasetVersion, tags: Sequence[TagMove]) -> bool:
        row = {
            "id": dataset.id,
            "kind": dataset.kind,
            "security_level": int(dataset.security_level),
            "dublin_core": dublin_core_to_json(dataset.metadata),
            "search_text": dataset.metadata.search_text(),
            "created_at": dataset.created_at,
        }
        with begin(self._engine) as conn:
            exists = conn.execute(
                sa.select(ver_t.c.id).where(ver_t.c.dataset_id == dataset.id, ver_t.c.id == version.id)
            ).first()
            if exists is not None:
                return False
            if conn.execute(sa.select(ds_t.c.id).where(ds_t.c.id == dataset.id)).first() is None:
                conn.execute(ds_t.insert().values(**row))
            else:
                conn.execute(
                    ds_t.update()
                    .where(ds_t.c.id == dataset.id)
                    .values(dublin_core=row["dublin_core"], search_text=row["search_text"])
                )
            ordinal = (
                conn.execute(
                    sa.select(sa.func.coalesce(sa.func.max(ver_t.c.ordinal), 0)).where(
                        ver_t.c.dataset_id == dataset.id
                    )
                ).scalar_one()
                + 1
            )
            conn.execute(
                ver_t.insert().values(
                    dataset_id=dataset.id,
                    id=version.id,
                    ordinal=ordinal,
                    manifest=manifest_to_json(version.manifest),
                    lineage=lineage_to_json(version.lineage),
                    quality=report_to_json(version.quality),
                    published=version.published,
                    override_reason=version.override_reason,
                    row_digests=version.row_digests,
                    created_at=version.created_at,
                )
            )
            for move in tags:
                conn.execute(tags_t.insert().values(**_tag_row(move)))
        return True

    def get_dataset(self, dataset_id: str) -> Dataset | None:
        with begin(self._engine) as conn:
            r = conn.execute(sa.select(ds_t).where(ds_t.c.id == dataset_id)).first()
        return None if r is None else _dataset(r)

    def list_datasets(
        self, *, query: str | None, max_level: SecurityLevel, kind: str | None, offset: int, limit: int
    ) -> DatasetPage:
        where: list[sa.ColumnElement[bool]] = [ds_t.c.security_level <= int(max_level)]
        if query:
            where.append(ds_t.c.search_text.contains(query.lower(), autoescape=True))
        if kind:
            where.append(ds_t.c.kind == kind)
        with begin(self._engine) as conn:
            total = conn.execute(sa.select(sa.func.count()).select_from(ds_t).where(*where)).scalar_one()
            rows = conn.execute(sa.select(ds_t).where(*where).order_by(ds_t.c.id).offset(offset).limit(limit))
            items = tuple(_dataset(r) for r in rows)
        return DatasetPage(items=items, total=total, offset=offset, limit=limit)

    def get_version(self, dataset_id: str, version_id: str) -> DatasetVersion | None:
        with begin(self._engine) as conn:
            r = conn.execute(
                sa.select(ver_t).where(ver_t.c.dataset_id == dataset_id, ver_t.c.id == version_id)
            ).first()
        return None if r is None else _version(r)

    def list_versions(self, dataset_id: str) -> list[DatasetVersion]:
        with begin(self._engine) as conn:
            rows = conn.execute(
                sa.select(ver_t).where(ver_t.c.dataset_id == dataset_id).order_by(ver_t.c.ordinal)
            )
            return [_version(r) for r in rows]

    def set_published(self, dataset_id: str, version_id: str, override_reason: str) -> None:
        with begin(self._engine) as conn:
            conn.execute(
                ver_t.update()
                .where(ver_t.c.dataset_id == dataset_id, ver_t.c.id == version_id)
                .values(published=True, override_reason=override_reason)
            )

    def move_tag(self, move: TagMove) -> None:
        with begin(self._engine) as conn:
            conn.execute(tags_t.insert().values(**_tag_row(move)))

    def tag_history(self, dataset_id: str, tag: str) -> list[TagMove]:
        with begin(self._engine) as conn:
            rows = conn.execute(
                sa.select(tags_t)
                .where(tags_t.c.dataset_id == dataset_id, tags_t.c.tag == tag)
                .order_by(tags_t.c.id)
            )
            return [_tag(r) for r in rows]

    def current_tags(self, dataset_id: str) -> dict[str, str]:
        with begin(self._engine) as conn:
            rows = conn.execute(
                sa.select(tags_t.c.tag, tags_t.c.version_id)
                .where(tags_t.c.dataset_id == dataset_id)
                .order_by(tags_t.c.id)
            )
            return {r.tag: r.version_id for r in rows}

    # ------------------------------------------------------------------ API keys
    def add_api_key(self, key: ApiKey) -> None:
        with begin(self._engine) as conn:
            conn.execute(
                keys_t.insert().values(
                    id=key.id,
                    name=key.name,
                    role=key.role.value,
                    salt=key.salt,
                    secret_hash=key.secret_hash,
                    created_at=key.created_at,
                    revoked_at=key.revoked_at,
                )
            )

    def get_api_key(self, key_id: str) -> ApiKey | None:
        with begin(self._engine) as conn:
            r = conn.execute(sa.select(keys_t).where(keys_t.c.id == key_id)).first()
        return None if r is None else _key(r)

    def list_api_keys(self) -> list[ApiKey]:
        with begin(self._engine) as conn:
            return [
                _key(r) for r in conn.execute(sa.select(keys_t).order_by(keys_t.c.created_at, keys_t.c.id))
            ]

    def revoke_api_key(self, key_id: str, at: datetime) -> bool:
        with begin(self._engine) as conn:
            res = conn.execute(
                keys_t.update()
                .where(keys_t.c.id == key_id, keys_t.c.revoked_at.is_(None))
                .values(revoked_at=at)
            )
            return bool(res.rowcount)

    # ------------------------------------------------------------------ audit
    def append_audit(self, event: AuditEvent) -> AuditEntry:
        joined = current(self._engine)
        if joined is not None:
            return _append_joined(joined, event)
        for _ in range(_AUDIT_RETRIES):
            try:
                with begin(self._engine) as conn:
                    head = conn.execute(
                        sa.select(head_t.c.seq, head_t.c.hash).where(head_t.c.id == 1)
                    ).first()
                    seq, prev = (head.seq, head.hash) if head is not None else (0, GENESIS_HASH)
                    entry = chain(seq + 1, event, prev)
                    conn.execute(
                        audit_t.insert().values(
                            seq=entry.seq,
                            actor=event.actor,
                            action=event.action,
                            object=event.object,
                            at=event.at,
                            client=event.client,
                            outcome=event.outcome,
                            prev_hash=entry.prev_hash,
                            hash=entry.hash,
                        )
                    )
                    if head is None:
                        conn.execute(head_t.insert().values(id=1, seq=entry.seq, hash=entry.hash))
                    else:
                        res = conn.execute(
                            head_t.update()
                            .where(head_t.c.id == 1, head_t.c.seq == seq)
                            .values(seq=entry.seq, hash=entry.hash)
                        )
                        if res.rowcount != 1:
                            raise sa.exc.IntegrityError("audit head moved", None, Exception("race"))
                return entry
            except sa.exc.IntegrityError:
                continue
            except sa.exc.OperationalError as exc:
                # SQLite refuses to upgrade a stale read snapshot to a write lock ("database is
                # locked") instead of waiting: start again on the new head.
                if "locked" not in str(exc.orig):
                    raise UpstreamUnavailable("database", str(exc.orig)) from exc
                time.sleep(random.uniform(0.001, 0.02))
        raise UpstreamUnavailable("database", "audit log contention: could not append")

    def audit_entries(self) -> list[AuditEntry]:
        with begin(self._engine) as conn:
            rows = conn.execute(sa.select(audit_t).order_by(audit_t.c.seq))
            return [
                AuditEntry(
                    seq=r.seq,
                    prev_hash=r.prev_hash,
                    hash=r.hash,
                    event=AuditEvent(
                        actor=r.actor,
                        action=r.action,
                        object=r.object,
                        at=r.at,
                        client=r.client,
                        outcome=r.outcome,
                    ),
                )
                for r in rows
            ]

    def audit_head(self) -> tuple[int, str] | None:
        with begin(self._engine) as conn:
            r = conn.execute(sa.select(head_t.c.seq, head_t.c.hash).where(head_t.c.id == 1)).first()
        return None if r is None else (r.seq, r.hash)


def _append_joined(conn: sa.Connection, event: AuditEvent) -> AuditEntry:
    """Append inside the open unit of work: its transaction cannot be retried piecemeal, so the
    head is locked first (a no-op update: SQLite's write lock, PostgreSQL's row lock) and read
    after; a concurrent appender then waits for this transaction instead of forking the chain."""
    conn.execute(head_t.update().where(head_t.c.id == 1).values(seq=head_t.c.seq))
    head = conn.execute(sa.select(head_t.c.seq, head_t.c.hash).where(head_t.c.id == 1)).first()
    seq, prev = (head.seq, head.hash) if head is not None else (0, GENESIS_HASH)
    entry = chain(seq + 1, event, prev)
    conn.execute(audit_t.insert().values(
        seq=entry.seq, actor=event.actor, action=event.action, object=event.object, at=event.at,
        client=event.client, outcome=event.outcome, prev_hash=entry.prev_hash, hash=entry.hash))
    if head is None:
        conn.execute(head_t.insert().values(id=1, seq=entry.seq, hash=entry.hash))
    else:
        conn.execute(head_t.update().where(head_t.c.id == 1).values(seq=entry.seq, hash=entry.hash))
    return entry


def _ensure_schema(engine: sa.Engine) -> None:
    for attempt in range(3):  # another process may be creating them at the same moment
        try:
            GOVERNANCE_TABLES[0].metadata.create_all(engine, tables=list(GOVERNANCE_TABLES), checkfirst=True)
            return
        except (sa.exc.OperationalError, sa.exc.ProgrammingError, sa.exc.IntegrityError) as exc:
            if attempt == 2:
                raise UpstreamUnavailable("database", str(exc.orig)) from exc


def _tag_row(move: TagMove) -> dict[str, Any]:
    return {
        "dataset_id": move.dataset_id,
        "tag": move.tag,
        "version_id": move.version_id,
        "moved_at": move.moved_at,
        "actor": move.actor,
        "reason": move.reason,
    }
