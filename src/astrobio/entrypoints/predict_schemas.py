"""msgspec DTOs of the climate-surrogate API (HTTP, CLI, worker payloads) and the prediction file layout."""

from __future__ import annotations

import io
import json
from typing import Annotated, Any, ClassVar, Literal

import msgspec

from astrobio.application.use_cases.provenance import ModelProvenance, card_provenance
from astrobio.application.use_cases.surrogates import (
    MAX_PLANETS,
    ClimatePredictions,
    HabitabilityVerdict,
    PlanetClimatePrediction,
    PredictClimateCommand,
    TrainingJobParams,
)
from astrobio.domain.climate import ClimateParameters
from astrobio.domain.errors import InvalidQuantity
from astrobio.domain.surrogate import CubePrediction, ModelCard, SurrogateMode
from astrobio.entrypoints.climate_schemas import ClimateParametersBody

PosInt = Annotated[int, msgspec.Meta(ge=1)]


def to_parameters(body: ClimateParametersBody, path: str) -> ClimateParameters:
    """Domain parameters; a physics violation is re-raised naming ``<path>.<field>``."""
    try:
        return body.to_domain()
    except InvalidQuantity as exc:
        raise InvalidQuantity(exc.message, field=f"{path}.{exc.field}" if exc.field else path) from exc


class PredictBody(msgspec.Struct, forbid_unknown_fields=True):
    """Body of ``POST /predict``: ``planets``, a list (1-1000) of climate parameter objects.

    Every parameter field defaults to a modern-Earth aquaplanet, so ``{"planets": [{}]}``
    predicts the Earth. ``mode`` must be ``scalar`` here (fields: ``POST /predict/datacube``).
    """
    #: Worked examples (summary, body): in the OpenAPI schema and posted by the test suite.
    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("an M-dwarf planet and the Earth",
         {"mode": "scalar",
          "planets": [{"star_teff_k": 3300.0,
                       "instellation_w_m2": 1100.0,
                       "synchronous": True,
                       "rotation_period_days": 12.0},
                      {}]}),
    ]

    planets: Annotated[list[ClimateParametersBody], msgspec.Meta(min_length=1, max_length=MAX_PLANETS)]
    mode: Literal["scalar", "datacube"] = "scalar"

    def to_command(self) -> PredictClimateCommand:
        if self.mode != "scalar":
            raise InvalidQuantity("POST /predict returns global means (mode 'scalar'); fields on the "
                                  "GCM grid come from POST /predict/datacube", field="mode")
        return PredictClimateCommand(
            parameters=[to_parameters(p, f"planets[{i}]") for i, p in enumerate(self.planets)],
            mode=SurrogateMode.SCALAR)


class DatacubeBody(msgspec.Struct, forbid_unknown_fields=True):
    """Body of ``POST /predict/datacube``: one planet's ``parameters`` and the file ``format``."""
    #: Worked examples (summary, body): in the OpenAPI schema and posted by the test suite.
    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("a tidally locked planet of a 3300 K star, as NetCDF",
         {"parameters": {"star_teff_k": 3300.0, "synchronous": True, "rotation_period_days": 12.0},
          "format": "netcdf"}),
    ]

    parameters: ClimateParametersBody = msgspec.field(default_factory=ClimateParametersBody)
    format: Literal["hdf5", "netcdf"] = "hdf5"

    def to_command(self) -> PredictClimateCommand:
        return PredictClimateCommand(parameters=[to_parameters(self.parameters, "parameters")],
                                     mode=SurrogateMode.DATACUBE)


class ValueRead(msgspec.Struct):
    mean: float
    sigma: float
    units: str


class VerdictRead(msgspec.Struct):
    """Thermal class of the predicted surface temperature (frozen|temperate|warm|hot|uncertain)."""

    label: str
    p_liquid_water: float
    probabilities: dict[str, float]
    liquid_water_range_k: list[float]

    @classmethod
    def from_domain(cls, v: HabitabilityVerdict) -> VerdictRead:
        return cls(label=v.label, p_liquid_water=v.p_liquid_water, probabilities=dict(v.probabilities),
                   liquid_water_range_k=list(v.liquid_water_range_k))


