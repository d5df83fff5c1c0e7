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
from astrobio.application.use_cases.planet_biosphere import SimulatePlanetBiosphere
from astrobio.entrypoints.http.bodies import MAX_INT_PARAM, decode_body, json_body
from astrobio.entrypoints.http.services import in_thread, services
from astrobio.entrypoints.metabolism_schemas import (
    ModelListRead,
    ModelRead,
    ModelSummaryRead,
    SimulateBody,
    SimulationRead,
)
from astrobio.entrypoints.schemas import Problem

NOT_FOUND = {404: ResponseSpec(Problem, description="no such metabolic model")}
BAD_BODY = {
    400: ResponseSpec(Problem, description="empty body or malformed JSON"),
    404: ResponseSpec(Problem, description="an unknown model id or planet name"),
    422: ResponseSpec(Problem, description="invalid environment (e.g. a negative partial pressure); "
                                           "`field` names it"),
}


@get("/metabolic-models", tags=["metabolism"], summary="List genome-scale metabolic models",
     description=inspect.getdoc(ListMetabolicModels))
async def list_models(
    request: Request[Any, Any, Any],
    taxid: Annotated[
        Annotated[int, Parameter(ge=1, le=MAX_INT_PARAM)] | None,
        Parameter(ge=1, le=MAX_INT_PARAM, description="only models of this NCBI taxid"),
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
      description=f"{inspect.getdoc(SimulateMetabolism)}\n\nWith `planet_name`: "
      f"{inspect.getdoc(SimulatePlanetBiosphere)}", operation_class=json_body(SimulateBody),
      responses=BAD_BODY)
async def simulate(request: Request[Any, Any, Any]) -> SimulationRead:
    body = decode_body(await request.body(), SimulateBody)
    container = services(request).container
    if body.planet_name is not None and body.environment is None:
        name, models = body.planet_name, body.models
        use_case = container.pipeline.planet_biosphere()
        planet = await in_thread(lambda: use_case.execute(name, model_ids=models))
        return SimulationRead.from_simulation(planet.simulation, body.biomass_gdw_m2, planet)
    command = body.to_command()
    sim = await in_thread(container.metabolism.simulate().simulate, command)
    return SimulationRead.from_simulation(sim, command.biomass.biomass_gdw_m2)


ROUTES = [list_models, get_model, simulate]
