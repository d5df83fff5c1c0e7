"""ArqTaskQueue: hands job ids to arq workers through Redis."""

from __future__ import annotations

import asyncio
import threading

from astrobio.application.ports.queue import TaskQueue
from astrobio.domain.errors import UpstreamUnavailable

#: Name of the arq function the worker registers (see ``entrypoints/worker.py``).
RUN_JOB_FUNCTION = "run_job"


class ArqTaskQueue(TaskQueue):
    """Enqueue ``run_job(job_id)`` on an arq queue; arq's job id is our job id (dedupes)."""

    def __init__(self, redis_url: str, queue_name: str) -> None:
        self._redis_url = redis_url
        self._queue_name = queue_name

    async def enqueue_async(self, job_id: str) -> None:
        from arq import create_pool
        from arq.connections import RedisSettings

        try:
            pool = await create_pool(
                RedisSettings.from_dsn(self._redis_url), default_queue_name=self._queue_name
            )
        except Exception as exc:  # redis.ConnectionError, OSError, arq retries exhausted
            raise UpstreamUnavailable("redis", str(exc)) from exc
        try:
            await pool.enqueue_job(RUN_JOB_FUNCTION, job_id, _job_id=job_id)
        except Exception as exc:
            raise UpstreamUnavailable("redis", str(exc)) from exc
        finally:
            await pool.aclose()

    def drain(self, timeout_s: float | None = None) -> None:
        """Jobs run in arq workers, not here: nothing to wait for."""

    def enqueue(self, job_id: str) -> None:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            asyncio.run(self.enqueue_async(job_id))
            return
        # Called from inside an event loop: run on a private loop in another thread.
        errors: list[BaseException] = []

        def target() -> None:
            try:
                asyncio.run(self.enqueue_async(job_id))
            except BaseException as exc:
                errors.append(exc)

        t = threading.Thread(target=target)
        t.start()
        t.join()
        if errors:
            raise errors[0]
