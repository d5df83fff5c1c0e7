"""msgspec DTOs of ``POST /predict`` with ``mode`` ``datacube|multiclass|jwst|all`` (and the CLI's
``predict --mode all``): every model that applies to the planet, in one answer."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

import msgspec
import numpy as np

from astrobio.application.use_cases.predict_all import (
    MAX_ALL_PLANETS,
    DatacubeSummary,
    PlanetAnswers,
    PlanetInputs,
    PredictAllModesCommand,
    parse_modes,
)
from astrobio.domain.errors import DomainError, InvalidQuantity
from astrobio.domain.jwst_classifier import CLASS_ORDER
from astrobio.domain.jwst_spectrum import ObservedSpectrum
from astrobio.entrypoints.climate_schemas import ClimateParametersBody
from astrobio.entrypoints.predict_schemas import PlanetPredictionRead, PredictionsRead, to_parameters

Positive = Annotated[float, msgspec.Meta(gt=0)]
Mode = Literal["scalar", "datacube", "multiclass", "jwst", "all"]


class ModeProbe(msgspec.Struct):
    """Only the ``mode`` of a ``POST /predict`` body (everything else is read by the real body)."""

    mode: str = "scalar"


class SpectrumBody(msgspec.Struct, forbid_unknown_fields=True):
    """A transmission spectrum: bin centres (micron, increasing), depths and 1-sigma errors (ppm)."""

    wavelength_um: Annotated[list[float], msgspec.Meta(min_length=2, max_length=20000)]
    depth_ppm: Annotated[list[float], msgspec.Meta(min_length=2, max_length=20000)]
    sigma_ppm: Annotated[list[float], msgspec.Meta(min_length=2, max_length=20000)]

    def to_domain(self, path: str) -> ObservedSpectrum:
        try:
            return ObservedSpectrum(wavelength_um=np.asarray(self.wavelength_um, dtype=np.float64),
                                    depth_ppm=np.asarray(self.depth_ppm, dtype=np.float64),
                                    sigma_ppm=np.asarray(self.sigma_ppm, dtype=np.float64))
        except DomainError as exc:
            raise InvalidQuantity(exc.message, field=f"{path}.{exc.field}" if exc.field else path) from exc


class PlanetAllBody(ClimateParametersBody, forbid_unknown_fields=True):
    """A planet for every model: the climate parameters (defaults: modern Earth), plus the host's
    radius and mass (solar; make ``multiclass`` applicable), an optional measured ``mass_earth``,
    and an optional transmission ``spectrum`` (makes ``jwst`` applicable)."""

    name: str | None = None
    star_radius_sun: Positive | None = None
    star_mass_sun: Positive | None = None
    mass_earth: Positive | None = None
    spectrum: SpectrumBody | None = None

    def to_inputs(self, path: str) -> PlanetInputs:
        base = ClimateParametersBody(**{f: getattr(self, f) for f in ClimateParametersBody.__struct_fields__})
        climate = to_parameters(base, path)
        spectrum = None if self.spectrum is None else self.spectrum.to_domain(f"{path}.spectrum")
        return PlanetInputs(climate=climate, name=self.name, star_radius_sun=self.star_radius_sun,
                            star_mass_sun=self.star_mass_sun, mass_earth=self.mass_earth, spectrum=spectrum)


class PredictModesBody(msgspec.Struct, forbid_unknown_fields=True):
    """Body of ``POST /predict`` for ``mode`` other than ``scalar``: 1-16 ``planets``; ``seed`` fixes
    the retrieval's draws."""

    planets: Annotated[list[PlanetAllBody], msgspec.Meta(min_length=1, max_length=MAX_ALL_PLANETS)]
    mode: Mode = "all"
    seed: Annotated[int, msgspec.Meta(ge=0, le=2**32 - 1)] = 0

    def to_command(self) -> PredictAllModesCommand:
        planets = [p.to_inputs(f"planets[{i}]") for i, p in enumerate(self.planets)]
        return PredictAllModesCommand(planets=planets, modes=parse_modes(self.mode), seed=self.seed)


