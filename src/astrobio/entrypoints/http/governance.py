"""Datasets, versions, quality and lineage: GET /datasets[/{id}[/versions|/quality|/lineage|/diff]],
POST /datasets/{id}/tags, POST /datasets/{id}/rollback; and the access guard of the whole API.

Access (``ASTROBIO_AUTH``):

* ``off`` (default, embedded single-user mode): every request acts as the local administrator;
  mutating requests are still audited.
* ``on``: every mutating request (POST, PUT, PATCH, DELETE) needs an API key (``X-API-Key`` or
  ``Authorization: Bearer``): 401 without a valid one, 403 when the role may not write; reads
  without a key act as *anonymous* (PUBLIC data only). A dataset the caller may not read answers
  404, exactly like one that does not exist.
"""

from __future__ import annotations

import asyncio
import inspect
from typing import Annotated, Any

import msgspec
import structlog
from litestar import Request, get, post
from litestar.enums import ScopeType
from litestar.exceptions import PermissionDeniedException
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter, PathParameter
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from astrobio.application.use_cases.datasets import (
    DiffDatasetVersions,
    ExportLineage,
    GetDataset,
    GetVersion,
    ListDatasets,
    RollbackTag,
    TagDatasetVersion,
)
from astrobio.domain.access import ANONYMOUS, LOCAL_ADMIN, AccessDenied, Principal, Right, Unauthenticated
from astrobio.domain.dataset_version import SecurityLevel
from astrobio.entrypoints.governance_schemas import (
    DatasetPageRead,
    DatasetRead,
    DiffRead,
    QualityReportRead,
    TagMoveRead,
    VersionListRead,
    VersionRead,
)
from astrobio.entrypoints.http.assess import BAD_BODY
from astrobio.entrypoints.http.bodies import decode_body, json_body
from astrobio.entrypoints.http.services import HttpServices, in_thread, services
from astrobio.entrypoints.schemas import Problem

log = structlog.get_logger("astrobio.http")

PRINCIPAL_KEY = "astrobio.principal"
MUTATING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
NOT_FOUND = {404: ResponseSpec(Problem, description="no such dataset or version, or not visible to you")}
WRITE_ERRORS = {
    **NOT_FOUND,
    **BAD_BODY,
    401: ResponseSpec(Problem, description="API key missing or invalid"),
    403: ResponseSpec(Problem, description="your role may not write this dataset"),
    409: ResponseSpec(Problem, description="the version cannot take that tag"),
}
VersionRef = Annotated[
    str | None,
    Parameter(description="tag (main, candidate), sha256:<id> or a >= 8-hex prefix", max_length=80),
]


def principal_of(request: Request[Any, Any, Any]) -> Principal:
    p = request.scope.get(PRINCIPAL_KEY)
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


async def _problem(
    send: Send, status: int, title: str, detail: str, headers: list[tuple[bytes, bytes]]
) -> None:
    body = msgspec.json.encode(Problem(title=title, status=status, detail=detail))
    start: Any = {
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", b"application/problem+json"),
            (b"content-length", str(len(body)).encode()),
            *headers,
        ],
    }
    await send(start)
    end: Any = {"type": "http.response.body", "body": body}
    await send(end)


