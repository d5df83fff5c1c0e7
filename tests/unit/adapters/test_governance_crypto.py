"""AES-256-GCM envelope encryption, the object store and the master key: tampering always fails."""

from __future__ import annotations

import hashlib
import io
import json
import os
import stat
from pathlib import Path

import pytest

from astrobio.adapters.crypto.aes_gcm import AesGcmEnvelope, DecryptionFailed
from astrobio.adapters.crypto.keys import ScryptSecretHasher, load_master_key
from astrobio.adapters.governance.file_objects import ChecksumMismatch, FileObjectStore
from astrobio.domain.errors import InvalidDataset, InvalidQuantity

AAD = b"astrobio|dataset|sha256:" + b"0" * 64 + b"|f"
V1 = "sha256:" + "1" * 64
V2 = "sha256:" + "2" * 64


def env(chunk: int = 64) -> AesGcmEnvelope:
    return AesGcmEnvelope(os.urandom(32), chunk_bytes=chunk)


@pytest.mark.parametrize("size", [0, 1, 63, 64, 65, 1000])
def test_round_trips_any_size_across_chunks(size: int) -> None:
    e, data = env(), os.urandom(size)
    header, ct = e.encrypt(data, AAD)
    assert e.decrypt(header, ct, AAD) == data
    # The plaintext never appears in the ciphertext (checked only where a chance match is
    # negligible: a 1-byte plaintext occurs by chance in a 17-byte ciphertext 6 % of the time).
    assert size < 16 or data not in ct


def _decrypt_stream(e: AesGcmEnvelope, header: dict[str, object], ct: bytes) -> bytes:
    out = io.BytesIO()
    e.decrypt_stream(io.BytesIO(ct), out, header, AAD)
    return out.getvalue()


@pytest.mark.parametrize("size", [0, 1, 64, 128, 129, 1000])
def test_bytes_and_stream_formats_are_one_format(size: int) -> None:
    e, data = env(), os.urandom(size)
    header, ct = e.encrypt(data, AAD)
    assert _decrypt_stream(e, header, ct) == data
    out = io.BytesIO()
    header2 = e.encrypt_stream(io.BytesIO(data), out, AAD)
    assert len(out.getvalue()) == len(ct) and e.decrypt(header2, out.getvalue(), AAD) == data


@pytest.mark.parametrize("cut", [1, 16, 80])
def test_stream_decrypt_refuses_truncated_ciphertext(cut: int) -> None:
    e = env()
    header, ct = e.encrypt(b"y" * 200, AAD)
    with pytest.raises(DecryptionFailed):
        _decrypt_stream(e, header, ct[:-cut])
    with pytest.raises(DecryptionFailed):
        _decrypt_stream(e, header, ct[: 64 + 16])  # the final chunk dropped at a boundary


