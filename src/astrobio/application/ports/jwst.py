"""Ports of the JWST feature: spectrum files, forward model, denoiser, posterior estimator,
nested sampler, planet-class classifier."""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from astrobio.domain.dataset_version import ManifestEntry
from astrobio.domain.jwst_classifier import ClassifierInput, ClassProbabilities
from astrobio.domain.jwst_spectrum import ObservedSpectrum, SpectralGrid
from astrobio.domain.quality import QualityReport
from astrobio.domain.retrieval import Posterior, PriorBox

FloatArray = NDArray[np.float64]


class SpectrumCodec(Protocol):
    """Reads and writes spectra as JWST x1d FITS, CSV or JSON bytes."""

    def read(self, data: bytes, fmt: str) -> ObservedSpectrum: ...

    def write(self, spectrum: ObservedSpectrum, fmt: str) -> bytes: ...


class ForwardModel(Protocol):
    """Clean transit depth (ppm) on ``grid`` for parameter vectors ``theta`` (n, n_params)."""

    grid: SpectralGrid
    priors: PriorBox

    def depth_ppm(self, theta: FloatArray) -> FloatArray: ...


class SpectrumDenoiser(Protocol):
    """A clean spectrum and its per-bin 1-sigma uncertainty from a noisy one on the model grid."""

    model_id: str
    grid: SpectralGrid

    def denoise(self, spectrum: ObservedSpectrum) -> ObservedSpectrum: ...

    def card(self) -> dict[str, Any]: ...


class PosteriorEstimator(Protocol):
    """Amortized posterior: samples and their log density given a spectrum on the model grid."""

    model_id: str
    grid: SpectralGrid
    priors: PriorBox

    def sample(self, spectrum: ObservedSpectrum, n: int, seed: int) -> tuple[FloatArray, FloatArray]: ...

    def card(self) -> dict[str, Any]: ...


class NestedSampler(Protocol):
    """Nested-sampling posterior with the forward model and a Gaussian likelihood."""

    def run(self, spectrum: ObservedSpectrum, n_live: int, seed: int) -> Posterior: ...


class PlanetClassifier(Protocol):
    """Calibrated class probabilities for each input."""

    model_id: str

    def predict(self, inputs: list[ClassifierInput]) -> list[ClassProbabilities]: ...

    def card(self) -> dict[str, Any]: ...


class JwstTrainer(Protocol):
    """Trains one of the feature's models and writes it with its card; returns the card."""

    def train(self, model: str, options: dict[str, Any]) -> dict[str, Any]: ...


class TrainingSetInspector(Protocol):
    """Reads a generated training set's chunks back: its quality report and one manifest entry
    per chunk (checksum, size, shape, summary statistics). Never raises for bad chunks: they are
    issues of the report."""

    def inspect(
        self, root: str, config: dict[str, Any]
    ) -> tuple[QualityReport, tuple[ManifestEntry, ...]]: ...
