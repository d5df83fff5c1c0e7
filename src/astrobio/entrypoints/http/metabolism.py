"""HTTP routes: GET /metabolic-models, GET /metabolic-models/{id}, POST /metabolism/simulate."""

from __future__ import annotations

import inspect
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter, PathParameter

from astrobio.application.use_cases.metabolism import (
    GetMetabolicModel,
    ListMetabolicModels,
    SimulateMetabolism,
)
from astrobio.entrypoints.http.bodies import INT64_MAX, decode_body, json_body
from astrobio.entrypoints.http.services import in_thread, services
from astrobio.entrypoints.metabolism_schemas import (
    ModelListRead,
    ModelRead,
    ModelSummaryRead,
    ResultRead,
    SimulateBody,
    SimulationRead,
)
from astrobio.entrypoints.schemas import Problem

NOT_FOUND = {404: ResponseSpec(Problem, description="no such metabolic model")}
BAD_BODY = {
    400: ResponseSpec(Problem, description="empty body or malformed JSON"),
    404: ResponseSpec(Problem, description="an unknown model id"),
    422: ResponseSpec(Problem, description="invalid environment (e.g. a negative partial pressure); "
                                           "`field` names it"),
}


@get("/metabolic-models", tags=["metabolism"], summary="List genome-scale metabolic models",
     description=inspect.getdoc(ListMetabolicModels))
async def list_models(
    request: Request[Any, Any, Any],
    taxid: Annotated[
        int | None, Parameter(ge=1, le=INT64_MAX, description="only models of this NCBI taxid")
    ] = None,
) -> ModelListRead:
    models = await in_thread(services(request).container.metabolism.list_models().execute, taxid)
    return ModelListRead(items=[ModelSummaryRead.from_domain(m) for m in models], total=len(models))


@get("/metabolic-models/{model_id:str}", tags=["metabolism"], summary="One model and its quality check",
     description=inspect.getdoc(GetMetabolicModel), responses=NOT_FOUND)
async def get_model(request: Request[Any, Any, Any], model_id: Annotated[str, PathParameter()]) -> ModelRead:
    model = await in_thread(services(request).container.metabolism.get_model().execute, model_id)
    return ModelRead.from_domain(model)


@post("/metabolism/simulate", status_code=200, tags=["metabolism"],
      summary="Growth and biosignature gas fluxes of each model in an environment",
      description=inspect.getdoc(SimulateMetabolism), operation_class=json_body(SimulateBody),
      responses=BAD_BODY)
async def simulate(request: Request[Any, Any, Any]) -> SimulationRead:
    body = decode_body(await request.body(), SimulateBody)
    command = body.to_command()
    results = await in_thread(services(request).container.metabolism.simulate().execute, command)
    return SimulationRead(results=[ResultRead.from_domain(r) for r in results],
                          biomass_gdw_m2=command.biomass.biomass_gdw_m2)


ROUTES = [list_models, get_model, simulate]
