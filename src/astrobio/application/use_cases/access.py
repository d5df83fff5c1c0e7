"""API keys, authentication and the audit log."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from astrobio.application.ports.clock import Clock
from astrobio.application.ports.governance import GovernanceRepository, SecretHasher
from astrobio.domain.access import (
    ANONYMOUS,
    LOCAL_ADMIN,
    ApiKey,
    Principal,
    Right,
    Role,
    Unauthenticated,
    max_level,
    split_token,
)
from astrobio.domain.audit import AuditEntry, AuditEvent, AuditVerification, verify_chain
from astrobio.domain.dataset_version import SecurityLevel
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


class ResolvePrincipal:
    """Who is acting, by one rule for the HTTP API and the CLI.

    Business rules: with authentication off the caller is the local administrator; with it on,
    no token means *anonymous* (PUBLIC reads only) and a token must be a valid, unrevoked key
    (otherwise :class:`Unauthenticated`), which acts with its key's role.
    """

    def __init__(self, authenticate: Callable[[], Authenticate], auth_enabled: bool) -> None:
        # a factory: resolving "local admin" or "anonymous" never touches the key store
        self._authenticate, self._auth_enabled = authenticate, auth_enabled

    def execute(self, token: str | None) -> Principal:
        if not self._auth_enabled:
            return LOCAL_ADMIN
        if not token:
            return ANONYMOUS
        return self._authenticate().execute(token)


def clearance(principal: Principal | None) -> SecurityLevel:
    """The highest level ``principal`` may read; fails closed (PUBLIC) for an unknown caller or role."""
    if principal is None:
        return SecurityLevel.PUBLIC
    try:
        return max_level(principal.role, Right.READ) or SecurityLevel.PUBLIC
    except KeyError:
        return SecurityLevel.PUBLIC


@dataclass(slots=True)
class _Window:
    ends_at: float
    count: int


class RecordAuthFailure:
    """Audit authentication failures aggregated per (actor, client) and time window.

    Business rules: the first failure of a window appends one ``auth.failed`` entry (outcome
    ``401``); later failures in that window are only counted; when the next window opens (or on
    :meth:`flush`) a window with more than one failure appends one ``auth.failed.summary``
    entry whose outcome is the count. A flood of N bad requests therefore costs O(N / window)
    rows, not N. At most ``max_tracked`` pairs are tracked (the oldest are flushed first).
    """

    def __init__(self, repo: GovernanceRepository, clock: Clock, window_s: float = 60.0,
                 max_tracked: int = 10_000) -> None:
        self._repo, self._clock = repo, clock
        self._window_s, self._max = window_s, max_tracked
        self._windows: dict[tuple[str, str], _Window] = {}
        self._lock = threading.Lock()

    def execute(self, actor: str, client: str, obj: str) -> AuditEntry | None:
        now = time.monotonic()
        summaries: list[tuple[tuple[str, str], int]] = []
        with self._lock:
            key = (actor, client)
            w = self._windows.get(key)
            if w is not None and now < w.ends_at:
                w.count += 1
                return None
            if w is not None and w.count > 1:
                summaries.append((key, w.count))
            self._windows.pop(key, None)
            while len(self._windows) >= self._max:
                old_key = next(iter(self._windows))
                old = self._windows.pop(old_key)
                if old.count > 1:
                    summaries.append((old_key, old.count))
            self._windows[key] = _Window(ends_at=now + self._window_s, count=1)
        self._append_summaries(summaries)
        return self._repo.append_audit(
            AuditEvent(actor=actor, action="auth.failed", object=obj, at=self._clock.now(),
                       client=client, outcome="401")
        )

    def flush(self) -> None:
        """Write the summaries of every open window (at shutdown)."""
        with self._lock:
            pending = [(k, w.count) for k, w in self._windows.items() if w.count > 1]
            self._windows.clear()
        self._append_summaries(pending)

    def _append_summaries(self, summaries: list[tuple[tuple[str, str], int]]) -> None:
        for (actor, client), count in summaries:
            self._repo.append_audit(
                AuditEvent(actor=actor, action="auth.failed.summary", object=f"{count} failures",
                           at=self._clock.now(), client=client, outcome=str(count))
            )
