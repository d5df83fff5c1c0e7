"""Planets through climate -> metabolism -> atmosphere -> spectrum -> detectability -> potential."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from astrobio.application.ports.pipeline import (
    BiogenicFluxes,
    ClimateStage,
    MetabolismStage,
    SpectrumOutcome,
    SpectrumStage,
)
from astrobio.domain.assessment import Assessment, assess_planet
from astrobio.domain.atmosphere import grey_surface_temperature_k
from astrobio.domain.biosignature_ranking import (
    GREY_SURFACE_SIGMA_K,
    PotentialWeights,
    Verdict,
    best_biogenic_feature,
    biosignature_potential,
    screen,
)
from astrobio.domain.errors import DomainError
from astrobio.domain.photometry import ColourSequence
from astrobio.domain.pipeline_run import PlanetResult
from astrobio.domain.planet import Planet
from astrobio.domain.ranking import ClimateEstimate

#: Modern Earth's net biogenic surface fluxes, molecules cm^-2 s^-1: CH4 ~550 Tg/yr total emissions
#: (Saunois et al. 2020, ESSD 12, 1561) -> 1.3e11; N2O ~17 Tg N/yr (Tian et al. 2020, Nature 586,
#: 248) -> 2.3e9. With the atmosphere's one-box lifetimes (9.1 yr, 109 yr) they give Earth's
#: 1.8 ppm CH4 and ~0.33 ppm N2O; O2 (photosynthesis) is kept at its modern 21 %.
MODERN_EARTH_BIOGENIC_FLUX: Mapping[str, float] = {"CH4": 1.3e11, "N2O": 2.3e9}
#: Well-mixed abiotic gases every modelled atmosphere carries (modern Earth, 1 bar N2 background).
ABIOTIC_VMR: Mapping[str, float] = {"CO2": 4.0e-4, "Ar": 0.0093}
#: Added when the biosphere is oxygenic: modern O2, and O3 at its column-mean mixing ratio.
OXYGENIC_VMR: Mapping[str, float] = {"O2": 0.2095, "O3": 5.0e-7}
#: Photosynthetically active photon flux at Earth's surface, annual global mean (~25 mol m^-2 d^-1),
#: scaled by instellation (the star's spectral shape is ignored: a documented simplification).
EARTH_MEAN_PAR_UMOL_M2_S = 300.0


class FixedEarthFluxes(MetabolismStage):
    """The documented fallback biosphere: modern Earth's fluxes whatever the planet."""

    def fluxes(
        self, *, temperature_k: float, pressure_bar: float, photon_flux_umol_m2_s: float
    ) -> BiogenicFluxes:
        return BiogenicFluxes(
            flux_molecules_cm2_s=dict(MODERN_EARTH_BIOGENIC_FLUX),
            oxygenic=True,
            source="fixed modern-Earth biogenic fluxes (CH4 1.3e11, N2O 2.3e9 cm-2 s-1; O2 21%)",
        )


def _r(x: float) -> float:
    return float(f"{x:.5g}")


def summary_of(a: Assessment, planet: Planet) -> dict[str, Any]:
    """The assessment numbers every result keeps (the report's HZ diagram reads them)."""
    return {
        "teff_k": planet.star.teff_k,
        "insolation_earth": _r(a.insolation_earth),
        "radius_earth": _r(a.radius_earth),
        "mass_earth": None if a.mass_earth is None else _r(a.mass_earth),
        "planet_class": a.planet_class.value,
        "teq_k": _r(a.teq_k),
        "in_conservative_hz": a.in_conservative_hz,
        "in_optimistic_hz": a.in_optimistic_hz,
        "hz_valid": a.hz.valid,
        "tsm": None if a.tsm is None else _r(a.tsm),
        "distance_pc": a.distance_pc,
        "transits": a.transits,
    }


@dataclass(frozen=True, slots=True, kw_only=True)
class StageOptions:
    modes: tuple[str, ...]
    n_transits: int
    metabolism: str  # "fba" or "fixed"
    weights: PotentialWeights


