"""API keys, authentication and the audit log."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass

from astrobio.application.ports.clock import Clock
from astrobio.application.ports.governance import GovernanceRepository, SecretHasher
from astrobio.domain.access import ApiKey, Principal, Role, Unauthenticated, split_token
from astrobio.domain.audit import AuditEntry, AuditEvent, AuditVerification, verify_chain
from astrobio.domain.errors import NotFound


@dataclass(frozen=True, slots=True, kw_only=True)
class CreatedKey:
    key: ApiKey
    token: str  # shown once; only its salted hash is stored


class CreateApiKey:
    """Issue an API key with a role. The token is returned once; only a salted KDF hash is stored."""

    def __init__(self, repo: GovernanceRepository, hasher: SecretHasher, clock: Clock) -> None:
        self._repo, self._hasher, self._clock = repo, hasher, clock

    def execute(self, name: str, role: str, actor: str = "local") -> CreatedKey:
        key_id = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        salt, digest = self._hasher.hash(secret)
        key = ApiKey(
            id=key_id,
            name=name,
            role=Role.parse(role),
            salt=salt,
            secret_hash=digest,
            created_at=self._clock.now(),
        )
        self._repo.add_api_key(key)
        self._repo.append_audit(
            AuditEvent(
                actor=actor,
                action="key.create",
                object=f"{key_id} ({name})",
                at=key.created_at,
                outcome=key.role.value,
            )
        )
        return CreatedKey(key=key, token=f"ab_{key_id}_{secret}")


class RevokeApiKey:
    """Revoke a key by id; it stops authenticating at once (and within the cache TTL elsewhere)."""

    def __init__(self, repo: GovernanceRepository, clock: Clock) -> None:
        self._repo, self._clock = repo, clock

    def execute(self, key_id: str, actor: str = "local") -> None:
        now = self._clock.now()
        if not self._repo.revoke_api_key(key_id, now):
            raise NotFound(f"no active API key {key_id!r}", field="key_id")
        self._repo.append_audit(AuditEvent(actor=actor, action="key.revoke", object=key_id, at=now))


class Authenticate:
    """Resolve a presented token to its principal; any failure is :class:`Unauthenticated`.

    Verified tokens are cached (by their SHA-256) for ``ttl_s`` seconds so the KDF is not paid
    on every request; a revocation takes effect within that delay.
    """

    def __init__(self, repo: GovernanceRepository, hasher: SecretHasher, ttl_s: float = 30.0) -> None:
        self._repo, self._hasher, self._ttl_s = repo, hasher, ttl_s
        self._cache: dict[str, tuple[float, Principal]] = {}
        self._lock = threading.Lock()

    def execute(self, token: str) -> Principal:
        fingerprint = hashlib.sha256(token.encode()).hexdigest()
        with self._lock:
            hit = self._cache.get(fingerprint)
        if hit is not None and hit[0] > time.monotonic():
            return hit[1]
        key_id, secret = split_token(token)
        key = self._repo.get_api_key(key_id)
        if key is None or not key.active or not self._hasher.verify(secret, key.salt, key.secret_hash):
            raise Unauthenticated("invalid or revoked API key")
        principal = key.principal()
        with self._lock:
            self._cache[fingerprint] = (time.monotonic() + self._ttl_s, principal)
        return principal


class ListApiKeys:
    def __init__(self, repo: GovernanceRepository) -> None:
        self._repo = repo

    def execute(self) -> list[ApiKey]:
        return self._repo.list_api_keys()


class RecordAudit:
    """Append one event to the hash-chained audit log."""

    def __init__(self, repo: GovernanceRepository, clock: Clock) -> None:
        self._repo, self._clock = repo, clock

    def execute(self, actor: str, action: str, obj: str, client: str = "", outcome: str = "ok") -> AuditEntry:
        return self._repo.append_audit(
            AuditEvent(
                actor=actor, action=action, object=obj, at=self._clock.now(), client=client, outcome=outcome
            )
        )


class VerifyAudit:
    """Recompute the chain: an edited, deleted or truncated entry is reported with its sequence number."""

    def __init__(self, repo: GovernanceRepository) -> None:
        self._repo = repo

    def execute(self) -> AuditVerification:
        return verify_chain(self._repo.audit_entries(), self._repo.audit_head())
