"""ComputeSpectrum: a planet's atmosphere, transmission/emission spectrum and JWST detectability."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from astrobio.application.ports.spectra import (
    ClimateEstimator,
    OpacitySource,
    StellarSpectrum,
    StellarSpectrumSource,
)
from astrobio.application.ports.unit_of_work import UnitOfWorkFactory
from astrobio.application.use_cases.planet_climate import STANDARD_GRAVITY_M_S2, orbital_period_days
from astrobio.domain.assessment import Assessment, assess_planet
from astrobio.domain.atmosphere import (
    LIFETIME_YR,
    Atmosphere,
    AtmosphereSpec,
    build_atmosphere,
    grey_surface_temperature_k,
    skin_temperature_k,
)
from astrobio.domain.constants import R_EARTH_M, R_SUN_M
from astrobio.domain.detectability import (
    JWST_MODES,
    Detectability,
    InstrumentMode,
    feature_snr,
    mode,
    transit_duration_h,
    transits_for_snr,
)
from astrobio.domain.errors import InsufficientData, InvalidQuantity, NotFound
from astrobio.domain.forward_model import noise_sigma_ppm
from astrobio.domain.planet import Planet
from astrobio.domain.spectrum import (
    CIA_PAIRS,
    OpacityTables,
    Spectrum,
    coverage_warnings,
    emission_flux_w_m2_um,
    extinction_per_m,
    transit_depth,
)

#: Modern Earth's well-mixed gases (dry air, NOAA 2019 CH4 and pre-industrial-ish CO2 kept round).
MODERN_EARTH_VMR: Mapping[str, float] = {
    "O2": 0.2095,
    "Ar": 0.0093,
    "CO2": 4.0e-4,
    "CH4": 1.8e-6,
    "N2O": 3.3e-7,
    "O3": 5.0e-7,
}
#: Gases whose feature SNR is reported when present.
SNR_GASES = ("H2O", "CO2", "CH4", "O2", "O3", "CO", "N2O", "NH3", "PH3")


def usable_biogenic_fluxes(
    flux_molecules_cm2_s: Mapping[str, float],
) -> tuple[dict[str, float], tuple[str, ...]]:
    """Split surface fluxes (e.g. the metabolism stage's) into those the atmosphere builder turns into
    steady states (gases with a lifetime in ``LIFETIME_YR``, net emission > 0) and the names of the rest
    (uptake, or gases without a stated lifetime), which a caller should report as ignored."""
    kept = {
        g: float(f)
        for g, f in flux_molecules_cm2_s.items()
        if g in LIFETIME_YR and math.isfinite(f) and f > 0
    }
    return kept, tuple(sorted(set(flux_molecules_cm2_s) - set(kept)))


@dataclass(frozen=True, slots=True, kw_only=True)
class AtmosphereOptions:
    """The atmosphere to model; every field has a default (modern-Earth-like, 1 bar N2).

    ``surface_temperature_k`` None: the climate surrogate's estimate, else the grey approximation.
    ``vmr`` None: :data:`MODERN_EARTH_VMR`.
    """

    surface_temperature_k: float | None = None
    surface_pressure_bar: float = 1.0
    background: str = "N2"
    vmr: Mapping[str, float] | None = None
    surface_flux_molecules_cm2_s: Mapping[str, float] = field(default_factory=dict)
    relative_humidity_scale: float = 1.0
    cloud_top_pressure_bar: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ComputeSpectrumCommand:
    """Either ``planet_name`` (read from the catalog) or ``planet``; ``modes`` empty = every JWST mode."""

    planet_name: str | None = None
    planet: Planet | None = None
    atmosphere: AtmosphereOptions = field(default_factory=AtmosphereOptions)
    modes: tuple[str, ...] = ()
    n_transits: int = 1
    wavelength_min_um: float = 0.6
    wavelength_max_um: float = 12.0
    n_layers: int = 60
    emission: bool = True
    use_climate_model: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class SpectrumResult:
    planet_name: str
    atmosphere: Atmosphere
    spectrum: Spectrum
    detectability: tuple[Detectability, ...]
    warnings: tuple[str, ...] = ()


class ComputeSpectrum:
    """Transmission and emission spectrum of a planet, with JWST noise per instrument mode.

    Rules: the planet comes from the catalog by name or is given in full; radius, stellar Teff and
    radius are required, mass is estimated from the radius when missing. The surface temperature is
    the one given, else the active climate surrogate's estimate (rocky planets in its training range),
    else a grey radiative estimate from T_eq (Bond albedo 0.3, tau_IR 0.86); the source is recorded in
    the provenance, as is the stellar spectrum's (PHOENIX grid / observed template / blackbody).
    Detectability needs the star's distance and the orbit (for the transit duration); without them the
    spectrum is returned with a warning and no noise. Unknown modes and unphysical atmospheres are
    refused naming the field.
    """

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        opacity: OpacitySource,
        stellar: StellarSpectrumSource,
        climate: Callable[[], ClimateEstimator] | None = None,
    ) -> None:
        self._uow_factory = uow_factory
        self._opacity = opacity
        self._stellar = stellar
        self._climate = climate

    def _planet(self, command: ComputeSpectrumCommand) -> Planet:
        if command.planet is not None:
            return command.planet
        if not command.planet_name:
            raise InvalidQuantity("give a planet name or a planet", field="planet")
        with self._uow_factory() as uow:
            planet = uow.planets.get(command.planet_name)
        if planet is None:
            raise NotFound(f"planet {command.planet_name!r} not found", field="name")
        return planet

    def _surface_temperature(
        self, planet: Planet, assessment: Assessment, opts: AtmosphereOptions, use_model: bool
    ) -> tuple[float, str, str | None]:
        """Surface temperature, its source, and the climate surrogate's id when it gave it."""
        if opts.surface_temperature_k is not None:
            return opts.surface_temperature_k, "given", None
        if use_model and self._climate is not None:
            try:
                est = self._climate().estimate([(planet, assessment)]).get(planet.name)
            except (InsufficientData, NotFound, InvalidQuantity):
                est = None
            if est is not None:
                return (
                    est.ts_k,
                    f"climate surrogate {est.model_id} ({est.ts_k:.1f} +/- {est.ts_sigma_k:.1f} K)",
                    est.model_id,
                )
        ts = grey_surface_temperature_k(assessment.teq_k)
        return ts, f"grey radiative estimate from T_eq={assessment.teq_k:.1f} K (A=0.3, tau_IR=0.86)", None

    def execute(self, command: ComputeSpectrumCommand) -> SpectrumResult:
        if command.n_transits < 1:
            raise InvalidQuantity("number of transits must be >= 1", field="n_transits")
        if not 0 < command.wavelength_min_um < command.wavelength_max_um:
            raise InvalidQuantity("wavelength range must be increasing and > 0", field="wavelength_um")
        modes = [mode(m) for m in (command.modes or tuple(JWST_MODES))]
        planet = self._planet(command)
        assessment = assess_planet(planet)
        star = planet.star
        assert star.radius_sun is not None and star.teff_k is not None  # assess_planet requires them
        opts = command.atmosphere
        ts, ts_source, climate_model = self._surface_temperature(
            planet, assessment, opts, command.use_climate_model
        )
        mass = assessment.mass_earth
        if mass is None:
            raise InsufficientData("planet mass is required for gravity", field="mass_earth")
        gravity = STANDARD_GRAVITY_M_S2 * mass / assessment.radius_earth**2
        try:
            spec = AtmosphereSpec(
                surface_temperature_k=ts,
                surface_pressure_bar=opts.surface_pressure_bar,
                stratosphere_temperature_k=min(skin_temperature_k(assessment.teq_k), ts),
                background=opts.background,
                vmr=dict(MODERN_EARTH_VMR if opts.vmr is None else opts.vmr),
                surface_flux_molecules_cm2_s=dict(opts.surface_flux_molecules_cm2_s),
                relative_humidity_scale=opts.relative_humidity_scale,
                cloud_top_pressure_bar=opts.cloud_top_pressure_bar,
            )
        except InvalidQuantity as exc:  # name the field as the caller spelled it
            raise InvalidQuantity(exc.message, field=f"atmosphere.{exc.field}") from exc
        try:
            atm = build_atmosphere(
                spec,
                gravity_m_s2=gravity,
                radius_m=assessment.radius_earth * R_EARTH_M,
                n_layers=command.n_layers,
            )
        except InvalidQuantity as exc:
            field = exc.field if exc.field == "n_layers" else f"atmosphere.{exc.field}"
            raise InvalidQuantity(exc.message, field=field) from exc
        lo = min([command.wavelength_min_um] + [m.wavelength_min_um for m in modes])
        hi = max([command.wavelength_max_um] + [m.wavelength_max_um for m in modes])
        tables = self._opacity.tables().window(lo, hi)
        wl = tables.wavelength_um
        rs_m = star.radius_sun * R_SUN_M
        alpha = extinction_per_m(atm, tables)
        depth = transit_depth(atm, tables, rs_m, alpha_per_m=alpha) * 1e6
        stellar = self._stellar.spectrum_for(star)
        warnings = list(assessment.warnings) + list(coverage_warnings(atm, tables))
        contrast = None
        if stellar is not None and command.emission:
            fs = _stellar_on(wl, stellar)
            fp = emission_flux_w_m2_um(atm, tables, alpha_per_m=alpha)
            contrast = fp / np.maximum(fs, 1e-300) * (atm.radius_m / rs_m) ** 2 * 1e6
        order = np.argsort(wl)
        prov = {
            "opacity": tables.source,
            **({"opacity_sha256": tables.sha256} if tables.sha256 else {}),
            "surface_temperature": ts_source,
            **({"climate_model": climate_model} if climate_model else {}),
            **table_methods(atm, tables),
            "stellar_spectrum": stellar.provenance if stellar is not None else "none",
            **{f"atmosphere.{k}": v for k, v in atm.provenance.items()},
        }
        spectrum = Spectrum(
            wavelength_um=wl[order],
            transit_depth_ppm=depth[order],
            emission_contrast_ppm=None if contrast is None else contrast[order],
            provenance=prov,
        )
        dets = self._detectability(
            planet, assessment, atm, tables, depth, stellar, modes, command.n_transits, warnings
        )
        return SpectrumResult(
            planet_name=planet.name,
            atmosphere=atm,
            spectrum=spectrum,
            detectability=dets,
            warnings=tuple(warnings),
        )

    def _detectability(
        self,
        planet: Planet,
        assessment: Assessment,
        atm: Atmosphere,
        tables: OpacityTables,
        depth_ppm: np.ndarray,
        stellar: StellarSpectrum | None,
        modes: list[InstrumentMode],
        n_transits: int,
        warnings: list[str],
    ) -> tuple[Detectability, ...]:
        star = planet.star
        period = orbital_period_days(planet, assessment)
        if stellar is None or star.distance_pc is None or period is None:
            warnings.append("no detectability: needs the star's distance, spectrum and the orbital period")
            return ()
        assert star.radius_sun is not None
        t14 = transit_duration_h(
            period, assessment.semi_major_axis_au, star.radius_sun, assessment.radius_earth
        )
        wl = tables.wavelength_um
        fs = _stellar_on(wl, stellar)
        rs_m = star.radius_sun * R_SUN_M
        deltas: dict[str, np.ndarray] = {}
        for gas in SNR_GASES:
            if gas in atm.vmr and gas in tables.species and float(np.max(atm.vmr[gas])) > 0:
                without = transit_depth(atm, tables, rs_m, exclude=(gas,)) * 1e6
                deltas[gas] = depth_ppm - without
        order = np.argsort(wl)
        out = []
        for m in modes:
            sigma1 = noise_sigma_ppm(
                wl,
                fs,
                star_radius_sun=star.radius_sun,
                distance_pc=star.distance_pc,
                transit_duration_h=t14,
                mode=m,
                n_transits=1,
            )
            phot1 = np.sqrt(np.maximum(sigma1**2 - m.noise_floor_ppm**2, 0.0))
            inside = np.isfinite(sigma1)
            snr = {
                g: feature_snr(d[inside], phot1[inside], m.noise_floor_ppm, n_transits)
                for g, d in deltas.items()
            }
            need = {
                g: transits_for_snr(d[inside], phot1[inside], m.noise_floor_ppm) for g, d in deltas.items()
            }
            keep = order[inside[order]]
            sigma_n = np.sqrt(phot1[keep] ** 2 / n_transits + m.noise_floor_ppm**2)
            out.append(
                Detectability(
                    mode=m.name,
                    n_transits=n_transits,
                    wavelength_um=wl[keep],
                    sigma_ppm=sigma_n,
                    transit_duration_h=t14,
                    snr=snr,
                    transits_for_5sigma=need,
                )
            )
        return tuple(out)


def table_methods(atm: Atmosphere, tables: OpacityTables) -> dict[str, str]:
    """``opacity.<gas>`` / ``opacity.cia.<pair>`` -> source and method of each table the spectrum used."""
    out: dict[str, str] = {}
    for gas in tables.species:
        if gas in atm.vmr and gas in tables.methods and float(np.max(atm.vmr[gas])) > 0:
            out[f"opacity.{gas}"] = tables.methods[gas]
    for name, a, b in CIA_PAIRS:
        key = f"cia.{name}"
        partners = ("N2", "O2", "Ar") if b == "air" else (b,)
        if key in tables.methods and a in atm.vmr and any(g in atm.vmr for g in partners):
            out[f"opacity.{key}"] = tables.methods[key]
    return out


def _stellar_on(wavelength_um: np.ndarray, stellar: StellarSpectrum) -> np.ndarray:
    """Stellar surface flux interpolated (in log) at the model's bin centres."""
    f = np.maximum(stellar.flux_w_m2_um, 1e-300)
    out = np.exp(np.interp(np.log(wavelength_um), np.log(stellar.wavelength_um), np.log(f)))
    if not np.all(np.isfinite(out)) or math.isnan(float(out.sum())):
        raise InvalidQuantity(
            "stellar spectrum does not cover the model wavelengths", field="stellar_spectrum"
        )
    return np.asarray(out)
