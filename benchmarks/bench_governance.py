"""Governance benchmarks: AES-256-GCM envelope throughput, catalog quality report, cube manifest.

Run: ``OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_governance.py [--mib 256] [--json]``.

Figures:
- AES-256-GCM: encrypt and decrypt of ``--mib`` MiB (default 256; 1024 for the 1 GiB figure) held
  in memory, streamed in 1 MiB chunks through the envelope (one data key, per-chunk nonces and
  tags), in GB/s (10^9 bytes per second of wall time);
- quality report of the bundled PSCompPars catalog (5,966 planets): cold (first call in the
  process: pandas/pandera/scikit-learn imports included) and warm (median of 5);
- SHA-256 manifest of the bundled ExoPlaSim cube set (15 NetCDF runs): per-variable checksums and
  summary statistics of every array, in MB of array data per second.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


class _Discard:
    """A sink that keeps nothing: the cipher's own throughput, without the cost of holding 1 GiB."""

    def write(self, b: bytes) -> int:
        return len(b)


def bench_aes(mib: int) -> dict[str, float]:
    import tempfile

    from astrobio.adapters.crypto.aes_gcm import AesGcmEnvelope

    env = AesGcmEnvelope(os.urandom(32))
    data = os.urandom(1 << 20) * mib
    aad = b"astrobio|bench|sha256:" + b"0" * 64 + b"|blob"
    n = len(data)
    t0 = time.perf_counter()
    header = env.encrypt_stream(io.BytesIO(data), _Discard(), aad)
    stream_enc_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    header, ct = env.encrypt(data, aad)
    enc_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    env.decrypt_stream(io.BytesIO(ct), _Discard(), header, aad)
    stream_dec_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    back = env.decrypt(header, ct, aad)
    dec_s = time.perf_counter() - t0
    assert back == data
    del back, ct
    with tempfile.TemporaryDirectory() as d:  # file -> file on the local disk (includes the I/O)
        plain, enc = os.path.join(d, "plain"), os.path.join(d, "enc")
        with open(plain, "wb") as f:
            f.write(data)
        t0 = time.perf_counter()
        with open(plain, "rb") as f, open(enc, "wb") as g:
            header = env.encrypt_stream(f, g, aad)
        file_enc_s = time.perf_counter() - t0
    return {
        "bytes": n,
        "stream_encrypt_gb_s": n / stream_enc_s / 1e9,
        "stream_decrypt_gb_s": n / stream_dec_s / 1e9,
        "encrypt_gb_s": n / enc_s / 1e9,
        "decrypt_gb_s": n / dec_s / 1e9,
        "file_encrypt_gb_s": n / file_enc_s / 1e9,
    }


def bench_quality() -> dict[str, float]:
    from astrobio.bootstrap.container import build_container
    from astrobio.bootstrap.settings import Settings

    snap = build_container(Settings()).catalogs().open("bundled").fetch()
    from astrobio.adapters.quality.exoplanets import ExoplanetTableValidator

    v = ExoplanetTableValidator()
    t0 = time.perf_counter()
    report = v.validate(snap.source, snap)
    cold = time.perf_counter() - t0
    warm = []
    for _ in range(5):
        t0 = time.perf_counter()
        v.validate(snap.source, snap)
        warm.append(time.perf_counter() - t0)
    return {
        "planets": len(snap.planets),
        "cold_s": cold,
        "warm_median_s": statistics.median(warm),
        "grade": report.grade,
        "overall": report.overall,
    }  # type: ignore[dict-item]


def bench_manifest(gb: float = 0.0) -> dict[str, float]:
    """Manifest of the bundled cubes; with ``gb`` > 0 each cube is repeated along time until the
    arrays add up to about that many GB (the checksum and statistics pass is what is timed)."""
    import xarray as xr

    from astrobio.adapters.quality.cubes import cube_entries
    from astrobio.domain.dataset_version import Manifest

    files = sorted((ROOT / "data" / "gcm").glob("*.nc"))
    datasets = [xr.open_dataset(f).load() for f in files]
    if gb > 0:
        per_copy = sum(sum(v.nbytes for v in ds.data_vars.values()) for ds in datasets)
        k = max(1, round(gb * 1e9 / per_copy))
        datasets = [xr.concat([ds] * k, dim="time") if "time" in ds.dims else ds for ds in datasets]
    t0 = time.perf_counter()
    ids, nbytes = [], 0
    for ds in datasets:
        entries = cube_entries(ds)
        nbytes += sum(e.size_bytes for e in entries)
        ids.append(Manifest(entries=tuple(entries)).version_id())
    dt = time.perf_counter() - t0
    return {"cubes": len(files), "array_mb": nbytes / 1e6, "seconds": dt, "mb_s": nbytes / 1e6 / dt}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mib", type=int, default=256)
    ap.add_argument("--manifest-gb", type=float, default=0.0,
                    help="scale the cube set to about this many GB of arrays (1 for the 1 GB figure)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    out = {
        "aes_gcm": bench_aes(args.mib),
        "quality_catalog": bench_quality(),
        "cube_manifest": bench_manifest(args.manifest_gb),
    }
    if args.json:
        print(json.dumps(out, indent=2, default=str))
        return
    a, q, m = out["aes_gcm"], out["quality_catalog"], out["cube_manifest"]
    print(
        f"AES-256-GCM envelope, {a['bytes'] / 2**20:.0f} MiB in 1 MiB chunks: streaming encrypt "
        f"{a['stream_encrypt_gb_s']:.2f} GB/s, decrypt {a['stream_decrypt_gb_s']:.2f} GB/s; bytes API "
        f"encrypt {a['encrypt_gb_s']:.2f} GB/s, decrypt {a['decrypt_gb_s']:.2f} GB/s; file to file on disk "
        f"{a['file_encrypt_gb_s']:.2f} GB/s"
    )
    print(
        f"quality report, {q['planets']} planets: cold {q['cold_s']:.2f} s (imports included), "
        f"warm {q['warm_median_s']:.3f} s; grade {q['grade']} ({q['overall']:.1%})"
    )
    print(
        f"SHA-256 manifest of {m['cubes']} cubes ({m['array_mb']:.1f} MB of arrays): {m['seconds']:.3f} s, "
        f"{m['mb_s']:.0f} MB/s"
    )


if __name__ == "__main__":
    main()
