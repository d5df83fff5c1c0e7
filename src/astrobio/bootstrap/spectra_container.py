"""Providers for stellar spectra, atmospheres, transmission/emission spectra and JWST detectability.

Wired into :class:`astrobio.bootstrap.container.Container` as ``spectra``. Adapter modules are
imported inside factory functions so building the container stays cheap.
"""

from __future__ import annotations

from typing import Any

from dependency_injector import containers, providers

from astrobio.application.ports.spectra import ClimateEstimator, OpacitySource, StellarSpectrumSource
from astrobio.application.use_cases.jobs import JobHandler
from astrobio.application.use_cases.spectra import ComputeSpectrum
from astrobio.bootstrap.settings import Settings


def _opacity(settings: Settings) -> OpacitySource:
    from astrobio.adapters.spectra.opacity_npz import NpzOpacitySource

    return NpzOpacitySource(settings.bundled_data_dir / "opacity" / "opacity_r100.npz")


def _stellar(settings: Settings) -> StellarSpectrumSource:
    """PHOENIX grid (if ASTROBIO_PHOENIX_DIR) -> observed templates (+-250 K) -> blackbody."""
    from astrobio.adapters.spectra.phoenix import PhoenixStellarSpectra
    from astrobio.adapters.spectra.stellar import (
        BlackbodyStellarSpectra,
        ChainedStellarSpectra,
        TemplateStellarSpectra,
    )

    sources: list[StellarSpectrumSource] = []
    if settings.phoenix_dir is not None:
        sources.append(PhoenixStellarSpectra(settings.phoenix_dir))
    sources.append(
        TemplateStellarSpectra(settings.bundled_data_dir / "stellar_spectra" / "templates_r300.npz")
    )
    sources.append(BlackbodyStellarSpectra())
    return ChainedStellarSpectra(sources)


def _climate(settings: Settings) -> ClimateEstimator:
    from astrobio.application.use_cases.planet_climate import SurrogateTargetClimate
    from astrobio.bootstrap.container import _surrogate_registry

    registry = _surrogate_registry(settings)
    return SurrogateTargetClimate(lambda: registry)


def _job_handlers() -> dict[str, JobHandler]:
    # Spectra take tens of milliseconds: they are computed in-request, no job kind is needed.
    return {}


class SpectraContainer(containers.DeclarativeContainer):
    """Stellar spectra, atmospheres, transmission/emission spectra, JWST detectability."""

    settings = providers.Dependency(instance_of=Settings)
    uow_factory: providers.Dependency[Any] = providers.Dependency()
    engine: providers.Dependency[Any] = providers.Dependency()

    opacity = providers.Singleton(_opacity, settings)
    stellar_spectra = providers.Singleton(_stellar, settings)
    climate = providers.Singleton(_climate, settings)
    #: The climate estimator is resolved only when a surface temperature must be estimated.
    compute_spectrum = providers.Factory(
        ComputeSpectrum, uow_factory, opacity, stellar_spectra, climate.provider
    )

    #: Job kind -> handler, merged into the worker's handlers by the root container.
    job_handlers = providers.Singleton(_job_handlers)
