"""Climate surrogates: POST /predict, POST /predict/datacube, GET /surrogates,
POST /surrogates/{model_id}/activate, POST /jobs/train/climate.

Every prediction runs in a worker thread (a model evaluation blocks), and the model is
loaded by the registry on the first prediction, never at API start-up.
"""

from __future__ import annotations

import inspect
import time
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import PathParameter

from astrobio.application.use_cases.jobs import SubmitJobCommand
from astrobio.application.use_cases.surrogates import (
    ActivateSurrogate,
    ClimatePredictions,
    ListSurrogates,
    PredictClimate,
    TrainClimateSurrogate,
)
from astrobio.bootstrap.container import TRAIN_CLIMATE_JOB
from astrobio.bootstrap.monitoring import observe_inference
from astrobio.entrypoints.http.access import ADMIN, COMPUTE
from astrobio.entrypoints.http.assess import BAD_BODY
from astrobio.entrypoints.http.bodies import decode_body, json_body
from astrobio.entrypoints.http.services import in_thread, services
from astrobio.entrypoints.predict_all_schemas import ModeProbe, PredictAllRead, PredictModesBody
from astrobio.entrypoints.predict_schemas import (
    DatacubeBody,
    ModelCardRead,
    PredictBody,
    PredictionsRead,
    TrainClimateBody,
    cube_to_hdf5,
    cube_to_netcdf,
)
from astrobio.entrypoints.schemas import JobRead, Problem

NO_MODEL = {404: ResponseSpec(Problem, description="no active model for the mode (`field`: `mode`): "
                                                     "train or activate one first")}
MEDIA = {"netcdf": "application/x-netcdf", "hdf5": "application/x-hdf5"}
SUFFIX = {"netcdf": "nc", "hdf5": "h5"}
_PREDICT_DOC = inspect.getdoc(PredictClimate) or ""


@post(
    "/predict", opt=COMPUTE, status_code=200,
    tags=["climate"], summary="Predict global-mean climate (scalar surrogate)",
    description=_PREDICT_DOC + "\n\nPer planet: `values` {name: {mean, sigma, units}}, `out_of_range` "
    "(inputs outside the training ranges), `verdict` (thermal class and P(liquid water)), `model_id`."
    "\n\nWith `mode` `multiclass`, `jwst` or `all` (1-16 planets; each may add "
    "`star_radius_sun`, `star_mass_sun`, `mass_earth`, `name` and a transmission `spectrum`) the answer "
    "holds, per planet, every model that applies: `scalar`, `datacube` (area-weighted global means), "
    "`multiclass`, `jwst` (denoised spectrum + retrieval summary), with `skipped` {mode: reason} for "
    "the rest and `latency_ms` per model.",
    operation_class=json_body(PredictBody), responses={**BAD_BODY, **NO_MODEL},
)
async def predict(request: Request[Any, Any, Any]) -> PredictionsRead | PredictAllRead:
    raw = await request.body()
    c = services(request).container
    mode = decode_body(raw, ModeProbe, default=ModeProbe()).mode
    if mode not in ("scalar", "datacube"):  # multiclass | jwst | all: every model that applies
        modes = decode_body(raw, PredictModesBody)
        answers = await in_thread(lambda: c.predict_all().execute(modes.to_command()))
        return PredictAllRead.from_domain(modes.mode, answers)
    command = decode_body(raw, PredictBody).to_command()
    # Building the use case resolves the registry: keep that off the event loop too.
    start = time.perf_counter()
    result = await in_thread(lambda: c.predict_climate().execute(command))
    observe_inference("scalar", time.perf_counter() - start)
    return PredictionsRead.from_domain(result)


def _encode(result: ClimatePredictions, body: DatacubeBody) -> bytes:
    params = body.parameters.to_domain()
    return cube_to_hdf5(result, params) if body.format == "hdf5" else cube_to_netcdf(result, params)


