"""Datasets, versions, quality and lineage: GET /datasets[/{id}[/versions|/quality|/lineage|/diff]],
POST /datasets/{id}/tags, POST /datasets/{id}/rollback.

Access (``ASTROBIO_AUTH``; the rules live in :mod:`.access`):

* ``off`` (default, embedded single-user mode): every request acts as the local administrator;
  mutating requests are still audited.
* ``on``: every POST needs an API key (``X-API-Key`` or ``Authorization: Bearer``): 401 without
  a valid one, 403 when the role may not write; reads without a key act as *anonymous* (PUBLIC
  data only). A dataset the caller may not read answers 404, exactly like one that does not
  exist. Every read by a caller cleared for RESTRICTED data is audited.
"""

from __future__ import annotations

import inspect
from typing import Annotated, Any, ClassVar

import msgspec
import structlog
from litestar import Request, get, post
from litestar.exceptions import PermissionDeniedException
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter, PathParameter

from astrobio.application.use_cases.datasets import (
    DiffDatasetVersions,
    ExportLineage,
    GetDataset,
    GetVersion,
    ListDatasets,
    RollbackTag,
    TagDatasetVersion,
)
from astrobio.domain.access import AccessDenied
from astrobio.entrypoints.governance_schemas import (
    DatasetPageRead,
    DatasetRead,
    DiffRead,
    QualityReportRead,
    TagMoveRead,
    VersionListRead,
    VersionRead,
)
from astrobio.entrypoints.http.access import SENSITIVE, principal_of
from astrobio.entrypoints.http.assess import BAD_BODY
from astrobio.entrypoints.http.bodies import MAX_INT_PARAM, decode_body, json_body
from astrobio.entrypoints.http.services import in_thread, services
from astrobio.entrypoints.schemas import Problem

log = structlog.get_logger("astrobio.http")
__all__ = ["ROUTES", "principal_of"]

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


def _gov(request: Request[Any, Any, Any]) -> Any:
    return services(request).container.governance


async def _guarded(fn: Any, *args: Any) -> Any:
    """Run a curating use case; a role that lacks the right gets 403 (the dataset is visible to it)."""
    try:
        return await in_thread(fn, *args)
    except AccessDenied as exc:
        raise PermissionDeniedException(detail=exc.message) from None


@get(
    "/datasets", opt=SENSITIVE, tags=["datasets"], summary="Search datasets",
    description=inspect.getdoc(ListDatasets),
)
async def list_datasets(
    request: Request[Any, Any, Any],
    q: Annotated[
        str | None,
        Parameter(
            description="free text over title, description, subjects, cross-references", max_length=200
        ),
    ] = None,
    kind: Annotated[Annotated[str, Parameter(max_length=64)] | None, Parameter(max_length=64)] = None,
    offset: Annotated[int, Parameter(ge=0, le=MAX_INT_PARAM)] = 0,
    limit: Annotated[int, Parameter(ge=1, le=1000)] = 50,
) -> DatasetPageRead:
    page = await in_thread(
        _gov(request).list_datasets().execute, principal_of(request), q, kind, offset, limit
    )
    return DatasetPageRead.from_domain(page)


@get(
    "/datasets/{dataset_id:str}",
    opt=SENSITIVE,
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
    opt=SENSITIVE,
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
    opt=SENSITIVE,
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
    opt=SENSITIVE,
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
    opt=SENSITIVE,
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
    #: Worked examples (summary, body): in the OpenAPI schema and posted by the test suite.
    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("tag the current main version as reviewed",
         {"version": "main", "tag": "reviewed", "reason": "checked against the archive"}),
    ]
    version: Annotated[str, msgspec.Meta(min_length=1, max_length=80)]
    tag: Annotated[str, msgspec.Meta(min_length=1, max_length=32)] = "main"
    reason: Annotated[str, msgspec.Meta(max_length=500)] = ""


class RollbackBody(msgspec.Struct, forbid_unknown_fields=True):
    #: Worked examples (summary, body): in the OpenAPI schema and posted by the test suite.
    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("point the reviewed tag back at main",
         {"tag": "reviewed", "to": "main", "reason": "rollback"}),
    ]
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
