"""GET /models and POST /models/{kind}/{model_id}/activate: the one registry of every model kind."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

import msgspec
from litestar import Request, get, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import PathParameter

from astrobio.bootstrap.models import activate_model, list_models
from astrobio.entrypoints.http.access import ADMIN
from astrobio.entrypoints.http.services import in_thread, services
from astrobio.entrypoints.schemas import Problem


class ModelRead(msgspec.Struct):
    """A registered model: ``kind`` (scalar, datacube, gvae, denoiser, retrieval, multiclass), content
    id, whether it is served, held-out metrics, the search ``study`` that found it, its training curves."""

    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("an active climate surrogate",
         {
             "kind": "climate",
             "id": "mlp-20261203-a1",
             "created_at": "2026-12-03T18:00:00Z",
             "active": True,
             "metrics": {"val_rmse_k": 4.2},
         }),
    ]

    kind: str
    id: str
    created_at: str
    active: bool
    metrics: dict[str, float]
    study: dict[str, Any] | None = None
    training_curves: list[str] | str | None = None


class ActivatedRead(msgspec.Struct):
    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("activated",
         {"kind": "climate", "id": "mlp-20261203-a1", "active": True}),
    ]

    kind: str
    id: str
    active: bool


@get("/models", tags=["models"], summary="Every registered model",
     description="Climate surrogates and every other trained kind, newest first. A kind with no "
     "active registered model serves its shipped model.")
async def models(request: Request[Any, Any, Any]) -> list[ModelRead]:
    rows = await in_thread(list_models, services(request).container)
    return [msgspec.convert(r, ModelRead) for r in rows]


@post("/models/{kind:str}/{model_id:str}/activate", opt=ADMIN, status_code=200, tags=["models"],
      summary="Serve a registered model (administrators)",
      description="Makes the model the active one of its kind; its loaders pick it up at once.",
      responses={404: ResponseSpec(Problem, description="no such kind or model")})
async def activate(request: Request[Any, Any, Any], kind: Annotated[str, PathParameter()],
                   model_id: Annotated[str, PathParameter()]) -> ActivatedRead:
    out = await in_thread(activate_model, services(request).container, kind, model_id)
    return msgspec.convert(out, ActivatedRead)


ROUTES = [models, activate]