@post(
    "/predict/datacube", opt=COMPUTE, status_code=200,
    tags=["climate"], summary="Predict climate fields as HDF5 / NetCDF",
    description=_PREDICT_DOC + "\n\nThe file holds `<var>` and `<var>_sigma` (float32, `units`) on "
    "`lev`, `lat`, `lon` dimension scales (NetCDF-4 layout: h5py, netCDF4 and xarray open it); the "
    "inputs are file attributes `input_<name>`. Out-of-range inputs are listed in the `out_of_range` "
    "attribute and the `X-Out-Of-Range` header (present only when some are).",
    operation_class=json_body(DatacubeBody, required=False),
    responses={**BAD_BODY, **NO_MODEL, 200: ResponseSpec(bytes, description="HDF5 or NetCDF-4 file",
                                                          media_type="application/x-hdf5")},
)
async def predict_datacube(request: Request[Any, Any, Any]) -> Response[bytes]:
    body = decode_body(await request.body(), DatacubeBody, default=DatacubeBody())
    command = body.to_command()
    c = services(request).container
    start = time.perf_counter()
    result = await in_thread(lambda: c.predict_climate().execute(command))
    observe_inference("datacube", time.perf_counter() - start)
    data = await in_thread(_encode, result, body)
    assert result.cube is not None
    filename = f"climate-{result.card.id[:12]}.{SUFFIX[body.format]}"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"', "X-Model-Id": result.card.id}
    if result.cube.out_of_range:
        headers["X-Out-Of-Range"] = ",".join(result.cube.out_of_range)
    if result.cube.ood_distance is not None:
        headers["X-OOD-Distance"] = f"{result.cube.ood_distance:.4g}"
    if result.cube.answered_by:
        headers["X-Answered-By"] = result.cube.answered_by
    return Response(data, media_type=MEDIA[body.format], headers=headers)


@get("/surrogates", tags=["climate"], summary="Registered climate surrogates",
     description=inspect.getdoc(ListSurrogates))
async def list_surrogates(request: Request[Any, Any, Any]) -> list[ModelCardRead]:
    c = services(request).container
    cards = await in_thread(lambda: c.list_surrogates().execute())
    return [ModelCardRead.from_domain(card) for card in cards]


@post("/surrogates/{model_id:str}/activate", opt=ADMIN, status_code=200, tags=["climate"],
      summary="Activate a registered surrogate", description=inspect.getdoc(ActivateSurrogate),
      responses={404: ResponseSpec(Problem, description="no such model")})
async def activate_surrogate(request: Request[Any, Any, Any],
                             model_id: Annotated[str, PathParameter()]) -> ModelCardRead:
    c = services(request).container
    return ModelCardRead.from_domain(await in_thread(lambda: c.activate_surrogate().execute(model_id)))


@post(
    "/jobs/train/climate", status_code=202, tags=["jobs", "climate"],
    summary="Train climate surrogates (background job)",
    description=(inspect.getdoc(TrainClimateSurrogate) or "") + "\n\nRuns as a background job of kind "
    "`train_climate`; poll `GET /jobs/{id}` (the `Location` header): its result lists the new models.",
    operation_class=json_body(TrainClimateBody, required=False),
    responses={**BAD_BODY, 503: ResponseSpec(Problem, description="the job queue is unreachable")},
)
async def submit_training(request: Request[Any, Any, Any]) -> Response[JobRead]:
    body = decode_body(await request.body(), TrainClimateBody, default=TrainClimateBody())
    command = SubmitJobCommand(kind=TRAIN_CLIMATE_JOB, params=body.to_job_params())
    job = await in_thread(services(request).container.submit_job().execute, command)
    return Response(JobRead.from_domain(job), status_code=202, headers={"Location": f"/jobs/{job.id}"})


ROUTES = [predict, predict_datacube, list_surrogates, activate_surrogate, submit_training]