def test_streams_a_file_chunk_by_chunk(tmp_path: Path) -> None:
    e, data = env(chunk=4096), os.urandom(100_000)
    src, enc, dec = tmp_path / "plain", tmp_path / "enc", tmp_path / "dec"
    src.write_bytes(data)
    with open(src, "rb") as f, open(enc, "wb") as g:
        header = e.encrypt_stream(f, g, AAD)
    with open(enc, "rb") as f, open(dec, "wb") as g:
        e.decrypt_stream(f, g, header, AAD)
    assert dec.read_bytes() == data
    assert enc.stat().st_size == len(data) + 16 * (len(data) // 4096 + 1)


def test_tampered_ciphertext_fails_with_a_clear_error() -> None:
    e = env()
    header, ct = e.encrypt(b"x" * 200, AAD)
    bad = bytearray(ct)
    bad[70] ^= 1
    with pytest.raises(DecryptionFailed, match="tampered"):
        e.decrypt(header, bytes(bad), AAD)


@pytest.mark.parametrize("cut", [1, 16, 80])  # inside the tag, a whole chunk, mid-chunk
def test_truncated_ciphertext_fails(cut: int) -> None:
    e = env()
    header, ct = e.encrypt(b"y" * 200, AAD)  # 4 chunks of 64 + tag
    with pytest.raises(DecryptionFailed):
        e.decrypt(header, ct[:-cut], AAD)


def test_dropping_the_final_chunk_at_a_boundary_fails() -> None:
    e = env()
    header, ct = e.encrypt(b"z" * 128, AAD)  # chunks of 64 + 16 bytes, the last one final
    with pytest.raises(DecryptionFailed):
        e.decrypt(header, ct[: 64 + 16], AAD)


def test_wrong_key_and_wrong_associated_data_fail() -> None:
    e = env()
    header, ct = e.encrypt(b"secret", AAD)
    with pytest.raises(DecryptionFailed, match="wrong key"):
        env().decrypt(header, ct, AAD)
    with pytest.raises(DecryptionFailed):
        e.decrypt(header, ct, AAD.replace(b"dataset", b"other!!"))
    forged = {**header, "kid": env().kid}
    with pytest.raises(DecryptionFailed):
        e.decrypt(forged, ct, AAD)


def test_rotation_rewraps_keys_without_touching_data(tmp_path: Path) -> None:
    old, new = env(), env()
    store = FileObjectStore(tmp_path, lambda: old)
    obj = store.put("restricted.ds", V1, "table.csv", b"a,b\n1,2\n", encrypt=True)
    blob = (tmp_path / "restricted.ds" / ("1" * 64) / "table.csv").read_bytes()
    assert store.rotate(old, new) == 1
    assert store.rotate(old, new) == 0  # idempotent: already under the new key
    assert (tmp_path / "restricted.ds" / ("1" * 64) / "table.csv").read_bytes() == blob
    assert (
        FileObjectStore(tmp_path, lambda: new).get(
            "restricted.ds", V1, "table.csv", expected_sha256=obj.sha256
        )
        == b"a,b\n1,2\n"
    )
    with pytest.raises(DecryptionFailed):
        FileObjectStore(tmp_path, lambda: old).get(
            "restricted.ds", V1, "table.csv", expected_sha256=obj.sha256
        )


def test_restricted_objects_are_encrypted_at_rest_and_checksummed(tmp_path: Path) -> None:
    e = env()
    store = FileObjectStore(tmp_path, lambda: e)
    data = b"TRAPPIST-1 e,0.92\n" * 50
    obj = store.put("d", V1, "planets.csv", data, encrypt=True)
    on_disk = (tmp_path / "d" / ("1" * 64) / "planets.csv").read_bytes()
    assert b"TRAPPIST" not in on_disk and obj.encrypted
    assert store.get("d", V1, "planets.csv", expected_sha256=hashlib.sha256(data).hexdigest()) == data
    # A ciphertext copied under another version does not decrypt (associated data).
    (tmp_path / "d" / ("2" * 64)).mkdir()
    for name in ("planets.csv", "planets.csv.key.json"):
        (tmp_path / "d" / ("2" * 64) / name).write_bytes((tmp_path / "d" / ("1" * 64) / name).read_bytes())
    with pytest.raises(DecryptionFailed):
        store.get("d", V2, "planets.csv", expected_sha256=obj.sha256)


def test_plain_objects_are_verified_on_read(tmp_path: Path) -> None:
    store = FileObjectStore(tmp_path, lambda: pytest.fail("no key needed for public data"))  # type: ignore[arg-type,return-value]
    obj = store.put("d", V1, "a.txt", b"hello", encrypt=False)
    (tmp_path / "d" / ("1" * 64) / "a.txt").write_bytes(b"hellp")
    with pytest.raises(ChecksumMismatch):
        store.get("d", V1, "a.txt", expected_sha256=obj.sha256)


@pytest.mark.parametrize(
    ("ds", "name"),
    [
        ("..", "a"),
        ("d", "../../etc/passwd"),
        ("d", ".key"),
        ("d/../..", "a"),
        ("d", "a.key.json"),
        ("d", ".."),
    ],
)
def test_object_paths_cannot_escape_the_root(tmp_path: Path, ds: str, name: str) -> None:
    store = FileObjectStore(tmp_path / "root", env)
    with pytest.raises(InvalidQuantity):
        store.put(ds, V1, name, b"x", encrypt=False)
    assert not (tmp_path / "etc").exists()


def test_header_tampering_is_detected(tmp_path: Path) -> None:
    e = env()
    store = FileObjectStore(tmp_path, lambda: e)
    obj = store.put("d", V1, "f", b"data" * 10, encrypt=True)
    hp = tmp_path / "d" / ("1" * 64) / "f.key.json"
    header = json.loads(hp.read_text())
    header["nonce_prefix"] = "AAAAAAAAAA=="
    hp.write_text(json.dumps(header))
    with pytest.raises(InvalidDataset):
        store.get("d", V1, "f", expected_sha256=obj.sha256)


def test_master_key_file_is_created_once_with_0600(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "master.key"
    k1 = load_master_key(None, path)
    assert len(k1) == 32 and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_master_key(None, path) == k1
    import base64

    env_key = base64.b64encode(b"k" * 32).decode()
    assert load_master_key(env_key, path) == b"k" * 32
    with pytest.raises(InvalidQuantity, match="32 bytes"):
        load_master_key(base64.b64encode(b"short").decode(), path)


def test_api_key_secrets_are_salted_kdf_hashes() -> None:
    h = ScryptSecretHasher(n=2**10)
    s1, d1 = h.hash("secret-token")
    s2, d2 = h.hash("secret-token")
    assert s1 != s2 and d1 != d2 and b"secret-token" not in d1
    assert h.verify("secret-token", s1, d1) and not h.verify("secret-tokem", s1, d1)


def test_stream_decrypt_reads_incrementally() -> None:
    e = env(chunk=1024)
    data = os.urandom(10_000)
    src = io.BytesIO()
    header = e.encrypt_stream(io.BytesIO(data), src, AAD)
    out = io.BytesIO()
    e.decrypt_stream(io.BytesIO(src.getvalue()), out, header, AAD)
    assert out.getvalue() == data
