"""Use cases of the JWST feature: classify planets, denoise a spectrum, retrieve an atmosphere, train."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from astrobio.application.ports.jwst import (
    ForwardModel,
    JwstTrainer,
    NestedSampler,
    PlanetClassifier,
    PosteriorEstimator,
    SpectrumCodec,
    SpectrumDenoiser,
)
from astrobio.domain.errors import InvalidQuantity
from astrobio.domain.jwst_classifier import ClassifierInput, ClassProbabilities
from astrobio.domain.jwst_spectrum import ObservedSpectrum, on_grid, rebin
from astrobio.domain.retrieval import Posterior, RetrievalSystem, gaussian_log_likelihood, kish_efficiency

TRAINABLE = ("denoiser", "retrieval", "multiclass")


@dataclass(frozen=True, slots=True, kw_only=True)
class ClassifyPlanetsCommand:
    planets: list[ClassifierInput]

    def __post_init__(self) -> None:
        if not self.planets:
            raise InvalidQuantity("give at least one planet", field="planets")
        if len(self.planets) > 10_000:
            raise InvalidQuantity("at most 10,000 planets per request", field="planets")


class ClassifyPlanets:
    """Probability that each planet is rocky, a sub-Neptune, a gas giant or a brown dwarf.

    Classes are the Chen & Kipping (2017) mass classes (brown dwarf above 13 M_J). Without a mass
    the classifier uses radius, insolation and the host's Teff, radius and mass; with a measured
    mass it uses the mass. Probabilities are temperature-calibrated on held-out archive planets.
    """

    def __init__(self, classifier: PlanetClassifier) -> None:
        self._classifier = classifier

    def execute(self, command: ClassifyPlanetsCommand) -> list[ClassProbabilities]:
        return self._classifier.predict(command.planets)


@dataclass(frozen=True, slots=True, kw_only=True)
class DenoiseSpectrumCommand:
    data: bytes
    fmt: str


class DenoiseSpectrum:
    """Denoise a transmission spectrum; return the clean estimate with a per-bin 1-sigma.

    The input (x1d FITS, CSV or JSON) is rebinned onto the model grid when it covers it at an
    equal or finer resolution, and rejected otherwise. The output is written in the input format.
    """

    def __init__(self, codec: SpectrumCodec, denoiser: SpectrumDenoiser) -> None:
        self._codec, self._denoiser = codec, denoiser

    def execute(self, command: DenoiseSpectrumCommand) -> tuple[ObservedSpectrum, bytes]:
        spectrum = self._codec.read(command.data, command.fmt)
        clean = self._denoiser.denoise(spectrum)
        return clean, self._codec.write(clean, command.fmt)


@dataclass(frozen=True, slots=True, kw_only=True)
class RetrieveAtmosphereCommand:
    data: bytes
    fmt: str
    n_samples: int = 2000
    seed: int = 0
    fallback: bool = True
    min_efficiency: float = 0.001
    n_live: int = 100
    #: Host radius, planet gravity and background; None: the estimator's training system.
    system: RetrievalSystem | None = None

    def __post_init__(self) -> None:
        if not 100 <= self.n_samples <= 50_000:
            raise InvalidQuantity("n_samples must be within 100-50000", field="n_samples")
        if not 0.0 <= self.min_efficiency < 1.0:
            raise InvalidQuantity("min_efficiency must be in [0, 1)", field="min_efficiency")
        if not 25 <= self.n_live <= 2000:
            raise InvalidQuantity("n_live must be within 25-2000", field="n_live")


class RetrieveAtmosphere:
    """Posterior of temperature, gas abundances, cloud top and reference radius from a spectrum.

    Rules: the amortized flow (NPE) answers first. Its samples are importance-weighted by
    prior x likelihood / flow density (same forward model and Gaussian likelihood as nested
    sampling); a Kish efficiency below ``min_efficiency``, or most of the flow's mass outside the
    training priors (an input unlike the training set), flags the answer, and with ``fallback``
    the retrieval is redone by nested sampling. Samples are always inside the prior box.
    """

    def __init__(
        self, codec: SpectrumCodec, estimator: PosteriorEstimator, model: ForwardModel, sampler: NestedSampler
    ) -> None:
        self._codec, self._estimator, self._model, self._sampler = codec, estimator, model, sampler

    def execute(self, command: RetrieveAtmosphereCommand) -> Posterior:
        return self.retrieve(self._codec.read(command.data, command.fmt), command)

    def retrieve(self, spectrum: ObservedSpectrum, command: RetrieveAtmosphereCommand) -> Posterior:
        system = command.system
        if system is not None and not system.is_training_system:
            return self._retrieve_for_system(spectrum, command, system)
        return self._retrieve_amortized(spectrum, command)

    def _retrieve_for_system(
        self, spectrum: ObservedSpectrum, command: RetrieveAtmosphereCommand, system: RetrievalSystem
    ) -> Posterior:
        """Another host, gravity or background than the amortized flow was trained for: nested
        sampling over the forward model configured for that system (the flow does not apply)."""
        start = time.perf_counter()
        for_system = getattr(self._model, "for_system", None)
        with_model = getattr(self._sampler, "with_model", None)
        if for_system is None or with_model is None:
            raise InvalidQuantity("this forward model cannot change the host or background", field="system")
        model = for_system(system)
        grid = model.grid
        spec = spectrum if on_grid(spectrum, grid) else rebin(spectrum, grid)
        nested = with_model(model).run(spec, command.n_live, command.seed)
        note = (f"system from {system.source}: host {system.star_radius_sun:.4g} R_sun, "
                f"g {'from radius' if system.gravity_m_s2 is None else f'{system.gravity_m_s2:.3g} m/s2'}, "
                f"{system.background} background; the amortized estimator assumes 0.12 R_sun, N2: "
                "nested sampling")
        return Posterior(
            names=nested.names,
            samples=nested.samples,
            method="nested",
            importance_efficiency=None,
            flagged=False,
            notes=(note, *nested.notes),
            provenance={
                "forward_model": type(model).__name__,
                **({"opacity_sha256": str(t)} if (t := getattr(model, "opacity_sha256", "")) else {}),
                "grid": f"{grid.min_um}-{grid.max_um} um, {grid.n_bins} bins",
                "star_radius_sun": f"{system.star_radius_sun:.6g}",
                "gravity_m_s2": "from reference radius" if system.gravity_m_s2 is None
                else f"{system.gravity_m_s2:.6g}",
                "background": system.background,
                "system_source": system.source,
            },
            wall_time_s=time.perf_counter() - start,
        )

    def _retrieve_amortized(
        self, spectrum: ObservedSpectrum, command: RetrieveAtmosphereCommand
    ) -> Posterior:
        start = time.perf_counter()
        grid = self._estimator.grid
        spec = spectrum if on_grid(spectrum, grid) else rebin(spectrum, grid)
        priors = self._estimator.priors
        samples, log_q = self._estimator.sample(spec, command.n_samples, command.seed)
        inside = priors.contains(samples)
        log_w = np.full(samples.shape[0], -np.inf)
        if inside.any():
            loglike = gaussian_log_likelihood(
                spec.depth_ppm, spec.sigma_ppm, self._model.depth_ppm(samples[inside])
            )
            log_w[inside] = loglike + priors.log_density(samples[inside]) - log_q[inside]
        efficiency = kish_efficiency(log_w)
        notes: list[str] = []
        if inside.mean() < 0.5:
            notes.append(f"only {inside.mean():.0%} of the flow's samples lie inside the training priors")
        if efficiency < command.min_efficiency:
            notes.append(f"importance-sampling efficiency {efficiency:.4f} < {command.min_efficiency}")
        provenance = {
            "estimator": self._estimator.model_id,
            "forward_model": type(self._model).__name__,
            # The opacity table's checksum, where the forward model reads one.
            **({"opacity_sha256": str(t)} if (t := getattr(self._model, "opacity_sha256", "")) else {}),
            "grid": f"{grid.min_um}-{grid.max_um} um, {grid.n_bins} bins",
            "rebinned": str(not on_grid(spectrum, grid)).lower(),
        }
        if notes and command.fallback:
            nested = self._sampler.run(spec, command.n_live, command.seed)
            return Posterior(
                names=nested.names,
                samples=nested.samples,
                method="nested",
                importance_efficiency=efficiency,
                flagged=True,
                notes=(*notes, "fell back to nested sampling", *nested.notes),
                provenance=provenance,
                wall_time_s=time.perf_counter() - start,
            )
        kept = samples[inside] if inside.sum() >= 2 else np.clip(samples, priors.low, priors.high)
        return Posterior(
            names=priors.names,
            samples=kept,
            method="npe",
            importance_efficiency=efficiency,
            flagged=bool(notes),
            notes=tuple(notes),
            provenance=provenance,
            wall_time_s=time.perf_counter() - start,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class TrainJwstModelCommand:
    model: str
    options: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.model not in TRAINABLE:
            raise InvalidQuantity(f"model must be one of {', '.join(TRAINABLE)}", field="model")


class TrainJwstModel:
    """Train the denoiser, the retrieval flow or the planet-class classifier; returns its model card."""

    def __init__(self, trainer: JwstTrainer) -> None:
        self._trainer = trainer

    def execute(self, command: TrainJwstModelCommand) -> dict[str, Any]:
        return self._trainer.train(command.model, dict(command.options))
