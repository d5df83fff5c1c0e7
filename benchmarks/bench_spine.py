"""Spine benchmarks: ingest, rank, POST /assess latency/throughput, CLI cold start.

Run: ``.venv/bin/python benchmarks/bench_spine.py [--requests 2000] [--json]``.
Everything runs on loopback against a throwaway SQLite database in a temp directory.
Targets (2-core machine): ingest < 5 s, rank < 1 s, /assess p50 < 2 ms, cold start < 1.5 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent / "astrobio"
ASSESS_BODY = {
    "name": "TRAPPIST-1 e", "radius_earth": 0.920, "mass_earth": 0.692, "orbital_period_days": 6.101,
    "star": {"teff_k": 2566, "radius_sun": 0.1192, "mass_sun": 0.0898, "k_mag": 10.296, "distance_pc": 12.43},
}


def cli(env: dict[str, str], *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([str(BIN), *args], env=env, input=stdin, capture_output=True, check=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def bench_ingest_and_rank(env: dict[str, str], repeats: int) -> dict[str, float]:
    cli(env, "db", "upgrade")
    t0 = time.perf_counter()
    out = cli(env, "ingest", "catalog", "--json")
    ingest_cli_s = time.perf_counter() - t0
    report = json.loads(out.stdout)
    # In-process timings (no interpreter start-up) through the same container the CLI uses.
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.update(env)
    from astrobio.application.use_cases.ingest_catalog import IngestCatalogCommand
    from astrobio.application.use_cases.rank_targets import RankTargetsCommand
    from astrobio.bootstrap.container import build_container
    from astrobio.bootstrap.settings import load_settings

    c = build_container(load_settings(env))
    t0 = time.perf_counter()
    again = c.ingest_catalog().execute(IngestCatalogCommand())
    reingest_s = time.perf_counter() - t0
    assert again.inserted == 0 and again.updated == 0
    rank_times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        ranking = c.rank_targets().execute(RankTargetsCommand(top=20))
        rank_times.append(time.perf_counter() - t0)
    return {
        "planets_read": report["read"], "planets_inserted": report["inserted"],
        "rows_rejected": report["rejected_count"],
        "ingest_cli_total_s": ingest_cli_s, "reingest_unchanged_s": reingest_s,
        "rank_all_median_s": statistics.median(rank_times), "rank_considered": ranking.considered,
    }


async def _load(url: str, n: int, concurrency: int) -> tuple[list[float], float]:
    body = json.dumps(ASSESS_BODY).encode()
    lat: list[float] = []
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, limits=limits) as client:
        async def worker(k: int) -> None:
            for _ in range(k):
                t0 = time.perf_counter()
                r = await client.post("/assess", content=body, headers={"content-type": "application/json"})
                lat.append(time.perf_counter() - t0)
                r.raise_for_status()
        t0 = time.perf_counter()
        await asyncio.gather(*(worker(n // concurrency) for _ in range(concurrency)))
        return lat, time.perf_counter() - t0


def _wrk(url: str, body: bytes, seconds: int = 10) -> dict[str, float]:
    """16 connections with wrk (a C load generator, far lighter than a Python client), if installed."""
    if shutil.which("wrk") is None:
        return {}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                f"wrk.body = {json.dumps(body.decode())}\n")
    try:
        out = subprocess.run(["wrk", "-t", "1", "-c", "16", "-d", f"{seconds}s", "--latency", "-s", f.name,
                              f"{url}/assess"], capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(f.name)
    figures: dict[str, float] = {}
    for line in out.splitlines():
        parts = line.split()
        if line.startswith("Requests/sec:"):
            figures["assess_rps_16_clients_wrk"] = float(parts[1])
        elif len(parts) == 2 and parts[0] in ("50%", "99%"):
            v = parts[1]
            ms = float(v[:-2]) if v.endswith("ms") else float(v[:-2]) / 1e3 if v.endswith("us") \
                else float(v[:-1]) * 1e3
            figures[f"assess_p{parts[0][:-1]}_ms_16_clients_wrk"] = ms
    return figures


def bench_http(env: dict[str, str], n: int) -> dict[str, float]:
    port = free_port()
    proc = subprocess.Popen([str(BIN), "serve", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(url + "/health", timeout=1).status_code < 500:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        body = json.dumps(ASSESS_BODY).encode()
        with httpx.Client(base_url=url) as client:
            for _ in range(200):  # warm up
                client.post("/assess", content=body, headers={"content-type": "application/json"})
            seq = []
            for _ in range(n):
                t0 = time.perf_counter()
                client.post("/assess", content=body, headers={"content-type": "application/json"})
                seq.append(time.perf_counter() - t0)
        lat, wall = asyncio.run(_load(url, n, 16))
        wrk = _wrk(url, body)
    finally:
        proc.terminate()
        proc.wait(10)
    seq.sort()
    lat.sort()
    return wrk | {
        "assess_p50_ms": 1e3 * seq[len(seq) // 2], "assess_p99_ms": 1e3 * seq[int(len(seq) * 0.99)],
        "assess_rps_16_clients_httpx": len(lat) / wall,
        "assess_p50_ms_16_clients_httpx": 1e3 * lat[len(lat) // 2],
    }


def bench_cold_start(env: dict[str, str], repeats: int) -> dict[str, float]:
    body = json.dumps(ASSESS_BODY).encode()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        cli(env, "assess", "--json", stdin=body)
        times.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    cli(env, "--help")
    help_s = time.perf_counter() - t0
    return {"assess_cold_start_median_s": statistics.median(times), "help_s": help_s}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "ASTROBIO_DATA_DIR": tmp, "ASTROBIO_LOG_LEVEL": "warning",
               "OMP_NUM_THREADS": "1"}
        env.pop("ASTROBIO_DATABASE_URL", None)
        env.pop("ASTROBIO_REDIS_URL", None)
        figures = {"cpu_count": os.cpu_count() or 0}
        figures |= bench_ingest_and_rank(env, args.repeats)
        figures |= bench_cold_start(env, args.repeats)
        figures |= bench_http(env, args.requests)
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    for k, v in figures.items():
        print(f"{k:32s} {v:10.3f}" if isinstance(v, float) else f"{k:32s} {v:10d}")


if __name__ == "__main__":
    main()
