"""PredictAllModes: every trained model that applies to a planet, in one call.

The modes are the climate surrogates (``scalar``: global means; ``datacube``: fields on the
GCM grid, summarised here), the planet-class classifier (``multiclass``) and the JWST
spectrum models (``jwst``: denoiser + amortized retrieval). ``all`` asks for every one.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from astrobio.application.use_cases.jwst import RetrieveAtmosphereCommand
from astrobio.application.use_cases.surrogates import (
    ClimatePredictions,
    PlanetClimatePrediction,
    PredictClimate,
    PredictClimateCommand,
)
from astrobio.domain.climate import EARTH_INSTELLATION_W_M2, ClimateParameters
from astrobio.domain.errors import InvalidQuantity, NotFound
from astrobio.domain.jwst_classifier import ClassifierInput, ClassProbabilities
from astrobio.domain.jwst_spectrum import ObservedSpectrum
from astrobio.domain.retrieval import Posterior
from astrobio.domain.surrogate import SurrogateMode

#: Every mode ``predict --mode`` knows, in the order they are answered.
MODES = ("scalar", "datacube", "multiclass", "jwst")
#: Planets one ``all`` call takes (a datacube and a retrieval per planet are not free).
MAX_ALL_PLANETS = 16
#: Posterior draws of the retrieval inside an ``all`` answer (a summary, not a full posterior).
ALL_RETRIEVAL_SAMPLES = 500


def parse_modes(text: str) -> tuple[str, ...]:
    """``scalar|datacube|multiclass|jwst`` or ``all`` (every one); 422 naming ``mode`` otherwise."""
    if text == "all":
        return MODES
    if text in MODES:
        return (text,)
    raise InvalidQuantity(f"unknown prediction mode {text!r}; known: {[*MODES, 'all']}", field="mode")


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanetInputs:
    """One planet as every model sees it.

    ``climate``: the surrogates' inputs (and, through ``radius_earth``, ``instellation_w_m2`` and
    ``star_teff_k``, most of the classifier's). ``star_radius_sun`` and ``star_mass_sun`` make the
    classifier applicable; ``spectrum`` (a transmission spectrum) makes the JWST models applicable.
    """

    climate: ClimateParameters
    name: str | None = None
    star_radius_sun: float | None = None
    star_mass_sun: float | None = None
    mass_earth: float | None = None
    spectrum: ObservedSpectrum | None = None

    def classifier_input(self) -> ClassifierInput | None:
        if self.star_radius_sun is None or self.star_mass_sun is None:
            return None
        c = self.climate
        return ClassifierInput(radius_earth=c.radius_earth,
                               insolation_earth=c.instellation_w_m2 / EARTH_INSTELLATION_W_M2,
                               star_teff_k=c.star_teff_k, star_radius_sun=self.star_radius_sun,
                               star_mass_sun=self.star_mass_sun, mass_earth=self.mass_earth)


@dataclass(frozen=True, slots=True, kw_only=True)
class PredictAllModesCommand:
    planets: Sequence[PlanetInputs]
    modes: tuple[str, ...] = MODES
    seed: int = 0

    def __post_init__(self) -> None:
        if not 1 <= len(self.planets) <= MAX_ALL_PLANETS:
            raise InvalidQuantity(f"give 1-{MAX_ALL_PLANETS} planets, got {len(self.planets)}",
                                  field="planets")
        for m in self.modes:
            parse_modes(m)


@dataclass(frozen=True, slots=True, kw_only=True)
class DatacubeSummary:
    """A predicted datacube reduced to area-weighted (cos latitude) global means per variable."""

    model_id: str
    shape: dict[str, tuple[int, ...]]
    global_mean: dict[str, float]
    mean_sigma: dict[str, float]
    units: dict[str, str]
    out_of_range: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class JwstAnswer:
    """The denoised spectrum (per-bin mean and 1-sigma) and the retrieval's posterior."""

    denoiser_model_id: str
    denoised: ObservedSpectrum
    posterior: Posterior | None


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanetAnswers:
    """What each applicable model answered; ``skipped[mode]`` says why a mode did not apply."""

    index: int
    name: str | None
    scalar: PlanetClimatePrediction | None = None
    scalar_model_id: str | None = None
    datacube: DatacubeSummary | None = None
    multiclass: ClassProbabilities | None = None
    jwst: JwstAnswer | None = None
    skipped: dict[str, str] = field(default_factory=dict)
    latency_ms: dict[str, float] = field(default_factory=dict)


