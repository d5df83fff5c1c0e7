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
``UpstreamUnavailable`` (database busy, locked, shut   503     with ``Retry-After``; driver errors are
down, connection lost; queue; archive; audit log)              classified by ``bootstrap.database``
JSON nested too deep                                   400     (:func:`.bodies.check_json_depth`)
``ArithmeticError`` (an input outside the range where  422     e.g. an orbit of 1e-200 AU
the formulas are defined: overflow, division by 0)
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

from astrobio.bootstrap.database import unavailable_error
from astrobio.domain.errors import Conflict, DomainError, NotFound, UpstreamUnavailable
from astrobio.entrypoints.schemas import Problem, decode_error_field

PROBLEM_MEDIA_TYPE = "application/problem+json"

log = structlog.get_logger("astrobio.http")

#: Seconds a client should wait before retrying a 503 whose cause gives no better hint.
DEFAULT_RETRY_AFTER_S = 5

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
    if isinstance(exc, ArithmeticError):
        return _problem(422, "an input lies outside the range where the computation is defined "
                             f"({type(exc).__name__}): check units and magnitudes")
    if isinstance(exc, RecursionError):
        return _problem(400, "request nested too deeply")
    return _problem(500, "unexpected server error; quote the X-Request-ID response header when reporting it")


def handle_exception(request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    """Litestar exception handler registered for ``Exception`` (so it sees every error)."""
    if not isinstance(exc, DomainError | HTTPException | msgspec.MsgspecError):
        exc = unavailable_error(exc) or exc  # a busy / lost database is a 503, not a bug
    problem = problem_for(exc)
    headers: dict[str, str] = {}
    if problem.status == 503:
        headers["Retry-After"] = str(getattr(exc, "retry_after_s", DEFAULT_RETRY_AFTER_S))
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
