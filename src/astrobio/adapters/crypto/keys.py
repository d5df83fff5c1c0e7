"""The master key (from ``ASTROBIO_MASTER_KEY`` or a 0600 key file) and API-key secret hashing."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from pathlib import Path

import structlog

from astrobio.application.ports.governance import SecretHasher
from astrobio.domain.errors import InvalidQuantity

log = structlog.get_logger("astrobio.crypto")


def decode_master_key(text: str, source: str) -> bytes:
    try:
        key = base64.b64decode(text.strip().encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise InvalidQuantity(f"{source} is not base64", field=source) from None
    if len(key) != 32:
        raise InvalidQuantity(f"{source} must decode to 32 bytes (AES-256), got {len(key)}", field=source)
    return key


def write_key_file(path: Path, key: bytes) -> None:
    """Write ``key`` (base64) to ``path`` atomically with 0600 permissions."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(base64.b64encode(key).decode("ascii") + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def load_master_key(key_b64: str | None, key_file: Path) -> bytes:
    """``ASTROBIO_MASTER_KEY`` when set, else the key file, created (0600) with a fresh key if absent."""
    if key_b64:
        return decode_master_key(key_b64, "ASTROBIO_MASTER_KEY")
    if not key_file.exists():
        write_key_file(key_file, os.urandom(32))
        log.warning(
            "crypto.master_key_created",
            path=str(key_file),
            hint="back this file up: encrypted datasets cannot be read without it",
        )
    return decode_master_key(key_file.read_text(), "ASTROBIO_MASTER_KEY_FILE")


class ScryptSecretHasher(SecretHasher):
    """scrypt (RFC 7914) with a random 16-byte salt; constant-time comparison."""

    def __init__(self, n: int = 2**14, r: int = 8, p: int = 1) -> None:
        self._n, self._r, self._p = n, r, p

    def _kdf(self, secret: str, salt: bytes) -> bytes:
        return hashlib.scrypt(secret.encode(), salt=salt, n=self._n, r=self._r, p=self._p, dklen=32)

    def hash(self, secret: str) -> tuple[bytes, bytes]:
        salt = os.urandom(16)
        return salt, self._kdf(secret, salt)

    def verify(self, secret: str, salt: bytes, expected: bytes) -> bool:
        return hmac.compare_digest(self._kdf(secret, salt), expected)
