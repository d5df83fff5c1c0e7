"""Health probes: GET /health/live (the process), GET /health/ready (its dependencies).

``/health/live`` answers from the event loop without touching anything: a liveness probe that
restarts the server only when the process itself is stuck. ``/health/ready`` checks the
database (and Redis when one is configured) through :class:`~astrobio.bootstrap.health.ReadinessProbe`,
which has its own connection and threads and gives up after a short timeout, so it is not
queued behind request work. ``/health`` is the same as ``/health/ready`` (kept for existing
probes and scripts).
"""

from __future__ import annotations

from typing import Any

import structlog
from litestar import Request, Response, get

from astrobio import __version__
from astrobio.bootstrap.health import Readiness, ReadinessProbe
from astrobio.entrypoints.http.services import services
from astrobio.entrypoints.schemas import HealthRead, LiveRead

log = structlog.get_logger("astrobio.http")

_READY_DOC = ("200 when the API, its database and (when configured) Redis answer within about a "
              "second; 503 (same body, `Retry-After`) when one does not.")


@get("/health/live", tags=["ops"], summary="Liveness (the process only)",
     description="Always 200 while the process serves requests; checks no dependency.")
async def live() -> LiveRead:
    return LiveRead(status="ok", version=__version__)


async def _ready(request: Request[Any, Any, Any]) -> Response[HealthRead]:
    probe: ReadinessProbe = services(request).container.readiness()
    r: Readiness = await probe.check()
    if not r.ok:
        log.warning("health.not_ready", database=r.database, redis=r.redis, detail=r.detail)
    body = HealthRead(status="ok" if r.ok else "degraded", version=__version__,
                      database="ok" if r.database == "ok" else "unavailable",
                      redis=None if r.redis == "not configured" else r.redis)
    headers = {} if r.ok else {"Retry-After": "5"}
    return Response(body, status_code=200 if r.ok else 503, headers=headers)


@get("/health/ready", tags=["ops"], summary="Readiness (database, Redis)", description=_READY_DOC)
async def ready(request: Request[Any, Any, Any]) -> Response[HealthRead]:
    return await _ready(request)


@get("/health", tags=["ops"], summary="Service health (same as /health/ready)", description=_READY_DOC)
async def health(request: Request[Any, Any, Any]) -> Response[HealthRead]:
    return await _ready(request)


ROUTES = [live, ready, health]
