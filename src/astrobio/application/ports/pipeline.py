"""Ports of the end-to-end pipeline: its stages, its run store and its report.

Each stage is a small port of its own so the pipeline does not depend on the exact signatures of
the climate, metabolism and spectra features: their adapters live in ``adapters/pipeline/``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from astrobio.domain.assessment import Assessment
from astrobio.domain.biosignature_ranking import Verdict
from astrobio.domain.pipeline_run import PipelineRun, PlanetResult
from astrobio.domain.planet import Planet
from astrobio.domain.ranking import ClimateEstimate


class ClimateStage(Protocol):
    """Surface temperature +- sigma of catalog planets (the climate surrogate), in one batch."""

    def estimate(self, targets: Sequence[tuple[Planet, Assessment]]) -> Mapping[str, ClimateEstimate]:
        """Estimates by planet name; planets it cannot model are absent."""
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class BiogenicFluxes:
    """Surface fluxes of biogenic gases (molecules cm^-2 s^-1, gas names as in the atmosphere: ``CH4``).

    ``oxygenic``: whether the biosphere makes net O2 (oxygenic photosynthesis grows); ``source``
    says which model (FBA over named models, or the fixed modern-Earth fluxes) produced them.
    """

    flux_molecules_cm2_s: dict[str, float]
    oxygenic: bool
    source: str
    details: dict[str, float] = field(default_factory=dict)
    #: What limits each gas's flux (H2 supply, energy, light, no producer), in words.
    limits: dict[str, str] = field(default_factory=dict)


class MetabolismStage(Protocol):
    def fluxes(
        self, *, temperature_k: float, pressure_bar: float, photon_flux_umol_m2_s: float
    ) -> BiogenicFluxes:
        """Biogenic surface fluxes of a biosphere living at this surface temperature and light."""
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class SpectrumOutcome:
    """A planet's transmission spectrum and its detectability per instrument mode.

    wavelength_um, transit_depth_ppm: the model spectrum (ascending wavelength).
    noise: mode -> (wavelength_um, sigma_ppm) at ``n_transits`` transits.
    snr: mode -> gas -> feature SNR at ``n_transits``. transits_for_5sigma: mode -> gas -> transits
    (None: not reachable). atmosphere: a JSON-ready summary (surface T, p, mixing ratios).
    provenance: opacity, stellar spectrum, profile choices. warnings: caveats in plain words.
    """

    wavelength_um: list[float]
    transit_depth_ppm: list[float]
    n_transits: int
    noise: dict[str, tuple[list[float], list[float]]]
    snr: dict[str, dict[str, float]]
    transits_for_5sigma: dict[str, dict[str, int | None]]
    atmosphere: dict[str, object]
    provenance: dict[str, str]
    warnings: tuple[str, ...] = ()


class SpectrumStage(Protocol):
    def compute(
        self,
        planet: Planet,
        *,
        surface_temperature_k: float,
        vmr: Mapping[str, float],
        surface_flux_molecules_cm2_s: Mapping[str, float],
        modes: Sequence[str],
        n_transits: int,
        background: str = "N2",
    ) -> SpectrumOutcome:
        """Atmosphere -> transmission spectrum -> JWST noise for ``planet`` (raises DomainError).

        ``background``: the bulk gas, ``"N2"`` (N2/CO2 over a surface) or ``"H2"`` (H2/He envelope).
        """
        ...


class PipelineRunRepository(Protocol):
    """Runs and per-planet results. ``add_*`` insert or replace (by id / by run and planet name)."""

    def add_run(self, run: PipelineRun) -> None: ...

    def get_run(self, run_id: str) -> PipelineRun | None: ...

    def latest_completed(self) -> PipelineRun | None:
        """The completed run updated last (None when no run has completed)."""
        ...

    def add_results(self, results: Sequence[PlanetResult]) -> None:
        """Store a chunk of results atomically (all or none)."""
        ...

    def results(
        self,
        run_id: str,
        *,
        verdicts: Sequence[Verdict] | None = None,
        offset: int = 0,
        limit: int | None = None,
    ) -> Sequence[PlanetResult]:
        """Results of a run: potential descending (planets without one last), then planet name."""
        ...

    def counts(self, run_id: str) -> dict[str, int]:
        """Number of results by verdict value."""
        ...


class ReportWriter(Protocol):
    def write(self, run: PipelineRun, results: Sequence[PlanetResult], path: str, *, top: int) -> str:
        """Write the HTML report (atomically) and return its path."""
        ...
