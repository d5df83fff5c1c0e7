"""msgspec DTOs shared by the HTTP API, the CLI and the worker: the public JSON contract.

Conversions are explicit: ``Body.to_command()`` / ``to_domain()`` on the way in,
``Read.from_domain(value)`` on the way out. Handlers never return domain objects.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

import msgspec

from astrobio.domain.assessment import Assessment
from astrobio.domain.catalog import IngestReport, RejectedRow
from astrobio.domain.job import Job
from astrobio.domain.planet import Planet
from astrobio.domain.planet_class import PlanetClass
from astrobio.domain.ranking import (
    HzFilter,
    RankedTarget,
    Ranking,
    RankingFilter,
    ScoreWeights,
)
from astrobio.domain.star import Star

Positive = Annotated[float, msgspec.Meta(gt=0)]


def _finite(x: float | None) -> float | None:
    """JSON has no NaN: a non-finite derived value is reported as null."""
    return None if x is None or not math.isfinite(x) else x


class StarBody(msgspec.Struct, forbid_unknown_fields=True):
    # Upper bounds are generous physical limits (the hottest white dwarfs are ~2.5e5 K, the
    # largest stars ~2,000 R_sun): beyond them the input is a unit error, not a star.
    teff_k: Annotated[float, msgspec.Meta(gt=0, le=1e6)]
    radius_sun: Annotated[float, msgspec.Meta(gt=0, le=1e4)]
    mass_sun: Annotated[float, msgspec.Meta(gt=0, le=1e3)]
    luminosity_sun: Annotated[float, msgspec.Meta(gt=0, le=1e9)] | None = None
    j_mag: Annotated[float, msgspec.Meta(ge=-30, le=50)] | None = None
    k_mag: Annotated[float, msgspec.Meta(ge=-30, le=50)] | None = None
    distance_pc: Annotated[float, msgspec.Meta(gt=0, le=1e7)] | None = None


class AssessBody(msgspec.Struct, forbid_unknown_fields=True):
    """Input of ``POST /assess`` and ``astrobio assess`` (one of period / a required)."""

    name: str
    radius_earth: Annotated[float, msgspec.Meta(gt=0, le=1e4)]
    star: StarBody
    mass_earth: Annotated[float, msgspec.Meta(gt=0, le=1e7)] | None = None
    orbital_period_days: Annotated[float, msgspec.Meta(gt=0, le=1e12)] | None = None
    semi_major_axis_au: Annotated[float, msgspec.Meta(gt=0, le=1e7)] | None = None
    eccentricity: Annotated[float, msgspec.Meta(ge=0, lt=1)] | None = None

    def to_domain(self) -> Planet:
        s = self.star
        return Planet(
            name=self.name,
            star=Star(
                name=f"{self.name} host",
                teff_k=s.teff_k,
                radius_sun=s.radius_sun,
                mass_sun=s.mass_sun,
                luminosity_sun=s.luminosity_sun,
                j_mag=s.j_mag,
                k_mag=s.k_mag,
                distance_pc=s.distance_pc,
            ),
            radius_earth=self.radius_earth,
            mass_earth=self.mass_earth,
            orbital_period_days=self.orbital_period_days,
            semi_major_axis_au=self.semi_major_axis_au,
            eccentricity=self.eccentricity,
        )


class HzRead(msgspec.Struct):
    recent_venus_au: float | None
    runaway_greenhouse_au: float | None
    maximum_greenhouse_au: float | None
    early_mars_au: float | None
    conservative: bool
    optimistic: bool
    valid: bool


class AssessmentRead(msgspec.Struct):
    """Output of ``POST /assess`` and ``astrobio assess``."""

    name: str
    teq_k: float
    insolation_earth: float
    semi_major_axis_au: float
    mass_earth: float | None
    mass_is_estimated: bool
    planet_class: str
    hz: HzRead
    tsm: float | None
    esm: float | None
    esi: float
    warnings: list[str]

    @classmethod
    def from_domain(cls, a: Assessment) -> AssessmentRead:
        return cls(
            name=a.name,
            teq_k=a.teq_k,
            insolation_earth=a.insolation_earth,
            semi_major_axis_au=a.semi_major_axis_au,
            mass_earth=a.mass_earth,
            mass_is_estimated=a.mass_is_estimated,
            planet_class=a.planet_class.value,
            hz=HzRead(
                recent_venus_au=_finite(a.hz.recent_venus_au),
                runaway_greenhouse_au=_finite(a.hz.runaway_greenhouse_au),
                maximum_greenhouse_au=_finite(a.hz.maximum_greenhouse_au),
                early_mars_au=_finite(a.hz.early_mars_au),
                conservative=a.in_conservative_hz,
                optimistic=a.in_optimistic_hz,
                valid=a.hz.valid,
            ),
            tsm=a.tsm,
            esm=a.esm,
            esi=a.esi,
            warnings=list(a.warnings),
        )


class StarRead(msgspec.Struct):
    name: str
    teff_k: float | None
    radius_sun: float | None
    mass_sun: float | None
    luminosity_sun: float | None
    j_mag: float | None
    j_mag_is_derived: bool
    k_mag: float | None
    distance_pc: float | None
    metallicity_dex: float | None


class PlanetRead(msgspec.Struct):
    name: str
    star: StarRead
    radius_earth: float | None
    mass_earth: float | None
    mass_is_minimum: bool
    orbital_period_days: float | None
    semi_major_axis_au: float | None
    eccentricity: float | None
    discovery_method: str | None
    discovery_year: int | None
    transits: bool | None

    @classmethod
    def from_domain(cls, p: Planet) -> PlanetRead:
        s = p.star
        return cls(
            name=p.name,
            star=StarRead(
                name=s.name, teff_k=s.teff_k, radius_sun=s.radius_sun, mass_sun=s.mass_sun,
                luminosity_sun=s.luminosity_sun, j_mag=s.j_mag, j_mag_is_derived=s.j_mag_is_derived,
                k_mag=s.k_mag, distance_pc=s.distance_pc, metallicity_dex=s.metallicity_dex,
            ),
            radius_earth=p.radius_earth,
            mass_earth=p.mass_earth,
            mass_is_minimum=p.mass_is_minimum,
            orbital_period_days=p.orbital_period_days,
            semi_major_axis_au=p.semi_major_axis_au,
            eccentricity=p.eccentricity,
            discovery_method=p.discovery_method,
            discovery_year=p.discovery_year,
            transits=p.transits,
        )


class PlanetPageRead(msgspec.Struct):
    items: list[PlanetRead]
    total: int
    offset: int
    limit: int


PlanetClassName = Literal["rocky", "sub_neptune", "gas_giant", "brown_dwarf"]


class WeightsBody(msgspec.Struct, forbid_unknown_fields=True):
    hz: Annotated[float, msgspec.Meta(ge=0)] = 0.35
    esi: Annotated[float, msgspec.Meta(ge=0)] = 0.25
    detectability: Annotated[float, msgspec.Meta(ge=0)] = 0.25
    planet_class: Annotated[float, msgspec.Meta(ge=0)] = 0.15
    climate: Annotated[float, msgspec.Meta(ge=0)] = 0.0

    def to_domain(self) -> ScoreWeights:
        return ScoreWeights(hz=self.hz, esi=self.esi, detectability=self.detectability,
                            planet_class=self.planet_class, climate=self.climate)


class RankBody(msgspec.Struct, forbid_unknown_fields=True):
    """Input of ``POST /rank`` (every field optional)."""

    top: Annotated[int, msgspec.Meta(ge=1, le=10000)] | None = 20
    hz: Literal["any", "conservative", "optimistic"] = "any"
    min_radius_earth: Positive | None = None
    max_radius_earth: Positive | None = None
    max_distance_pc: Positive | None = None
    planet_classes: list[PlanetClassName] | None = None
    weights: WeightsBody | None = None
    #: ``biosignature``: order by the latest completed pipeline run's biosignature potential.
    by: Literal["score", "biosignature"] = "score"

    def to_filter(self) -> RankingFilter:
        return RankingFilter(
            hz=HzFilter(self.hz),
            min_radius_earth=self.min_radius_earth,
            max_radius_earth=self.max_radius_earth,
            max_distance_pc=self.max_distance_pc,
            planet_classes=None if self.planet_classes is None
            else frozenset(PlanetClass(c) for c in self.planet_classes),
        )


class ScoreRead(msgspec.Struct, omit_defaults=True):
    """``climate`` (P of a liquid-water surface temperature) appears only when it was estimated."""

    total: float
    hz: float
    esi: float
    detectability: float
    planet_class: float
    climate: float | None = None


class RankedTargetRead(msgspec.Struct, omit_defaults=True):
    """``ts_k`` / ``ts_sigma_k`` / ``climate_model_id`` appear only when the climate component was used."""

    rank: int
    name: str
    score: ScoreRead
    radius_earth: float
    mass_earth: float | None
    mass_is_estimated: bool
    planet_class: str
    teq_k: float
    insolation_earth: float
    in_conservative_hz: bool
    in_optimistic_hz: bool
    tsm: float | None
    esm: float | None
    esi: float
    distance_pc: float | None
    transits: bool | None
    j_mag_is_derived: bool
    warnings: list[str]
    ts_k: float | None = None
    ts_sigma_k: float | None = None
    climate_model_id: str | None = None

    @classmethod
    def from_domain(cls, t: RankedTarget) -> RankedTargetRead:
        a, s, c = t.assessment, t.score, t.climate
        return cls(
            rank=t.rank, name=a.name,
            score=ScoreRead(total=s.total, hz=s.hz, esi=s.esi, detectability=s.detectability,
                            planet_class=s.planet_class, climate=s.climate),
            radius_earth=a.radius_earth, mass_earth=a.mass_earth, mass_is_estimated=a.mass_is_estimated,
            planet_class=a.planet_class.value, teq_k=a.teq_k, insolation_earth=a.insolation_earth,
            in_conservative_hz=a.in_conservative_hz, in_optimistic_hz=a.in_optimistic_hz,
            tsm=a.tsm, esm=a.esm, esi=a.esi, distance_pc=a.distance_pc, transits=a.transits,
            j_mag_is_derived=a.j_mag_is_derived, warnings=list(a.warnings),
            ts_k=None if c is None else c.ts_k, ts_sigma_k=None if c is None else c.ts_sigma_k,
            climate_model_id=None if c is None else c.model_id,
        )


class RankingRead(msgspec.Struct):
    targets: list[RankedTargetRead]
    considered: int
    eligible: int
    excluded: dict[str, int]
    filtered_out: dict[str, int]
    weights: dict[str, float]

    @classmethod
    def from_domain(cls, r: Ranking, weights: ScoreWeights) -> RankingRead:
        return cls(
            targets=[RankedTargetRead.from_domain(t) for t in r.targets],
            considered=r.considered, eligible=r.eligible,
            excluded=dict(r.excluded), filtered_out=dict(r.filtered_out),
            weights={"hz": weights.hz, "esi": weights.esi, "detectability": weights.detectability,
                     "planet_class": weights.planet_class}
            | ({"climate": weights.climate} if weights.climate > 0 else {}),
        )


class RejectedRowRead(msgspec.Struct):
    line: int
    name: str | None
    reason: str

    @classmethod
    def from_domain(cls, r: RejectedRow) -> RejectedRowRead:
        return cls(line=r.line, name=r.name, reason=r.reason)


class IngestReportRead(msgspec.Struct):
    source: str
    read: int
    inserted: int
    updated: int
    unchanged: int
    rejected_count: int
    rejected: list[RejectedRowRead]

    @classmethod
    def from_domain(cls, r: IngestReport) -> IngestReportRead:
        return cls(source=r.source, read=r.read, inserted=r.inserted, updated=r.updated,
                   unchanged=r.unchanged, rejected_count=len(r.rejected),
                   rejected=[RejectedRowRead.from_domain(x) for x in r.rejected])


class IngestCatalogBody(msgspec.Struct, forbid_unknown_fields=True):
    source: str = "bundled"


class SubmitJobBody(msgspec.Struct, forbid_unknown_fields=True):
    """Any job kind the workers know (``GET /jobs/kinds``) with its JSON parameters."""

    kind: str
    params: dict[str, Any] = msgspec.field(default_factory=dict)


class JobRead(msgspec.Struct):
    id: str
    kind: str
    state: str
    params: dict[str, Any]
    result: dict[str, Any] | None
    error: str | None
    created_at: str
    updated_at: str

    @classmethod
    def from_domain(cls, j: Job) -> JobRead:
        return cls(id=j.id, kind=j.kind, state=j.state.value, params=j.params, result=j.result,
                   error=j.error, created_at=j.created_at.isoformat(), updated_at=j.updated_at.isoformat())


class Problem(msgspec.Struct, omit_defaults=True):
    """RFC 9457 problem body for every 4xx/5xx."""

    title: str
    status: int
    detail: str
    field: str | None = None
    type: str = "about:blank"


def decode_error_field(message: str) -> str | None:
    """Extract the JSON path from a msgspec validation message (``... - at `$.star.teff_k` ``)."""
    marker = "at `$."
    if marker not in message:
        return None
    return message.split(marker, 1)[1].split("`", 1)[0]


class HealthRead(msgspec.Struct):
    """Output of ``GET /health``: ``status`` is ``ok`` or ``degraded`` (database unavailable)."""

    status: str
    version: str
    database: Literal["ok", "unavailable"]
