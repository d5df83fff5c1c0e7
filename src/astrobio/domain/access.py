"""Access control: roles, the read/write/delete matrix per security level, principals, API keys.

The matrix (the highest level each right reaches; ``-`` = none):

=========  ============  ============  ============  =====
role       read          write         delete        admin
=========  ============  ============  ============  =====
anonymous  PUBLIC        -             -             no
viewer     INTERNAL      -             -             no
analyst    RESTRICTED    INTERNAL      -             no
curator    CONFIDENTIAL  CONFIDENTIAL  INTERNAL      no
admin      SECRET        SECRET        SECRET        yes
=========  ============  ============  ============  =====

A dataset a principal may not read is reported as *not found*: its existence is not disclosed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from astrobio.domain.dataset_version import SecurityLevel
from astrobio.domain.errors import DomainError, InvalidQuantity


class Unauthenticated(DomainError):
    """No valid credential was presented where one is required."""


class AccessDenied(DomainError):
    """The principal is known but its role does not grant the action."""


class Role(StrEnum):
    ANONYMOUS = "anonymous"
    VIEWER = "viewer"
    ANALYST = "analyst"
    CURATOR = "curator"
    ADMIN = "admin"

    @classmethod
    def parse(cls, text: str) -> Role:
        try:
            return cls(text.lower())
        except ValueError:
            raise InvalidQuantity(
                f"unknown role {text!r} (use {', '.join(r.value for r in cls)})", field="role"
            ) from None


class Right(StrEnum):
    READ = "read"
    WRITE = "write"
    DELETE = "delete"


_S = SecurityLevel
#: role -> right -> highest level granted (absent: no such right).
ACCESS_MATRIX: dict[Role, dict[Right, SecurityLevel]] = {
    Role.ANONYMOUS: {Right.READ: _S.PUBLIC},
    Role.VIEWER: {Right.READ: _S.INTERNAL},
    Role.ANALYST: {Right.READ: _S.RESTRICTED, Right.WRITE: _S.INTERNAL},
    Role.CURATOR: {Right.READ: _S.CONFIDENTIAL, Right.WRITE: _S.CONFIDENTIAL, Right.DELETE: _S.INTERNAL},
    Role.ADMIN: {Right.READ: _S.SECRET, Right.WRITE: _S.SECRET, Right.DELETE: _S.SECRET},
}


def allows(role: Role, right: Right, level: SecurityLevel) -> bool:
    """True when ``role`` has ``right`` on data at ``level``."""
    top = ACCESS_MATRIX[role].get(right)
    return top is not None and level <= top


def max_level(role: Role, right: Right) -> SecurityLevel | None:
    return ACCESS_MATRIX[role].get(right)


@dataclass(frozen=True, slots=True, kw_only=True)
class Principal:
    """Who is acting: a name (the key's name, ``local`` or ``anonymous``) and a role."""

    name: str
    role: Role
    key_id: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    def can(self, right: Right, level: SecurityLevel) -> bool:
        return allows(self.role, right, level)

    def require(self, right: Right, level: SecurityLevel) -> None:
        if not self.can(right, level):
            raise AccessDenied(f"role {self.role.value} may not {right.value} {level.name} data")

    def require_admin(self) -> None:
        if not self.is_admin:
            raise AccessDenied(f"role {self.role.value} is not an administrator")


ANONYMOUS = Principal(name="anonymous", role=Role.ANONYMOUS)
LOCAL_ADMIN = Principal(name="local", role=Role.ADMIN)

_KEY_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._@-]{0,63}$")


@dataclass(frozen=True, slots=True, kw_only=True)
class ApiKey:
    """A stored API key: only a salted KDF hash of its secret is kept."""

    id: str
    name: str
    role: Role
    salt: bytes
    secret_hash: bytes
    created_at: datetime
    revoked_at: datetime | None = None

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[0-9a-f]{12}", self.id):
            raise InvalidQuantity("API key id must be 12 hex digits", field="id")
        if not _KEY_NAME.match(self.name):
            raise InvalidQuantity(f"invalid key name {self.name!r}", field="name")
        object.__setattr__(self, "role", Role.parse(self.role))
        if self.role is Role.ANONYMOUS:
            raise InvalidQuantity("an API key cannot have the anonymous role", field="role")

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def principal(self) -> Principal:
        return Principal(name=self.name, role=self.role, key_id=self.id)


def split_token(token: str) -> tuple[str, str]:
    """``ab_<12 hex id>_<secret>`` -> (id, secret); raises :class:`Unauthenticated` if malformed."""
    m = re.fullmatch(r"ab_([0-9a-f]{12})_([A-Za-z0-9_-]{20,100})", token.strip())
    if m is None:
        raise Unauthenticated("malformed API key")
    return m.group(1), m.group(2)
