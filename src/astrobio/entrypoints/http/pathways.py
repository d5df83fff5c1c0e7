"""HTTP routes: GET /pathways, GET /pathways/{id}, POST /pathways/similar."""

from __future__ import annotations

import inspect
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter, PathParameter

from astrobio.application.use_cases.pathways import FindSimilarPathways, GetPathway, ListPathways
from astrobio.entrypoints.http.bodies import MAX_INT_PARAM, decode_body, json_body
from astrobio.entrypoints.http.services import in_thread, services
from astrobio.entrypoints.pathways_schemas import (
    PathwayPageRead,
    PathwayRead,
    PathwaySummaryRead,
    SimilarBody,
    SimilarItemRead,
    SimilarRead,
)
from astrobio.entrypoints.schemas import Problem

NOT_FOUND = {404: ResponseSpec(Problem, description="no such pathway (or no trained graph VAE)")}


@get(
    "/pathways",
    tags=["pathways"],
    summary="List stored KEGG pathways",
    description=inspect.getdoc(ListPathways),
)
async def list_pathways(
    request: Request[Any, Any, Any],
    offset: Annotated[int, Parameter(ge=0, le=MAX_INT_PARAM)] = 0,
    limit: Annotated[int, Parameter(ge=1, le=1000)] = 100,
) -> PathwayPageRead:
    items, total = await in_thread(
        services(request).container.pathways.list_pathways().execute, offset, limit
    )
    return PathwayPageRead(
        items=[PathwaySummaryRead.from_domain(p) for p in items], total=total, offset=offset, limit=limit
    )


@get(
    "/pathways/{pathway_id:str}",
    tags=["pathways"],
    summary="One pathway: graph as JSON + stats",
    description=inspect.getdoc(GetPathway),
    responses=NOT_FOUND,
)
async def get_pathway(
    request: Request[Any, Any, Any], pathway_id: Annotated[str, PathParameter(description="e.g. ko00010")]
) -> PathwayRead:
    found = await in_thread(services(request).container.pathways.get_pathway().execute, pathway_id)
    return PathwayRead.from_domain(found)


@post(
    "/pathways/similar",
    tags=["pathways"],
    summary="Pathways similar in the graph VAE's latent space",
    description=inspect.getdoc(FindSimilarPathways),
    status_code=200,
    responses=NOT_FOUND,
    operation_class=json_body(SimilarBody),
)
async def similar_pathways(request: Request[Any, Any, Any]) -> SimilarRead:
    body = decode_body(await request.body(), SimilarBody)
    model_id, items = await in_thread(
        services(request).container.pathways.find_similar().execute, body.to_command()
    )
    return SimilarRead(
        pathway_id=body.pathway_id, model_id=model_id, items=[SimilarItemRead.from_domain(s) for s in items]
    )


ROUTES: list[Any] = [list_pathways, get_pathway, similar_pathways]
