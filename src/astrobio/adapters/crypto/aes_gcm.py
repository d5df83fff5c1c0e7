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
        """Encrypt ``src`` into ``dst`` chunk by chunk; returns the header to keep with it.

        Chunks are read into two reused buffers (one chunk of look-ahead tells the last chunk)
        and encrypted into a third: no allocation per chunk, so throughput is the cipher's.
        """
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        dek = os.urandom(32)
        prefix = os.urandom(7)
        gcm = AESGCM(dek)
        bufs = (memoryview(bytearray(self._chunk)), memoryview(bytearray(self._chunk)))
        out = memoryview(bytearray(self._chunk + TAG_BYTES))
        index = 0
        n = _read_full(src, bufs[0])
        while True:
            m = _read_full(src, bufs[(index + 1) % 2])
            final = m == 0
            nonce = prefix + index.to_bytes(4, "big") + (b"\x01" if final else b"\x00")
            gcm.encrypt_into(nonce, bufs[index % 2][:n], aad, out[: n + TAG_BYTES])
            dst.write(out[: n + TAG_BYTES])
            if final:
                break
            n, index = m, index + 1
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
        if not TAG_BYTES < size <= (1 << 30):
            raise DecryptionFailed("corrupt encryption header")
        bufs = (memoryview(bytearray(size)), memoryview(bytearray(size)))
        out = memoryview(bytearray(size - TAG_BYTES))
        index = 0
        n = _read_full(src, bufs[0])
        while True:
            if n < TAG_BYTES:
                raise DecryptionFailed("ciphertext truncated")
            m = _read_full(src, bufs[(index + 1) % 2])
            final = m == 0
            nonce = prefix + index.to_bytes(4, "big") + (b"\x01" if final else b"\x00")
            try:
                gcm.decrypt_into(nonce, bufs[index % 2][:n], aad, out[: n - TAG_BYTES])
            except InvalidTag as exc:
                raise DecryptionFailed(
                    f"chunk {index} fails authentication: ciphertext tampered or truncated"
                ) from exc
            dst.write(out[: n - TAG_BYTES])
            if final:
                return
            n, index = m, index + 1

    # ---------------------------------------------------------------- bytes
    def encrypt(self, data: bytes, aad: bytes) -> tuple[dict[str, Any], bytes]:
        """The same format as :meth:`encrypt_stream`, encrypted in place into one output buffer."""
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        dek, prefix, chunk = os.urandom(32), os.urandom(7), self._chunk
        gcm = AESGCM(dek)
        src = memoryview(data)
        n_chunks = max(1, -(-len(src) // chunk))
        out = bytearray(len(src) + n_chunks * TAG_BYTES)
        view = memoryview(out)
        for index in range(n_chunks):
            piece = src[index * chunk : (index + 1) * chunk]
            start = index * (chunk + TAG_BYTES)
            nonce = prefix + index.to_bytes(4, "big") + (b"\x01" if index == n_chunks - 1 else b"\x00")
            gcm.encrypt_into(nonce, piece, aad, view[start : start + len(piece) + TAG_BYTES])
        header = {
            "v": HEADER_VERSION,
            "alg": "AES-256-GCM",
            "chunk_bytes": chunk,
            "nonce_prefix": _b64(prefix),
            **self._wrap(dek, aad),
        }
        return header, bytes(out)

    def decrypt(self, header: dict[str, Any], ciphertext: bytes, aad: bytes) -> bytes:
        """Inverse of :meth:`encrypt` (and of :meth:`encrypt_stream`), into one output buffer."""
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        gcm = AESGCM(self._unwrap(header, aad))
        try:
            prefix, size = _unb64(header["nonce_prefix"]), int(header["chunk_bytes"]) + TAG_BYTES
        except (KeyError, ValueError, TypeError) as exc:
            raise DecryptionFailed("corrupt encryption header") from exc
        if size <= TAG_BYTES:
            raise DecryptionFailed("corrupt encryption header")
        src = memoryview(ciphertext)
        n_chunks = -(-len(src) // size)
        if n_chunks == 0 or len(src) - (n_chunks - 1) * size < TAG_BYTES:
            raise DecryptionFailed("ciphertext truncated")
        out = bytearray(len(src) - n_chunks * TAG_BYTES)
        view = memoryview(out)
        for index in range(n_chunks):
            block = src[index * size : (index + 1) * size]
            start = index * (size - TAG_BYTES)
            nonce = prefix + index.to_bytes(4, "big") + (b"\x01" if index == n_chunks - 1 else b"\x00")
            try:
                gcm.decrypt_into(nonce, block, aad, view[start : start + len(block) - TAG_BYTES])
            except InvalidTag as exc:
                raise DecryptionFailed(
                    f"chunk {index} fails authentication: ciphertext tampered or truncated"
                ) from exc
        return bytes(out)


def _read_full(src: BinaryIO, buf: memoryview) -> int:
    """Fill ``buf`` from ``src`` (short reads of pipes and sockets are continued); bytes read."""
    got = 0
    while got < len(buf):
        k = src.readinto(buf[got:])  # type: ignore[attr-defined]
        if not k:
            break
        got += k
    return got
