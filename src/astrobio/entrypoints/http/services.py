"""What the handlers need from the container, resolved once per app (not per request)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from functools import cached_property
from typing import Any, TypeVar, cast

import structlog
from litestar import Request
from litestar.di import Provide

from astrobio.application.use_cases.assess_planet import AssessPlanet
from astrobio.application.use_cases.rank_targets import RankTargetsCommand
from astrobio.bootstrap.container import Container
from astrobio.bootstrap.settings import Settings

R = TypeVar("R")

log = structlog.get_logger("astrobio.http")


class HttpServices:
    """The container plus the stateless use cases the hot paths reuse.

    ``AssessPlanet`` holds only the colour sequence, so one instance serves every
    ``POST /assess``; use cases over the database are cheap factories and are built per
    request from singletons (engine, unit-of-work factory, queue) warmed at startup.
    """

    def __init__(self, container: Container) -> None:
        self.container = container
        self.settings: Settings = container.settings()
        self._queue: object | None = None
        #: POST /assess answers by request body (see :mod:`.assess`); the event loop's alone.
        self.assess_answers: dict[bytes, bytes] = {}

    @cached_property
    def assess(self) -> AssessPlanet:
        return self.container.assess_planet()

    def start(self) -> None:
        """Resolve singletons up front: no lazy loading (or racing threads) on the first requests."""
        _ = self.assess  # loads the colour sequence once
        self.container.uow_factory()
        self._queue = self.container.task_queue()
        # Assess the catalog once in the background: the first POST /rank then reads stored rows.
        threading.Thread(target=self._warm_ranking, name="astrobio-rank-warmup", daemon=True).start()
        log.info("http.startup", database=self.settings.sqlalchemy_url.split("://", 1)[0],
                 queue="arq" if self.settings.redis_url else "in-process")

    def _warm_ranking(self) -> None:
        try:
            self.container.rank_targets().execute(RankTargetsCommand(weights=self.settings.rank_weights))
        except Exception as exc:  # a cold cache is only slower; the request path reports errors
            log.debug("rank.warmup_failed", error=f"{type(exc).__name__}: {exc}")

    def stop(self) -> None:
        """Let in-process jobs finish (the in-process queue has ``shutdown``; arq does not); write
        the pending authentication-failure counts; close the readiness probe."""
        shutdown = getattr(self._queue, "shutdown", None)  # None when startup did not get that far
        if callable(shutdown):
            shutdown()
        try:
            self.container.governance.record_auth_failure().flush()
        except Exception as exc:  # shutting down: report, do not raise
            log.error("audit.append_failed", path="(auth failure counts)", error=str(exc))
        self.container.readiness().close()


def services(request: Request[Any, Any, Any]) -> HttpServices:
    return cast(HttpServices, request.app.state.services)


def provide(build: Callable[[Container], Any]) -> Provide:
    """A Litestar dependency: the use case ``build`` makes from this app's container.

    Handlers then name what they need in their signature
    (``use_case: SkipValidation[ListPlanets]``: the container builds it, so Litestar need not check
    its type)
    and routes declare it (``dependencies={"use_case": provide(lambda c: c.list_planets())}``).
    """

    def dependency(request: Request[Any, Any, Any]) -> Any:
        return build(services(request).container)

    return Provide(dependency, sync_to_thread=False)


async def in_thread(fn: Callable[..., R], *args: Any) -> R:
    """Run blocking work (database, queue) off the event loop; contextvars (request id) follow."""
    return await asyncio.to_thread(fn, *args)
