"""SimulatePlanetBiosphere: a stored planet's biosphere and steady-state atmosphere, by name."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from astrobio.application.ports.pipeline import BiogenicFluxes, ClimateStage
from astrobio.application.use_cases.metabolism import (
    BiosphereSimulation,
    SimulateMetabolism,
    SimulateMetabolismCommand,
)
from astrobio.application.use_cases.pipeline_stages import SUN_TEFF_K, one_atmosphere
from astrobio.application.use_cases.planets import GetPlanet
from astrobio.domain.assessment import assess_planet
from astrobio.domain.atmosphere import grey_surface_temperature_k
from astrobio.domain.biosignature_ranking import GREY_SURFACE_SIGMA_K
from astrobio.domain.biosphere_flux import DEFAULT_H2_OUTGASSING, par_umol_m2_s
from astrobio.domain.errors import DomainError
from astrobio.domain.metabolism_environment import PlanetEnvironment
from astrobio.domain.photometry import ColourSequence

#: The surface every catalog planet's biosphere is grown in, as the pipeline does: 1 bar of N2 with
#: 1 % CO2, H2 from geological outgassing (default 1e10 cm^-2 s^-1), no O2 unless a producer makes it.
PLANET_PARTIAL_PRESSURES_BAR = {"n2": 0.99, "co2": 0.01}
SURFACE_PRESSURE_BAR = 1.0


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanetBiosphere:
    """A planet's environment (and where its temperature came from), biosphere and atmosphere."""

    planet_name: str
    environment: PlanetEnvironment
    climate_source: str
    surface_temperature_sigma_k: float
    insolation_earth: float
    teff_k: float
    simulation: BiosphereSimulation
    atmosphere: dict[str, Any]


class SimulatePlanetBiosphere:
    """Grow the stored models on a catalog planet, by name, as the pipeline does.

    Rules: the planet comes from the catalog (404 when unknown) and is assessed (instellation,
    T_eq); its surface temperature is the climate surrogate's estimate, else the grey radiative
    estimate (A = 0.3, tau_IR = 0.86, sigma 20 K); the surface is 1 bar of N2 with 1 % CO2 and H2
    outgassing at ``h2_outgassing`` (default 1e10 cm^-2 s^-1); PAR is the global-mean surface
    photon flux of a Planck star at the host's Teff (the Sun's when unknown) at the planet's
    instellation. The biosphere's fluxes are supply-, energy- and light-limited (see
    :class:`SimulateMetabolism`); the atmosphere is oxic only when an oxygenic producer grows, and
    CH4 / N2O sit at their photochemical steady state for the host star's UV.
    """

    def __init__(self, planets: GetPlanet, colours: Callable[[], ColourSequence | None],
                 climate: Callable[[], ClimateStage], simulate: SimulateMetabolism) -> None:
        self._planets, self._colours, self._climate, self._simulate = planets, colours, climate, simulate

    def execute(self, planet_name: str, *, model_ids: Sequence[str] | None = None,
                h2_outgassing: float = DEFAULT_H2_OUTGASSING) -> PlanetBiosphere:
        planet = self._planets.execute(planet_name)
        a = assess_planet(planet, self._colours())
        try:
            est = self._climate().estimate([(planet, a)]).get(planet.name)
        except DomainError:
            est = None
        if est is not None:
            ts, sigma, source = est.ts_k, est.ts_sigma_k, f"climate surrogate {est.model_id}"
        else:
            ts, sigma = grey_surface_temperature_k(a.teq_k), GREY_SURFACE_SIGMA_K
            source = "grey radiative estimate (A=0.3, tau_IR=0.86), sigma 20 K"
        teff = planet.star.teff_k or SUN_TEFF_K
        par = par_umol_m2_s(teff_k=teff, insolation_earth=a.insolation_earth)
        env = PlanetEnvironment(temperature_k=ts, pressure_bar=SURFACE_PRESSURE_BAR,
                                partial_pressures_bar=dict(PLANET_PARTIAL_PRESSURES_BAR),
                                photon_flux_umol_m2_s=par, h2_outgassing_molecules_cm2_s=h2_outgassing)
        sim = self._simulate.simulate(SimulateMetabolismCommand(environment=env, model_ids=model_ids))
        bio = sim.biosphere
        names = {"ch4": "CH4", "n2o": "N2O"}
        fluxes = BiogenicFluxes(
            flux_molecules_cm2_s={n: max(0.0, bio.flux_molecules_cm2_s.get(k, 0.0))
                                  for k, n in names.items()},
            oxygenic=bio.oxygenic, source="supply-limited FBA biosphere", limits=dict(bio.limits))
        gravity = 9.81 * a.mass_earth / a.radius_earth**2 if a.mass_earth and a.radius_earth > 0 else 9.81
        vmr, air = one_atmosphere(fluxes, teff_k=teff, insolation_earth=a.insolation_earth,
                                  gravity_m_s2=gravity)
        air["surface_vmr"] = vmr
        return PlanetBiosphere(planet_name=planet.name, environment=env, climate_source=source,
                               surface_temperature_sigma_k=sigma, insolation_earth=a.insolation_earth,
                               teff_k=teff, simulation=sim, atmosphere=air)
