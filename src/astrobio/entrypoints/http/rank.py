"""POST /rank: the stored catalog ordered as search-for-life targets."""

from __future__ import annotations

import inspect
from typing import Any

from litestar import Request, post

from astrobio.application.use_cases.rank_targets import RankTargets, RankTargetsCommand
from astrobio.entrypoints.http.access import COMPUTE
from astrobio.entrypoints.http.assess import BAD_BODY
from astrobio.entrypoints.http.bodies import decode_body, json_body
from astrobio.entrypoints.http.services import in_thread, services
from astrobio.entrypoints.pipeline_schemas import BiosignatureRankingRead, rank_command
from astrobio.entrypoints.schemas import RankBody, RankingRead


@post(
    "/rank", opt=COMPUTE, status_code=200, tags=["science"], summary="Rank targets",
    description=(inspect.getdoc(RankTargets) or "")
    + "\n\nWeights default to the server's configured weights (ASTROBIO_RANK_WEIGHTS)."
    + "\n\n`\"by\": \"biosignature\"` orders by biosignature potential from the latest completed pipeline "
    "run (`POST /pipeline/runs`) with the same filters (409 naming `by` when no run has completed).",
    operation_class=json_body(RankBody, required=False), responses=BAD_BODY,
)
async def rank(request: Request[Any, Any, Any]) -> RankingRead | BiosignatureRankingRead:
    svc = services(request)
    body = decode_body(await request.body(), RankBody, default=RankBody())
    if body.by == "biosignature":
        bio = rank_command(body.top, body.hz, body.min_radius_earth, body.max_radius_earth,
                           body.max_distance_pc, body.planet_classes)
        result = await in_thread(svc.container.pipeline.rank_by_biosignature().execute, bio)
        return BiosignatureRankingRead.from_domain(result)
    weights = body.weights.to_domain() if body.weights is not None else svc.settings.rank_weights
    command = RankTargetsCommand(weights=weights, where=body.to_filter(), top=body.top)
    ranking = await in_thread(svc.container.rank_targets().execute, command)
    return RankingRead.from_domain(ranking, weights)


ROUTES = [rank]
