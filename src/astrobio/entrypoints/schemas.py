"""msgspec DTOs shared by the HTTP API, the CLI and the worker: the public JSON contract.

Conversions are explicit: ``Body.to_command()`` / ``to_domain()`` on the way in,
``Read.from_domain(value)`` on the way out. Handlers never return domain objects.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, ClassVar, Literal

import msgspec

from astrobio.domain.assessment import Assessment
from astrobio.domain.catalog import IngestReport, RejectedRow
from astrobio.domain.constants import AU_M, R_SUN_M
from astrobio.domain.errors import InvalidQuantity
from astrobio.domain.job import Job
from astrobio.domain.orbits import semi_major_axis_au
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
    #: Worked examples (summary, body): in the OpenAPI schema and posted by the test suite.
    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("Earth around the Sun",
         {"name": "Earth",
          "radius_earth": 1.0,
          "orbital_period_days": 365.25,
          "star": {"teff_k": 5772.0, "radius_sun": 1.0, "mass_sun": 1.0, "k_mag": -1.9}}),
        ("TRAPPIST-1 e (NASA Exoplanet Archive, PSCompPars)",
         {"name": "TRAPPIST-1 e",
          "radius_earth": 0.92,
          "mass_earth": 0.692,
          "orbital_period_days": 6.101013,
          "star": {"teff_k": 2566.0,
                   "radius_sun": 0.1192,
                   "mass_sun": 0.0898,
                   "j_mag": 11.354,
                   "k_mag": 10.296,
                   "distance_pc": 12.467}}),
    ]

    name: str
    radius_earth: Annotated[float, msgspec.Meta(gt=0, le=1e4)]
    star: StarBody
    mass_earth: Annotated[float, msgspec.Meta(gt=0, le=1e7)] | None = None
    orbital_period_days: Annotated[float, msgspec.Meta(gt=0, le=1e12)] | None = None
    semi_major_axis_au: Annotated[float, msgspec.Meta(gt=0, le=1e7)] | None = None
    eccentricity: Annotated[float, msgspec.Meta(ge=0, lt=1)] | None = None
    #: 1-sigma errors as magnitudes [minus, plus] >= 0 by field (radius_earth, mass_earth,
    #: orbital_period_days, semi_major_axis_au, star.teff_k, star.radius_sun, star.mass_sun).
    errors: dict[str, list[float]] | None = None

    def to_domain(self) -> Planet:
        """The planet, once the orbit is checked to lie outside its star (else 422 naming the field)."""
        s = self.star
        self._check_orbit_outside_star()
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
            errors=_error_pairs(self.errors),
        )


    def _check_orbit_outside_star(self) -> None:
        """An orbit inside the stellar photosphere is a unit error (and divides by ~0 downstream)."""
        star_radius_au = self.star.radius_sun * R_SUN_M / AU_M
        if self.semi_major_axis_au is not None:
            a_au, field = self.semi_major_axis_au, "semi_major_axis_au"
        elif self.orbital_period_days is not None:
            a_au = semi_major_axis_au(self.orbital_period_days, self.star.mass_sun)
            field = "orbital_period_days"
        else:
            return
        if not a_au >= star_radius_au:
            raise InvalidQuantity(
                f"the orbit ({a_au:.3g} AU) lies inside the star (radius {star_radius_au:.3g} AU)",
                field=field,
            )


def _error_pairs(errors: dict[str, list[float]] | None) -> dict[str, tuple[float, float]]:
    """``{"radius_earth": [0.02, 0.03]}`` -> pairs; a list that is not two numbers is a 422 naming it."""
    out: dict[str, tuple[float, float]] = {}
    for name, pair in (errors or {}).items():
        if len(pair) != 2:
            raise InvalidQuantity("an error is [minus, plus], two numbers >= 0", field=f"errors.{name}")
        out[name] = (float(pair[0]), float(pair[1]))
    return out  # Planet validates sign, finiteness and the field names


class HzRead(msgspec.Struct):
    recent_venus_au: float | None
    runaway_greenhouse_au: float | None
    maximum_greenhouse_au: float | None
    early_mars_au: float | None
    conservative: bool
    optimistic: bool
    valid: bool
    #: Outside 2600-7200 K the limits are computed at the nearest edge (Teff clamped), ``valid`` false.
    rule: str = "kopparapu_2014_teff_clamped_2600_7200"


class AssessmentRead(msgspec.Struct):
    """Output of ``POST /assess`` and ``astrobio assess``."""

    #: Worked example (the Earth around the Sun), shown in the OpenAPI schema.
    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("the Earth around the Sun",
         {"name": "Earth", "teq_k": 278.33, "insolation_earth": 1.0, "semi_major_axis_au": 1.0,
          "mass_earth": 0.9718, "mass_is_estimated": True, "planet_class": "rocky",
          "hz": {"recent_venus_au": 0.7507, "runaway_greenhouse_au": 0.9509, "maximum_greenhouse_au": 1.6772,
                 "early_mars_au": 1.769, "conservative": True, "optimistic": True, "valid": True,
                 "rule": "kopparapu_2014_teff_clamped_2600_7200"},
          "tsm": 110.31, "esm": 0.649, "esi": 1.0,
          "warnings": ["mass estimated from radius (Chen & Kipping 2017, Kempton et al. 2018)"],
          "composition": {"rocky": 1.0, "water_rich": 0.0, "sub_neptune": 0.0, "gas_giant": 0.0,
                          "brown_dwarf": 0.0, "basis": "radius_only"},
          "runaway_flux_earth": 1.1045, "in_runaway": False, "tsm_meaningful": False}),
    ]

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
    #: Class probabilities (rocky, water_rich, sub_neptune, gas_giant, brown_dwarf) and their basis.
    composition: dict[str, float | str] | None = None
    runaway_flux_earth: float | None = None
    in_runaway: bool = False
    #: False for a planet not known to transit: its TSM then measures nothing observable.
    tsm_meaningful: bool = False

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
            composition=composition_read(a),
            runaway_flux_earth=a.runaway_flux_earth,
            in_runaway=a.in_runaway,
            tsm_meaningful=a.tsm_meaningful,
        )


def composition_read(a: Assessment) -> dict[str, float | str] | None:
    """The class probabilities of an assessment as JSON (rounded), with their basis."""
    if a.composition is None:
        return None
    out: dict[str, float | str] = {c.value: round(p, 4) for c, p in a.composition.as_dict().items()}
    out["basis"] = a.composition.basis
    return out


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
    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("TRAPPIST-1 e",
         {
             "name": "TRAPPIST-1 e",
             "star": {
                 "name": "TRAPPIST-1",
                 "teff_k": 2566.0,
                 "radius_sun": 0.1192,
                 "mass_sun": 0.0898,
                 "luminosity_sun": 0.000553,
                 "j_mag": 11.354,
                 "j_mag_is_derived": False,
                 "k_mag": 10.296,
                 "distance_pc": 12.467,
                 "metallicity_dex": 0.04,
             },
             "radius_earth": 0.92,
             "mass_earth": 0.692,
             "mass_is_minimum": False,
             "orbital_period_days": 6.101013,
             "semi_major_axis_au": 0.02925,
             "eccentricity": 0.0051,
             "discovery_method": "Transit",
             "discovery_year": 2017,
             "transits": True,
         }),
    ]

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
    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("first page of the catalog",
         {
             "items": [PlanetRead.__examples__[0][1]],
             "total": 5966,
             "offset": 0,
             "limit": 1,
         }),
    ]

    items: list[PlanetRead]
    total: int
    offset: int
    limit: int


PlanetClassName = Literal["rocky", "water_rich", "sub_neptune", "gas_giant", "brown_dwarf"]


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
    #: Worked examples (summary, body): in the OpenAPI schema and posted by the test suite.
    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("rocky planets in the conservative habitable zone within 50 pc",
         {"top": 10,
          "hz": "conservative",
          "max_radius_earth": 1.8,
          "max_distance_pc": 50.0,
          "planet_classes": ["rocky"]}),
        ("custom weights",
         {"top": 5, "weights": {"hz": 0.5, "esi": 0.2, "detectability": 0.2, "planet_class": 0.1}}),
    ]

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
    #: False when the planet is not known to transit (its TSM measures nothing observable).
    tsm_meaningful: bool = True
    hz_valid: bool = True
    in_runaway: bool = False
    composition: dict[str, float | str] | None = None

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
            tsm_meaningful=a.tsm_meaningful, hz_valid=a.hz.valid, in_runaway=a.in_runaway,
            composition=composition_read(a),
        )


class RankingRead(msgspec.Struct):
    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("the top rocky target",
         {
             "targets": [
                 {
                     "rank": 1,
                     "name": "TRAPPIST-1 e",
                     "score": {
                         "total": 0.81,
                         "hz": 1.0,
                         "esi": 0.85,
                         "detectability": 0.62,
                         "planet_class": 1.0,
                     },
                     "radius_earth": 0.92,
                     "mass_earth": 0.692,
                     "mass_is_estimated": False,
                     "planet_class": "rocky",
                     "teq_k": 249.7,
                     "insolation_earth": 0.646,
                     "in_conservative_hz": True,
                     "in_optimistic_hz": True,
                     "tsm": 19.6,
                     "esm": 1.5,
                     "esi": 0.85,
                     "distance_pc": 12.467,
                     "transits": True,
                     "j_mag_is_derived": False,
                     "warnings": [],
                 },
             ],
             "considered": 5930,
             "eligible": 31,
             "excluded": {"missing radius": 1320},
             "filtered_out": {"hz": 4579},
             "weights": {"hz": 0.4, "esi": 0.3, "detectability": 0.2, "planet_class": 0.1},
         }),
    ]

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
    #: Worked examples (summary, body): in the OpenAPI schema and posted by the test suite.
    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("the bundled snapshot",
         {"source": "bundled"}),
    ]
    source: str = "bundled"


class SubmitJobBody(msgspec.Struct, forbid_unknown_fields=True):
    """Any job kind the workers know (``GET /jobs/kinds``) with its JSON parameters."""
    #: Worked examples (summary, body): in the OpenAPI schema and posted by the test suite.
    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("ingest the bundled catalog snapshot",
         {"kind": "ingest_catalog", "params": {"source": "bundled"}}),
    ]

    kind: str
    params: dict[str, Any] = msgspec.field(default_factory=dict)


class JobProgressRead(msgspec.Struct, omit_defaults=True):
    """How far a job is. ``fraction`` in [0, 1] (``null`` while a running job reports no counts);
    a sweep job adds its runs ``done`` / ``running`` / ``queued`` of ``total`` and ``eta_s``, an
    estimate from the cost of one model step (the same figures ``climate sweep launch`` shows)."""

    fraction: float | None
    done: int | None = None
    running: int | None = None
    queued: int | None = None
    total: int | None = None
    eta_s: float | None = None
    detail: str | None = None

    @classmethod
    def of_state(cls, state: str) -> JobProgressRead:
        return cls(fraction=0.0 if state == "queued" else None if state == "running" else 1.0)


class JobRead(msgspec.Struct):
    """A background job: its state, parameters, result or error, and ``progress``."""

    #: Worked example (a GCM sweep half-way), shown in the OpenAPI schema.
    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("a running four-run GCM sweep",
         {"id": "5c63906bcd394f07a49e8a864c457ad5", "kind": "climate_sweep", "state": "running",
          "params": {"sweep_id": "18c3d5a578a3411f890f9350cf41fdd6", "backend": "local"},
          "result": None, "error": None, "created_at": "2026-12-04T17:07:14+00:00",
          "updated_at": "2026-12-04T17:12:40+00:00",
          "progress": {"fraction": 0.31, "done": 1, "running": 1, "queued": 2, "total": 4, "eta_s": 941.0,
                       "detail": "1 done · 1 running · 2 queued · ~16 min left (27 ms/step, benchmark)"}}),
    ]

    id: str
    kind: str
    state: str
    params: dict[str, Any]
    result: dict[str, Any] | None
    error: str | None
    created_at: str
    updated_at: str
    progress: JobProgressRead | None = None

    @classmethod
    def from_domain(cls, j: Job, progress: JobProgressRead | None = None) -> JobRead:
        return cls(id=j.id, kind=j.kind, state=j.state.value, params=j.params, result=j.result,
                   error=j.error, created_at=j.created_at.isoformat(), updated_at=j.updated_at.isoformat(),
                   progress=progress or JobProgressRead.of_state(j.state.value))


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


class HealthRead(msgspec.Struct, omit_defaults=True):
    """Output of ``GET /health/ready`` (and ``/health``): ``status`` is ``ok`` or ``degraded``
    (a dependency unavailable); ``redis`` appears only when Redis is configured."""

    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("everything reachable",
         {"status": "ok", "version": "0.1.0", "database": "ok", "redis": "ok"}),
    ]

    status: str
    version: str
    database: Literal["ok", "unavailable"]
    redis: Literal["ok", "unavailable"] | None = None


class LiveRead(msgspec.Struct):
    """Output of ``GET /health/live``: the process answers."""

    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("alive",
         {"status": "ok", "version": "0.1.0"}),
    ]

    status: Literal["ok"]
    version: str