class AccessGuardMiddleware:
    """Authenticate, authorise mutations, and audit (ASGI, around every route)."""

    def __init__(self, app: ASGIApp, svc: HttpServices) -> None:
        self.app = app
        self.svc = svc

    async def _principal(self, scope: Scope) -> Principal | None:
        """The caller, or None when the presented key is invalid."""
        if not self.svc.settings.auth:
            return LOCAL_ADMIN
        token = _token(scope)
        if token is None:
            return ANONYMOUS
        try:
            return await asyncio.to_thread(self.svc.container.governance.authenticate().execute, token)
        except Unauthenticated:
            return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        client = scope.get("client")
        address = f"{client[0]}" if client else ""
        principal = await self._principal(scope)
        mutating = method in MUTATING
        status = 500
        if principal is None or (mutating and principal is ANONYMOUS):
            status = 401
            await _problem(
                send,
                401,
                "Unauthorized",
                "a valid API key is required (X-API-Key header)",
                [(b"www-authenticate", b'Bearer realm="astrobio"')],
            )
        elif mutating and not principal.can(Right.WRITE, SecurityLevel.INTERNAL):
            status = 403
            await _problem(send, 403, "Forbidden", f"role {principal.role.value} may not modify data", [])
        else:
            scope[PRINCIPAL_KEY] = principal  # type: ignore[literal-required]

            async def capture(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                await send(message)

            try:
                await self.app(scope, receive, capture)
            finally:
                if mutating or path.startswith("/datasets"):
                    await self._audit(principal, method, path, address, status)
            return
        await self._audit(principal, method, path, address, status)

    async def _audit(
        self, principal: Principal | None, method: str, path: str, client: str, status: int
    ) -> None:
        actor = principal.name if principal is not None else "invalid-key"
        try:
            await asyncio.to_thread(
                self.svc.container.governance.record_audit().execute,
                actor,
                f"http.{method.lower()}",
                path[:500],
                client,
                str(status),
            )
        except Exception as exc:  # the response is already sent; never turn it into a 500
            log.error("audit.append_failed", path=path, error=str(exc))


def _gov(request: Request[Any, Any, Any]) -> Any:
    return services(request).container.governance


async def _guarded(fn: Any, *args: Any) -> Any:
    """Run a curating use case; a role that lacks the right gets 403 (the dataset is visible to it)."""
    try:
        return await in_thread(fn, *args)
    except AccessDenied as exc:
        raise PermissionDeniedException(detail=exc.message) from None


@get("/datasets", tags=["datasets"], summary="Search datasets", description=inspect.getdoc(ListDatasets))
async def list_datasets(
    request: Request[Any, Any, Any],
    q: Annotated[
        str | None,
        Parameter(
            description="free text over title, description, subjects, cross-references", max_length=200
        ),
    ] = None,
    kind: Annotated[str | None, Parameter(max_length=64)] = None,
    offset: Annotated[int, Parameter(ge=0)] = 0,
    limit: Annotated[int, Parameter(ge=1, le=1000)] = 50,
) -> DatasetPageRead:
    page = await in_thread(
        _gov(request).list_datasets().execute, principal_of(request), q, kind, offset, limit
    )
    return DatasetPageRead.from_domain(page)


@get(
    "/datasets/{dataset_id:str}",
    tags=["datasets"],
    summary="One dataset",
    description=inspect.getdoc(GetDataset),
    responses=NOT_FOUND,
)
async def get_dataset(
    request: Request[Any, Any, Any], dataset_id: Annotated[str, PathParameter()]
) -> DatasetRead:
    view = await in_thread(_gov(request).get_dataset().execute, principal_of(request), dataset_id)
    return DatasetRead.from_domain(view.dataset, view)


@get(
    "/datasets/{dataset_id:str}/versions",
    tags=["datasets"],
    summary="A dataset's versions",
    description=inspect.getdoc(GetDataset),
    responses=NOT_FOUND,
)
async def list_versions(
    request: Request[Any, Any, Any], dataset_id: Annotated[str, PathParameter()]
) -> VersionListRead:
    view = await in_thread(_gov(request).get_dataset().execute, principal_of(request), dataset_id)
    return VersionListRead(
        dataset_id=view.dataset.id,
        tags=view.tags,
        versions=[VersionRead.from_domain(v, view.tags) for v in view.versions],
    )


@get(
    "/datasets/{dataset_id:str}/quality",
    tags=["datasets"],
    summary="Quality report of a version",
    description=inspect.getdoc(GetVersion),
    responses=NOT_FOUND,
)
async def get_quality(
    request: Request[Any, Any, Any], dataset_id: Annotated[str, PathParameter()], version: VersionRef = None
) -> QualityReportRead:
    v = await in_thread(_gov(request).get_version().execute, principal_of(request), dataset_id, version)
    return QualityReportRead.from_domain(v.quality, v.id)


@get(
    "/datasets/{dataset_id:str}/lineage",
    tags=["datasets"],
    summary="Lineage as W3C PROV-JSON",
    description=inspect.getdoc(ExportLineage),
    responses=NOT_FOUND,
)
async def get_lineage(
    request: Request[Any, Any, Any], dataset_id: Annotated[str, PathParameter()], version: VersionRef = None
) -> dict[str, Any]:
    doc: dict[str, Any] = await in_thread(
        _gov(request).export_lineage().execute, principal_of(request), dataset_id, version
    )
    return doc


@get(
    "/datasets/{dataset_id:str}/diff",
    tags=["datasets"],
    summary="Diff two versions",
    description=inspect.getdoc(DiffDatasetVersions),
    responses=NOT_FOUND,
)
async def get_diff(
    request: Request[Any, Any, Any],
    dataset_id: Annotated[str, PathParameter()],
    old: Annotated[str, Parameter(max_length=80)],
    new: Annotated[str, Parameter(max_length=80)] = "main",
) -> DiffRead:
    d = await in_thread(_gov(request).diff_versions().execute, principal_of(request), dataset_id, old, new)
    return DiffRead.from_domain(d)


class TagBody(msgspec.Struct, forbid_unknown_fields=True):
    version: Annotated[str, msgspec.Meta(min_length=1, max_length=80)]
    tag: Annotated[str, msgspec.Meta(min_length=1, max_length=32)] = "main"
    reason: Annotated[str, msgspec.Meta(max_length=500)] = ""


class RollbackBody(msgspec.Struct, forbid_unknown_fields=True):
    tag: Annotated[str, msgspec.Meta(min_length=1, max_length=32)] = "main"
    to: Annotated[str, msgspec.Meta(min_length=1, max_length=80)] | None = None
    reason: Annotated[str, msgspec.Meta(max_length=500)] = "rollback"


@post(
    "/datasets/{dataset_id:str}/tags",
    status_code=200,
    tags=["datasets"],
    summary="Move a tag to a version",
    description=inspect.getdoc(TagDatasetVersion),
    operation_class=json_body(TagBody),
    responses=WRITE_ERRORS,
)
async def tag_version(
    request: Request[Any, Any, Any], dataset_id: Annotated[str, PathParameter()]
) -> TagMoveRead:
    body = decode_body(await request.body(), TagBody)
    move = await _guarded(
        _gov(request).tag_version().execute,
        principal_of(request),
        dataset_id,
        body.version,
        body.tag,
        body.reason,
    )
    return TagMoveRead.from_domain(move)


@post(
    "/datasets/{dataset_id:str}/rollback",
    status_code=200,
    tags=["datasets"],
    summary="Roll a tag back",
    description=inspect.getdoc(RollbackTag),
    operation_class=json_body(RollbackBody, required=False),
    responses=WRITE_ERRORS,
)
async def rollback(
    request: Request[Any, Any, Any], dataset_id: Annotated[str, PathParameter()]
) -> TagMoveRead:
    body = decode_body(await request.body(), RollbackBody, default=RollbackBody())
    move = await _guarded(
        _gov(request).rollback_tag().execute,
        principal_of(request),
        dataset_id,
        body.tag,
        body.to,
        body.reason,
    )
    return TagMoveRead.from_domain(move)


ROUTES: list[Any] = [
    list_datasets,
    get_dataset,
    list_versions,
    get_quality,
    get_lineage,
    get_diff,
    tag_version,
    rollback,
]
