"""Edge benchmarks: POST /rank under 16 clients, POST /assess under 64 clients, /health/ready meanwhile.

Run: ``.venv/bin/python benchmarks/bench_edge.py [--seconds 10] [--workers 2] [--json]``.

Loopback only, bounded: a throwaway data directory gets the bundled catalog (5,966 planets),
then ``uvicorn --workers N`` serves the API while a keep-alive HTTP/1.1 load generator (plain
asyncio sockets, one process) runs for ``--seconds`` per phase. Targets: POST /rank p50 < 50 ms
at 16 clients; /assess >= 2,000 req/s at 64 clients with 2 workers; /health/ready p99 < 100 ms
under that load. The load generator shares the machine: on 2 cores it takes about one of them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent / "astrobio"
ASSESS = json.dumps({
    "name": "TRAPPIST-1 e", "radius_earth": 0.920, "mass_earth": 0.692, "orbital_period_days": 6.101,
    "star": {"teff_k": 2566, "radius_sun": 0.1192, "mass_sun": 0.0898, "k_mag": 10.296, "distance_pc": 12.43},
}).encode()
RANK = json.dumps({"top": 20}).encode()


def _request(method: str, path: str, body: bytes = b"") -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {len(body)}\r\n"
    if body:
        head += "Content-Type: application/json\r\n"
    return (head + "\r\n").encode() + body


async def _one(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: bytes) -> int:
    writer.write(raw)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    await reader.readexactly(length)
    return status


async def _clients(port: int, raw: bytes, clients: int, seconds: float,
                   latencies: list[float], errors: list[int]) -> None:
    deadline = time.perf_counter() + seconds

    async def client() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while time.perf_counter() < deadline:
                t0 = time.perf_counter()
                status = await _one(reader, writer, raw)
                latencies.append(time.perf_counter() - t0)
                if status != 200:
                    errors.append(status)
        finally:
            writer.close()

    await asyncio.gather(*(client() for _ in range(clients)))


async def _probe(
    port: int, seconds: float, every_s: float, latencies: list[float], errors: list[int]
) -> None:
    deadline = time.perf_counter() + seconds
    raw = _request("GET", "/health/ready")
    while time.perf_counter() < deadline:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)  # a fresh probe each time
        t0 = time.perf_counter()
        status = await _one(reader, writer, raw)
        latencies.append(time.perf_counter() - t0)
        if status != 200:
            errors.append(status)
        writer.close()
        await asyncio.sleep(every_s)


def _pct(xs: list[float], q: float) -> float:
    return sorted(xs)[min(len(xs) - 1, int(q * len(xs)))] * 1000.0 if xs else float("nan")


def phase(port: int, raw: bytes, clients: int, seconds: float) -> dict[str, float]:
    lat: list[float] = []
    err: list[int] = []
    probe_lat: list[float] = []
    probe_err: list[int] = []

    async def run() -> None:
        await asyncio.gather(_clients(port, raw, clients, seconds, lat, err),
                             _probe(port, seconds, 0.05, probe_lat, probe_err))

    t0 = time.perf_counter()
    asyncio.run(run())
    wall = time.perf_counter() - t0
    return {
        "requests": len(lat), "req_per_s": len(lat) / wall, "p50_ms": _pct(lat, 0.5),
        "p99_ms": _pct(lat, 0.99), "non_200": len(err),
        "ready_probes": len(probe_lat), "ready_p50_ms": _pct(probe_lat, 0.5),
        "ready_p99_ms": _pct(probe_lat, 0.99), "ready_non_200": len(probe_err),
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--data-dir", type=Path, default=None, help="reuse a data dir (catalog ingested)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    data = args.data_dir or Path(tempfile.mkdtemp(prefix="astrobio-bench-edge-"))
    env = {**os.environ, "ASTROBIO_DATA_DIR": str(data), "ASTROBIO_LOG_LEVEL": "warning",
           "OMP_NUM_THREADS": "1"}
    upgrade = "from astrobio.adapters.sql import migrate; import sys; migrate.upgrade(sys.argv[1], 'head')"
    url = f"sqlite:///{(data / 'astrobio.sqlite3').resolve()}"
    subprocess.run([sys.executable, "-c", upgrade, url], env=env, check=True, capture_output=True)
    if args.data_dir is None:
        subprocess.run([str(BIN), "ingest", "catalog", "--json"], env=env, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "astrobio.entrypoints.http.app:create_app", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--workers", str(args.workers),
         "--log-level", "warning", "--no-access-log"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        # Let every worker assess the catalog once (the warm-up at start), then measure.
        warm = phase(port, _request("POST", "/rank", RANK), 2, 2.0)
        for _ in range(60):
            if warm["p50_ms"] < 100:
                break
            warm = phase(port, _request("POST", "/rank", RANK), 2, 1.0)
        figures = {
            "rank_16_clients": phase(port, _request("POST", "/rank", RANK), 16, args.seconds),
            "assess_64_clients": phase(port, _request("POST", "/assess", ASSESS), 64, args.seconds),
            "workers": args.workers, "cpus": os.cpu_count() or 0,
        }
    finally:
        server.terminate()
        server.wait(timeout=30)
    if args.json:
        print(json.dumps(figures, indent=1))
        return
    for name in ("rank_16_clients", "assess_64_clients"):
        f: dict[str, float] = figures[name]  # type: ignore[assignment]
        print(f"{name:18s} {f['req_per_s']:8.0f} req/s  p50 {f['p50_ms']:7.1f} ms  "
              f"p99 {f['p99_ms']:7.1f} ms  non-200 {f['non_200']:.0f}  | /health/ready "
              f"p50 {f['ready_p50_ms']:.1f} ms p99 {f['ready_p99_ms']:.1f} ms "
              f"({f['ready_probes']:.0f} probes, {f['ready_non_200']:.0f} non-200)")
    print(f"workers {args.workers}, cpus {figures['cpus']}; median of one run, loopback")


if __name__ == "__main__":
    main()
