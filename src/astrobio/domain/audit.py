"""The append-only audit log: each entry's hash covers its fields and the previous entry's hash.

Editing any stored field breaks that entry's hash; deleting an entry breaks the sequence and the
next entry's ``prev_hash``. Truncating the tail is caught against the recorded head (the last
sequence number and hash, kept apart from the entries).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from astrobio.domain.errors import InvalidQuantity

GENESIS_HASH = "0" * 64


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditEvent:
    """What happened, before it is chained: actor, action, object, time, client address, outcome."""

    actor: str
    action: str
    object: str
    at: datetime
    client: str = ""
    outcome: str = "ok"

    def __post_init__(self) -> None:
        if not self.actor or not self.action:
            raise InvalidQuantity("an audit event needs an actor and an action", field="action")
        if self.at.tzinfo is None:
            raise InvalidQuantity("audit time must be timezone-aware", field="at")
        object.__setattr__(self, "at", self.at.astimezone(UTC))


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditEntry:
    """A chained event: ``seq`` (1, 2, ...), the previous entry's hash and its own."""

    seq: int
    event: AuditEvent
    prev_hash: str
    hash: str


def entry_hash(seq: int, event: AuditEvent, prev_hash: str) -> str:
    """SHA-256 over the canonical JSON of the sequence number, the event and ``prev_hash``."""
    body = {
        "seq": seq,
        "actor": event.actor,
        "action": event.action,
        "object": event.object,
        "at": event.at.isoformat(timespec="microseconds"),
        "client": event.client,
        "outcome": event.outcome,
        "prev": prev_hash,
    }
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def chain(seq: int, event: AuditEvent, prev_hash: str) -> AuditEntry:
    return AuditEntry(seq=seq, event=event, prev_hash=prev_hash, hash=entry_hash(seq, event, prev_hash))


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditVerification:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    reason: str = ""


def verify_chain(entries: list[AuditEntry], head: tuple[int, str] | None = None) -> AuditVerification:
    """Check sequence, links and hashes; ``head`` = (last seq, last hash) as recorded at append time."""
    prev, expected = GENESIS_HASH, 1
    for e in entries:
        if e.seq != expected:
            return AuditVerification(
                ok=False,
                checked=expected - 1,
                first_bad_seq=expected,
                reason=f"entry {expected} is missing (next is {e.seq})",
            )
        if e.prev_hash != prev:
            return AuditVerification(
                ok=False,
                checked=expected - 1,
                first_bad_seq=e.seq,
                reason=f"entry {e.seq} does not link to entry {e.seq - 1}",
            )
        if entry_hash(e.seq, e.event, e.prev_hash) != e.hash:
            return AuditVerification(
                ok=False,
                checked=expected - 1,
                first_bad_seq=e.seq,
                reason=f"entry {e.seq} was modified (hash mismatch)",
            )
        prev, expected = e.hash, expected + 1
    last = expected - 1
    if head is not None and head != (last, prev if last else GENESIS_HASH):
        return AuditVerification(
            ok=False,
            checked=last,
            first_bad_seq=last + 1,
            reason=f"the log ends at entry {last} but entry {head[0]} was recorded",
        )
    return AuditVerification(ok=True, checked=last)