class PlanetPredictionRead(msgspec.Struct):
    index: int
    model_id: str
    values: dict[str, ValueRead]
    out_of_range: list[str]
    verdict: VerdictRead | None
    #: Mahalanobis distance to the training runs / the model's threshold (> 1: outside); null for
    #: models that only know a per-input box
    ood_distance: float | None = None
    #: ``<arch>:<id12>`` (the model) or ``ebm-prior:<id12>`` (its physics prior, outside the domain)
    answered_by: str = ""

    @classmethod
    def from_domain(cls, index: int, r: PlanetClimatePrediction) -> PlanetPredictionRead:
        p = r.prediction
        values = {k: ValueRead(mean=m, sigma=s, units=p.units.get(k, "")) for k, (m, s) in p.values.items()}
        return cls(index=index, model_id=p.model_id, values=values,
                   out_of_range=list(p.out_of_range),
                   verdict=None if r.verdict is None else VerdictRead.from_domain(r.verdict),
                   ood_distance=p.ood_distance, answered_by=p.answered_by)


class TrainingDataRead(msgspec.Struct):
    """A training cube of the model; ``dataset_version`` (``climate_cube.<name>@sha256:...``) is null
    when the cube's ingestion is not recorded here."""

    cube_id: str
    checksum: str
    dataset_version: str | None


class PredictionProvenanceRead(msgspec.Struct):
    """What a prediction used: the checkpoint (``model_id``, its SHA-256), its mode, the training
    cubes with their recorded dataset versions, and the code versions (predicting / training)."""

    model_id: str
    model_mode: str
    code_version: str
    model_code_version: str
    training_data: list[TrainingDataRead]

    @classmethod
    def from_domain(cls, p: ModelProvenance) -> PredictionProvenanceRead:
        return cls(model_id=p.model_id, model_mode=p.model_mode, code_version=p.code_version,
                   model_code_version=p.model_code_version,
                   training_data=[TrainingDataRead(cube_id=t.cube_id, checksum=t.checksum,
                                                   dataset_version=t.dataset_version)
                                  for t in p.training_data])


def _provenance(r: ClimatePredictions) -> ModelProvenance:
    return r.provenance if r.provenance is not None else card_provenance(r.card)


class PredictionsRead(msgspec.Struct):
    """Output of ``POST /predict`` and ``astrobio predict --json``: one entry per planet, in order,
    and the ``provenance`` of the prediction (model checkpoint, training data versions)."""

    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("surface temperature of TRAPPIST-1 e",
         {
             "mode": "scalar",
             "model_id": "mlp-20261203-a1",
             "predictions": [
                 {
                     "index": 0,
                     "model_id": "mlp-20261203-a1",
                     "values": {"ts_mean": {"mean": 252.4, "sigma": 6.1, "units": "K"}},
                     "out_of_range": [],
                     "verdict": {
                         "label": "temperate",
                         "p_liquid_water": 0.41,
                         "probabilities": {"frozen": 0.52, "temperate": 0.41, "hot": 0.07},
                         "liquid_water_range_k": [273.15, 373.15],
                     },
                 },
             ],
             "provenance": {
                 "model_id": "mlp-20261203-a1",
                 "model_mode": "scalar",
                 "code_version": "0.1.0",
                 "model_code_version": "0.1.0",
                 "training_data": [
                     {
                         "cube_id": "cube-8e1f",
                         "checksum": "566a7f5cd379c58073177951d6ab77cee9e52aa39e09d2fc85ec7d0df84791a7",
                         "dataset_version": None,
                     },
                 ],
             },
         }),
    ]

    mode: str
    model_id: str
    predictions: list[PlanetPredictionRead]
    provenance: PredictionProvenanceRead

    @classmethod
    def from_domain(cls, r: ClimatePredictions) -> PredictionsRead:
        return cls(mode=r.mode.value, model_id=r.card.id,
                   predictions=[PlanetPredictionRead.from_domain(i, p) for i, p in enumerate(r.scalar)],
                   provenance=PredictionProvenanceRead.from_domain(_provenance(r)))


