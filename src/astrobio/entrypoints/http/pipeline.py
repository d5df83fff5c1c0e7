"""HTTP routes: the end-to-end pipeline (runs as jobs) and biosignature-potential ranking."""

from __future__ import annotations

import inspect
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter, PathParameter

from astrobio.application.use_cases.pipeline import GetPipelineRun, RunPipeline, StartPipelineRun
from astrobio.entrypoints.http.assess import BAD_BODY
from astrobio.entrypoints.http.bodies import decode_body, json_body
from astrobio.entrypoints.http.services import HttpServices, in_thread, services
from astrobio.entrypoints.pipeline_schemas import PipelineRunBody, PipelineRunRead
from astrobio.entrypoints.schemas import Problem


def _submit(svc: HttpServices, body: PipelineRunBody) -> PipelineRunRead:
    done = svc.container.submit_pipeline_run().execute(body.to_command(), fan_out=body.fan_out)
    return PipelineRunRead.from_run(done.run, job_ids=[j.id for j in done.jobs])


@post(
    "/pipeline/runs",
    status_code=202,
    tags=["pipeline"],
    summary="Run the end-to-end pipeline (background job)",
    description=(inspect.getdoc(StartPipelineRun) or "")
    + "\n\nThe job runs:\n\n"
    + (inspect.getdoc(RunPipeline) or "")
    + "\n\nPoll `GET /pipeline/runs/{id}` (the `Location` header).",
    operation_class=json_body(PipelineRunBody),
    responses={
        **BAD_BODY,
        503: ResponseSpec(Problem, description="the database or job queue is unreachable"),
    },
)
async def submit_pipeline_run(request: Request[Any, Any, Any]) -> Response[PipelineRunRead]:
    body = decode_body(await request.body(), PipelineRunBody)
    out = await in_thread(_submit, services(request), body)
    return Response(out, status_code=202, headers={"Location": f"/pipeline/runs/{out.id}"})


@get(
    "/pipeline/runs/{run_id:str}",
    tags=["pipeline"],
    summary="A pipeline run: status, results, failures",
    description=inspect.getdoc(GetPipelineRun),
    responses={404: ResponseSpec(Problem, description="no run with that id")},
)
async def get_pipeline_run(
    request: Request[Any, Any, Any],
    run_id: Annotated[str, PathParameter()],
    limit: Annotated[int, Parameter(ge=1, le=10000, description="modelled planets to list")] = 50,
    stages: Annotated[bool, Parameter(description="include each stage's output (spectra, noise)")] = False,
) -> PipelineRunRead:
    use_case = services(request).container.pipeline.get_run()
    view = await in_thread(lambda: use_case.execute(run_id, limit=limit))
    return PipelineRunRead.from_view(view, stages=stages)


ROUTES = [submit_pipeline_run, get_pipeline_run]
