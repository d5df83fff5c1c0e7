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


def bench_aes(mib: int) -> dict[str, float]:
    from astrobio.adapters.crypto.aes_gcm import AesGcmEnvelope

    env = AesGcmEnvelope(os.urandom(32))
    data = os.urandom(1 << 20) * mib
    aad = b"astrobio|bench|sha256:" + b"0" * 64 + b"|blob"
    out = io.BytesIO()
    t0 = time.perf_counter()
    header = env.encrypt_stream(io.BytesIO(data), out, aad)
    enc_s = time.perf_counter() - t0
    ct = out.getvalue()
    del out
    back = io.BytesIO()
    t0 = time.perf_counter()
    env.decrypt_stream(io.BytesIO(ct), back, header, aad)
    dec_s = time.perf_counter() - t0
    assert back.getvalue() == data
    n = len(data)
    return {
        "bytes": n,
        "encrypt_gb_s": n / enc_s / 1e9,
        "decrypt_gb_s": n / dec_s / 1e9,
        "encrypt_s": enc_s,
        "decrypt_s": dec_s,
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


def bench_manifest() -> dict[str, float]:
    import xarray as xr

    from astrobio.adapters.quality.cubes import cube_entries
    from astrobio.domain.dataset_version import Manifest

    files = sorted((ROOT / "data" / "gcm").glob("*.nc"))
    datasets = [xr.open_dataset(f).load() for f in files]
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
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    out = {
        "aes_gcm": bench_aes(args.mib),
        "quality_catalog": bench_quality(),
        "cube_manifest": bench_manifest(),
    }
    if args.json:
        print(json.dumps(out, indent=2, default=str))
        return
    a, q, m = out["aes_gcm"], out["quality_catalog"], out["cube_manifest"]
    print(
        f"AES-256-GCM envelope, {a['bytes'] / 2**20:.0f} MiB in 1 MiB chunks: "
        f"encrypt {a['encrypt_gb_s']:.2f} GB/s, decrypt {a['decrypt_gb_s']:.2f} GB/s"
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