class DatacubeSummaryRead(msgspec.Struct):
    """Area-weighted (cos latitude) global mean and mean 1-sigma of each predicted field."""

    model_id: str
    shape: dict[str, list[int]]
    global_mean: dict[str, float]
    mean_sigma: dict[str, float]
    units: dict[str, str]
    out_of_range: list[str]

    @classmethod
    def from_domain(cls, s: DatacubeSummary) -> DatacubeSummaryRead:
        return cls(model_id=s.model_id, shape={k: list(v) for k, v in s.shape.items()},
                   global_mean=s.global_mean, mean_sigma=s.mean_sigma, units=s.units,
                   out_of_range=list(s.out_of_range))


class MulticlassAnswerRead(msgspec.Struct):
    model_id: str
    most_likely: str
    probabilities: dict[str, float]


class ParameterRead(msgspec.Struct):
    name: str
    median: float
    ci68: list[float]


class JwstAnswerRead(msgspec.Struct):
    """The denoised spectrum (on the model grid) and the retrieval's per-parameter summary."""

    denoiser_model_id: str
    wavelength_um: list[float]
    depth_ppm: list[float]
    sigma_ppm: list[float]
    retrieval_method: str | None
    retrieval_flagged: bool | None
    parameters: list[ParameterRead]


class PlanetAnswersRead(msgspec.Struct):
    """Per mode: the answer, or the reason in ``skipped``; ``latency_ms`` per evaluated model."""

    index: int
    name: str | None
    scalar: PlanetPredictionRead | None
    datacube: DatacubeSummaryRead | None
    multiclass: MulticlassAnswerRead | None
    jwst: JwstAnswerRead | None
    skipped: dict[str, str]
    latency_ms: dict[str, float]

    @classmethod
    def from_domain(cls, a: PlanetAnswers) -> PlanetAnswersRead:
        mc = None
        if a.multiclass is not None:
            m = a.multiclass
            probs = {c.value: round(m.probabilities[c], 6) for c in CLASS_ORDER}
            mc = MulticlassAnswerRead(model_id=m.model_id, most_likely=m.most_likely.value,
                                      probabilities=probs)
        jw = None
        if a.jwst is not None:
            d, post = a.jwst.denoised, a.jwst.posterior
            jw = JwstAnswerRead(
                denoiser_model_id=a.jwst.denoiser_model_id, wavelength_um=d.wavelength_um.tolist(),
                depth_ppm=d.depth_ppm.tolist(), sigma_ppm=d.sigma_ppm.tolist(),
                retrieval_method=None if post is None else post.method,
                retrieval_flagged=None if post is None else post.flagged,
                parameters=[] if post is None else [
                    ParameterRead(name=s.name, median=s.median, ci68=list(s.ci68)) for s in post.summaries()])
        return cls(index=a.index, name=a.name,
                   scalar=None if a.scalar is None else PlanetPredictionRead.from_domain(a.index, a.scalar),
                   datacube=None if a.datacube is None else DatacubeSummaryRead.from_domain(a.datacube),
                   multiclass=mc, jwst=jw, skipped=dict(a.skipped), latency_ms=dict(a.latency_ms))


class PredictAllRead(msgspec.Struct):
    """``modes``: the modes asked for; ``planets``: one entry per input planet, in order."""

    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("every answer for TRAPPIST-1 e",
         {
             "mode": "all",
             "modes": ["scalar", "multiclass"],
             "planets": [
                 {
                     "index": 0,
                     "name": "TRAPPIST-1 e",
                     "scalar": PredictionsRead.__examples__[0][1]["predictions"][0],
                     "datacube": None,
                     "multiclass": {
                         "model_id": "mc-20261203-b2",
                         "most_likely": "rocky",
                         "probabilities": {"rocky": 0.88, "water world": 0.1, "mini-Neptune": 0.02},
                     },
                     "jwst": None,
                     "skipped": {"datacube": "no active datacube model", "jwst": "no spectrum sent"},
                     "latency_ms": {"scalar": 3.1, "multiclass": 1.4},
                 },
             ],
         }),
    ]

    mode: str
    modes: list[str]
    planets: list[PlanetAnswersRead]

    @classmethod
    def from_domain(cls, mode: str, answers: list[PlanetAnswers]) -> PredictAllRead:
        return cls(mode=mode, modes=list(parse_modes(mode)),
                   planets=[PlanetAnswersRead.from_domain(a) for a in answers])
