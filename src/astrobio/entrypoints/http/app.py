"""The Litestar application factory."""

from __future__ import annotations

from litestar import Litestar
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig

from astrobio import __version__
from astrobio.bootstrap.container import Container, build_container
from astrobio.bootstrap.logging import configure_logging
from astrobio.bootstrap.settings import load_settings
from astrobio.entrypoints.http import (
    assess,
    climate,
    genomes,
    governance,
    health,
    jobs,
    jwst,
    metabolism,
    metrics,
    models,
    pathways,
    pipeline,
    planets,
    predict,
    rank,
    spectra,
)
from astrobio.entrypoints.http.access import AccessMiddleware, access_guard
from astrobio.entrypoints.http.errors import handle_exception
from astrobio.entrypoints.http.middleware import RequestIdMiddleware
from astrobio.entrypoints.http.openapi import document_errors
from astrobio.entrypoints.http.openapi_examples import ExampleStructSchemaPlugin
from astrobio.entrypoints.http.services import HttpServices

API_DESCRIPTION = (
    "Exoplanet habitability and observability: assess a planet, browse and rank the catalog, "
    "run ingestion jobs, GCM sweeps and climate-surrogate training, predict climates. "
    "Every error is an RFC 9457 problem body whose `field` names the bad input."
)


def create_app(container: Container | None = None) -> Litestar:
    """Build the API over ``container``.

    With ``None``, settings come from ``ASTROBIO_*`` (:func:`load_settings`), logging is
    configured, and a fresh container is built. Tests pass a container whose providers
    are overridden with fakes.
    """
    if container is None:
        settings = load_settings()
        configure_logging(settings.log_level, settings.log_json)
        container = build_container(settings)
    svc = HttpServices(container)
    app = Litestar(
        route_handlers=[
            *health.ROUTES, *planets.ROUTES, *assess.ROUTES, *rank.ROUTES, *jobs.ROUTES, *climate.ROUTES,
            *predict.ROUTES, *pathways.ROUTES, *metabolism.ROUTES, *spectra.ROUTES, *governance.ROUTES,
            *jwst.ROUTES, *genomes.ROUTES, *pipeline.ROUTES, *metrics.ROUTES, *models.ROUTES,
        ],
        plugins=[ExampleStructSchemaPlugin()],  # response examples in the OpenAPI schema
        guards=[access_guard],  # per route: read / compute / write / admin (see .access)
        exception_handlers={Exception: handle_exception},
        on_startup=[svc.start],
        on_shutdown=[svc.stop],
        openapi_config=OpenAPIConfig(
            title="astrobio", version=__version__, description=API_DESCRIPTION, path="/schema"
        ),
        state=State({"services": svc}),
        logging_config=None,  # structlog is configured by bootstrap.logging
        debug=False,
    )
    # Wrap the whole ASGI handler rather than registering route middleware, so requests
    # that match no route (404/405) get a request id and an access line too.
    document_errors(app)  # /schema: every operation's error answers, as sent
    app.asgi_handler = AccessMiddleware(app.asgi_handler, svc)  # who is calling + audit
    app.asgi_handler = RequestIdMiddleware(app.asgi_handler)
    app.asgi_handler = metrics.MetricsMiddleware(app.asgi_handler)  # latency per route template
    return app
