"""Background jobs: POST /jobs (any kind), POST /jobs/ingest/catalog, GET /jobs/kinds, GET /jobs/{id}."""

from __future__ import annotations

import inspect
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import PathParameter

from astrobio.application.use_cases.ingest_catalog import IngestCatalog
from astrobio.application.use_cases.jobs import GetJob, SubmitJob, SubmitJobCommand
from astrobio.bootstrap.container import INGEST_CATALOG_JOB
from astrobio.entrypoints.http.assess import BAD_BODY
from astrobio.entrypoints.http.bodies import decode_body, json_body
from astrobio.entrypoints.http.import_paths import confine_paths
from astrobio.entrypoints.http.services import in_thread, services
from astrobio.entrypoints.schemas import IngestCatalogBody, JobRead, Problem, SubmitJobBody
from astrobio.entrypoints.sweep_progress import job_progress

_INGEST_DOC = (
    "Queue an ingestion of a catalog snapshot (`source`: `bundled`, `archive` or a file inside "
    "the server's import directories, `ASTROBIO_IMPORT_DIRS`); poll `GET /jobs/{id}` (the `Location` "
    "header) for the outcome.\n\n"
    + (inspect.getdoc(SubmitJob) or "") + "\n\nThe job runs:\n\n" + (inspect.getdoc(IngestCatalog) or "")
)


@post(
    "/jobs/ingest/catalog", status_code=202, tags=["jobs"], summary="Ingest a catalog (background job)",
    description=_INGEST_DOC, operation_class=json_body(IngestCatalogBody, required=False),
    responses={**BAD_BODY, 503: ResponseSpec(Problem, description="the job queue is unreachable")},
)
async def submit_ingest_catalog(request: Request[Any, Any, Any]) -> Response[JobRead]:
    body = decode_body(await request.body(), IngestCatalogBody, default=IngestCatalogBody())
    source = confine_paths(body.source, services(request).settings.import_dirs, "source", "source")
    command = SubmitJobCommand(kind=INGEST_CATALOG_JOB, params={"source": source})
    job = await in_thread(services(request).container.submit_job().execute, command)
    return Response(JobRead.from_domain(job), status_code=202, headers={"Location": f"/jobs/{job.id}"})


@post(
    "/jobs", status_code=202, tags=["jobs"], summary="Queue a background job of any known kind",
    description="Queue a job (`kind` from `GET /jobs/kinds`, `params` as that kind documents); poll "
                "`GET /jobs/{id}` (the `Location` header).\n\n" + (inspect.getdoc(SubmitJob) or ""),
    operation_class=json_body(SubmitJobBody),
    responses={**BAD_BODY, 503: ResponseSpec(Problem, description="the job queue is unreachable")},
)
async def submit_job(request: Request[Any, Any, Any]) -> Response[JobRead]:
    body = decode_body(await request.body(), SubmitJobBody)
    params = confine_paths(dict(body.params), services(request).settings.import_dirs)
    command = SubmitJobCommand(kind=body.kind, params=params)
    job = await in_thread(services(request).container.submit_job().execute, command)
    return Response(JobRead.from_domain(job), status_code=202, headers={"Location": f"/jobs/{job.id}"})


@get("/jobs/kinds", tags=["jobs"], summary="The job kinds the workers run")
async def job_kinds(request: Request[Any, Any, Any]) -> list[str]:
    return sorted(services(request).container.job_kinds())


@get(
    "/jobs/{job_id:str}", tags=["jobs"], summary="A job's state and result",
    description=inspect.getdoc(GetJob),
    responses={404: ResponseSpec(Problem, description="no job with that id")},
)
async def get_job(request: Request[Any, Any, Any], job_id: Annotated[str, PathParameter()]) -> JobRead:
    container = services(request).container
    job = await in_thread(container.get_job().execute, job_id)
    return JobRead.from_domain(job, await in_thread(job_progress, container, job))


ROUTES = [submit_job, submit_ingest_catalog, job_kinds, get_job]