class ModelCardRead(msgspec.Struct):
    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("an active scalar surrogate",
         {
             "id": "mlp-20261203-a1",
             "mode": "scalar",
             "active": True,
             "created_at": "2026-12-03T18:00:00Z",
             "code_version": "0.1.0",
             "outputs": ["ts_mean"],
             "metrics": {"val_rmse_k": 4.2},
             "input_ranges": {"instellation_w_m2": [400.0, 1800.0], "pco2_bar": [0.0004, 1.0]},
             "training_cubes": [
                 {
                     "id": "cube-8e1f",
                     "checksum": "566a7f5cd379c58073177951d6ab77cee9e52aa39e09d2fc85ec7d0df84791a7",
                 },
             ],
             "hyperparameters": {"hidden": 64, "epochs": 200},
         }),
    ]

    id: str
    mode: str
    active: bool
    created_at: str
    code_version: str
    outputs: list[str]
    metrics: dict[str, float]
    input_ranges: dict[str, list[float]]
    training_cubes: list[dict[str, str]]
    hyperparameters: dict[str, Any]

    @classmethod
    def from_domain(cls, c: ModelCard) -> ModelCardRead:
        return cls(id=c.id, mode=c.mode.value, active=c.active, created_at=c.created_at.isoformat(),
                   code_version=c.code_version, outputs=list(c.outputs), metrics=dict(c.metrics),
                   input_ranges={k: [lo, hi] for k, (lo, hi) in c.input_ranges.items()},
                   training_cubes=[{"cube_id": i, "checksum": s} for i, s in c.training_cubes],
                   hyperparameters=msgspec.to_builtins(c.hyperparameters, str_keys=True, enc_hook=str))


class TrainClimateBody(msgspec.Struct, forbid_unknown_fields=True):
    """Body of ``POST /jobs/train/climate`` (every field optional).

    ``cubes``: ``"all"`` (every stored cube with run parameters) or a list of cube ids;
    ``mode``: ``scalar``, ``datacube`` or ``both``; the rest are training hyperparameters.
    """
    #: Worked examples (summary, body): in the OpenAPI schema and posted by the test suite.
    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("a quick scalar surrogate on every stored cube",
         {"cubes": "all", "mode": "scalar", "max_epochs": 5, "seed": 0, "ensemble": 1, "activate": False}),
    ]

    cubes: Literal["all"] | list[str] = "all"
    mode: Literal["scalar", "datacube", "both"] = "both"
    max_epochs: Annotated[int, msgspec.Meta(ge=1, le=100_000)] = 200
    seed: int = 0
    ensemble: Annotated[int, msgspec.Meta(ge=1, le=64)] = 3
    batch_size: PosInt = 4
    learning_rate: Annotated[float, msgspec.Meta(gt=0)] = 1e-3
    holdout_fraction: Annotated[float, msgspec.Meta(gt=0, lt=1)] = 0.2
    precision: Literal["64-true", "32-true", "16-true", "16-mixed", "bf16-true", "bf16-mixed"] = "bf16-mixed"
    accelerator: Literal["cpu", "gpu", "cuda", "mps", "auto"] = "cpu"
    devices: Annotated[int, msgspec.Meta(ge=1, le=64)] = 1
    strategy: str = "auto"
    activate: bool = True

    def to_job_params(self) -> dict[str, Any]:
        """Job params, checked the way the worker will read them."""
        params: dict[str, Any] = msgspec.to_builtins(self)
        TrainingJobParams.from_params(params).commands()
        return params


