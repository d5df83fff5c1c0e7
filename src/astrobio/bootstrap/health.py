"""Readiness: can this process reach its database (and Redis, when configured) right now?

The probe owns a one-connection engine and two threads of its own, so a probe is never queued
behind request work (the request pool, the default thread pool, a busy event loop's blocking
calls), and each check gives up after ``timeout_s``: a probe answers within about that time
whatever the load.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Literal

Status = Literal["ok", "unavailable"]

#: Seconds a readiness check may take before the dependency counts as unavailable.
READY_TIMEOUT_S = 1.0


@dataclass(frozen=True, slots=True, kw_only=True)
class Readiness:
    """``database`` / ``redis``: ``ok``, ``unavailable`` or (redis only) ``not configured``."""

    database: Status
    redis: Status | Literal["not configured"]
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.database == "ok" and self.redis in ("ok", "not configured")


class ReadinessProbe:
    def __init__(self, database_url: str, redis_url: str | None, timeout_s: float = READY_TIMEOUT_S) -> None:
        self._url, self._redis_url, self._timeout_s = database_url, redis_url, timeout_s
        self._pool: ThreadPoolExecutor | None = None
        self._engine: Any = None

    def _database(self) -> None:
        if self._engine is None:
            from astrobio.adapters.sql.engine import make_engine, normalize_url

            backend = normalize_url(self._url).get_backend_name()
            connect_args: dict[str, Any] = (
                {"connect_timeout": max(1, round(self._timeout_s))} if backend == "postgresql"
                else {"timeout": self._timeout_s}
            )
            self._engine = make_engine(self._url, pool_size=1, max_overflow=1,
                                       pool_timeout=self._timeout_s, connect_args=connect_args)
        with self._engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")

    async def _redis(self) -> None:
        from redis.asyncio import Redis

        client = Redis.from_url(self._redis_url or "", socket_connect_timeout=self._timeout_s,
                                socket_timeout=self._timeout_s)
        try:
            await client.ping()
        finally:
            await client.aclose()

    async def check(self) -> Readiness:
        """Check every dependency concurrently, each bounded by ``timeout_s``."""
        loop = asyncio.get_running_loop()
        detail: list[str] = []

        async def bounded(awaitable: Any, name: str) -> Status:
            try:
                await asyncio.wait_for(awaitable, self._timeout_s)
                return "ok"
            except Exception as exc:  # any failure means "not usable", whatever the driver says
                detail.append(f"{name}: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
                return "unavailable"

        if self._pool is None:  # (again, after a close: an app can be started twice)
            self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="astrobio-health")
        db = bounded(loop.run_in_executor(self._pool, self._database), "database")
        if self._redis_url:
            database, redis = await asyncio.gather(db, bounded(self._redis(), "redis"))
            return Readiness(database=database, redis=redis, detail="; ".join(detail))
        return Readiness(database=await db, redis="not configured", detail="; ".join(detail))

    def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
        if self._engine is not None:
            self._engine.dispose()
