"""GET /health: liveness plus a cheap database round trip."""

from __future__ import annotations

import asyncio
from typing import Any

import structlog
from litestar import Request, Response, get

from astrobio import __version__
from astrobio.entrypoints.http.services import in_thread, services
from astrobio.entrypoints.schemas import HealthRead

DB_CHECK_TIMEOUT_S = 5.0
HEALTH_PROBE_ID = "health-probe"

log = structlog.get_logger("astrobio.http")


def _probe_database(uow_factory: Any) -> None:
    with uow_factory() as uow:
        uow.jobs.get(HEALTH_PROBE_ID)  # a primary-key lookup: the cheapest real query


@get("/health", tags=["ops"], summary="Service health",
     description="200 when the API and its database answer; 503 (same body) when the database does not.")
async def health(request: Request[Any, Any, Any]) -> Response[HealthRead]:
    uow_factory = services(request).container.uow_factory()
    try:
        await asyncio.wait_for(in_thread(_probe_database, uow_factory), DB_CHECK_TIMEOUT_S)
        ok = True
    except Exception as exc:  # any failure means "not usable", whatever the driver says
        log.warning("health.database_unavailable", error=f"{type(exc).__name__}: {exc}")
        ok = False
    body = HealthRead(status="ok" if ok else "degraded", version=__version__,
                      database="ok" if ok else "unavailable")
    return Response(body, status_code=200 if ok else 503)


ROUTES = [health]