def summarise_cube(pred: ClimatePredictions) -> DatacubeSummary:
    """Area-weighted global means of a datacube prediction (weights cos(latitude))."""
    cube = pred.cube
    assert cube is not None
    w_lat = np.cos(np.deg2rad(np.asarray(cube.lat_deg, dtype=np.float64)))
    means, sigmas, shapes = {}, {}, {}
    for var, arr in cube.mean.items():
        dims = cube.dims.get(var, ())
        weights = np.ones(arr.shape)
        if "lat" in dims:
            shape = [1] * arr.ndim
            shape[dims.index("lat")] = arr.shape[dims.index("lat")]
            weights = np.broadcast_to(w_lat.reshape(shape), arr.shape)
        means[var] = float(np.average(arr, weights=weights))
        sigmas[var] = float(np.average(cube.sigma[var], weights=weights))
        shapes[var] = tuple(int(n) for n in arr.shape)
    return DatacubeSummary(model_id=cube.model_id, shape=shapes, global_mean=means, mean_sigma=sigmas,
                           units=dict(cube.units), out_of_range=tuple(cube.out_of_range))


Classify = Callable[[list[ClassifierInput]], list[ClassProbabilities]]
Denoise = Callable[[ObservedSpectrum], tuple[str, ObservedSpectrum]]
Retrieve = Callable[[ObservedSpectrum, RetrieveAtmosphereCommand], Posterior]


class PredictAllModes:
    """Answer with every model that applies to each planet (``predict --mode all``).

    Rules: ``scalar`` and ``datacube`` apply to every planet (their inputs default to a
    modern-Earth aquaplanet); ``multiclass`` applies when the host's radius and mass are given;
    ``jwst`` applies when a transmission spectrum is given (denoised, then retrieved by the
    amortized flow without the nested-sampling fallback, :data:`ALL_RETRIEVAL_SAMPLES` draws).
    A mode whose model is not trained or not activated is listed in ``skipped`` with the
    reason and the command that fixes it, never an error; invalid inputs are still a 422.
    """

    def __init__(self, predict_climate: PredictClimate, classify: Classify,
                 denoise: Denoise, retrieve: Retrieve,
                 observe: Callable[[str, float], None] | None = None) -> None:
        self._predict, self._classify = predict_climate, classify
        self._denoise, self._retrieve = denoise, retrieve
        self._observe = observe or (lambda _model, _seconds: None)

    def _timed(self, answer: PlanetAnswers, mode: str, fn: Callable[[], Any]) -> Any:
        start = time.perf_counter()
        try:
            return fn()
        except NotFound as exc:
            answer.skipped[mode] = exc.message
            return None
        finally:
            elapsed = time.perf_counter() - start
            answer.latency_ms[mode] = round(elapsed * 1000.0, 3)
            if mode not in answer.skipped:
                self._observe(mode, elapsed)

    def execute(self, command: PredictAllModesCommand) -> list[PlanetAnswers]:
        modes = set(command.modes)
        out = []
        for i, planet in enumerate(command.planets):
            a = PlanetAnswers(index=i, name=planet.name)
            if "scalar" in modes:
                r = self._timed(a, "scalar", functools.partial(self._climate, planet, SurrogateMode.SCALAR))
                if r is not None:
                    a = _with(a, scalar=r.scalar[0], scalar_model_id=r.card.id)
            if "datacube" in modes:
                cube = functools.partial(self._climate, planet, SurrogateMode.DATACUBE)
                r = self._timed(a, "datacube", cube)
                if r is not None:
                    a = _with(a, datacube=summarise_cube(r))
            if "multiclass" in modes:
                a = self._multiclass(a, planet)
            if "jwst" in modes:
                a = self._jwst(a, planet, command.seed)
            out.append(a)
        return out

    def _climate(self, planet: PlanetInputs, mode: SurrogateMode) -> ClimatePredictions:
        return self._predict.execute(PredictClimateCommand(parameters=[planet.climate], mode=mode))

    def _multiclass(self, a: PlanetAnswers, planet: PlanetInputs) -> PlanetAnswers:
        inputs = planet.classifier_input()
        if inputs is None:
            a.skipped["multiclass"] = "needs the host's star_radius_sun and star_mass_sun"
            return a
        r = self._timed(a, "multiclass", lambda: self._classify([inputs]))
        return a if r is None else _with(a, multiclass=r[0])

    def _jwst(self, a: PlanetAnswers, planet: PlanetInputs, seed: int) -> PlanetAnswers:
        spectrum = planet.spectrum
        if spectrum is None:
            a.skipped["jwst"] = "needs a transmission spectrum (wavelength_um, depth_ppm, sigma_ppm)"
            return a
        denoised = self._timed(a, "jwst", lambda: self._denoise(spectrum))
        if denoised is None:
            return a
        model_id, clean = denoised
        retrieval = RetrieveAtmosphereCommand(data=b"", fmt="json", n_samples=ALL_RETRIEVAL_SAMPLES,
                                              seed=seed, fallback=False)
        posterior = self._timed(a, "retrieval", lambda: self._retrieve(spectrum, retrieval))
        return _with(a, jwst=JwstAnswer(denoiser_model_id=model_id, denoised=clean, posterior=posterior))


def _with(a: PlanetAnswers, **changes: Any) -> PlanetAnswers:
    from dataclasses import replace

    return replace(a, **changes)
