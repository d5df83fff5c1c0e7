"""Builds :class:`PredictAllModes` over the climate and JWST providers.

The JWST models are resolved only when a planet needs them: a missing model file is a
``NotFound`` from the provider, which the use case reports as a skipped mode.
"""

from __future__ import annotations

from typing import Any

from astrobio.application.use_cases.jwst import RetrieveAtmosphereCommand
from astrobio.application.use_cases.predict_all import PredictAllModes
from astrobio.application.use_cases.surrogates import PredictClimate
from astrobio.bootstrap.monitoring import observe_inference
from astrobio.domain.jwst_classifier import ClassifierInput, ClassProbabilities
from astrobio.domain.jwst_spectrum import ObservedSpectrum
from astrobio.domain.retrieval import Posterior


def predict_all_modes(predict_climate: PredictClimate, classifier: Any, denoiser: Any,
                      retrieve: Any) -> PredictAllModes:
    """``classifier``, ``denoiser``, ``retrieve``: providers (called on first use)."""

    def classify(inputs: list[ClassifierInput]) -> list[ClassProbabilities]:
        result: list[ClassProbabilities] = classifier().predict(inputs)
        return result

    def denoise(spectrum: ObservedSpectrum) -> tuple[str, ObservedSpectrum]:
        model = denoiser()
        return str(model.model_id), model.denoise(spectrum)

    def retrieval(spectrum: ObservedSpectrum, command: RetrieveAtmosphereCommand) -> Posterior:
        result: Posterior = retrieve().retrieve(spectrum, command)
        return result

    return PredictAllModes(predict_climate, classify, denoise, retrieval, observe=observe_inference)
