"""Version content on local disk: ``<root>/<dataset id>/<version hex>/<name>``.

Writes are atomic (temporary file + rename). Encrypted objects keep their envelope header in
``<name>.key.json`` beside the ciphertext. Every read verifies the plaintext SHA-256.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable
from pathlib import Path

from astrobio.adapters.crypto.aes_gcm import AesGcmEnvelope
from astrobio.application.ports.governance import ObjectStore, StoredObject
from astrobio.atomic import write_bytes_atomic
from astrobio.domain.dataset_version import check_dataset_id, check_version_id
from astrobio.domain.errors import InvalidDataset, InvalidQuantity, NotFound

HEADER_SUFFIX = ".key.json"


class ChecksumMismatch(InvalidDataset):
    """Stored content does not match the checksum its version recorded."""


def aad_for(dataset_id: str, version_id: str, name: str) -> bytes:
    return f"astrobio|{dataset_id}|{version_id}|{name}".encode()




class FileObjectStore(ObjectStore):
    """``envelope`` is called only when something must be encrypted or decrypted (it may create
    the master key file on first use)."""

    def __init__(self, root: Path, envelope: Callable[[], AesGcmEnvelope]) -> None:
        self._root = Path(root)
        self._envelope = envelope

    def _path(self, dataset_id: str, version_id: str, name: str) -> Path:
        check_dataset_id(dataset_id)
        check_version_id(version_id)
        if not name or "/" in name or "\\" in name or name.startswith(".") or name.endswith(HEADER_SUFFIX):
            raise InvalidQuantity(f"invalid object name {name!r}", field="name")
        path = (self._root / dataset_id / version_id.removeprefix("sha256:") / name).resolve()
        if not path.is_relative_to(self._root.resolve()):
            raise InvalidQuantity(f"invalid object name {name!r}", field="name")
        return path

    def put(self, dataset_id: str, version_id: str, name: str, data: bytes, *, encrypt: bool) -> StoredObject:
        path = self._path(dataset_id, version_id, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256(data).hexdigest()
        if encrypt:
            header, blob = self._envelope().encrypt(data, aad_for(dataset_id, version_id, name))
            write_bytes_atomic(path, blob)
            write_bytes_atomic(path.with_name(path.name + HEADER_SUFFIX), json.dumps(header).encode())
        else:
            write_bytes_atomic(path, data)
        return StoredObject(sha256=digest, size_bytes=len(data), encrypted=encrypt)

    def exists(self, dataset_id: str, version_id: str, name: str) -> bool:
        return self._path(dataset_id, version_id, name).is_file()

    def is_encrypted(self, dataset_id: str, version_id: str, name: str) -> bool:
        path = self._path(dataset_id, version_id, name)
        return path.with_name(path.name + HEADER_SUFFIX).is_file()

    def get(self, dataset_id: str, version_id: str, name: str, *, expected_sha256: str) -> bytes:
        path = self._path(dataset_id, version_id, name)
        if not path.is_file():
            raise NotFound(f"no stored object {name!r} for {dataset_id}@{version_id[:19]}", field="name")
        header_path = path.with_name(path.name + HEADER_SUFFIX)
        raw = path.read_bytes()
        if header_path.is_file():
            try:
                header = json.loads(header_path.read_bytes())
            except ValueError as exc:
                raise InvalidDataset(f"{name}: corrupt encryption header") from exc
            out = io.BytesIO()
            self._envelope().decrypt_stream(
                io.BytesIO(raw), out, header, aad_for(dataset_id, version_id, name)
            )
            raw = out.getvalue()
        if hashlib.sha256(raw).hexdigest() != expected_sha256:
            raise ChecksumMismatch(
                f"{dataset_id}@{version_id[:19]}/{name}: checksum mismatch (content altered on disk)"
            )
        return raw

    def rotate(self, old: AesGcmEnvelope, new: AesGcmEnvelope) -> int:
        """Re-wrap every data key from ``old`` to ``new`` (data files untouched); returns the count.

        Headers already under ``new`` are skipped, so an interrupted rotation can simply be rerun.
        """
        count = 0
        if not self._root.is_dir():
            return 0
        for header_path in sorted(self._root.glob(f"*/*/*{HEADER_SUFFIX}")):
            header = json.loads(header_path.read_bytes())
            if header.get("kid") == new.kid:
                continue
            dataset_id, version_hex = header_path.parts[-3], header_path.parts[-2]
            name = header_path.name.removesuffix(HEADER_SUFFIX)
            aad = aad_for(dataset_id, "sha256:" + version_hex, name)
            write_bytes_atomic(header_path, json.dumps(old.rewrap(header, aad, new)).encode())
            count += 1
        return count