# ------------------------------------------------------------------------ prediction files
def _attrs(r: ClimatePredictions, cube: CubePrediction, params: ClimateParameters) -> dict[str, Any]:
    prov = _provenance(r)
    out: dict[str, Any] = {
        "Conventions": "CF-1.8", "title": "astrobio climate surrogate prediction (time-mean fields)",
        "model_id": r.card.id, "model_mode": prov.model_mode, "model_code_version": r.card.code_version,
        "code_version": prov.code_version,
        "training_data": json.dumps([t.to_dict() for t in prov.training_data], separators=(",", ":")),
        "out_of_range": ",".join(cube.out_of_range), "answered_by": cube.answered_by}
    if cube.ood_distance is not None:
        out["ood_distance"] = float(cube.ood_distance)
    for name, value in params.to_dict().items():
        out[f"input_{name}"] = int(value) if isinstance(value, bool) else value
    return out


_COORDS = {"lev": ("1", "atmosphere_sigma_coordinate"), "lat": ("degrees_north", "latitude"),
           "lon": ("degrees_east", "longitude")}


def _fields(cube: CubePrediction) -> list[tuple[str, Any, tuple[str, ...], dict[str, str]]]:
    out = []
    for var, mean in cube.mean.items():
        units = cube.units.get(var, "")
        out.append((var, mean, cube.dims[var], {"units": units, "ancillary_variables": f"{var}_sigma"}))
        out.append((f"{var}_sigma", cube.sigma[var], cube.dims[var],
                    {"units": units, "long_name": f"1-sigma uncertainty of {var}"}))
    return out


def cube_to_hdf5(r: ClimatePredictions, params: ClimateParameters) -> bytes:
    """HDF5 in NetCDF-4 layout: ``lev``, ``lat``, ``lon`` dimension scales (with ``units``) attached to
    each ``<var>`` and ``<var>_sigma`` dataset (float32, ``units``, ``dims`` = "lev,lat,lon"), so
    h5py, netCDF4 and xarray all open it; inputs and out-of-range flags as file attributes."""
    import h5py
    import numpy as np

    assert r.cube is not None
    cube, buf = r.cube, io.BytesIO()
    with h5py.File(buf, "w") as f:
        f.attrs.update(_attrs(r, cube, params))
        for name, values in (("lev", cube.lev), ("lat", cube.lat_deg), ("lon", cube.lon_deg)):
            d = f.create_dataset(name, data=np.asarray(values, dtype="f8"))
            d.attrs["units"], d.attrs["standard_name"] = _COORDS[name]
            d.make_scale(name)
        for name, data, dims, attrs in _fields(cube):
            d = f.create_dataset(name, data=np.asarray(data, dtype="f4"), compression="gzip")
            d.attrs.update({**attrs, "dims": ",".join(dims)})
            for axis, dim in enumerate(dims):
                d.dims[axis].attach_scale(f[dim])
    return buf.getvalue()


def cube_to_netcdf(r: ClimatePredictions, params: ClimateParameters) -> bytes:
    """The same content as :func:`cube_to_hdf5`, written by the netCDF library (NetCDF-4)."""
    import netCDF4
    import numpy as np

    assert r.cube is not None
    cube = r.cube
    nc = netCDF4.Dataset("prediction.nc", "w", format="NETCDF4", memory=1 << 20)
    try:
        nc.setncatts(_attrs(r, cube, params))
        for name, values in (("lev", cube.lev), ("lat", cube.lat_deg), ("lon", cube.lon_deg)):
            nc.createDimension(name, len(values))
            v = nc.createVariable(name, "f8", (name,))
            v[:] = np.asarray(values, dtype="f8")
            v.units, v.standard_name = _COORDS[name]
        for name, data, dims, attrs in _fields(cube):
            v = nc.createVariable(name, "f4", dims, zlib=True)
            v[:] = np.asarray(data, dtype="f4")
            v.setncatts(attrs)
    finally:
        memory = nc.close()
    return bytes(memory)
