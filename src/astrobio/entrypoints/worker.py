"""The arq worker: runs queued jobs (``RunJob``) from Redis; scale by starting more of them.

Start it with ``astrobio worker`` (which calls :func:`run_worker`) or
``python -m astrobio.entrypoints.worker``; both read ``ASTROBIO_*`` settings.

Error map of this entrypoint (the job's own state, attempts and lease are kept by ``RunJob``):

* a job that ends ``failed`` (a domain error, a crash, its attempts spent, its time limit
  exceeded) is final: no retry;
* a job ``RunJob`` hands back ``queued`` (an upstream was unavailable inside it and the kind's
  retry policy allows another attempt) is run again after the kind's backoff (arq ``Retry``);
* :class:`~astrobio.domain.errors.UpstreamUnavailable` escaping ``RunJob`` (the database
  is unreachable, so the job could not even be claimed or its outcome recorded) is retried with
  exponential backoff, at most :data:`MAX_TRIES` runs in all; after that the job's lease lapses
  and a reaper takes it back;
* any other domain error (e.g. an unknown job id) is logged and not retried;
* anything else is logged with its traceback.

Each worker also runs the reaper (``ReapJobs``) every ``ASTROBIO_JOB_REAP_INTERVAL_S`` and once at
start: a job whose worker died (``kill -9``, a lost node) is queued again or failed within
``lease + interval`` seconds of the crash, or of the next worker's start.
"""

from __future__ import annotations

import asyncio
from typing import Any

import structlog

from astrobio.bootstrap.container import Container, build_container
from astrobio.bootstrap.jobs import POLICIES
from astrobio.bootstrap.logging import configure_logging
from astrobio.bootstrap.settings import Settings, load_settings
from astrobio.domain.errors import DomainError, InvalidQuantity, UpstreamUnavailable

#: The arq function name producers enqueue (``adapters.queue.arq_queue.RUN_JOB_FUNCTION``;
#: repeated here because entrypoints reach adapters only through bootstrap; a test pins them equal).
RUN_JOB_FUNCTION = "run_job"
MAX_TRIES = 10
RETRY_BASE_DELAY_S = 5.0
RETRY_MAX_DELAY_S = 60.0
#: How often a worker refreshes its health key (read by :func:`check_worker_health`).
HEALTH_CHECK_INTERVAL_S = 30

log = structlog.get_logger("astrobio.worker")


def retry_delay_s(job_try: int) -> float:
    """Backoff before run ``job_try + 1``: 5 s, 10 s, 20 s ... at most a minute."""
    return min(RETRY_BASE_DELAY_S * 2.0 ** (job_try - 1), RETRY_MAX_DELAY_S)


async def run_job(ctx: dict[str, Any], job_id: str) -> str:
    """arq task: run the stored job ``job_id``; returns its final state (``succeeded`` / ``failed``)."""
    from arq import Retry

    container: Container = ctx["container"]
    job_try = int(ctx.get("job_try", 1))
    with structlog.contextvars.bound_contextvars(job_id=job_id, job_try=job_try):
        log.info("job.start")
        try:
            # RunJob is blocking (database, files, HTTP): keep the worker's event loop free.
            job = await asyncio.to_thread(container.run_job().execute, job_id)
        except UpstreamUnavailable as exc:
            if job_try < MAX_TRIES:
                delay = retry_delay_s(job_try)
                log.warning("job.retry", error=exc.message, retry_in_s=delay)
                raise Retry(defer=delay) from exc
            log.error("job.gave_up", error=exc.message, tries=job_try)
            return "failed"
        except DomainError as exc:
            log.error("job.rejected", error=exc.message, field=exc.field)
            return "failed"
        except Exception:
            log.exception("job.crashed")
            return "failed"
        state = job.state.value
        if state == "queued":
            delay = container.run_job().retry_delay_s(job)
            log.warning("job.requeued", attempt=job.attempt, error=job.error, retry_in_s=delay)
            raise Retry(defer=delay)
        if job.error:
            log.warning("job.failed", state=state, error=job.error)
        else:
            log.info("job.done", state=state)
        return state