class PlanetPipeline:
    """Carry planets through every stage; a planet that fails is recorded and the others go on.

    Rules: unassessable planets and those :func:`~astrobio.domain.biosignature_ranking.screen` turns
    away get their verdict and no spectrum; the rest get the surrogate's surface temperature (one
    batch per chunk) or, outside its coverage, the grey estimate with a 20 K sigma; metabolism from
    FBA (``"fba"``) falling back to the fixed modern-Earth fluxes when it cannot run, or the fixed
    fluxes directly (``"fixed"``); then atmosphere, spectrum, detectability and the potential.
    Any error inside a planet's chain fails that planet only, with its message.

    Each result's provenance references its run's (``refs``): the catalog dataset version
    (``catalog_version``) and ``models``, the ids of the checkpoints this planet used (the climate
    surrogate; the metabolic models when FBA produced its fluxes). Versions and details of those
    models live once, on the run.
    """

    def __init__(
        self,
        *,
        colours: ColourSequence | None,
        climate: Callable[[], ClimateStage],
        metabolism: Callable[[], MetabolismStage],
        spectrum: Callable[[], SpectrumStage],
        code_version: str,
    ) -> None:
        self._colours = colours
        self._climate = climate
        self._metabolism = metabolism
        self._metabolism_stage: MetabolismStage | None = None  # resolved once: its cache lives per pipeline
        self._fixed = FixedEarthFluxes()
        self._spectrum = spectrum
        self._code_version = code_version

    def run(
        self,
        run_id: str,
        planets: Sequence[Planet],
        options: StageOptions,
        refs: Mapping[str, Any] | None = None,
    ) -> list[PlanetResult]:
        out: list[PlanetResult] = []
        candidates: list[tuple[Planet, Assessment]] = []
        refs = refs or {}
        for planet in planets:
            base = self._base(planet, refs)
            try:
                a = assess_planet(planet, self._colours)
            except DomainError as exc:
                reason = f"missing {exc.field}" if exc.field else exc.message
                out.append(
                    PlanetResult(
                        run_id=run_id,
                        planet_name=planet.name,
                        verdict=Verdict.INSUFFICIENT_DATA,
                        stages={"screening": reason},
                        provenance=base,
                    )
                )
                continue
            verdict = screen(a)
            if verdict is Verdict.MODELLED:
                candidates.append((planet, a))
            else:
                out.append(
                    PlanetResult(
                        run_id=run_id,
                        planet_name=planet.name,
                        verdict=verdict,
                        summary=summary_of(a, planet),
                        provenance=base,
                    )
                )
        estimates, climate_note = self._estimates(candidates)
        for planet, a in candidates:
            out.append(
                self._model(run_id, planet, a, estimates.get(planet.name), climate_note, options, refs)
            )
        return out

    def _base(self, planet: Planet, refs: Mapping[str, Any]) -> dict[str, Any]:
        prov: dict[str, Any] = {"code_version": self._code_version, "catalog": planet.source}
        if refs.get("catalog_version"):
            prov["catalog_version"] = refs["catalog_version"]
        return prov

    def _estimates(
        self, candidates: Sequence[tuple[Planet, Assessment]]
    ) -> tuple[Mapping[str, ClimateEstimate], str]:
        if not candidates:
            return {}, ""
        try:
            return self._climate().estimate(candidates), ""
        except DomainError as exc:  # no active surrogate: every planet falls back to the grey estimate
            return {}, f" (climate surrogate unavailable: {exc.message})"

    def _fluxes(self, ts_k: float, a: Assessment, options: StageOptions) -> tuple[BiogenicFluxes, bool]:
        """The fluxes and whether FBA (the metabolic models) produced them."""
        par = EARTH_MEAN_PAR_UMOL_M2_S * a.insolation_earth
        if options.metabolism == "fixed":
            return self._fixed.fluxes(temperature_k=ts_k, pressure_bar=1.0, photon_flux_umol_m2_s=par), False
        try:
            if self._metabolism_stage is None:
                self._metabolism_stage = self._metabolism()
            fba = self._metabolism_stage.fluxes(
                temperature_k=ts_k, pressure_bar=1.0, photon_flux_umol_m2_s=par
            )
            return fba, True
        except Exception as exc:
            fixed = self._fixed.fluxes(temperature_k=ts_k, pressure_bar=1.0, photon_flux_umol_m2_s=par)
            msg = exc.message if isinstance(exc, DomainError) else f"{type(exc).__name__}: {exc}"
            return BiogenicFluxes(
                flux_molecules_cm2_s=fixed.flux_molecules_cm2_s,
                oxygenic=fixed.oxygenic,
                source=f"{fixed.source}; FBA unavailable: {msg}",
            ), False

    def _model(
        self,
        run_id: str,
        planet: Planet,
        a: Assessment,
        est: ClimateEstimate | None,
        climate_note: str,
        options: StageOptions,
        refs: Mapping[str, Any],
    ) -> PlanetResult:
        summary = summary_of(a, planet)
        prov = self._base(planet, refs)
        models: list[str] = []
        prov["models"] = models
        try:
            if est is not None:
                ts, sigma, source = est.ts_k, est.ts_sigma_k, f"climate surrogate {est.model_id}"
                prov["climate_model"] = est.model_id
                models.append(est.model_id)
            else:
                ts, sigma = grey_surface_temperature_k(a.teq_k), GREY_SURFACE_SIGMA_K
                source = "grey radiative estimate (A=0.3, tau_IR=0.86), sigma 20 K" + climate_note
            prov["climate"] = source
            fluxes, used_fba = self._fluxes(ts, a, options)
            prov["metabolism"] = fluxes.source
            if used_fba:
                models.extend(str(m) for m in refs.get("metabolic_models", ()))
            vmr = dict(ABIOTIC_VMR) | (dict(OXYGENIC_VMR) if fluxes.oxygenic else {})
            spec = self._spectrum().compute(
                planet,
                surface_temperature_k=ts,
                vmr=vmr,
                surface_flux_molecules_cm2_s=fluxes.flux_molecules_cm2_s,
                modes=options.modes,
                n_transits=options.n_transits,
            )
            pot = biosignature_potential(
                a,
                surface_temperature_k=ts,
                surface_temperature_sigma_k=sigma,
                snr=spec.snr,
                weights=options.weights,
            )
        except Exception as exc:
            msg = exc.message if isinstance(exc, DomainError) else f"{type(exc).__name__}: {exc}"
            return PlanetResult(
                run_id=run_id,
                planet_name=planet.name,
                verdict=Verdict.FAILED,
                summary=summary,
                provenance=prov,
                error=msg,
            )
        prov.update({f"spectrum.{k}": v for k, v in spec.provenance.items()})
        stages = {
            "climate": {"ts_k": _r(ts), "ts_sigma_k": _r(sigma), "source": source},
            "metabolism": {
                "flux_molecules_cm2_s": {k: _r(v) for k, v in fluxes.flux_molecules_cm2_s.items()},
                "oxygenic": fluxes.oxygenic,
                "source": fluxes.source,
                "details": fluxes.details,
            },
            "atmosphere": spec.atmosphere,
            "spectrum": {
                "wavelength_um": [_r(x) for x in spec.wavelength_um],
                "transit_depth_ppm": [_r(x) for x in spec.transit_depth_ppm],
            },
            "detectability": _detectability(spec, pot.best_mode, options),
            "potential": {
                "p_liquid_water": _r(pot.p_liquid_water),
                "best_gas": pot.best_gas,
                "best_mode": pot.best_mode,
                "best_snr": _r(pot.best_snr),
            },
            "warnings": list(spec.warnings),
        }
        return PlanetResult(
            run_id=run_id,
            planet_name=planet.name,
            verdict=Verdict.MODELLED,
            potential=min(1.0, max(0.0, pot.total)),
            habitability=pot.habitability,
            detectability=pot.detectability,
            certainty=pot.certainty,
            summary=summary,
            stages=stages,
            provenance=prov,
        )


def _detectability(spec: SpectrumOutcome, best_mode: str | None, options: StageOptions) -> dict[str, Any]:
    """SNRs and transits for every mode; the noise curve of the best mode (else the first) for the plots."""
    shown = best_mode if best_mode in spec.noise else next(iter(spec.noise), None)
    noise: dict[str, Any] = {}
    if shown is not None:
        wl, sigma = spec.noise[shown]
        noise = {"mode": shown, "wavelength_um": [_r(x) for x in wl], "sigma_ppm": [_r(x) for x in sigma]}
    gas, mode_name, best_snr = best_biogenic_feature(spec.snr)
    n = None if gas is None or mode_name is None else spec.transits_for_5sigma.get(mode_name, {}).get(gas)
    return {
        "n_transits": spec.n_transits,
        "modes": list(options.modes),
        "snr": {m: {g: _r(v) for g, v in s.items()} for m, s in spec.snr.items()},
        "transits_for_5sigma": spec.transits_for_5sigma,
        "noise": noise,
        "best": {"gas": gas, "mode": mode_name, "snr": _r(best_snr), "transits": n},
    }
