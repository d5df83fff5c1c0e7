"""Who may call what, and the audit trail of the API.

Two pieces with one job each:

* :class:`AccessMiddleware` (ASGI, around the whole app) resolves the caller once per request
  with the shared :class:`~astrobio.application.use_cases.access.ResolvePrincipal`, and after
  the handler has answered appends the outcome to the audit log. A response that must be
  audited (a mutation, or a read by a caller cleared for RESTRICTED data) is held back until its
  entry is written; when that write fails the caller gets 503 instead of unaudited data.
  Authentication failures are aggregated (one row per caller and minute, then a count).
* :func:`access_guard` (a Litestar guard on every route, so unknown paths stay 404 and unknown
  methods 405) decides from the route's ``opt["access"]``:

  ==========  ==================================================  ============================
  access      who                                                 routes
  ==========  ==================================================  ============================
  ``read``    anyone (anonymous sees PUBLIC data only)            GET (the default)
  ``compute`` any API key (every role has read rights)            /assess, /rank, /predict*
  ``write``   a key whose role writes INTERNAL data               other POSTs (the default)
  ``admin``   an administrator key                                activating a model
  ==========  ==================================================  ============================

  Before a ``write``/``admin`` handler runs the guard appends a ``started`` audit entry; if the
  audit log cannot be written the request is refused with 503 and nothing is changed.
"""

from __future__ import annotations

import asyncio
from typing import Any

import msgspec
import structlog
from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from astrobio.application.use_cases.access import ResolvePrincipal, clearance
from astrobio.bootstrap.database import unavailable_error
from astrobio.domain.access import ANONYMOUS, Principal, Right, Unauthenticated
from astrobio.domain.dataset_version import SecurityLevel
from astrobio.domain.errors import UpstreamUnavailable
from astrobio.entrypoints.http.services import HttpServices
from astrobio.entrypoints.schemas import Problem

log = structlog.get_logger("astrobio.http")

PRINCIPAL_KEY = "astrobio.principal"
_AUTH_FAILED_KEY = "astrobio.auth_failed"
_AUDIT_KEY = "astrobio.audit"  # set by the guard: the request's outcome must be audited
MUTATING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
COMPUTE = {"access": "compute"}  # route opt of compute-only POSTs
ADMIN = {"access": "admin"}  # route opt of administrator-only routes
SENSITIVE = {"sensitive": True}  # route opt of reads that may return RESTRICTED+ data
AUDIT_RETRY_AFTER_S = "2"


def principal_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    p = connection.scope.get(PRINCIPAL_KEY)
    return p if isinstance(p, Principal) else ANONYMOUS


def _token(scope: Scope) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == b"x-api-key":
            return value.decode("latin-1").strip() or None
        if key == b"authorization":
            scheme, _, cred = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and cred.strip():
                return cred.strip()
    return None


def _svc(connection: ASGIConnection[Any, Any, Any, Any]) -> HttpServices:
    svc: HttpServices = connection.app.state.services
    return svc


def _client(scope: Scope) -> str:
    client = scope.get("client")
    return f"{client[0]}" if client else ""


