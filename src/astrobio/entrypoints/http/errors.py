"""The one exception -> HTTP mapping of the API: every error becomes a JSON problem body.

=====================================================  ======  ==========================================
exception                                              status  notes
=====================================================  ======  ==========================================
msgspec ``DecodeError`` (malformed / truncated JSON)   400
empty body where one is required                       400     raised as Litestar ``ClientException``
msgspec ``ValidationError`` (schema violation)         422     ``field`` = JSON path (``star.teff_k``)
Litestar ``ValidationException`` with a named key      422     query / path parameters (``limit``)
``InvalidQuantity``, ``InsufficientData``,             422     ``field`` = the error's ``.field``
``CatalogUnreadable`` (any other ``DomainError``)
``NotFound``                                           404
``Conflict``                                           409
``UpstreamUnavailable``                                503
other Litestar ``HTTPException`` (404 route, 405 ...)  its own
anything else                                          500     logged with traceback; generic body
=====================================================  ======  ==========================================
"""

from __future__ import annotations

import re
from http import HTTPStatus
from typing import Any

import msgspec
import structlog
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException

from astrobio.domain.errors import Conflict, DomainError, NotFound, UpstreamUnavailable
from astrobio.entrypoints.schemas import Problem, decode_error_field

PROBLEM_MEDIA_TYPE = "application/problem+json"

log = structlog.get_logger("astrobio.http")

_NAMED_FIELD = re.compile(r"(?:missing required field|unknown field) `([^`]+)`")


def validation_field(message: str) -> str | None:
    """The offending field of a msgspec validation message, as a dotted path.

    ``Object missing required field `teff_k` - at `$.star` `` -> ``star.teff_k``;
    ``Expected `float` > 0.0 - at `$.radius_earth` `` -> ``radius_earth``.
    """
    path = decode_error_field(message)
    named = _NAMED_FIELD.search(message)
    if named is None:
        return path
    return f"{path}.{named.group(1)}" if path else named.group(1)


def _problem(status: int, detail: str, field: str | None = None) -> Problem:
    return Problem(title=HTTPStatus(status).phrase, status=status, detail=detail, field=field)


def _from_validation_exception(exc: ValidationException) -> Problem:
    extra: Any = exc.extra
    if isinstance(extra, list) and extra and isinstance(extra[0], dict) and extra[0].get("key"):
        first = extra[0]
        return _problem(422, f"{first['key']}: {first.get('message', 'invalid value')}", str(first["key"]))
    return _problem(400, exc.detail or "malformed request")


def problem_for(exc: Exception) -> Problem:
    """Map ``exc`` to its problem body (see the module table). Never includes a traceback."""
    if isinstance(exc, msgspec.ValidationError):
        return _problem(422, str(exc), validation_field(str(exc)))
    if isinstance(exc, msgspec.DecodeError):
        return _problem(400, f"malformed JSON: {exc}")
    if isinstance(exc, NotFound):
        return _problem(404, exc.message, exc.field)
    if isinstance(exc, Conflict):
        return _problem(409, exc.message, exc.field)
    if isinstance(exc, UpstreamUnavailable):
        return _problem(503, exc.message)
    if isinstance(exc, DomainError):
        return _problem(422, exc.message, exc.field)
    if isinstance(exc, ValidationException):
        return _from_validation_exception(exc)
    if isinstance(exc, HTTPException):
        return _problem(exc.status_code, exc.detail or HTTPStatus(exc.status_code).phrase)
    return _problem(500, "unexpected server error; quote the X-Request-ID response header when reporting it")


def handle_exception(request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    """Litestar exception handler registered for ``Exception`` (so it sees every error)."""
    problem = problem_for(exc)
    headers: dict[str, str] = {}
    if problem.status >= 500 and not isinstance(exc, UpstreamUnavailable | HTTPException):
        log.error("http.unhandled_exception", method=request.method, path=request.url.path, exc_info=exc)
    elif isinstance(exc, UpstreamUnavailable):
        log.warning("http.upstream_unavailable", service=exc.service, detail=exc.message)
    if isinstance(exc, HTTPException) and exc.headers:
        headers.update(exc.headers)
    return Response(
        content=msgspec.json.encode(problem),
        status_code=problem.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )
