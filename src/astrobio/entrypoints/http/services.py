"""What the handlers need from the container, resolved once per app (not per request)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import cached_property
from typing import Any, TypeVar, cast

import structlog
from litestar import Request

from astrobio.application.use_cases.assess_planet import AssessPlanet
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

    @cached_property
    def assess(self) -> AssessPlanet:
        return self.container.assess_planet()

    def start(self) -> None:
        """Resolve singletons up front: no lazy loading (or racing threads) on the first requests."""
        _ = self.assess  # loads the colour sequence once
        self.container.uow_factory()
        self._queue = self.container.task_queue()
        log.info("http.startup", database=self.settings.sqlalchemy_url.split("://", 1)[0],
                 queue="arq" if self.settings.redis_url else "in-process")

    def stop(self) -> None:
        """Let in-process jobs finish (the in-process queue has ``shutdown``; arq does not)."""
        shutdown = getattr(self._queue, "shutdown", None)  # None when startup did not get that far
        if callable(shutdown):
            shutdown()


def services(request: Request[Any, Any, Any]) -> HttpServices:
    return cast(HttpServices, request.app.state.services)


async def in_thread(fn: Callable[..., R], *args: Any) -> R:
    """Run blocking work (database, queue) off the event loop; contextvars (request id) follow."""
    return await asyncio.to_thread(fn, *args)
