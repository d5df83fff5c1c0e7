"""msgspec DTOs of the climate API (HTTP, CLI, worker payloads)."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

import msgspec

from astrobio.application.use_cases.climate_sweeps import PlanSweepCommand, SweepStatus
from astrobio.domain.climate import (
    ClimateCube,
    ClimateParameters,
    ParameterRange,
    SamplingMethod,
    SimulationRun,
)

_DEFAULTS = ClimateParameters()


class ClimateParametersBody(msgspec.Struct, forbid_unknown_fields=True):
    """GCM run parameters; every field defaults to a modern-Earth aquaplanet."""

    star_teff_k: float = _DEFAULTS.star_teff_k
    instellation_w_m2: float = _DEFAULTS.instellation_w_m2
    radius_earth: float = _DEFAULTS.radius_earth
    gravity_m_s2: float = _DEFAULTS.gravity_m_s2
    surface_pressure_bar: float = _DEFAULTS.surface_pressure_bar
    pco2_bar: float = _DEFAULTS.pco2_bar
    rotation_period_days: float = _DEFAULTS.rotation_period_days
    synchronous: bool = _DEFAULTS.synchronous
    eccentricity: float = _DEFAULTS.eccentricity
    obliquity_deg: float = _DEFAULTS.obliquity_deg
    mixed_layer_depth_m: float = _DEFAULTS.mixed_layer_depth_m
    run_days: float = _DEFAULTS.run_days
    timestep_min: float = _DEFAULTS.timestep_min

    def to_domain(self) -> ClimateParameters:
        return ClimateParameters.from_dict(msgspec.structs.asdict(self))


class RangeBody(msgspec.Struct, forbid_unknown_fields=True):
    low: float
    high: float
    log: bool = False


class SweepPlanBody(msgspec.Struct, forbid_unknown_fields=True):
    """A parameter sweep: ``ranges`` vary (sampled by Latin hypercube or grid), ``base`` fixes the rest."""

    name: str
    ranges: dict[str, RangeBody]
    base: ClimateParametersBody = msgspec.field(default_factory=ClimateParametersBody)
    method: Literal["lhs", "grid", "active"] = "lhs"
    samples: Annotated[int, msgspec.Meta(ge=1, le=10000)] = 4
    seed: int = 0

    def to_command(self) -> PlanSweepCommand:
        return PlanSweepCommand(
            name=self.name,
            ranges={k: ParameterRange(low=r.low, high=r.high, log=r.log) for k, r in self.ranges.items()},
            base=self.base.to_domain(), method=SamplingMethod(self.method), samples=self.samples,
            seed=self.seed)


class SweepJobBody(msgspec.Struct, forbid_unknown_fields=True):
    """Body of ``POST /jobs/climate/sweep``: plan a sweep and run it in the background."""
    #: Worked examples (summary, body): in the OpenAPI schema and posted by the test suite.
    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("four ExoPlaSim runs across the inner habitable-zone edge",
         {"sweep": {"name": "hz-edge",
                    "ranges": {"instellation_w_m2": {"low": 900.0, "high": 1600.0},
                               "pco2_bar": {"low": 0.0001, "high": 0.1, "log": True}},
                    "base": {"run_days": 360.0},
                    "method": "lhs",
                    "samples": 4,
                    "seed": 0},
          "backend": "local"}),
    ]

    sweep: SweepPlanBody
    backend: Literal["local", "slurm"] = "local"
    ranks: Annotated[int, msgspec.Meta(ge=1, le=64)] = 1
    poll_interval_s: Annotated[float, msgspec.Meta(gt=0)] = 5.0


class RunRead(msgspec.Struct):
    id: str
    state: str
    attempts: int
    backend: str
    backend_job_id: str | None
    cube_id: str | None
    parameters: dict[str, Any]
    log_excerpt: str

    @classmethod
    def from_domain(cls, r: SimulationRun) -> RunRead:
        return cls(id=r.id, state=r.state.value, attempts=r.attempts, backend=r.backend,
                   backend_job_id=r.backend_job_id, cube_id=r.cube_id, parameters=r.parameters.to_dict(),
                   log_excerpt=r.log_excerpt[-4000:])


class SweepRead(msgspec.Struct):
    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("a two-run Latin-hypercube sweep",
         {
             "id": "sweep-4d2b",
             "name": "trappist1e-co2",
             "method": "lhs",
             "samples": 2,
             "seed": 42,
             "ranges": {"pco2_bar": {"low": 0.0004, "high": 1.0}},
             "counts": {"succeeded": 1, "running": 1},
             "finished": False,
             "runs": [
                 {
                     "id": "run-01",
                     "state": "succeeded",
                     "attempts": 1,
                     "backend": "slurm",
                     "backend_job_id": "1042",
                     "cube_id": "cube-8e1f",
                     "parameters": {"pco2_bar": 0.1},
                     "log_excerpt": "year 10 of 10 done",
                 },
             ],
         }),
    ]

    id: str
    name: str
    method: str
    samples: int
    seed: int
    ranges: dict[str, dict[str, Any]]
    counts: dict[str, int]
    finished: bool
    runs: list[RunRead]
    #: ``active`` plans: the acquisition's account (rule, judging model, RMS sigma of the global-mean
    #: surface temperature over the box before/after the proposed runs)
    acquisition: dict[str, Any] | None = None

    @classmethod
    def from_domain(cls, s: SweepStatus) -> SweepRead:
        sw = s.sweep
        acq = None if s.acquisition is None else {
            "rule": s.acquisition.rule, "model_id": s.acquisition.model_id,
            "sigma_before_k": s.acquisition.sigma_before_k, "sigma_after_k": s.acquisition.sigma_after_k,
            "pool_indices": list(s.acquisition.indices)}
        return cls(id=sw.id, name=sw.name, method=sw.method.value, samples=sw.samples, seed=sw.seed,
                   ranges={k: {"low": r.low, "high": r.high, "log": r.log} for k, r in sw.ranges.items()},
                   counts=s.counts, finished=s.finished, runs=[RunRead.from_domain(r) for r in s.runs],
                   acquisition=acq)


class VariableRead(msgspec.Struct):
    name: str
    units: str
    dims: list[str]
    long_name: str


class GridRead(msgspec.Struct):
    n_time: int
    n_lev: int
    n_lat: int
    n_lon: int
    lev: list[float]
    lat_deg: list[float]
    lon_deg: list[float]


class CubeRead(msgspec.Struct):
    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("an ExoPlaSim cube",
         {
             "id": "cube-8e1f",
             "name": "trappist1e-pco2-0.1bar",
             "uri": "cubes/cube-8e1f.nc",
             "grid": {
                 "n_time": 12,
                 "n_lev": 2,
                 "n_lat": 2,
                 "n_lon": 2,
                 "lev": [0.5, 0.95],
                 "lat_deg": [-45.0, 45.0],
                 "lon_deg": [0.0, 180.0],
             },
             "variables": [
                 {
                     "name": "ts",
                     "units": "K",
                     "dims": ["time", "lat", "lon"],
                     "long_name": "surface temperature",
                 },
             ],
             "parameters": {"pco2_bar": 0.1},
             "time_units": "months",
             "checksum": "566a7f5cd379c58073177951d6ab77cee9e52aa39e09d2fc85ec7d0df84791a7",
             "source_files": ["MOST.00010.nc"],
             "source_checksums": ["52972238d55f090aa20f990c1e35a1e256bacc073c8e4cff27f4bb7cfaa867bc"],
             "source_format": "exoplasim-netcdf",
             "run_id": "run-01",
             "created_at": "2026-12-04T12:30:00Z",
         }),
    ]

    id: str
    name: str
    uri: str
    grid: GridRead
    variables: list[VariableRead]
    parameters: dict[str, Any] | None
    time_units: str
    checksum: str
    source_files: list[str]
    source_checksums: list[str]
    source_format: str
    run_id: str | None
    created_at: str

    @classmethod
    def from_domain(cls, c: ClimateCube) -> CubeRead:
        g = c.grid
        return cls(
            id=c.id, name=c.name, uri=c.uri,
            grid=GridRead(n_time=g.n_time, n_lev=len(g.lev), n_lat=len(g.lat_deg), n_lon=len(g.lon_deg),
                          lev=list(g.lev), lat_deg=list(g.lat_deg), lon_deg=list(g.lon_deg)),
            variables=[VariableRead(name=v.name, units=v.units, dims=list(v.dims), long_name=v.long_name)
                       for v in c.variables],
            parameters=None if c.parameters is None else c.parameters.to_dict(),
            time_units=c.time_units, checksum=c.checksum, source_files=list(c.source_files),
            source_checksums=list(c.source_checksums), source_format=c.source_format, run_id=c.run_id,
            created_at=c.created_at.isoformat())


class CubeSummaryRead(msgspec.Struct):
    id: str
    name: str
    variables: list[str]
    shape: list[int]
    run_id: str | None
    star_teff_k: float | None
    instellation_w_m2: float | None

    @classmethod
    def from_domain(cls, c: ClimateCube) -> CubeSummaryRead:
        p = c.parameters
        return cls(id=c.id, name=c.name, variables=[v.name for v in c.variables], shape=list(c.grid.shape),
                   run_id=c.run_id, star_teff_k=None if p is None else p.star_teff_k,
                   instellation_w_m2=None if p is None else p.instellation_w_m2)


class CubePageRead(msgspec.Struct):
    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("one stored cube",
         {
             "items": [
                 {
                     "id": "cube-8e1f",
                     "name": "trappist1e-pco2-0.1bar",
                     "variables": ["ts", "pr"],
                     "shape": [12, 10, 32, 64],
                     "run_id": "run-01",
                     "star_teff_k": 2566.0,
                     "instellation_w_m2": 879.2,
                 },
             ],
             "total": 1,
             "offset": 0,
             "limit": 20,
         }),
    ]

    items: list[CubeSummaryRead]
    total: int
    offset: int
    limit: int
