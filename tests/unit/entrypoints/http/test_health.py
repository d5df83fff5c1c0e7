"""GET /health/live (process) apart from GET /health/ready (database, Redis), under load too."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from typing import Any

from dependency_injector import providers
from litestar.testing import TestClient

from astrobio.bootstrap.health import ReadinessProbe
from astrobio.domain.ranking import Ranking
from astrobio.entrypoints.http import create_app
from tests.unit.entrypoints.http.conftest import Edge, build


def test_live_and_ready_answer_ok(shared_open_edge: Edge) -> None:
    c = shared_open_edge.client
    assert c.get("/health/live").json() == {"status": "ok", "version": "0.1.0"}
    for path in ("/health/ready", "/health"):
        r = c.get(path)
        assert r.status_code == 200 and r.json() == {"status": "ok", "version": "0.1.0", "database": "ok"}


class _DownProbe:
    async def check(self) -> Any:
        raise AssertionError("liveness must not check dependencies")

    def close(self) -> None:
        pass


def test_liveness_checks_no_dependency(tmp_path: Path) -> None:
    container, _ = build(tmp_path, auth=False)
    container.readiness.override(providers.Object(_DownProbe()))
    with TestClient(app=create_app(container)) as c:
        assert c.get("/health/live").status_code == 200


def test_readiness_checks_redis_when_configured(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    up = asyncio.run(ReadinessProbe(url, "redis://127.0.0.1:6379/0").check())
    assert up.database == "ok" and up.redis in ("ok", "unavailable")  # "ok" where Redis runs
    down = asyncio.run(ReadinessProbe(url, "redis://127.0.0.1:1/0", timeout_s=0.5).check())
    assert down.redis == "unavailable" and not down.ok and "redis" in down.detail
    assert asyncio.run(ReadinessProbe(url, None).check()).redis == "not configured"


class _SlowRanking:
    """Holds a worker thread for 3 s per request, like a slow ranking would."""

    def __init__(self) -> None:
        self.running = 0
        self.lock = threading.Lock()

    def execute(self, command: Any) -> Any:
        with self.lock:
            self.running += 1
        time.sleep(3.0)
        return Ranking(targets=(), considered=0, eligible=0)


def test_readiness_is_not_queued_behind_request_work(tmp_path: Path) -> None:
    """A real server (uvicorn on loopback) whose request threads are all busy still says ready."""
    import httpx
    import uvicorn

    container, _ = build(tmp_path, auth=False)
    slow = _SlowRanking()
    container.rank_targets.override(providers.Factory(lambda: slow))
    server = uvicorn.Server(uvicorn.Config(create_app(container), host="127.0.0.1", port=0,
                                           log_level="error", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        while not server.started:
            time.sleep(0.02)
        port = server.servers[0].sockets[0].getsockname()[1]
        base = f"http://127.0.0.1:{port}"
        assert httpx.get(f"{base}/health/ready", timeout=10).status_code == 200  # a probe before the load
        hammer = [threading.Thread(target=lambda: httpx.post(f"{base}/rank", json={}, timeout=30))
                  for _ in range(12)]
        for t in hammer:
            t.start()
        time.sleep(0.3)  # the default thread pool (min(32, cpus + 4) threads) is now asleep
        probes = []
        for _ in range(5):
            t0 = time.perf_counter()
            status = httpx.get(f"{base}/health/ready", timeout=10).status_code
            probes.append((status, round(time.perf_counter() - t0, 3)))
        for t in hammer:
            t.join()
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    assert slow.running >= 4  # the request pool was really saturated
    assert all(status == 200 for status, _ in probes), probes
    # queued behind the requests, a probe would wait >= 3 s (one round of sleeping handlers)
    assert max(elapsed for _, elapsed in probes) < 2.0, probes
    assert sorted(elapsed for _, elapsed in probes)[2] < 0.5, probes
