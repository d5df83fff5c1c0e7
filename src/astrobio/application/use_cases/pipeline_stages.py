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
from astrobio.application.use_cases.potential_uncertainty import (
    DEFAULT_DRAWS,
    draw_input,
    with_uncertainty,
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
from astrobio.domain.biosphere_flux import par_umol_m2_s
from astrobio.domain.composition import background_gas
from astrobio.domain.errors import DomainError
from astrobio.domain.jwst_feasibility import PROGRAMME_TRANSITS, ecliptic_latitude_deg, programme_reach
from astrobio.domain.photochemistry import (
    photochemical_lifetimes_yr,
    steady_state_mixing_ratios,
    stellar_uv_for,
)
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
#: Sun-like star assumed when the catalog gives no Teff (PAR and UV then follow the Sun's spectrum).
SUN_TEFF_K = 5772.0


def one_atmosphere(
    fluxes: BiogenicFluxes, *, teff_k: float, insolation_earth: float, gravity_m_s2: float = 9.81
) -> tuple[dict[str, float], dict[str, Any]]:
    """One atmospheric state from the biosphere that runs: oxic (O2, O3) only with an oxygenic
    producer, else anoxic; CH4 / N2O at the steady state of their surface fluxes with lifetimes from
    the star's UV and that state (:mod:`astrobio.domain.photochemistry`). Returns the mixing ratios
    and a JSON-ready summary (state, lifetimes)."""
    star, sun = stellar_uv_for(teff_k), stellar_uv_for(SUN_TEFF_K)
    tau = photochemical_lifetimes_yr(star, sun, oxic=fluxes.oxygenic, insolation_earth=insolation_earth)
    x = steady_state_mixing_ratios(fluxes.flux_molecules_cm2_s, tau, gravity_m_s2=gravity_m_s2)
    vmr = dict(ABIOTIC_VMR) | (dict(OXYGENIC_VMR) if fluxes.oxygenic else {})
    vmr |= {g: v for g, v in x.items() if v > 0}
    summary = {"state": "oxic" if fluxes.oxygenic else "anoxic", "stellar_uv": star.label,
               "lifetimes_yr": {g: _r(v) for g, v in tau.items()}, "vmr": {g: _r(v) for g, v in x.items()}}
    return vmr, summary


class FixedEarthFluxes(MetabolismStage):
    """The documented fallback biosphere: modern Earth's fluxes whatever the planet."""

    def fluxes(
        self, *, temperature_k: float, pressure_bar: float, photon_flux_umol_m2_s: float
    ) -> BiogenicFluxes:
        return BiogenicFluxes(
            flux_molecules_cm2_s=dict(MODERN_EARTH_BIOGENIC_FLUX),
            oxygenic=True,
            source="fixed modern-Earth biogenic fluxes (CH4 1.3e11, N2O 2.3e9 cm-2 s-1; O2 21%)",
            limits={"ch4": "fixed modern-Earth flux", "o2": "fixed modern-Earth oxygenic biosphere"},
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
        "composition": None if a.composition is None else {
            c.value: _r(p) for c, p in a.composition.as_dict().items()} | {"basis": a.composition.basis},
        "atmosphere_background": None if a.composition is None else background_gas(a.composition),
        "esi": _r(a.esi),
        "runaway_flux_earth": None if a.runaway_flux_earth is None else _r(a.runaway_flux_earth),
        "in_runaway": a.in_runaway,
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
    max_transits: int = PROGRAMME_TRANSITS  # programme cap on co-added transits per target
    n_draws: int = DEFAULT_DRAWS  # Monte Carlo draws per modelled planet


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
        drawn = []
        for planet, a in candidates:
            result = self._model(run_id, planet, a, estimates.get(planet.name), climate_note, options, refs)
            if result.verdict is Verdict.MODELLED:
                drawn.append((result, draw_input(planet, a, result, _reach(planet, options))))
            else:
                out.append(result)
        out.extend(with_uncertainty(drawn, run_id=run_id, n_draws=options.n_draws))
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

    def _fluxes(
        self, ts_k: float, a: Assessment, options: StageOptions, teff_k: float = SUN_TEFF_K
    ) -> tuple[BiogenicFluxes, bool]:
        """The fluxes and whether FBA (the metabolic models) produced them; PAR from the star's Teff."""
        par = par_umol_m2_s(teff_k=teff_k, insolation_earth=a.insolation_earth)
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
                limits={"ch4": "fixed modern-Earth flux (FBA unavailable)"},
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
                if est.answered_by:  # the emulator itself, or its EBM prior outside the training domain
                    prov["climate_answered_by"] = est.answered_by
                    prov["climate_ood_distance"] = est.ood_distance
                    source = f"{source} ({est.answered_by}, OOD distance {est.ood_distance:.2f})"
            else:
                ts, sigma = grey_surface_temperature_k(a.teq_k), GREY_SURFACE_SIGMA_K
                source = ("grey radiative estimate (A=0.3, tau_IR=0.86), sigma 21.6 K (RMSE vs the GCM runs)"
                          + climate_note)
            prov["climate"] = source
            teff = planet.star.teff_k or SUN_TEFF_K
            fluxes, used_fba = self._fluxes(ts, a, options, teff)
            prov["metabolism"] = fluxes.source
            if used_fba:
                models.extend(str(m) for m in refs.get("metabolic_models", ()))
            gravity = 9.81
            if a.mass_earth is not None and a.radius_earth > 0:
                gravity = 9.81 * a.mass_earth / a.radius_earth**2
            vmr, air = one_atmosphere(fluxes, teff_k=teff, insolation_earth=a.insolation_earth,
                                      gravity_m_s2=gravity)
            spec = self._spectrum().compute(
                planet,
                surface_temperature_k=ts,
                vmr=vmr,  # CH4 / N2O already at their photochemical steady state (one_atmosphere)
                surface_flux_molecules_cm2_s=fluxes.flux_molecules_cm2_s,
                modes=options.modes,
                n_transits=options.n_transits,
                # H2/He when the composition calls for an envelope (the N2 default is not passed)
                **({"background": "H2"} if summary.get("atmosphere_background") == "H2" else {}),
            )
            pot = biosignature_potential(
                a,
                surface_temperature_k=ts,
                surface_temperature_sigma_k=sigma,
                snr=spec.snr,
                transits_for_5sigma=spec.transits_for_5sigma,
                n_transits=options.n_transits,
                max_transits=_reach(planet, options),
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
                "limits": dict(fluxes.limits),
                "atmosphere_state": air,
            },
            "atmosphere": spec.atmosphere,
            "spectrum": {
                "wavelength_um": [_r(x) for x in spec.wavelength_um],
                "transit_depth_ppm": [_r(x) for x in spec.transit_depth_ppm],
            },
            "detectability": _detectability(spec, pot.best_mode, options, pot.saturated_modes),
            "potential": {
                "p_surface": _r(pot.p_surface),
                "p_liquid_water": _r(pot.p_liquid_water),
                "best_gas": pot.best_gas,
                "best_mode": pot.best_mode,
                "best_snr": _r(pot.best_snr),
                "effective_snr": _r(pot.effective_snr),
                "biogenic_detectability": _r(pot.biogenic_detectability),
                "accessibility": _r(pot.accessibility),
                "atmosphere_gas": pot.atmosphere_gas,
                "atmosphere_snr": _r(pot.atmosphere_snr),
                "transits_used": pot.transits_used,
                "transits_for_5sigma": pot.transits_for_5sigma,
                "reaches_5sigma": pot.reaches_5sigma,
                "max_transits": _reach(planet, options),
                "saturated_modes": list(pot.saturated_modes),
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
            certainty=None,
            summary=summary,
            stages=stages,
            provenance=prov,
        )


def _reach(planet: Planet, options: StageOptions) -> float:
    """Transits a programme can co-add for ``planet`` (cap, field-of-regard windows over its period)."""
    beta = None
    if planet.ra_deg is not None and planet.dec_deg is not None:
        beta = ecliptic_latitude_deg(planet.ra_deg, planet.dec_deg)
    return programme_reach(planet.orbital_period_days, beta, cap=options.max_transits)


def _detectability(
    spec: SpectrumOutcome, best_mode: str | None, options: StageOptions, saturated: Sequence[str] = ()
) -> dict[str, Any]:
    """SNRs and transits for every mode; the noise curve of the best mode (else the first) for the plots.

    ``best`` is the best biogenic feature in a mode the star does not saturate (``saturated`` listed).
    """
    shown = best_mode if best_mode in spec.noise else next(iter(spec.noise), None)
    noise: dict[str, Any] = {}
    if shown is not None:
        wl, sigma = spec.noise[shown]
        noise = {"mode": shown, "wavelength_um": [_r(x) for x in wl], "sigma_ppm": [_r(x) for x in sigma]}
    usable = {m: v for m, v in spec.snr.items() if m not in saturated}
    gas, mode_name, best_snr = best_biogenic_feature(usable)
    n = None if gas is None or mode_name is None else spec.transits_for_5sigma.get(mode_name, {}).get(gas)
    return {
        "n_transits": spec.n_transits,
        "modes": list(options.modes),
        "snr": {m: {g: _r(v) for g, v in s.items()} for m, s in spec.snr.items()},
        "transits_for_5sigma": spec.transits_for_5sigma,
        "noise": noise,
        "best": {"gas": gas, "mode": mode_name, "snr": _r(best_snr), "transits": n},
        "saturated_modes": list(saturated),
    }
