"""AES-256-GCM envelope encryption (``cryptography``), chunked so files larger than memory stream.

* A random 256-bit data key per object, wrapped (AES-256-GCM) by the master key; the wrapped key
  lives in a small JSON header kept beside the ciphertext, so rotating the master key re-wraps
  headers without touching the data.
* Associated data (dataset id, version, file name) is authenticated with every chunk and with
  the wrapped key: a ciphertext moved to another dataset or version does not decrypt.
* Chunk ``i`` uses nonce = 7-byte random prefix || 4-byte big-endian ``i`` || final flag, so a
  reordered, dropped or truncated chunk (even at a chunk boundary) fails authentication.
"""

from __future__ import annotations

import base64
import hashlib
import os
from typing import Any, BinaryIO

from astrobio.domain.errors import InvalidDataset

TAG_BYTES = 16
DEFAULT_CHUNK_BYTES = 1 << 20
HEADER_VERSION = 1


class DecryptionFailed(InvalidDataset):
    """Authentication failed: the ciphertext or its header was altered, truncated, or the key is wrong."""


def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode("ascii")


def _unb64(s: str) -> bytes:
    return base64.b64decode(s.encode("ascii"), validate=True)


def key_id(master_key: bytes) -> str:
    return hashlib.sha256(b"astrobio-kid|" + master_key).hexdigest()[:16]


class AesGcmEnvelope:
    """Envelope encryption under one 32-byte master key."""

    def __init__(self, master_key: bytes, chunk_bytes: int = DEFAULT_CHUNK_BYTES) -> None:
        if len(master_key) != 32:
            raise InvalidDataset("the master key must be 32 bytes (AES-256)")
        if chunk_bytes < 1:
            raise InvalidDataset("chunk size must be positive")
        self._master = master_key
        self._chunk = chunk_bytes
        self.kid = key_id(master_key)

    # ---------------------------------------------------------------- data keys
    def _wrap(self, dek: bytes, aad: bytes) -> dict[str, Any]:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        nonce = os.urandom(12)
        wrapped = AESGCM(self._master).encrypt(nonce, dek, b"astrobio-dek|" + aad)
        return {"kid": self.kid, "wrap_nonce": _b64(nonce), "wrapped_key": _b64(wrapped)}

    def _unwrap(self, header: dict[str, Any], aad: bytes) -> bytes:
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        if header.get("v") != HEADER_VERSION or header.get("alg") != "AES-256-GCM":
            raise DecryptionFailed("unsupported or corrupt encryption header")
        if header.get("kid") != self.kid:
            raise DecryptionFailed(
                f"object key was wrapped by master key {header.get('kid')!r}, "
                f"the configured master key is {self.kid!r} (wrong key?)"
            )
        try:
            return AESGCM(self._master).decrypt(
                _unb64(header["wrap_nonce"]), _unb64(header["wrapped_key"]), b"astrobio-dek|" + aad
            )
        except (InvalidTag, KeyError, ValueError) as exc:
            raise DecryptionFailed(
                "the data key does not unwrap: header tampered, wrong key or wrong dataset/version"
            ) from exc

    def rewrap(self, header: dict[str, Any], aad: bytes, new: AesGcmEnvelope) -> dict[str, Any]:
        """The same header with its data key wrapped by ``new``'s master key (data untouched)."""
        dek = self._unwrap(header, aad)
        return {**header, **new._wrap(dek, aad)}

    # ---------------------------------------------------------------- streams
    def encrypt_stream(self, src: BinaryIO, dst: BinaryIO, aad: bytes) -> dict[str, Any]:
        """Encrypt ``src`` into ``dst`` chunk by chunk; returns the header to keep with it."""
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        dek = os.urandom(32)
        prefix = os.urandom(7)
        gcm = AESGCM(dek)
        index = 0
        chunk = src.read(self._chunk)
        while True:
            nxt = src.read(self._chunk)
            final = not nxt
            nonce = prefix + index.to_bytes(4, "big") + (b"\x01" if final else b"\x00")
            dst.write(gcm.encrypt(nonce, chunk, aad))
            if final:
                break
            chunk, index = nxt, index + 1
            if index >= 1 << 32:
                raise InvalidDataset("object too large for one data key")
        return {
            "v": HEADER_VERSION,
            "alg": "AES-256-GCM",
            "chunk_bytes": self._chunk,
            "nonce_prefix": _b64(prefix),
            **self._wrap(dek, aad),
        }

    def decrypt_stream(self, src: BinaryIO, dst: BinaryIO, header: dict[str, Any], aad: bytes) -> None:
        """Decrypt into ``dst``; raises :class:`DecryptionFailed` on any tampering or truncation.

        ``dst`` may have received earlier chunks when a later one fails: write it to a temporary
        file and keep it only on success.
        """
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        gcm = AESGCM(self._unwrap(header, aad))
        try:
            prefix, size = _unb64(header["nonce_prefix"]), int(header["chunk_bytes"]) + TAG_BYTES
        except (KeyError, ValueError, TypeError) as exc:
            raise DecryptionFailed("corrupt encryption header") from exc
        index = 0
        block = src.read(size)
        while True:
            if len(block) < TAG_BYTES:
                raise DecryptionFailed("ciphertext truncated")
            nxt = src.read(size)
            final = not nxt
            nonce = prefix + index.to_bytes(4, "big") + (b"\x01" if final else b"\x00")
            try:
                dst.write(gcm.decrypt(nonce, block, aad))
            except InvalidTag as exc:
                raise DecryptionFailed(
                    f"chunk {index} fails authentication: ciphertext tampered or truncated"
                ) from exc
            if final:
                return
            block, index = nxt, index + 1

    # ---------------------------------------------------------------- bytes
    def encrypt(self, data: bytes, aad: bytes) -> tuple[dict[str, Any], bytes]:
        import io

        out = io.BytesIO()
        header = self.encrypt_stream(io.BytesIO(data), out, aad)
        return header, out.getvalue()

    def decrypt(self, header: dict[str, Any], ciphertext: bytes, aad: bytes) -> bytes:
        import io

        out = io.BytesIO()
        self.decrypt_stream(io.BytesIO(ciphertext), out, header, aad)
        return out.getvalue()