async def startup(ctx: dict[str, Any]) -> None:
    settings: Settings = ctx.get("settings") or load_settings()
    configure_logging(settings.log_level, settings.log_json)
    container = build_container(settings)
    # Resolve the singletons here, once, rather than racing for them from job threads.
    container.run_job()
    container.task_queue()
    ctx["settings"] = settings
    ctx["container"] = container
    ctx["reaper"] = asyncio.create_task(reap_forever(container, float(settings.job_reap_interval_s)))
    log.info("worker.start", queue=settings.queue_name, max_tries=MAX_TRIES,
             lease_s=settings.job_lease_s, owner=container.run_job().owner)


async def reap_forever(container: Container, interval_s: float) -> None:
    """Take back jobs of dead workers now, then every ``interval_s`` seconds."""
    while True:
        try:
            report = await asyncio.to_thread(container.reap_jobs().execute)
        except DomainError as exc:
            log.warning("jobs.reap_unavailable", error=exc.message)
        except Exception:
            log.exception("jobs.reap_crashed")
        else:
            if report.requeued or report.failed:
                log.warning("jobs.reaped", requeued=list(report.requeued), failed=list(report.failed))
        await asyncio.sleep(interval_s)


async def shutdown(ctx: dict[str, Any]) -> None:
    reaper: asyncio.Task[None] | None = ctx.get("reaper")
    if reaper is not None:
        reaper.cancel()
    container: Container | None = ctx.get("container")
    if container is not None:
        container.engine().dispose()
    log.info("worker.stop")


def _require_redis(settings: Settings) -> str:
    if not settings.redis_url:
        raise InvalidQuantity(
            "the worker needs Redis: set ASTROBIO_REDIS_URL (e.g. redis://127.0.0.1:6379/0)",
            field="ASTROBIO_REDIS_URL",
        )
    return settings.redis_url


def job_timeout_s(settings: Settings) -> int:
    """arq's hard stop for one run: the longest kind's time limit (each kind's own limit is
    enforced by its lease) plus a lease of grace."""
    longest = min(max(p.time_limit_s for p in POLICIES.values()), float(settings.job_timeout_s))
    return int(longest) + settings.job_lease_s


def worker_settings(settings: Settings) -> dict[str, Any]:
    """arq ``WorkerSettings`` (as a mapping) for ``settings``: function, queue, Redis, hooks, retries."""
    from arq import func
    from arq.connections import RedisSettings

    return {
        "functions": [func(run_job, name=RUN_JOB_FUNCTION, max_tries=MAX_TRIES)],
        "queue_name": settings.queue_name,
        "redis_settings": RedisSettings.from_dsn(_require_redis(settings)),
        "on_startup": startup,
        "on_shutdown": shutdown,
        "max_tries": MAX_TRIES,
        "job_timeout": job_timeout_s(settings),
        "health_check_interval": HEALTH_CHECK_INTERVAL_S,
        "ctx": {"settings": settings},
    }


def run_worker(settings: Settings, *, burst: bool = False) -> None:
    """Run an arq worker until SIGINT/SIGTERM (``burst=True``: until the queue is empty).

    Raises
    ------
    InvalidQuantity: ``settings.redis_url`` is not set (names ``ASTROBIO_REDIS_URL``).
    UpstreamUnavailable: Redis cannot be reached.
    """
    from arq.worker import run_worker as arq_run_worker
    from redis.exceptions import RedisError

    options = worker_settings(settings)
    try:
        arq_run_worker(options, burst=burst)
    except (OSError, RedisError) as exc:
        raise UpstreamUnavailable("redis", str(exc)) from exc


def check_worker_health(settings: Settings) -> int:
    """0 when a worker on this queue reported in recently (arq's health key), else 1 (for healthchecks)."""
    from arq.worker import check_health

    return check_health(worker_settings(settings))


def main() -> None:
    """``python -m astrobio.entrypoints.worker``: one-line error and exit status 1 on bad setup."""
    try:
        run_worker(load_settings())
    except DomainError as exc:
        raise SystemExit(f"astrobio worker: {exc.message}") from None


if __name__ == "__main__":
    main()
