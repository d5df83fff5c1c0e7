"""GET /metrics (Prometheus text format) and the middleware that times every request.

The middleware wraps the whole ASGI handler, so unmatched paths (404/405) are timed too; their
``route`` label is ``<unmatched>`` (a raw path as a label would let any client create series).
"""

from __future__ import annotations

import time
from typing import Any

from litestar import Request, Response, get
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from astrobio.bootstrap.monitoring import CONTENT_TYPE, metrics_text, observe_http
from astrobio.entrypoints.http.services import in_thread, services

UNMATCHED = "<unmatched>"


class MetricsMiddleware:
    """Observes ``astrobio_http_request_duration_seconds{method,route,status}`` per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        status = 500
        start = time.perf_counter()

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            # The router writes the matched template into the (shared) scope.
            route = str(scope.get("path_template") or UNMATCHED)
            observe_http(scope["method"], route, status, time.perf_counter() - start)


@get("/metrics", tags=["ops"], summary="Prometheus metrics", include_in_schema=True,
     media_type=CONTENT_TYPE,
     description="HTTP latency per route, jobs per kind and state with their run times, dataset "
     "versions per quality grade and held ingestions, GCM runs per state, inference latency per "
     "model, audit append failures (Prometheus text format 0.0.4). Open to anonymous reads: "
     "restrict it at the network edge where the counts themselves are sensitive.")
async def metrics(request: Request[Any, Any, Any]) -> Response[bytes]:
    body = await in_thread(metrics_text, services(request).container)
    return Response(body, media_type=CONTENT_TYPE)


ROUTES = [metrics]