async def access_guard(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """Authorise the request for its route (see the module table); audit the start of a write."""
    scope: Any = connection.scope
    principal = principal_of(connection)
    method = scope["method"]
    access = handler.opt.get("access") or ("write" if method in MUTATING else "read")
    if scope.get(_AUTH_FAILED_KEY) or (access != "read" and principal is ANONYMOUS):
        raise NotAuthorizedException(
            detail="a valid API key is required (X-API-Key header)",
            headers={"WWW-Authenticate": 'Bearer realm="astrobio"'},
        )
    if access == "write" and not principal.can(Right.WRITE, SecurityLevel.INTERNAL):
        raise PermissionDeniedException(detail=f"role {principal.role.value} may not modify data")
    if access == "admin" and not principal.is_admin:
        raise PermissionDeniedException(detail=f"role {principal.role.value} is not an administrator")
    if access in ("write", "admin"):
        scope[_AUDIT_KEY] = True
        try:
            await asyncio.to_thread(
                _svc(connection).container.governance.record_audit().execute,
                principal.name, f"http.{method.lower()}", scope["path"][:500], _client(scope), "started",
            )
        except Exception as exc:
            log.error("audit.append_failed", path=scope["path"], error=str(exc))
            raise UpstreamUnavailable("audit log", "the change was not made; retry later") from exc
    elif handler.opt.get("sensitive") and clearance(principal) >= SecurityLevel.RESTRICTED:
        scope[_AUDIT_KEY] = True


async def _send_problem(send: Send, status: int, detail: str, headers: list[tuple[bytes, bytes]]) -> None:
    from http import HTTPStatus

    body = msgspec.json.encode(Problem(title=HTTPStatus(status).phrase, status=status, detail=detail))
    start: Any = {
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"application/problem+json"),
                    (b"content-length", str(len(body)).encode()), *headers],
    }
    await send(start)
    end: Any = {"type": "http.response.body", "body": body}
    await send(end)


class AccessMiddleware:
    """Resolve the caller; audit outcomes (holding back audited responses until recorded)."""

    def __init__(self, app: ASGIApp, svc: HttpServices) -> None:
        self.app = app
        self.svc = svc

    async def _resolve(self, scope: Scope) -> Principal | None:
        token = _token(scope) if self.svc.settings.auth else None
        resolver: ResolvePrincipal = self.svc.container.governance.resolve_principal()
        try:
            if token is None:
                return resolver.execute(None)  # no key: no I/O
            principal: Principal = await asyncio.to_thread(resolver.execute, token)
            return principal
        except Unauthenticated:
            return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        try:
            principal = await self._resolve(scope)
        except Exception as exc:  # the key store is unreachable: not the caller's fault
            unavailable = unavailable_error(exc) or exc
            if not isinstance(unavailable, UpstreamUnavailable):
                raise
            log.warning("http.upstream_unavailable", service=unavailable.service, detail=unavailable.message)
            await _send_problem(send, 503, unavailable.message, [(b"retry-after", b"2")])
            return
        s: Any = scope
        s[PRINCIPAL_KEY] = principal or ANONYMOUS
        s[_AUTH_FAILED_KEY] = principal is None
        held: list[Message] = []
        status = 500

        async def hold(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            held.append(message)

        async def passthrough(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        # Only requests that may need an audit entry are held back; the rest stream.
        may_audit = method in MUTATING or (method == "GET" and principal is not None and (
            clearance(principal) >= SecurityLevel.RESTRICTED))
        await self.app(scope, receive, hold if may_audit else passthrough)
        if status == 401:
            await self._auth_failure(principal, path, _client(scope))
        elif s.get(_AUDIT_KEY) or (method in MUTATING and status in (404, 405)):
            recorded = await self._audit(principal or ANONYMOUS, method, path, _client(scope), status)
            if not recorded and s.get(_AUDIT_KEY):
                await _send_problem(send, 503, "the audit log cannot be written; retry later",
                                    [(b"retry-after", AUDIT_RETRY_AFTER_S.encode())])
                return
        for message in held:
            await send(message)

    async def _auth_failure(self, principal: Principal | None, path: str, client: str) -> None:
        actor = "invalid-key" if principal is None else principal.name
        try:
            await asyncio.to_thread(
                self.svc.container.governance.record_auth_failure().execute, actor, client, path[:500]
            )
        except Exception as exc:  # a refused request stays refused; the failure is logged
            log.error("audit.append_failed", path=path, error=str(exc))

    async def _audit(self, principal: Principal, method: str, path: str, client: str, status: int) -> bool:
        try:
            await asyncio.to_thread(
                self.svc.container.governance.record_audit().execute,
                principal.name, f"http.{method.lower()}", path[:500], client, str(status),
            )
            return True
        except Exception as exc:
            log.error("audit.append_failed", path=path, error=str(exc))
            return False
