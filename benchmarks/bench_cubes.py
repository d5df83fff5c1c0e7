"""Cube store benchmarks: NetCDF -> Zarr ingest throughput, and slice read latency from Zarr.

Run: ``OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_cubes.py [--repeats 200] [--json]``.
Ingests the 15 bundled ExoPlaSim runs (``data/gcm``, ~30 MB of NetCDF4) into a throwaway local
Zarr root, in-process, once with the default settings (sources up to 256 MiB read at once) and
once fully lazy through dask (``eager_max_bytes=0``, the path big files and dask.distributed take).

Figures:
- ingest throughput: MB (10^6 bytes) of *source NetCDF file* per second of wall time, including
  validation, the Zarr write, the checksum pass (which reads every array back) and publication;
- read latency: median (and p95) of ``read(cube, "ts", time=t)`` (one 32x64 field, one chunk) and
  ``read(cube, "ta", time=t, lev=k)`` (one level of a 10x32x64 chunk), indices cycling over the
  cubes and steps, store already open (the first read of a cube opens it and is not counted).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from astrobio.adapters.cubes.bundled import bundled_runs  # noqa: E402
from astrobio.adapters.cubes.netcdf import DEFAULT_EAGER_MAX_BYTES  # noqa: E402
from astrobio.adapters.cubes.zarr_store import ZarrCubeStore  # noqa: E402
from astrobio.domain.climate import ClimateCube, ClimateParameters  # noqa: E402


def ingest_all(store: ZarrCubeStore,
               runs: list[tuple[Path, ClimateParameters]]) -> tuple[float, list[ClimateCube]]:
    now = datetime.now(UTC)
    cubes = []
    t0 = time.perf_counter()
    for path, params in runs:
        cubes.append(store.ingest([str(path)], cube_id=path.stem, name=path.stem, parameters=params,
                                  mapping=None, run_id=None, now=now))
    return time.perf_counter() - t0, cubes


def latency_ms(store: ZarrCubeStore, cubes: list[ClimateCube], repeats: int, variable: str,
               lev: int | None) -> dict[str, float]:
    for cube in cubes:  # open each cube once: steady-state reads only
        store.read(cube, variable, time=0, lev=lev)
    samples = []
    for i in range(repeats):
        cube = cubes[i % len(cubes)]
        t0 = time.perf_counter()
        store.read(cube, variable, time=i % cube.grid.n_time, lev=lev)
        samples.append((time.perf_counter() - t0) * 1000.0)
    samples.sort()
    return {"median_ms": statistics.median(samples), "p95_ms": samples[int(0.95 * (len(samples) - 1))]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=200, help="reads per latency figure")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()

    runs = bundled_runs(ROOT / "data" / "gcm")
    source_mb = sum(p.stat().st_size for p, _ in runs) / 1e6
    ingest: dict[str, dict[str, float]] = {}
    reads: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-cubes-") as tmp:
        ingest_all(ZarrCubeStore(f"{tmp}/warm"), runs[:1])  # pays imports and thread-pool start-up
        for label, eager_max_bytes in (("ingest_default", DEFAULT_EAGER_MAX_BYTES), ("ingest_lazy_dask", 0)):
            store = ZarrCubeStore(f"{tmp}/{label}", eager_max_bytes=eager_max_bytes)
            seconds, cubes = ingest_all(store, runs)
            stored_mb = sum(f.stat().st_size for f in Path(f"{tmp}/{label}").rglob("*") if f.is_file()) / 1e6
            ingest[label] = {"seconds": seconds, "mb_per_s": source_mb / seconds,
                             "per_run_s": seconds / len(runs), "stored_mb": stored_mb}
        reads["read_ts_one_step"] = latency_ms(store, cubes, args.repeats, "ts", None)
        reads["read_ta_one_level"] = latency_ms(store, cubes, args.repeats, "ta", 5)
        store.close()
    if args.json:
        print(json.dumps({"runs": len(runs), "source_mb": source_mb, **ingest, **reads}, indent=2))
        return
    threads = os.environ.get("OMP_NUM_THREADS", "unset")
    print(f"{len(runs)} ExoPlaSim runs, {source_mb:.1f} MB of NetCDF4; "
          f"{os.cpu_count()} CPUs, OMP_NUM_THREADS={threads}")
    for label, r in ingest.items():
        print(f"{label:<18} {r['mb_per_s']:7.2f} MB/s  ({r['seconds']:.2f} s, {r['per_run_s']:.3f} s/run, "
              f"{r['stored_mb']:.1f} MB stored)")
    for label, r in reads.items():
        print(f"{label:<18} median {r['median_ms']:.2f} ms, p95 {r['p95_ms']:.2f} ms  (n={args.repeats})")


if __name__ == "__main__":
    main()
