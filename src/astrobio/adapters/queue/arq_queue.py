"""ArqTaskQueue: hands job ids to arq workers through Redis."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import replace

from astrobio.application.ports.queue import TaskQueue
from astrobio.domain.errors import UpstreamUnavailable

#: Name of the arq function the worker registers (see ``entrypoints/worker.py``).
RUN_JOB_FUNCTION = "run_job"
#: Seconds to wait for Redis before reporting it unavailable (a submit must not hang).
CONNECT_TIMEOUT_S = 2


def arq_job_id(job_id: str, attempt: int) -> str:
    """arq's id for delivery ``attempt`` of ``job_id``: the job id itself for the first (so a
    repeated enqueue is deduplicated), ``<id>:<attempt>`` for a requeued one."""
    return job_id if attempt <= 0 else f"{job_id}:{attempt}"


class ArqTaskQueue(TaskQueue):
    """Enqueue ``run_job(job_id)`` on an arq queue under :func:`arq_job_id`."""

    def __init__(self, redis_url: str, queue_name: str) -> None:
        self._redis_url = redis_url
        self._queue_name = queue_name

    async def enqueue_async(self, job_id: str, *, attempt: int = 0, defer_s: float = 0.0) -> None:
        from arq import create_pool
        from arq.connections import RedisSettings

        settings = replace(RedisSettings.from_dsn(self._redis_url), conn_timeout=CONNECT_TIMEOUT_S,
                           conn_retries=1, conn_retry_delay=0)
        try:
            pool = await create_pool(settings, default_queue_name=self._queue_name)
        except Exception as exc:  # redis.ConnectionError, OSError, arq retries exhausted
            raise UpstreamUnavailable("redis", str(exc)) from exc
        try:
            await pool.enqueue_job(RUN_JOB_FUNCTION, job_id, _job_id=arq_job_id(job_id, attempt),
                                   _defer_by=defer_s if defer_s > 0 else None)
        except Exception as exc:
            raise UpstreamUnavailable("redis", str(exc)) from exc
        finally:
            await pool.aclose()

    def drain(self, timeout_s: float | None = None) -> None:
        """Jobs run in arq workers, not here: nothing to wait for."""

    def enqueue(self, job_id: str, *, attempt: int = 0, defer_s: float = 0.0) -> None:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            asyncio.run(self.enqueue_async(job_id, attempt=attempt, defer_s=defer_s))
            return
        # Called from inside an event loop: run on a private loop in another thread.
        errors: list[BaseException] = []

        def target() -> None:
            try:
                asyncio.run(self.enqueue_async(job_id, attempt=attempt, defer_s=defer_s))
            except BaseException as exc:
                errors.append(exc)

        t = threading.Thread(target=target)
        t.start()
        t.join()
        if errors:
            raise errors[0]
