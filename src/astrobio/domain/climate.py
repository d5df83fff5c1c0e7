"""Climate simulation concepts: run parameters, sweeps, runs and datacubes.

Data arrays never live in these entities: a :class:`ClimateCube` describes a cube and
where it is stored; the values are reached lazily through the ``CubeStore`` port.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from enum import Enum
from typing import Any

import numpy as np

from astrobio.domain.errors import Conflict, InvalidQuantity
from astrobio.domain.quantities import require_finite, require_positive

#: Earth's instellation in W m^-2 (ExoPlaSim's default solar constant).
EARTH_INSTELLATION_W_M2 = 1367.0


@dataclass(frozen=True, slots=True, kw_only=True)
class ClimateParameters:
    """Inputs of one GCM run (units in the names). Defaults: a modern-Earth aquaplanet.

    ``run_days`` x 1440 / ``timestep_min`` is the number of model steps.
    """

    star_teff_k: float = 5772.0
    instellation_w_m2: float = EARTH_INSTELLATION_W_M2
    radius_earth: float = 1.0
    gravity_m_s2: float = 9.80665
    surface_pressure_bar: float = 1.0
    pco2_bar: float = 0.000284
    rotation_period_days: float = 1.0
    synchronous: bool = False
    eccentricity: float = 0.0
    obliquity_deg: float = 23.44
    mixed_layer_depth_m: float = 50.0
    run_days: float = 360.0
    timestep_min: float = 45.0

    def __post_init__(self) -> None:
        for name in ("star_teff_k", "instellation_w_m2", "radius_earth", "gravity_m_s2",
                     "surface_pressure_bar", "pco2_bar", "rotation_period_days", "mixed_layer_depth_m",
                     "run_days", "timestep_min"):
            require_positive(getattr(self, name), name)
        if not 0.0 <= require_finite(self.eccentricity, "eccentricity") < 1.0:
            raise InvalidQuantity("eccentricity must be in [0, 1)", field="eccentricity")
        if not 0.0 <= require_finite(self.obliquity_deg, "obliquity_deg") <= 180.0:
            raise InvalidQuantity("obliquity_deg must be in [0, 180]", field="obliquity_deg")
        if self.pco2_bar >= self.surface_pressure_bar:
            raise InvalidQuantity("pco2_bar must be below surface_pressure_bar", field="pco2_bar")
        if not 2000.0 <= self.star_teff_k <= 10000.0:
            raise InvalidQuantity("star_teff_k must be in 2000-10000 K", field="star_teff_k")

    @property
    def steps(self) -> int:
        """Number of model time steps of the run."""
        return round(self.run_days * 1440.0 / self.timestep_min)

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ClimateParameters:
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            names = sorted(unknown)
            raise InvalidQuantity(f"unknown climate parameter(s): {names}", field=names[0])
        return cls(**data)


#: Parameters a sweep may vary (continuous ones).
SWEEPABLE = (
    "star_teff_k", "instellation_w_m2", "radius_earth", "gravity_m_s2", "surface_pressure_bar",
    "pco2_bar", "rotation_period_days", "eccentricity", "obliquity_deg", "mixed_layer_depth_m",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ParameterRange:
    """A closed interval sampled uniformly, or log-uniformly when ``log`` is True."""

    low: float
    high: float
    log: bool = False

    def __post_init__(self) -> None:
        require_finite(self.low, "low")
        require_finite(self.high, "high")
        if self.high < self.low:
            raise InvalidQuantity(f"range high {self.high} < low {self.low}", field="high")
        if self.log and self.low <= 0:
            raise InvalidQuantity("a log range needs low > 0", field="low")

    def scale(self, u: np.ndarray) -> np.ndarray:
        """Map unit-interval samples ``u`` onto the range."""
        if self.log:
            lo, hi = np.log10(self.low), np.log10(self.high)
            return np.asarray(10.0 ** (lo + u * (hi - lo)))
        return np.asarray(self.low + u * (self.high - self.low))


class SamplingMethod(Enum):
    """``lhs`` and ``grid`` designs; ``active``: the runs an acquisition function picks from a
    Latin-hypercube candidate pool (:meth:`ParameterSweep.candidate_pool`)."""

    LATIN_HYPERCUBE = "lhs"
    GRID = "grid"
    ACTIVE = "active"


@dataclass(frozen=True, slots=True, kw_only=True)
class ParameterSweep:
    """A named, reproducible design over climate parameters.

    ``ranges`` vary, ``base`` fixes everything else. Latin-hypercube sampling draws
    ``samples`` points with ``seed`` (same seed, same points); grid sampling takes
    ``samples`` evenly spaced values per range (``samples ** len(ranges)`` points).
    """

    id: str
    name: str
    ranges: dict[str, ParameterRange]
    base: ClimateParameters = field(default_factory=ClimateParameters)
    method: SamplingMethod = SamplingMethod.LATIN_HYPERCUBE
    samples: int = 4
    seed: int = 0
    created_at: datetime | None = None

    def __post_init__(self) -> None:
        if not self.ranges:
            raise InvalidQuantity("a sweep needs at least one parameter range", field="ranges")
        bad = [k for k in self.ranges if k not in SWEEPABLE]
        if bad:
            raise InvalidQuantity(f"cannot sweep {bad}; sweepable: {list(SWEEPABLE)}", field=bad[0])
        if not 1 <= self.samples <= 10000:
            raise InvalidQuantity("samples must be in 1..10000", field="samples")

    def candidate_pool(self) -> list[ClimateParameters]:
        """The seeded Latin-hypercube pool an ``active`` sweep picks its runs from (32 per run, >= 64)."""
        return self._lhs(min(max(64, 32 * self.samples), 4096))

    def points(self) -> list[ClimateParameters]:
        """The parameter sets of the sweep, in a stable order (``active``: the whole candidate pool)."""
        if self.method is SamplingMethod.ACTIVE:
            return self.candidate_pool()
        if self.method is SamplingMethod.GRID:
            names = sorted(self.ranges)
            axis = np.linspace(0.0, 1.0, self.samples) if self.samples > 1 else np.array([0.5])
            return self._scaled(np.array(list(itertools.product(axis, repeat=len(names)))))
        return self._lhs(self.samples)

    def _lhs(self, n: int) -> list[ClimateParameters]:
        rng = np.random.default_rng(self.seed)
        # One stratum per sample in every dimension, strata permuted independently.
        strata = np.stack([rng.permutation(n) for _ in self.ranges], axis=1)
        return self._scaled((strata + rng.random((n, len(self.ranges)))) / n)

    def _scaled(self, unit: np.ndarray) -> list[ClimateParameters]:
        names = sorted(self.ranges)
        out = []
        for row in unit:
            values = {n: float(self.ranges[n].scale(np.array(u))) for n, u in zip(names, row, strict=True)}
            out.append(ClimateParameters.from_dict(self.base.to_dict() | values))
        return out


class RunState(Enum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CRASHED = "crashed"
    CANCELLED = "cancelled"


FINAL_RUN_STATES = frozenset({RunState.SUCCEEDED, RunState.FAILED, RunState.CRASHED, RunState.CANCELLED})


@dataclass(frozen=True, slots=True, kw_only=True)
class SimulationRun:
    """One GCM run: its parameters, where it runs, and how it ended.

    ``crashed`` means the model itself blew up (log kept in ``log_excerpt``); ``failed``
    means the run could not be carried out (bad setup, batch system error).
    """

    id: str
    parameters: ClimateParameters
    sweep_id: str | None = None
    state: RunState = RunState.QUEUED
    attempts: int = 0
    backend: str = "local"
    backend_job_id: str | None = None
    workdir: str | None = None
    output_files: tuple[str, ...] = ()
    log_excerpt: str = ""
    cube_id: str | None = None
    created_at: datetime
    updated_at: datetime

    @property
    def finished(self) -> bool:
        return self.state in FINAL_RUN_STATES

    def submitted(self, backend: str, job_id: str, workdir: str, now: datetime) -> SimulationRun:
        if self.finished:
            raise Conflict(f"run {self.id} already {self.state.value}")
        return replace(self, backend=backend, backend_job_id=job_id, workdir=workdir,
                       attempts=self.attempts + 1, state=RunState.QUEUED, updated_at=now)

    def moved_to(self, state: RunState, now: datetime, *, log_excerpt: str | None = None,
                 output_files: tuple[str, ...] | None = None) -> SimulationRun:
        return replace(self, state=state, updated_at=now,
                       log_excerpt=self.log_excerpt if log_excerpt is None else log_excerpt,
                       output_files=self.output_files if output_files is None else output_files)

    def with_cube(self, cube_id: str, now: datetime) -> SimulationRun:
        return replace(self, cube_id=cube_id, updated_at=now)


@dataclass(frozen=True, slots=True, kw_only=True)
class CubeVariable:
    """One variable of a cube: CF name and units, and its dimensions (subset of time, lev, lat, lon)."""

    name: str
    units: str
    dims: tuple[str, ...]
    long_name: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class GridSpec:
    """The cube's grid: latitudes (deg north), longitudes (deg east), levels (sigma) and time steps."""

    lat_deg: tuple[float, ...]
    lon_deg: tuple[float, ...]
    lev: tuple[float, ...]
    n_time: int

    @property
    def shape(self) -> tuple[int, int, int, int]:
        """(time, lev, lat, lon)."""
        return (self.n_time, len(self.lev), len(self.lat_deg), len(self.lon_deg))


@dataclass(frozen=True, slots=True, kw_only=True)
class ClimateCube:
    """A published, immutable climate datacube (dims standardized to time, lev, lat, lon).

    ``checksum`` is the SHA-256 over the stored arrays' manifest; ``source_checksums``
    the SHA-256 of each ingested source file; ``uri`` where the store keeps it.
    """

    id: str
    name: str
    uri: str
    grid: GridSpec
    variables: tuple[CubeVariable, ...]
    parameters: ClimateParameters | None
    time_units: str
    checksum: str
    source_files: tuple[str, ...]
    source_checksums: tuple[str, ...]
    source_format: str
    run_id: str | None = None
    created_at: datetime
    attributes: dict[str, str] = field(default_factory=dict)

    def variable(self, name: str) -> CubeVariable:
        for v in self.variables:
            if v.name == name:
                return v
        raise InvalidQuantity(
            f"cube {self.id} has no variable {name!r}; it has {[v.name for v in self.variables]}", field="var"
        )
